import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { startStack, type Stack } from './stack.js';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

/** What Entra POSTs (the Create User example of Microsoft's SCIM tutorial), with a userName JumpCloud accepts. */
function entraCreateBody(userName: string, email: string, externalId: string): Record<string, unknown> {
  return {
    schemas: [CORE, ENTERPRISE],
    externalId,
    userName,
    active: true,
    emails: [{ primary: true, type: 'work', value: email }],
    meta: { resourceType: 'User' },
    name: { formatted: 'Alex Wu', familyName: 'Wu', givenName: 'Alex' },
    roles: [],
  };
}

/** Entra's form-encoded equality filter: spaces as '+', quotes as %22. */
const userNameFilter = (value: string): string => `/Users?filter=userName+eq+%22${encodeURIComponent(value)}%22`;

function customAttribute(
  user: { attributes: { name?: string; value?: string }[] } | undefined,
  name: string,
): string | undefined {
  return user?.attributes.find((a) => a.name === name)?.value;
}

describe('e2e: Entra lifecycle replay through the real HTTP stack', function () {
  let stack: Stack;

  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    await stack.close();
  });

  it('replays Test Connection, match, create, PATCH in both modes, manager, disable/enable and hard delete', async () => {
    const { scim, emulator } = stack;

    // Test Connection canary: a random GUID never matches, and the answer is an empty list, not a 404.
    const canary = await scim.get(userNameFilter(randomUUID()));
    expect(canary.status).to.equal(200);
    expect(canary.headers['content-type']).to.match(/^application\/scim\+json/);
    expect(canary.data).to.deep.include({ schemas: [LIST], totalResults: 0, Resources: [] });

    // Match (miss), then create.
    const miss = await scim.get(userNameFilter('alex.wu'));
    expect(miss.status).to.equal(200);
    expect(miss.data.totalResults).to.equal(0);

    const externalId = randomUUID();
    const created = await scim.post('/Users', entraCreateBody('alex.wu', 'alex.wu@contoso.example', externalId));
    expect(created.status, JSON.stringify(created.data)).to.equal(201);
    const id = String(created.data.id);
    expect(id).to.match(/^[0-9a-f]{24}$/);
    expect(created.headers.location).to.equal(`${stack.origin}/scim/v2/Users/${id}`);
    expect(created.data).to.deep.include({ userName: 'alex.wu', externalId, active: true });
    expect(created.data).to.not.have.property('roles');
    let stored = emulator.store.users.get(id);
    expect(stored?.username).to.equal('alex.wu');
    expect(stored?.email).to.equal('alex.wu@contoso.example');
    expect(stored?.suspended).to.equal(false);
    expect(customAttribute(stored, 'scimExternalId')).to.equal(externalId);

    // GET by id, as Entra does before every update.
    const got = await scim.get(`/Users/${id}`);
    expect(got.status).to.equal(200);
    expect(got.data).to.deep.include({ id, userName: 'alex.wu', externalId });
    expect(got.data.name).to.deep.equal({ formatted: 'Alex Wu', givenName: 'Alex', familyName: 'Wu' });

    // Match again: userName is caseExact false, so Entra's differently-cased UPN-derived value still hits.
    const hit = await scim.get(userNameFilter('ALEX.WU'));
    expect(hit.status).to.equal(200);
    expect(hit.data.totalResults).to.equal(1);
    expect(hit.data.Resources[0].id).to.equal(id);

    // PATCH, default mode: capitalised ops, one op per attribute, a filtered email path, an enterprise URN Add.
    const defaultPatch = await scim.patch(`/Users/${id}`, {
      schemas: [PATCH_OP],
      Operations: [
        { op: 'Replace', path: 'displayName', value: 'Alex Wu (Sales)' },
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'alex.wu@sales.contoso.example' },
        { op: 'Replace', path: 'name.familyName', value: 'Wu-Lee' },
        { op: 'Add', path: `${ENTERPRISE}:department`, value: 'Sales' },
      ],
    });
    expect(defaultPatch.status, JSON.stringify(defaultPatch.data)).to.equal(200);
    expect(defaultPatch.data.displayName).to.equal('Alex Wu (Sales)');
    expect(defaultPatch.data.emails).to.deep.equal([
      { value: 'alex.wu@sales.contoso.example', type: 'work', primary: true },
    ]);
    expect(defaultPatch.data[ENTERPRISE]).to.deep.include({ department: 'Sales' });
    stored = emulator.store.users.get(id);
    expect(stored).to.deep.include({
      displayname: 'Alex Wu (Sales)',
      email: 'alex.wu@sales.contoso.example',
      lastname: 'Wu-Lee',
      department: 'Sales',
    });

    // PATCH, aadOptscim062020 mode: lowercase ops, a path-less value with dotted and URN keys.
    // The flag rides on the Tenant URL's query string; the bridge must ignore it.
    const flagPatch = await scim.patch(`/Users/${id}?aadOptscim062020`, {
      schemas: [PATCH_OP],
      Operations: [
        { op: 'replace', path: 'emails[type eq "work"].value', value: 'alex.wu@contoso.example' },
        {
          op: 'replace',
          value: {
            displayName: 'Alex Wu',
            'name.givenName': 'Alexander',
            'name.familyName': 'Wu',
            [`${ENTERPRISE}:employeeNumber`]: 'E3001',
          },
        },
      ],
    });
    expect(flagPatch.status, JSON.stringify(flagPatch.data)).to.equal(200);
    expect(flagPatch.data.name).to.deep.include({ givenName: 'Alexander', familyName: 'Wu' });
    expect(flagPatch.data).to.not.have.property('name.givenName');
    expect(flagPatch.data[ENTERPRISE]).to.deep.include({ employeeNumber: 'E3001', department: 'Sales' });
    stored = emulator.store.users.get(id);
    expect(stored).to.deep.include({
      firstname: 'Alexander',
      lastname: 'Wu',
      employeeIdentifier: 'E3001',
      email: 'alex.wu@contoso.example',
      displayname: 'Alex Wu',
    });

    // Manager: Entra links it in a separate PATCH, writing a bare id and reading back {"value": id}.
    const manager = await scim.post(
      '/Users',
      entraCreateBody('morgan.lee', 'morgan.lee@contoso.example', randomUUID()),
    );
    expect(manager.status, JSON.stringify(manager.data)).to.equal(201);
    const managerId = String(manager.data.id);
    const link = await scim.patch(`/Users/${id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Add', path: `${ENTERPRISE}:manager`, value: managerId }],
    });
    expect(link.status, JSON.stringify(link.data)).to.equal(200);
    expect(emulator.store.users.get(id)?.manager).to.equal(managerId);
    const withManager = await scim.get(`/Users/${id}`);
    expect(withManager.data[ENTERPRISE].manager).to.be.an('object');
    expect(withManager.data[ENTERPRISE].manager.value).to.equal(managerId);

    const unlink = await scim.patch(`/Users/${id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', path: `${ENTERPRISE}:manager`, value: '' }],
    });
    expect(unlink.status, JSON.stringify(unlink.data)).to.equal(200);
    expect(emulator.store.users.get(id)?.manager).to.equal(undefined);
    const withoutManager = await scim.get(`/Users/${id}`);
    expect(withoutManager.data[ENTERPRISE]?.manager?.value ?? '').to.equal('');

    // Disable the way Entra's default mode does: the string "False".
    const disabled = await scim.patch(`/Users/${id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
    });
    expect(disabled.status, JSON.stringify(disabled.data)).to.equal(200);
    expect(disabled.data.active).to.equal(false);
    expect(emulator.store.users.get(id)?.suspended).to.equal(true);
    // An inactive user is still returned by GET and by filter; only a hard delete hides it.
    const disabledGet = await scim.get(`/Users/${id}`);
    expect(disabledGet.status).to.equal(200);
    expect(disabledGet.data.active).to.equal(false);
    const disabledMatch = await scim.get(userNameFilter('alex.wu'));
    expect(disabledMatch.data.totalResults).to.equal(1);
    expect(disabledMatch.data.Resources[0]).to.deep.include({ id, active: false });

    // Re-enable, flag mode: boolean value.
    const enabled = await scim.patch(`/Users/${id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', path: 'active', value: true }],
    });
    expect(enabled.status).to.equal(200);
    expect(enabled.data.active).to.equal(true);
    expect(emulator.store.users.get(id)?.suspended).to.equal(false);

    // Hard delete (about 30 days after the soft delete in Entra), then the 404s Entra and the validator expect.
    const deleted = await scim.delete(`/Users/${id}`);
    expect(deleted.status).to.equal(204);
    expect(deleted.data).to.equal('');
    expect(emulator.store.users.has(id)).to.equal(false);
    const gone = await scim.get(`/Users/${id}`);
    expect(gone.status).to.equal(404);
    expect(gone.data.status).to.equal('404');
    const again = await scim.delete(`/Users/${id}`);
    expect(again.status).to.equal(404);
    const afterDelete = await scim.get(userNameFilter('alex.wu'));
    expect(afterDelete.data.totalResults).to.equal(0);

    expect(emulator.violations, JSON.stringify(emulator.violations)).to.deep.equal([]);
  });

  it('replays the group lifecycle: canary, match, create without members, PATCH members in, rename, remove members, delete', async () => {
    const { scim, emulator } = stack;
    const member = emulator.store.addUser({ username: 'group.member', email: 'group.member@contoso.example' });
    const other = emulator.store.addUser({ username: 'group.other', email: 'group.other@contoso.example' });
    const byName = (name: string): string =>
      `/Groups?excludedAttributes=members&filter=displayName+eq+%22${encodeURIComponent(name)}%22`;

    const canary = await scim.get(byName(randomUUID()));
    expect(canary.status).to.equal(200);
    expect(canary.data).to.deep.include({ totalResults: 0, Resources: [] });

    const created = await scim.post('/Groups', {
      schemas: [
        'urn:ietf:params:scim:schemas:core:2.0:Group',
        'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group',
      ],
      externalId: randomUUID(),
      displayName: 'Replay Sales',
      meta: { resourceType: 'Group' },
    });
    expect(created.status, JSON.stringify(created.data)).to.equal(201);
    const gid = String(created.data.id);
    expect(emulator.store.groups.get(gid)?.name).to.equal('Replay Sales');

    const add = await scim.patch(`/Groups/${gid}`, {
      schemas: [PATCH_OP],
      Operations: [
        {
          op: 'Add',
          path: 'members',
          value: [
            { $ref: null, value: member._id },
            { $ref: null, value: other._id },
          ],
        },
      ],
    });
    expect(add.status, JSON.stringify(add.data)).to.equal(204);
    expect(emulator.store.membersOf(gid)).to.have.members([member._id, other._id]);

    const match = await scim.get(byName('Replay Sales'));
    expect(match.data.totalResults).to.equal(1);
    expect(match.data.Resources[0]).to.not.have.property('members');

    // Default-mode remove carries the members to remove in `value`: only those go.
    const remove = await scim.patch(`/Groups/${gid}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Remove', path: 'members', value: [{ value: other._id }] }],
    });
    expect(remove.status, JSON.stringify(remove.data)).to.equal(204);
    expect(emulator.store.membersOf(gid)).to.deep.equal([member._id]);

    const rename = await scim.patch(`/Groups/${gid}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Replace', path: 'displayName', value: 'Replay Sales EMEA' }],
    });
    expect(rename.status, JSON.stringify(rename.data)).to.equal(204);
    expect(emulator.store.groups.get(gid)?.name).to.equal('Replay Sales EMEA');

    expect((await scim.delete(`/Groups/${gid}`)).status).to.equal(204);
    expect(emulator.store.groups.has(gid)).to.equal(false);
    expect((await scim.get(`/Groups/${gid}`)).status).to.equal(404);
    expect(emulator.violations, JSON.stringify(emulator.violations)).to.deep.equal([]);
  });

  it('retries a GET through a 503 and a 429 with Retry-After and answers 200', async () => {
    const { scim, emulator } = stack;
    const user = emulator.store.addUser({ username: 'retry.me', email: 'retry.me@contoso.example' });
    const path = `/api/systemusers/${user._id}`;
    emulator.faults.inject({ method: 'GET', path, status: 503 });
    emulator.faults.inject({ method: 'GET', path, status: 429, retryAfter: '1' });

    const res = await scim.get(`/Users/${user._id}`);
    expect(res.status, JSON.stringify(res.data)).to.equal(200);
    expect(res.data.userName).to.equal('retry.me');
    expect(emulator.faults.active).to.have.length(0);
    const exchange = stack.exchanges.at(-1);
    const call = exchange?.upstream.find((c) => c.path === path);
    expect(call?.attempts).to.equal(3);
    expect(call?.status).to.equal(200);
    expect(emulator.violations).to.deep.equal([]);
  });

  it('survives a create whose answer is lost after JumpCloud committed it: 201 with the existing user, no duplicate', async () => {
    const { scim, emulator } = stack;
    emulator.faults.inject({ method: 'POST', path: '/api/systemusers', dropConnection: 'afterCommit' });

    const res = await scim.post('/Users', entraCreateBody('lost.answer', 'lost.answer@contoso.example', randomUUID()));
    expect(res.status, JSON.stringify(res.data)).to.equal(201);
    const same = [...emulator.store.users.values()].filter((u) => u.username === 'lost.answer');
    expect(same).to.have.length(1);
    expect(res.data.id).to.equal(same[0]?._id);
    // The POST was sent once: the bridge looked the user up instead of re-sending the create.
    const posts = emulator.requests.filter(
      (r) =>
        r.method === 'POST' &&
        r.path === '/api/systemusers' &&
        (r.body as { username?: string } | undefined)?.username === 'lost.answer',
    );
    expect(posts).to.have.length(1);
    expect(emulator.violations).to.deep.equal([]);
  });
});

describe('e2e: DRY_RUN through the real HTTP stack', function () {
  let stack: Stack;

  before(async () => {
    stack = await startStack({ DRY_RUN: 'true' });
  });
  after(async () => {
    await stack.close();
  });

  it('answers a create with 201 but writes nothing to JumpCloud', async () => {
    const { scim, emulator } = stack;
    const before = emulator.store.users.size;
    const res = await scim.post('/Users', entraCreateBody('dry.run', 'dry.run@contoso.example', randomUUID()));
    expect(res.status, JSON.stringify(res.data)).to.equal(201);
    expect(res.data.userName).to.equal('dry.run');
    expect(emulator.store.users.size).to.equal(before);
    expect(emulator.store.findUserByUsername('dry.run')).to.equal(undefined);
    expect(emulator.requests.some((r) => r.method === 'POST' && r.path === '/api/systemusers')).to.equal(false);
    const call = stack.exchanges.at(-1)?.upstream.find((c) => c.method === 'POST' && c.path === '/api/systemusers');
    expect(call?.dryRun).to.equal(true);
    expect(stack.exchanges.at(-1)?.dryRun).to.equal(true);
  });
});
