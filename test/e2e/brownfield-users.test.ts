import { expect } from 'chai';
import type { Emulator } from '../../src/emulator/index.js';
import type { SystemUser } from '../../src/emulator/types.js';
import { changedKeys, freshEmulatedBridge, type Harness } from '../helpers/bridge-harness.js';

/**
 * A JumpCloud org that was not empty when Entra arrived: users imported before, admin-made phone numbers, PO boxes,
 * custom attributes and STAGED users. Every test seeds the emulator directly (as an admin or an import would), drives
 * the bridge over its real HTTP stack, and diffs the stored JumpCloud object before and after.
 */

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const q = (filter: string): string => `/Users?filter=${encodeURIComponent(filter)}`;

/**
 * The stored JumpCloud user, deep-copied so a later write cannot change it. Phone and address elements are compared
 * without their ids: JumpCloud gives them, no admin sets them, and a write sends elements back without them (as
 * JumpCloud's own Set-JCUser does), so JumpCloud may give new ones.
 */
function stored(emulator: Emulator, id: string): SystemUser {
  const u = emulator.store.users.get(id);
  if (!u) throw new Error(`user ${id} not stored`);
  const copy = structuredClone(u);
  for (const key of ['phoneNumbers', 'addresses'] as const)
    copy[key] = copy[key].map(({ id: _id, ...element }: Record<string, unknown>) => element);
  return copy;
}

/** An admin's user: what the console and imports leave behind that SCIM has no name for. */
function adminUser(emulator: Emulator, username = 'ada'): SystemUser {
  return emulator.store.addUser({
    username,
    email: `${username}@corp.example`,
    firstname: 'Ada',
    lastname: 'Admin',
    description: 'Set up by IT in 2019',
    phoneNumbers: [
      { type: 'mobile', number: '+1 555 0101' },
      { type: 'mobile', number: '+1 555 0102' },
      { type: 'work', number: '' },
      { type: 'work_fax', number: '+1 555 0199' },
    ],
    addresses: [
      { type: 'work', streetAddress: '1 Main St', locality: 'Boulder', poBox: 'PO Box 42', extendedAddress: 'Suite 9' },
      { type: 'home', streetAddress: '2 Elm St', country: 'US' },
    ],
    attributes: [
      { name: 'costCode', value: 'CC-7' },
      { name: 'badge', value: '1234' },
    ],
    tags: ['legacy'],
    relationships: [{ type: 'assistant', value: 'someone' }],
  });
}

const patch = (...ops: Record<string, unknown>[]): Record<string, unknown> => ({
  schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
  Operations: ops,
});

describe('e2e brownfield over the emulator (default settings)', () => {
  const stack = freshEmulatedBridge();
  let emulator: Emulator;
  let h: Harness;
  beforeEach(() => ({ h, emulator } = stack()));

  describe('e2e brownfield: adopting users that existed before Entra (derive mode, the default)', () => {
    it('a pre-existing jane is found by userName eq "jane@contoso.com", and Entra\'s first write records the UPN and nothing else', async () => {
      const jane = emulator.store.addUser({
        username: 'jane',
        email: 'jane@contoso.com',
        firstname: 'Jane',
        attributes: [{ name: 'costCode', value: 'CC-1' }],
      });
      const found = await h.request('GET', q('userName eq "jane@contoso.com"'));
      expect(found.status).to.equal(200);
      expect(found.body.totalResults).to.equal(1);
      expect(found.body.Resources[0]).to.include({ id: jane._id, userName: 'jane' });
      const before = stored(emulator, jane._id);
      const res = await h.request(
        'PATCH',
        `/Users/${jane._id}`,
        patch({ op: 'Replace', path: 'userName', value: 'jane@contoso.com' }),
      );
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.userName).to.equal('jane@contoso.com');
      const after = stored(emulator, jane._id);
      expect(changedKeys(before, after)).to.deep.equal(['attributes']);
      expect(after.username).to.equal('jane');
      expect(after.attributes).to.deep.equal([
        { name: 'costCode', value: 'CC-1' },
        { name: 'scimUserName', value: 'jane@contoso.com' },
      ]);
      // Claimed: the UPN finds her, another domain no longer does.
      expect((await h.request('GET', q('userName eq "JANE@contoso.com"'))).body.totalResults).to.equal(1);
      expect((await h.request('GET', q('userName eq "jane@fabrikam.com"'))).body.totalResults).to.equal(0);
    });

    it('two UPNs with the same local part: the second gets 0 results, then a 409 naming the holder and the fix; nothing is merged', async () => {
      const first = await h.request('POST', '/Users', {
        userName: 'bob@contoso.com',
        emails: [{ value: 'bob@contoso.com', type: 'work' }],
      });
      expect(first.status).to.equal(201);
      expect((await h.request('GET', q('userName eq "bob@fabrikam.com"'))).body.totalResults).to.equal(0);
      const before = emulator.store.snapshot();
      const second = await h.request('POST', '/Users', {
        userName: 'bob@fabrikam.com',
        emails: [{ value: 'bob@fabrikam.com', type: 'work' }],
      });
      expect(second.status).to.equal(409);
      expect(second.body.scimType).to.equal('uniqueness');
      expect(second.body.detail).to.contain(
        `JumpCloud user "bob" (id ${String(first.body.id)}, SCIM userName "bob@contoso.com") already holds the username "bob"`,
      );
      expect(second.body.detail).to.match(/mailNickname/);
      expect(emulator.store.snapshot().users).to.deep.equal(before.users);
    });
  });

  describe('e2e brownfield: STAGED users', () => {
    for (const [form, value] of [
      ['the string "True" (default mode)', 'True'],
      ['a boolean (aadOptscim062020)', true],
    ] as const) {
      it(`reads active:false, and active set to ${form} activates it through POST /state/activate`, async () => {
        const staged = emulator.store.addUser({
          username: 'newhire',
          email: 'newhire@corp.example',
          state: 'STAGED',
          jobTitle: 'Engineer',
        });
        const read = await h.request('GET', `/Users/${staged._id}`);
        expect(read.body.active).to.equal(false);
        expect(
          (await h.request('GET', q('active eq false'))).body.Resources.map((r: { id: string }) => r.id),
        ).to.deep.equal([staged._id]);
        const before = stored(emulator, staged._id);
        const mark = emulator.requests.length;
        const res = await h.request('PATCH', `/Users/${staged._id}`, patch({ op: 'Replace', path: 'active', value }));
        expect(res.status, JSON.stringify(res.body)).to.equal(200);
        expect(res.body.active).to.equal(true);
        const after = stored(emulator, staged._id);
        expect(after).to.include({ state: 'ACTIVATED', suspended: false });
        expect(changedKeys(before, after)).to.deep.equal(['state']);
        const writes = emulator.requests.slice(mark).filter((r) => r.method !== 'GET');
        expect(writes.map((r) => ({ method: r.method, path: r.path, body: r.body }))).to.deep.equal([
          { method: 'POST', path: `/api/systemusers/${staged._id}/state/activate`, body: {} },
        ]);
      });
    }

    it('a STAGED user that Entra leaves inactive is not written', async () => {
      const staged = emulator.store.addUser({ username: 'later', email: 'later@corp.example', state: 'STAGED' });
      const mark = emulator.requests.length;
      const res = await h.request(
        'PATCH',
        `/Users/${staged._id}`,
        patch({ op: 'Replace', path: 'active', value: 'False' }),
      );
      expect(res.status).to.equal(200);
      expect(emulator.requests.slice(mark).filter((r) => r.method !== 'GET')).to.deep.equal([]);
      expect(stored(emulator, staged._id).state).to.equal('STAGED');
    });
  });

  describe('e2e brownfield: a write changes only what the SCIM request addressed', () => {
    it("reads one number per type (the first shown), JumpCloud's work_fax as fax, and no empty number", async () => {
      const ada = adminUser(emulator);
      const res = await h.request('GET', `/Users/${ada._id}`);
      expect(res.body.phoneNumbers).to.deep.equal([
        { value: '+1 555 0101', type: 'mobile' },
        { value: '+1 555 0199', type: 'fax' },
      ]);
      expect(res.body.addresses).to.deep.equal([
        { type: 'work', streetAddress: '1 Main St', locality: 'Boulder' },
        { type: 'home', streetAddress: '2 Elm St', country: 'US' },
      ]);
    });

    it('phoneNumbers[type eq "mobile"].value changes the first mobile in place; the second mobile, the empty number and everything else stay', async () => {
      const ada = adminUser(emulator);
      const before = stored(emulator, ada._id);
      const res = await h.request(
        'PATCH',
        `/Users/${ada._id}`,
        patch({ op: 'Replace', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555 0111' }),
      );
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      const after = stored(emulator, ada._id);
      expect(changedKeys(before, after)).to.deep.equal(['phoneNumbers']);
      const expected = structuredClone(before.phoneNumbers);
      (expected[0] as Record<string, unknown>).number = '+1 555 0111';
      expect(after.phoneNumbers).to.deep.equal(expected);
      expect(emulator.violations).to.deep.equal([]);
    });

    it("Entra's fax lands in JumpCloud's work_fax element and reads back as fax; a new type is appended", async () => {
      const ada = adminUser(emulator);
      const before = stored(emulator, ada._id);
      const res = await h.request(
        'PATCH',
        `/Users/${ada._id}`,
        patch(
          { op: 'Add', path: 'phoneNumbers[type eq "fax"].value', value: '+1 555 0200' },
          { op: 'Add', path: 'phoneNumbers[type eq "pager"].value', value: '+1 555 0300' },
        ),
      );
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.phoneNumbers).to.deep.equal([
        { value: '+1 555 0101', type: 'mobile' },
        { value: '+1 555 0200', type: 'fax' },
        { value: '+1 555 0300', type: 'pager' },
      ]);
      const after = stored(emulator, ada._id);
      expect(after.phoneNumbers.slice(0, 4)).to.deep.equal([
        ...before.phoneNumbers.slice(0, 3),
        { ...before.phoneNumbers[3], number: '+1 555 0200' },
      ]);
      expect(after.phoneNumbers[4]).to.include({ type: 'pager', number: '+1 555 0300' });
      const found = await h.request('GET', q('phoneNumbers[type eq "fax"].value eq "+1 555 0200"'));
      expect(found.body.Resources.map((r: { id: string }) => r.id)).to.deep.equal([ada._id]);
    });

    it('an address write keeps poBox and extendedAddress (merged by type) and the other types', async () => {
      const ada = adminUser(emulator);
      const before = stored(emulator, ada._id);
      const res = await h.request(
        'PATCH',
        `/Users/${ada._id}`,
        patch({ op: 'Replace', path: 'addresses[type eq "work"].streetAddress', value: '10 Main St' }),
      );
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      const after = stored(emulator, ada._id);
      expect(changedKeys(before, after)).to.deep.equal(['addresses']);
      expect(after.addresses).to.deep.equal([
        { ...before.addresses[0], streetAddress: '10 Main St' },
        before.addresses[1],
      ]);
    });

    it("removing the work address removes what SCIM showed and keeps the admin's PO box on its element", async () => {
      const ada = adminUser(emulator);
      const before = stored(emulator, ada._id);
      const res = await h.request(
        'PATCH',
        `/Users/${ada._id}`,
        patch({ op: 'Remove', path: 'addresses[type eq "work"]' }),
      );
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.addresses).to.deep.equal([{ type: 'home', streetAddress: '2 Elm St', country: 'US' }]);
      expect(stored(emulator, ada._id).addresses).to.deep.equal([
        { type: 'work', poBox: 'PO Box 42', extendedAddress: 'Suite 9' },
        before.addresses[1],
      ]);
    });

    it('a PUT from a generic client replaces what SCIM shows and keeps custom attributes, tags, relationships and hidden elements', async () => {
      const ada = adminUser(emulator);
      const before = stored(emulator, ada._id);
      const res = await h.request('PUT', `/Users/${ada._id}`, {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: 'ada',
        name: { givenName: 'Ada', familyName: 'Admin' },
        emails: [{ value: 'ada@corp.example', type: 'work', primary: true }],
        phoneNumbers: [{ value: '+1 555 0101', type: 'mobile', primary: true }],
        addresses: [{ type: 'work', streetAddress: '1 Main St', locality: 'Boulder', primary: 'True' }],
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      const after = stored(emulator, ada._id);
      expect(changedKeys(before, after)).to.deep.equal(['addresses', 'phoneNumbers']);
      // The fax and the home address were shown and not sent: removed. The second mobile and the empty number were not shown: kept.
      expect(after.phoneNumbers).to.deep.equal([
        before.phoneNumbers[0],
        before.phoneNumbers[1],
        before.phoneNumbers[2],
      ]);
      expect(after.addresses).to.deep.equal([before.addresses[0]]);
      expect(after.attributes).to.deep.equal(before.attributes);
    });

    it('a disable touches nothing but state and suspended', async () => {
      const ada = adminUser(emulator);
      const before = stored(emulator, ada._id);
      const res = await h.request(
        'PATCH',
        `/Users/${ada._id}`,
        patch({ op: 'Replace', path: 'active', value: 'False' }),
      );
      expect(res.status).to.equal(200);
      expect(changedKeys(before, stored(emulator, ada._id))).to.deep.equal(['state', 'suspended']);
    });

    it("offboarding a user whose department Active Directory owns (restrictedFields): the disable lands, AD's department stays", async () => {
      const ad = emulator.store.addUser({
        username: 'adam',
        email: 'adam@corp.example',
        department: 'Finance',
        restrictedFields: [{ field: 'department', type: 'active_directory', id: 'ad-1' }],
      });
      const before = stored(emulator, ad._id);
      const res = await h.request(
        'PATCH',
        `/Users/${ad._id}`,
        patch(
          { op: 'Replace', path: `${ENT}:department`, value: 'Sales' },
          { op: 'Replace', path: 'active', value: 'False' },
        ),
      );
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body[ENT].department).to.equal('Finance');
      expect(changedKeys(before, stored(emulator, ad._id))).to.deep.equal(['state', 'suspended']);
      expect(emulator.violations).to.deep.equal([]);
    });
  });

  describe('e2e brownfield: emails (alternateEmail, types, primary, value required)', () => {
    it('POST with two emails stores email and alternateEmail, reads both back with their types, and emails.value finds either', async () => {
      const res = await h.request('POST', '/Users', {
        userName: 'carol',
        emails: [
          { value: 'carol@work.example', type: 'work', primary: true },
          { value: 'carol@home.example', type: 'home' },
        ],
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body.emails).to.deep.equal([
        { value: 'carol@work.example', type: 'work', primary: true },
        { value: 'carol@home.example', type: 'home' },
      ]);
      expect(stored(emulator, res.body.id)).to.include({
        email: 'carol@work.example',
        alternateEmail: 'carol@home.example',
      });
      for (const filter of [
        'emails.value eq "carol@home.example"',
        'emails.value eq "CAROL@work.example"',
        'emails[type eq "home"].value eq "carol@home.example"',
      ]) {
        expect((await h.request('GET', q(filter))).body.totalResults, filter).to.equal(1);
      }
      expect(
        (await h.request('GET', q('emails[type eq "work"].value eq "carol@home.example"'))).body.totalResults,
      ).to.equal(0);
    });

    it("`Primary` in any letter case picks JumpCloud's email; the type reads back as sent", async () => {
      const res = await h.request('POST', '/Users', {
        userName: 'dan',
        emails: [
          { value: 'dan@other.example', type: 'other' },
          { value: 'dan@corp.example', type: 'Work', Primary: 'True' },
        ],
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(stored(emulator, res.body.id)).to.include({
        email: 'dan@corp.example',
        alternateEmail: 'dan@other.example',
      });
      expect(res.body.emails).to.deep.equal([
        { value: 'dan@corp.example', type: 'Work', primary: true },
        { value: 'dan@other.example', type: 'other' },
      ]);
    });

    it('PATCH emails[type eq "other"].value adds, replaces and removes the alternateEmail and nothing else', async () => {
      const ada = adminUser(emulator);
      const before = stored(emulator, ada._id);
      const add = await h.request(
        'PATCH',
        `/Users/${ada._id}`,
        patch({ op: 'Add', path: 'emails[type eq "other"].value', value: 'ada@personal.example' }),
      );
      expect(add.status, JSON.stringify(add.body)).to.equal(200);
      expect(add.body.emails).to.deep.equal([
        { value: 'ada@corp.example', type: 'work', primary: true },
        { value: 'ada@personal.example', type: 'other' },
      ]);
      expect(changedKeys(before, stored(emulator, ada._id))).to.deep.equal(['alternateEmail']);
      await h.request(
        'PATCH',
        `/Users/${ada._id}`,
        patch({ op: 'Replace', path: 'emails[type eq "other"].value', value: 'ada@new.example' }),
      );
      expect(stored(emulator, ada._id).alternateEmail).to.equal('ada@new.example');
      const removed = await h.request(
        'PATCH',
        `/Users/${ada._id}`,
        patch({ op: 'Remove', path: 'emails[type eq "other"]' }),
      );
      expect(removed.body.emails).to.deep.equal([{ value: 'ada@corp.example', type: 'work', primary: true }]);
      expect(changedKeys(before, stored(emulator, ada._id))).to.deep.equal([]);
    });

    it('a PUT with a home-typed second email keeps that type on read', async () => {
      const ada = adminUser(emulator);
      const res = await h.request('PUT', `/Users/${ada._id}`, {
        userName: 'ada',
        name: { givenName: 'Ada', familyName: 'Admin' },
        emails: [
          { value: 'ada@corp.example', type: 'work', primary: true },
          { value: 'ada@home.example', type: 'home' },
        ],
        phoneNumbers: [
          { value: '+1 555 0101', type: 'mobile' },
          { value: '+1 555 0199', type: 'fax' },
        ],
        addresses: [
          { type: 'work', streetAddress: '1 Main St', locality: 'Boulder' },
          { type: 'home', streetAddress: '2 Elm St', country: 'US' },
        ],
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect((await h.request('GET', `/Users/${ada._id}`)).body.emails).to.deep.equal([
        { value: 'ada@corp.example', type: 'work', primary: true },
        { value: 'ada@home.example', type: 'home' },
      ]);
    });

    it('a third distinct address and an email without value are refused with 400 before anything is written', async () => {
      const ada = adminUser(emulator);
      const before = emulator.store.snapshot();
      const mark = emulator.requests.length;
      const three = await h.request(
        'PATCH',
        `/Users/${ada._id}`,
        patch({
          op: 'Add',
          path: 'emails',
          value: [
            { value: 'a@x.example', type: 'other' },
            { value: 'b@x.example', type: 'home' },
          ],
        }),
      );
      expect(three.status).to.equal(400);
      expect(three.body.detail).to.contain('two email addresses per user (email and alternateEmail), but 3');
      const noValue = await h.request('POST', '/Users', { userName: 'eve', emails: [{ type: 'work', primary: true }] });
      expect(noValue.status).to.equal(400);
      expect(noValue.body.detail).to.contain("'emails[0]' has no 'value'");
      expect(emulator.requests.slice(mark).filter((r) => r.method !== 'GET')).to.deep.equal([]);
      expect(emulator.requests.slice(mark).some((r) => r.path === '/api/systemusers' && r.method === 'POST')).to.equal(
        false,
      );
      expect(emulator.store.snapshot().users).to.deep.equal(before.users);
    });

    it('/Schemas declares emails.value required', async () => {
      const res = await h.request('GET', '/Schemas/urn:ietf:params:scim:schemas:core:2.0:User');
      const emails = res.body.attributes.find((a: { name: string }) => a.name === 'emails');
      expect(emails.subAttributes.find((s: { name: string }) => s.name === 'value')).to.include({ required: true });
      expect(emails.subAttributes.find((s: { name: string }) => s.name === 'primary')).to.include({ type: 'boolean' });
    });
  });

  describe('e2e brownfield: usernames are not renamed by accident', () => {
    it('a UPN change keeps the JumpCloud username, records and reads back the new userName, and the log and trace say so', async () => {
      const created = await h.request('POST', '/Users', {
        userName: 'jane.doe@contoso.com',
        emails: [{ value: 'jane.doe@contoso.com', type: 'work' }],
      });
      const id = String(created.body.id);
      const before = stored(emulator, id);
      const res = await h.request(
        'PATCH',
        `/Users/${id}`,
        patch({ op: 'Replace', path: 'userName', value: 'jane.smith@contoso.com' }),
        { 'x-bridge-trace': 'true' },
      );
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.userName).to.equal('jane.smith@contoso.com');
      const after = stored(emulator, id);
      expect(after.username).to.equal('jane.doe');
      expect(changedKeys(before, after)).to.deep.equal(['attributes']);
      expect(
        (await h.request('GET', q('userName eq "jane.smith@contoso.com"'))).body.Resources.map(
          (r: { id: string }) => r.id,
        ),
      ).to.deep.equal([id]);
      expect((await h.request('GET', q('userName eq "jane.doe@contoso.com"'))).body.totalResults).to.equal(0);
      const lines = h.logs.map((l) => JSON.parse(l) as Record<string, unknown>);
      const kept = lines.find((l) => l.kind === 'usernameKept');
      expect(kept?.message).to.match(/the JumpCloud username stays "jane\.doe" .*ALLOW_USERNAME_RENAME=true/);
      const trace = lines.find((l) => l.message === 'trace') as { trace: { notes: { kind: string }[] } } | undefined;
      expect(trace?.trace.notes.map((n) => n.kind)).to.deep.equal(['usernameKept']);
    });
  });
});

describe('e2e brownfield: ALLOW_USERNAME_RENAME=true, DERIVE_USERNAME_FROM_EMAIL=false', () => {
  const stack = freshEmulatedBridge({ ALLOW_USERNAME_RENAME: 'true', DERIVE_USERNAME_FROM_EMAIL: 'false' });
  let emulator: Emulator;
  let h: Harness;
  beforeEach(() => ({ h, emulator } = stack()));

  it('a userName change renames the JumpCloud user', async () => {
    const created = await h.request('POST', '/Users', { userName: 'jdoe', emails: [{ value: 'jdoe@contoso.com' }] });
    const id = String(created.body.id);
    const res = await h.request('PATCH', `/Users/${id}`, patch({ op: 'Replace', path: 'userName', value: 'jsmith' }));
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(stored(emulator, id).username).to.equal('jsmith');
    expect(stored(emulator, id).attributes).to.deep.equal([]);
  });

  it('an email-style userName keeps its actionable 400', async () => {
    const res = await h.request('POST', '/Users', {
      userName: 'bob@contoso.com',
      emails: [{ value: 'bob@contoso.com' }],
    });
    expect(res.status).to.equal(400);
    expect(res.body.detail).to.match(/must not contain "@".*mailNickname/);
  });
});

describe('e2e brownfield: DERIVE_USERNAME_FROM_EMAIL=false keeps a renamed mailNickname without renaming', () => {
  const stack = freshEmulatedBridge({ DERIVE_USERNAME_FROM_EMAIL: 'false' });
  let emulator: Emulator;
  let h: Harness;
  beforeEach(() => ({ h, emulator } = stack()));

  it('jdoe → jsmith is recorded; renaming back drops the record', async () => {
    const created = await h.request('POST', '/Users', { userName: 'jdoe', emails: [{ value: 'jdoe@contoso.com' }] });
    const id = String(created.body.id);
    await h.request('PATCH', `/Users/${id}`, patch({ op: 'Replace', path: 'userName', value: 'jsmith' }));
    expect(stored(emulator, id)).to.deep.include({
      username: 'jdoe',
      attributes: [{ name: 'scimUserName', value: 'jsmith' }],
    });
    expect((await h.request('GET', q('userName eq "JSMITH"'))).body.totalResults).to.equal(1);
    const back = await h.request('PATCH', `/Users/${id}`, patch({ op: 'Replace', path: 'userName', value: 'jdoe' }));
    expect(back.body.userName).to.equal('jdoe');
    expect(stored(emulator, id)).to.deep.include({ username: 'jdoe', attributes: [] });
  });
});

describe('e2e: UNKNOWN_ATTRIBUTES=ignore and the manager $ref', () => {
  const stack = freshEmulatedBridge({ UNKNOWN_ATTRIBUTES: 'ignore', DEBUG_PAGE: 'true', HOST: '127.0.0.1' });
  let emulator: Emulator;
  let h: Harness;
  beforeEach(() => ({ h, emulator } = stack()));

  it('vendor extras are skipped with one warning per attribute name, and the exchange (trace) names them', async () => {
    const body = (n: number): Record<string, unknown> => ({
      userName: `okta${n}`,
      emails: [{ value: `okta${n}@x.example` }],
      nickName: 'Oki',
      'urn:okta:custom:1.0:User': { favourite: 'blue' },
    });
    const a = await h.request('POST', '/Users', body(1), { 'x-bridge-trace': 'true' });
    expect(a.status, JSON.stringify(a.body)).to.equal(201);
    const b = await h.request('POST', '/Users', body(2));
    expect(b.status).to.equal(201);
    const patched = await h.request(
      'PATCH',
      `/Users/${String(a.body.id)}`,
      patch({ op: 'replace', path: 'nickName', value: 'x' }, { op: 'replace', path: 'title', value: 'CTO' }),
    );
    expect(patched.status).to.equal(200);
    expect(patched.body.title).to.equal('CTO');
    const lines = h.logs.map((l) => JSON.parse(l) as Record<string, unknown>);
    const warnings = lines.filter((l) => l.kind === 'attributeIgnored');
    expect(warnings.map((w) => w.level)).to.deep.equal(['warn', 'warn']);
    expect(warnings.map((w) => String(w.message).split("'")[1])).to.deep.equal([
      'nickName',
      'urn:okta:custom:1.0:User',
    ]);
    const trace = lines.find((l) => l.message === 'trace') as
      { trace: { notes: { kind: string; message: string }[] } } | undefined;
    expect(trace?.trace.notes.map((n) => n.message.split("'")[1])).to.deep.equal([
      'nickName',
      'urn:okta:custom:1.0:User',
    ]);
    const page = await (await fetch(h.base.replace('/scim/v2', '/debug'))).text();
    expect(page).to.match(
      /<span class="tag err">attributeIgnored<\/span> Ignored attribute (?:'|&#39;|&#x27;)nickName/,
    );
  });

  it("the manager is accepted as a $ref to this bridge's /Users/{id}; displayName is ignored; a foreign $ref is refused", async () => {
    const mgr = await h.request('POST', '/Users', { userName: 'boss', emails: [{ value: 'boss@x.example' }] });
    const mgrId = String(mgr.body.id);
    const res = await h.request('POST', '/Users', {
      userName: 'worker',
      emails: [{ value: 'worker@x.example' }],
      [ENT]: { manager: { $ref: `${h.base}/Users/${mgrId}`, displayName: 'The Boss' } },
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body[ENT].manager).to.deep.equal({ value: mgrId, $ref: `${h.base}/Users/${mgrId}` });
    expect(stored(emulator, String(res.body.id)).manager).to.equal(mgrId);
    const foreign = await h.request('POST', '/Users', {
      userName: 'w2',
      emails: [{ value: 'w2@x.example' }],
      [ENT]: { manager: { $ref: 'https://elsewhere.example/Groups/x' } },
    });
    expect(foreign.status).to.equal(400);
    expect(foreign.body.detail).to.contain('$ref');
    const schema = await h.request('GET', `/Schemas/${ENT}`);
    const manager = schema.body.attributes.find((a: { name: string }) => a.name === 'manager');
    expect(
      manager.subAttributes.map((s: { name: string; mutability: string }) => [s.name, s.mutability]),
    ).to.deep.equal([
      ['value', 'readWrite'],
      ['$ref', 'readWrite'],
      ['displayName', 'readOnly'],
    ]);
  });
});

describe('e2e: projection of sub-attributes of multi-valued attributes', () => {
  const stack = freshEmulatedBridge();

  it("attributes=emails.value answers emails: [{value}] on GET, on a list and on a group's members.value", async () => {
    const { h, emulator } = stack();
    const u = emulator.store.addUser({
      username: 'proj',
      email: 'proj@work.example',
      alternateEmail: 'proj@home.example',
    });
    const one = await h.request('GET', `/Users/${u._id}?attributes=emails.value`);
    expect(one.body).to.deep.equal({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      id: u._id,
      emails: [{ value: 'proj@work.example' }, { value: 'proj@home.example' }],
    });
    const list = await h.request('GET', `${q('userName eq "proj"')}&attributes=emails.value`);
    expect(list.body.Resources[0].emails).to.deep.equal([
      { value: 'proj@work.example' },
      { value: 'proj@home.example' },
    ]);
    const g = emulator.store.addGroup({ name: 'Projected' });
    emulator.store.addMember(g.id, u._id);
    const group = await h.request('GET', `/Groups/${g.id}?attributes=members.value`);
    expect(group.body.members).to.deep.equal([{ value: u._id }]);
  });
});
