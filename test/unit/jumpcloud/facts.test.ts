import { expect } from 'chai';
import type { AxiosInstance } from 'axios';
import { JUMPCLOUD_FACTS } from '../../../src/jumpcloud/facts.js';
import { kindForStatus } from '../../../src/jumpcloud/failure-kinds.js';
import { startStack } from '../../e2e/stack.js';
import { EMULATOR_RULES, type EmulatorModes } from '../../../src/emulator/index.js';
import { checkUsername, windowsUsernameWarning } from '../../../src/mapping/usernames.js';
import { DOCTOR_PROBES } from '../../../src/doctor/unknown-probes.js';
import { createGroup, createUser, startEmulator, type Harness } from '../../emulator/emulator-harness.js';

/** Runs `check` against a fresh emulator (with `modes`), closing it afterwards. */
async function onEmulator(check: (h: Harness) => Promise<void>, modes: EmulatorModes = {}): Promise<void> {
  const h = await startEmulator({ modes });
  try {
    await check(h);
  } finally {
    await h.close();
  }
}

const user = (api: AxiosInstance, name: string, extra: Record<string, unknown> = {}) =>
  createUser(api, { username: name, email: `${name}@example.com`, ...extra });

const refused = (status: number, message: RegExp) => (r: { status: number; data: { message?: unknown } }) => {
  expect(r.status, JSON.stringify(r.data)).to.equal(status);
  expect(String(r.data.message)).to.match(message);
};

/** One case per fact: what the emulator does for it (its default, and the flip for an unknown) or what the bridge relies on. */
const CASES: Record<string, () => Promise<void>> = {
  createRequiresUsernameAndEmail: () =>
    onEmulator(async (h) => {
      expect((await h.api.post('/api/systemusers', { username: 'a' })).status).to.equal(400);
      expect((await h.api.post('/api/systemusers', { email: 'a@example.com' })).status).to.equal(400);
    }),
  createAnswers200: () =>
    onEmulator(async (h) => {
      const res = await h.api.post('/api/systemusers', { username: 'two', email: 'two@example.com' });
      expect([res.status, res.data.username]).to.deep.equal([200, 'two']);
    }),
  emailFormat: () =>
    onEmulator(async (h) =>
      refused(400, /valid e-mail/)(await h.api.post('/api/systemusers', { username: 'mail', email: 'not-an-address' })),
    ),
  explicitStateWins: () =>
    onEmulator(async (h) => {
      expect((await user(h.api, 'staged', { state: 'STAGED' })).state).to.equal('STAGED');
      expect((await user(h.api, 'susp', { state: 'SUSPENDED' })).suspended).to.equal(true);
    }),
  putPartialArraysWhole: () =>
    onEmulator(async (h) => {
      const u = await user(h.api, 'arrays', {
        firstname: 'Keep',
        phoneNumbers: [
          { type: 'work', number: '1' },
          { type: 'home', number: '2' },
        ],
      });
      const put = await h.api.put(`/api/systemusers/${u._id}`, { phoneNumbers: [{ type: 'mobile', number: '3' }] });
      expect(put.data.firstname).to.equal('Keep');
      expect(put.data.phoneNumbers.map((p: { number: string }) => p.number)).to.deep.equal(['3']);
    }),
  putStateAgreesWithSuspended: () =>
    onEmulator(async (h) => {
      const u = await user(h.api, 'agree');
      refused(
        400,
        /conflicting state and suspended/,
      )(await h.api.put(`/api/systemusers/${u._id}`, { state: 'SUSPENDED', suspended: false }));
    }),
  stagedActivation: () =>
    onEmulator(async (h) => {
      const u = await user(h.api, 'stage', { state: 'STAGED' });
      expect((await h.api.put(`/api/systemusers/${u._id}`, { suspended: false })).data.state).to.equal('STAGED');
      expect((await h.api.post(`/api/systemusers/${u._id}/state/activate`, {})).status).to.equal(200);
      expect(h.emulator.store.users.get(u._id)?.state).to.equal('ACTIVATED');
    }),
  passwordPending: () =>
    onEmulator(async (h) => {
      expect((await user(h.api, 'pending', { state: 'ACTIVATED' })).activated).to.equal(false);
    }),
  usernameStartsWithLetter: async () => {
    expect(() => checkUsername('1a', '1a')).to.throw(/must start with a letter/);
    await onEmulator(async (h) =>
      refused(400, /start with a letter/)(await h.api.post('/api/systemusers', { username: '1a', email: 'a@b.c' })),
    );
  },
  usernameCharacters: async () => {
    expect(() => checkUsername("o'neil", "o'neil")).to.throw(/only letters, digits/);
    await onEmulator(async (h) =>
      refused(
        400,
        /only letters, digits/,
      )(await h.api.post('/api/systemusers', { username: "o'neil", email: 'a@b.c' })),
    );
  },
  usernameLength: async () => {
    expect(() => checkUsername('a'.repeat(31), undefined)).to.throw(/at most 30/);
    await onEmulator(async (h) => {
      refused(400, /at most 30/)(await h.api.post('/api/systemusers', { username: 'a'.repeat(31), email: 'a@b.c' }));
      expect((await h.api.post('/api/systemusers', { username: 'a'.repeat(30), email: 'a@b.c' })).status).to.equal(200);
    });
  },
  usernameWindowsLength: async () => {
    expect(() => checkUsername('a'.repeat(21), undefined)).to.throw(/at most 20 characters for Windows logins/);
    expect(windowsUsernameWarning('a'.repeat(21))).to.match(/Windows logins take at most 20/);
    expect(windowsUsernameWarning('a'.repeat(20))).to.equal(undefined);
  },
  uniqueUserFields: () =>
    onEmulator(async (h) => {
      await user(h.api, 'one', { employeeIdentifier: 'E1' });
      for (const body of [
        { username: 'one', email: 'x@example.com' },
        { username: 'two', email: 'one@example.com' },
        { username: 'two', email: 'x@example.com', employeeIdentifier: 'E1' },
      ])
        refused(400, /already exists/)(await h.api.post('/api/systemusers', body));
    }),
  uniquenessCase: () =>
    onEmulator(async (h) => {
      await user(h.api, 'case');
      refused(
        400,
        /already exists/,
      )(await h.api.post('/api/systemusers', { username: 'CASE', email: 'x@example.com' }));
    }),
  duplicateIs400: () =>
    onEmulator(async (h) => {
      await user(h.api, 'dup');
      expect((await h.api.post('/api/systemusers', { username: 'dup', email: 'y@example.com' })).status).to.equal(400);
    }),
  duplicateUserMessage: async () => {
    await onEmulator(
      async (h) => {
        await user(h.api, 'dup');
        refused(
          400,
          /^Bad Request: has already been registered$/,
        )(await h.api.post('/api/systemusers', { username: 'dup', email: 'y@example.com' }));
      },
      { unknowns: { duplicateMessage: 'Bad Request: has already been registered' } },
    );
  },
  alternateEmailUnique: async () => {
    await onEmulator(async (h) => {
      await user(h.api, 'holder', { alternateEmail: 'shared@example.com' });
      refused(
        400,
        /alternateEmail "Shared@example.com"/,
      )(
        await h.api.post('/api/systemusers', {
          username: 'other',
          email: 'other@example.com',
          alternateEmail: 'Shared@example.com',
        }),
      );
      // Another user's primary email is taken too: "unique across all of JumpCloud".
      refused(
        400,
        /alternateEmail/,
      )(
        await h.api.post('/api/systemusers', {
          username: 'third',
          email: 't@example.com',
          alternateEmail: 'holder@example.com',
        }),
      );
    });
    await onEmulator(
      async (h) => {
        await user(h.api, 'holder', { alternateEmail: 'shared@example.com' });
        await user(h.api, 'other', { alternateEmail: 'shared@example.com' });
      },
      { unknowns: { alternateEmailNotUnique: true } },
    );
  },
  boundUserRename: async () => {
    await onEmulator(async (h) => {
      const bound = h.emulator.store.addUser({ username: 'bound', email: 'bound@example.com', bound: true });
      refused(
        400,
        /cannot be modified because the user is bound/,
      )(await h.api.put(`/api/systemusers/${bound._id}`, { username: 'renamed', jobTitle: 'x' }));
      expect(h.emulator.store.users.get(bound._id)?.['jobTitle']).to.equal('');
      expect((await h.api.put(`/api/systemusers/${bound._id}`, { username: 'bound', jobTitle: 'x' })).status).to.equal(
        200,
      );
      const free = await user(h.api, 'free');
      expect((await h.api.put(`/api/systemusers/${free._id}`, { username: 'freed' })).status).to.equal(200);
    });
    await onEmulator(
      async (h) => {
        const bound = h.emulator.store.addUser({ username: 'bound', email: 'bound@example.com', bound: true });
        expect((await h.api.put(`/api/systemusers/${bound._id}`, { username: 'renamed' })).status).to.equal(200);
      },
      { unknowns: { boundRenameAllowed: true } },
    );
  },
  emailsLowercased: () =>
    onEmulator(
      async (h) => {
        expect((await user(h.api, 'lower', { email: 'Lower@Example.com' })).email).to.equal('lower@example.com');
      },
      { normalise: { email: 'lowercase' } },
    ),
  customAttributeNames: () =>
    onEmulator(async (h) => {
      for (const name of ['badge_id', 'a'.repeat(32)])
        refused(
          400,
          /fewer than 32 letters and digits/,
        )(
          await h.api.post('/api/systemusers', {
            username: 'c',
            email: 'c@example.com',
            attributes: [{ name, value: 'v' }],
          }),
        );
      await user(h.api, 'ok', { attributes: [{ name: 'a'.repeat(31), value: 'v' }] });
    }),
  restrictedFields: () =>
    onEmulator(async (h) => {
      const u = h.emulator.store.addUser({
        username: 'ad',
        email: 'ad@example.com',
        restrictedFields: [{ field: 'jobTitle', type: 'active_directory', id: 'x' }],
      });
      refused(
        400,
        /jobTitle is restricted: it is managed by active_directory/,
      )(await h.api.put(`/api/systemusers/${u._id}`, { jobTitle: 'Boss' }));
      expect((await h.api.put(`/api/systemusers/${u._id}`, { department: 'D' })).status).to.equal(200);
    }),
  emptyStringClears: () =>
    onEmulator(async (h) => {
      const u = await user(h.api, 'clear', { jobTitle: 'T' });
      expect((await h.api.put(`/api/systemusers/${u._id}`, { jobTitle: '' })).data.jobTitle).to.equal('');
      expect((await user(h.api, 'unset')).department).to.equal('');
    }),
  emptyEmployeeIdentifier: async () => {
    await onEmulator(async (h) => {
      await user(h.api, 'e1', { employeeIdentifier: '' });
      await user(h.api, 'e2', { employeeIdentifier: '' });
    });
    await onEmulator(
      async (h) => {
        await user(h.api, 'e1', { employeeIdentifier: '' });
        refused(
          400,
          /employeeIdentifier/,
        )(await h.api.post('/api/systemusers', { username: 'e2', email: 'e2@example.com', employeeIdentifier: '' }));
      },
      { unknowns: { emptyEmployeeIdentifierClashes: true } },
    );
  },
  managerIsUserId: () =>
    onEmulator(async (h) => {
      const boss = await user(h.api, 'boss');
      const u = await user(h.api, 'report', { manager: boss._id });
      expect((await h.api.put(`/api/systemusers/${u._id}`, { manager: null })).data.manager).to.equal(undefined);
    }),
  managerMustExist: async () => {
    const ghost = 'f'.repeat(24);
    await onEmulator(async (h) =>
      refused(
        400,
        /not an existing user/,
      )(await h.api.post('/api/systemusers', { username: 'm', email: 'm@example.com', manager: ghost })),
    );
    await onEmulator(
      async (h) => {
        expect((await user(h.api, 'm', { manager: ghost })).manager).to.equal(ghost);
      },
      { unknowns: { danglingManagerStored: true } },
    );
  },
  managerNotSelf: () =>
    onEmulator(async (h) => {
      const u = await user(h.api, 'self');
      refused(400, /own manager/)(await h.api.put(`/api/systemusers/${u._id}`, { manager: u._id }));
    }),
  cascadeManager: () =>
    onEmulator(async (h) => {
      const boss = await user(h.api, 'boss');
      const u = await user(h.api, 'report', { manager: boss._id });
      expect((await h.api.delete(`/api/systemusers/${boss._id}`)).status).to.equal(409);
      expect((await h.api.delete(`/api/systemusers/${boss._id}?cascade_manager=null`)).status).to.equal(200);
      expect(h.emulator.store.users.get(u._id)?.manager).to.equal(undefined);
    }),
  phoneAndAddressFields: () =>
    onEmulator(async (h) => {
      const u = await user(h.api, 'fields', {
        phoneNumbers: [{ type: 'work_fax', number: '1' }],
        addresses: [{ type: 'work', poBox: '9', extendedAddress: 'Suite 1' }],
      });
      expect(u.phoneNumbers).to.have.nested.property('[0].type', 'work_fax');
      expect(u.addresses).to.have.nested.property('[0].poBox', '9');
    }),
  noPrimaryFlag: () =>
    onEmulator(async (h) => {
      await user(h.api, 'primary', { phoneNumbers: [{ type: 'work', number: '1', primary: true }] });
      expect(h.emulator.violations.map((v) => [v.kind, v.pointer])).to.deep.equal([
        ['unknown-property', '/phoneNumbers/0/primary'],
      ]);
    }),
  requestUnknownKeys: () =>
    onEmulator(async (h) => {
      expect(
        (await h.api.post('/api/systemusers', { username: 'extra', email: 'e@example.com', nickname: 'x' })).status,
      ).to.equal(200);
      expect(h.emulator.violations.map((v) => [v.kind, v.pointer])).to.deep.equal([['unknown-property', '/nickname']]);
    }),
  putElementIds: async () => {
    await onEmulator(async (h) => {
      const u = await user(h.api, 'ids', { phoneNumbers: [{ type: 'work', number: '1' }] });
      const id = (u.phoneNumbers as { id: string }[])[0]?.id;
      const put = await h.api.put(`/api/systemusers/${u._id}`, { phoneNumbers: [{ id, type: 'work', number: '2' }] });
      expect(put.data.phoneNumbers[0].id).to.equal(id);
    });
    await onEmulator(
      async (h) => {
        const u = await user(h.api, 'ids', { phoneNumbers: [{ type: 'work', number: '1' }] });
        const id = (u.phoneNumbers as { id: string }[])[0]?.id;
        refused(
          400,
          /id is not allowed/,
        )(await h.api.put(`/api/systemusers/${u._id}`, { phoneNumbers: [{ id, type: 'work', number: '2' }] }));
        expect(
          (await h.api.put(`/api/systemusers/${u._id}`, { phoneNumbers: [{ type: 'work', number: '2' }] })).status,
        ).to.equal(200);
      },
      { unknowns: { elementIdsRefused: true } },
    );
  },
  malformedId: () =>
    onEmulator(async (h) => {
      expect((await h.api.get('/api/systemusers/not-an-id')).status).to.equal(400);
      expect((await h.api.get(`/api/systemusers/${'0'.repeat(24)}`)).status).to.equal(404);
    }),
  deleteLeavesGroups: () =>
    onEmulator(async (h) => {
      const g = await createGroup(h.api, { name: 'Leavers' });
      const u = await user(h.api, 'leaver');
      await h.api.post(`/api/v2/usergroups/${g.id}/members`, { op: 'add', type: 'user', id: u._id });
      await h.api.delete(`/api/systemusers/${u._id}`);
      expect(h.emulator.store.memberships.get(g.id)).to.deep.equal([]);
    }),
  searchBody: () =>
    onEmulator(async (h) => {
      await user(h.api, 'search');
      const found = await h.api.post('/api/search/systemusers', {
        filter: { or: [{ username: 'search' }] },
        fields: 'username email',
      });
      expect(Object.keys(found.data.results[0]).sort()).to.deep.equal(['_id', 'email', 'username']);
      expect(
        (await h.api.post('/api/search/systemusers', { filter: { or: [{ and: [{ username: 'search' }] }] } })).status,
      ).to.equal(400);
    }),
  regexCaseFlag: () =>
    onEmulator(async (h) => {
      await user(h.api, 'regex');
      const found = await h.api.post('/api/search/systemusers', {
        filter: { and: [{ username: { $regex: '(?i)^REGEX$' } }] },
      });
      expect(found.data.totalCount).to.equal(1);
    }),
  searchOperators: async () => {
    const body = { filter: { and: [{ username: { $ne: 'x' } }] } };
    await onEmulator(async (h) => {
      expect((await h.api.post('/api/search/systemusers', body)).status).to.equal(200);
    });
    await onEmulator(
      async (h) => refused(400, /unsupported operator "\$ne"/)(await h.api.post('/api/search/systemusers', body)),
      { refuseSearch: { operators: ['$ne'] } },
    );
  },
  dottedKeyInOr: async () => {
    const body = { filter: { or: [{ username: 'x' }, { 'attributes.value': 'v' }] } };
    await onEmulator(async (h) => {
      await user(h.api, 'dotted', { attributes: [{ name: 'scimUserName', value: 'v' }] });
      expect((await h.api.post('/api/search/systemusers', body)).data.totalCount).to.equal(1);
    });
    await onEmulator(
      async (h) => refused(400, /unsupported field path/)(await h.api.post('/api/search/systemusers', body)),
      { refuseSearch: { dottedKeys: true } },
    );
  },
  stringOrdering: () =>
    onEmulator(async (h) => {
      await user(h.api, 'apple', { jobTitle: 'B' });
      await user(h.api, 'berry', { jobTitle: 'a' });
      const res = await h.api.post('/api/search/systemusers', { filter: { and: [{ jobTitle: { $gt: 'Z' } }] } });
      // Code-unit order: "a" (0x61) sorts after "Z" (0x5a), "B" before it.
      expect(res.data.results.map((u: { username: string }) => u.username)).to.deep.equal(['berry']);
    }),
  eventuallyConsistentFilters: () =>
    onEmulator(async (h) => {
      expect((await h.api.get('/api/systemusers?filter=username:$co:a')).status).to.equal(400);
      expect(
        (await h.api.get('/api/systemusers?filter=username:$co:a', { headers: { 'x-eventually-consistent': 'true' } }))
          .status,
      ).to.equal(200);
    }),
  pageLimit: () =>
    onEmulator(async (h) => {
      expect((await h.api.get('/api/systemusers?limit=101')).status).to.equal(400);
      expect((await h.api.get('/api/v2/usergroups?limit=101')).status).to.equal(400);
    }),
  sortIdWhenPaging: async () => {
    const stack = await startStack();
    try {
      for (const n of ['b', 'a', 'c'])
        stack.emulator.store.addUser({ username: `sort${n}`, email: `sort${n}@example.com` });
      const res = await stack.scim.get(`/Users?filter=${encodeURIComponent('emails.value ew "@example.com"')}&count=2`);
      expect(res.status).to.equal(200);
      const pages = stack.emulator.requests.filter((r) => r.query['skip'] !== undefined);
      expect(pages.map((r) => r.path)).to.include('/api/search/systemusers');
      expect(pages.map((r) => r.query['sort'])).to.deep.equal(pages.map(() => '_id'));
    } finally {
      await stack.close();
    }
  },
  fieldsSpaceSeparated: () =>
    onEmulator(async (h) => {
      await user(h.api, 'fields');
      const spaced = await h.api.get('/api/systemusers?fields=username%20email');
      expect(Object.keys(spaced.data.results[0]).sort()).to.deep.equal(['_id', 'email', 'username']);
      const commas = await h.api.get('/api/systemusers?fields=username,email');
      expect(Object.keys(commas.data.results[0]).length).to.be.greaterThan(3);
    }),
  orgIdHeader: () =>
    onEmulator(
      async (h) => {
        expect((await h.api.get('/api/organizations')).status).to.equal(200);
        refused(401, /ID not included for multi-tenant admin/)(await h.api.get('/api/systemusers'));
      },
      { multiTenant: { organizations: [{ _id: 'a'.repeat(24), displayName: 'A' }] } },
    ),
  mspWithoutOrgId: () =>
    onEmulator(
      async (h) => {
        expect((await h.api.get('/api/systemusers')).status).to.equal(200);
      },
      { multiTenant: { organizations: [{ _id: 'a'.repeat(24), displayName: 'A' }], withoutOrgId: 'defaultOrg' } },
    ),
  badKeyIs401: () =>
    onEmulator(async (h) => {
      expect((await h.anonymous.get('/api/systemusers', { headers: { 'x-api-key': 'wrong' } })).status).to.equal(401);
      expect((await h.anonymous.get('/api/systemusers')).status).to.equal(302);
    }),
  forbiddenWrite: () =>
    onEmulator(async (h) => {
      const key = h.emulator.apiKeys[0] ?? '';
      h.emulator.setModes({ readOnlyKeys: [key] });
      expect((await h.api.get('/api/systemusers')).status).to.equal(200);
      expect((await h.api.put(`/api/systemusers/${'0'.repeat(24)}`, {})).status).to.equal(403);
    }),
  ipBlocked: async () => {
    expect(kindForStatus(403, 'Forbidden: your IP has been blocked due to suspected abuse')).to.equal('ipBlocked');
  },
  tokenExpiry: async () => {
    expect(kindForStatus(401, 'API key has expired')).to.equal('keyExpired');
  },
  rateLimited: async () => {
    expect(kindForStatus(429, 'Too Many Requests')).to.equal('rateLimited');
  },
  throttledNotApplied: () =>
    onEmulator(
      async (h) => {
        expect(
          (await h.api.post('/api/systemusers', { username: 'first', email: 'first@example.com' })).status,
        ).to.equal(200);
        const throttled = await h.api.post('/api/systemusers', { username: 'second', email: 'second@example.com' });
        expect(throttled.status).to.equal(429);
        expect([...h.emulator.store.users.values()].map((u) => u.username)).to.not.include('second');
      },
      { rateLimit: { perSecond: 0.001, burst: 1 } },
    ),
  retrySemantics: async () => {
    const { isRetryable, JumpCloudError } = await import('../../../src/jumpcloud/errors.js');
    const failed = (status: number) =>
      new JumpCloudError('unavailable', 'x', { method: 'GET', path: '/api/systemusers', status, attempts: 1 });
    expect([500, 502, 503, 504].map((s) => isRetryable(failed(s)))).to.deep.equal([false, true, true, true]);
    expect(failed(503).ambiguous).to.equal(false);
  },
  v2GroupWrites: () =>
    onEmulator(async (h) => {
      const created = await h.api.post('/api/v2/usergroups', { name: 'G', description: 'd' });
      expect(created.status).to.equal(201);
      const put = await h.api.put(`/api/v2/usergroups/${created.data.id}`, { name: 'G' });
      expect(put.data.description).to.equal('');
      const u = await user(h.api, 'member');
      expect(
        (await h.api.post(`/api/v2/usergroups/${created.data.id}/members`, { op: 'add', type: 'user', id: u._id }))
          .status,
      ).to.equal(204);
      expect((await h.api.get('/api/v2/usergroups')).headers['x-total-count']).to.equal('1');
    }),
  groupNameRequired: () =>
    onEmulator(async (h) => {
      const res = await h.api.post('/api/v2/usergroups', { name: '' });
      expect([res.status, res.data.status]).to.deep.equal([400, 'invalidName']);
    }),
  groupNamesUnique: () =>
    onEmulator(async (h) => {
      await createGroup(h.api, { name: 'Sales' });
      expect((await h.api.post('/api/v2/usergroups', { name: 'SALES' })).status).to.equal(409);
    }),
  v2NameSearchCase: async () => {
    const search = (h: Harness) => h.api.get('/api/v2/usergroups?filter=name:search:sales');
    await onEmulator(async (h) => {
      await createGroup(h.api, { name: 'Sales' });
      expect((await search(h)).data).to.have.length(1);
    });
    await onEmulator(
      async (h) => {
        await createGroup(h.api, { name: 'Sales' });
        expect((await search(h)).data).to.have.length(0);
      },
      { unknowns: { nameSearchCaseSensitive: true } },
    );
  },
  groupCustomAttributes: () =>
    onEmulator(async (h) => {
      refused(
        400,
        /not supported on dynamic groups/,
      )(
        await h.api.post('/api/v2/usergroups', {
          name: 'Dyn',
          membershipMethod: 'DYNAMIC_AUTOMATED',
          attributes: { teamName: 'x' },
        }),
      );
    }),
  groupAttributesOpen: async () => {
    const body = { name: 'G', attributes: { sambaEnabled: true, teamName: 'x' } };
    await onEmulator(async (h) => {
      expect((await h.api.post('/api/v2/usergroups', body)).data.attributes).to.deep.equal(body.attributes);
    });
    await onEmulator(
      async (h) => {
        expect((await h.api.post('/api/v2/usergroups', body)).data.attributes).to.deep.equal({ sambaEnabled: true });
      },
      { unknowns: { groupAttributesDropped: true } },
    );
  },
  groupAsMember: () =>
    onEmulator(async (h) => {
      const a = await createGroup(h.api, { name: 'A' });
      const b = await createGroup(h.api, { name: 'B' });
      refused(
        400,
        /is a user_group, not a user/,
      )(await h.api.post(`/api/v2/usergroups/${a.id}/members`, { op: 'add', type: 'user', id: b.id }));
    }),
  memberReAdd: () =>
    onEmulator(async (h) => {
      const g = await createGroup(h.api, { name: 'A' });
      const u = await user(h.api, 'again');
      const add = () => h.api.post(`/api/v2/usergroups/${g.id}/members`, { op: 'add', type: 'user', id: u._id });
      expect((await add()).status).to.equal(204);
      expect((await add()).status).to.equal(409);
    }),
  memberRemoveAbsent: () =>
    onEmulator(async (h) => {
      const g = await createGroup(h.api, { name: 'Absent' });
      const u = await user(h.api, 'absent');
      const remove = await h.api.post(`/api/v2/usergroups/${g.id}/members`, { op: 'remove', type: 'user', id: u._id });
      expect(remove.status).to.equal(404);
    }),
  dynamicGroupManualAdd: () =>
    onEmulator(async (h) => {
      const g = await createGroup(h.api, { name: 'Dyn', membershipMethod: 'DYNAMIC_AUTOMATED' });
      const u = await user(h.api, 'dyn');
      expect(
        (await h.api.post(`/api/v2/usergroups/${g.id}/members`, { op: 'add', type: 'user', id: u._id })).status,
      ).to.equal(204);
      expect(h.emulator.store.membersOf(g.id)).to.deep.equal([]);
    }),
  activateOnlyStaged: () =>
    onEmulator(async (h) => {
      const u = await user(h.api, 'active');
      expect((await h.api.post(`/api/systemusers/${u._id}/state/activate`, {})).status).to.equal(400);
    }),
};

describe('jumpcloud/facts: one list of what JumpCloud does, each entry with its source and a case', () => {
  it('every entry has a public source, a status, and for an unknown a doctor probe or the reason it needs none', () => {
    const names = JUMPCLOUD_FACTS.map((f) => f.name);
    expect(new Set(names).size, 'names are unique').to.equal(names.length);
    for (const fact of JUMPCLOUD_FACTS) {
      expect(fact.source, fact.name).to.match(/https:\/\//);
      if (fact.status === 'unknown')
        expect(fact.probe !== undefined || fact.noProbe !== undefined, `${fact.name} names its probe`).to.equal(true);
      if (fact.probe !== undefined) expect(DOCTOR_PROBES, fact.name).to.include(fact.probe);
    }
  });

  it('no entry without a case, no case without an entry', () => {
    expect(Object.keys(CASES).sort()).to.deep.equal(JUMPCLOUD_FACTS.map((f) => f.name).sort());
  });

  it('no emulator rule outside the list', () => {
    const names = new Set(JUMPCLOUD_FACTS.map((f) => f.name));
    expect(EMULATOR_RULES.filter((rule) => !names.has(rule))).to.deep.equal([]);
  });

  for (const fact of JUMPCLOUD_FACTS) {
    it(`${fact.name} (${fact.status}): ${fact.says}`, async () => {
      const check = CASES[fact.name];
      expect(check, `a case for ${fact.name}`).to.be.a('function');
      await check?.();
    });
  }
});
