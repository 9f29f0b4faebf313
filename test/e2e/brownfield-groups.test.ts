import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import type { Emulator } from '../../src/emulator/index.js';
import type { UserGroup } from '../../src/emulator/types.js';
import { changedKeys, freshEmulatedBridge, type Harness } from '../helpers/bridge-harness.js';

/**
 * User groups an admin made and configured before Entra (description, sudo/POSIX settings), nested groups from
 * Entra, and a generic client's PUT /Groups: through the real HTTP stack in front of the emulator, diffing the
 * stored group before and after.
 */

const fixture = (name: string, vars: Record<string, string>): unknown => {
  let text = readFileSync(new URL(`../fixtures/generic/groups/${name}`, import.meta.url), 'utf8');
  for (const [k, v] of Object.entries(vars)) text = text.split(`{${k}}`).join(v);
  return JSON.parse(text) as unknown;
};
const patch = (...ops: Record<string, unknown>[]): Record<string, unknown> => ({
  schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
  Operations: ops,
});

const SETTINGS = { sudo: { enabled: true, withoutPassword: false }, posixGroups: [{ id: 5005, name: 'eng' }] };

function storedGroup(emulator: Emulator, id: string): UserGroup {
  const g = emulator.store.groups.get(id);
  if (!g) throw new Error(`group ${id} not stored`);
  return structuredClone(g);
}

describe('e2e brownfield: groups an admin configured', () => {
  const stack = freshEmulatedBridge();
  let emulator: Emulator;
  let h: Harness;
  let users: string[];
  beforeEach(() => {
    ({ h, emulator } = stack());
    users = ['grace', 'alan', 'katherine'].map(
      (u) => emulator.store.addUser({ username: u, email: `${u}@corp.example` })._id,
    );
  });

  const adminGroup = (): UserGroup =>
    emulator.store.addGroup({
      name: 'Platform Engineers',
      description: 'Owned by platform; ask #it before changing',
      attributes: structuredClone(SETTINGS),
    });

  it("Entra's externalId goes into a marked trailer of the description: the admin's text and settings stay byte-identical", async () => {
    const g = adminGroup();
    expect((await h.request('GET', `/Groups/${g.id}`)).body).to.not.have.property('externalId');
    const before = storedGroup(emulator, g.id);
    const res = await h.request(
      'PATCH',
      `/Groups/${g.id}`,
      patch({ op: 'Add', path: 'externalId', value: 'a1b2c3d4-entra-object-id' }),
    );
    expect(res.status, JSON.stringify(res.body)).to.equal(204);
    const after = storedGroup(emulator, g.id);
    expect(changedKeys(before, after)).to.deep.equal(['description']);
    expect(after.attributes).to.deep.equal(SETTINGS);
    expect(after.description).to.equal(`${before.description} [scim-bridge externalId=a1b2c3d4-entra-object-id]`);
    expect((await h.request('GET', `/Groups/${g.id}`)).body.externalId).to.equal('a1b2c3d4-entra-object-id');
    const found = await h.request(
      'GET',
      `/Groups?filter=${encodeURIComponent('externalId eq "a1b2c3d4-entra-object-id"')}`,
    );
    expect(found.body.Resources.map((r: { id: string }) => r.id)).to.deep.equal([g.id]);
    // Removing it removes only the bridge's key.
    await h.request('PATCH', `/Groups/${g.id}`, patch({ op: 'Remove', path: 'externalId' }));
    expect(storedGroup(emulator, g.id)).to.deep.equal(before);
  });

  it("PUT /Groups/{id} (a generic client, members with display) sends only the difference and keeps the group's settings", async () => {
    const g = adminGroup();
    emulator.store.addMember(g.id, users[0] as string);
    emulator.store.addMember(g.id, users[1] as string);
    const before = storedGroup(emulator, g.id);
    const mark = emulator.requests.length;
    const res = await h.request(
      'PUT',
      `/Groups/${g.id}`,
      fixture('put-group.json', { groupId: g.id, user2: users[1] as string, user3: users[2] as string }),
    );
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.include({ id: g.id, displayName: 'Platform Engineers', externalId: 'okta-00g1abcd' });
    expect(res.body.members.map((m: { value: string }) => m.value).sort()).to.deep.equal([users[1], users[2]].sort());
    expect(emulator.store.membersOf(g.id).sort()).to.deep.equal([users[1], users[2]].sort());
    const after = storedGroup(emulator, g.id);
    expect(changedKeys(before, after)).to.deep.equal(['description']);
    const memberWrites = emulator.requests
      .slice(mark)
      .filter((r) => r.method === 'POST' && r.path.endsWith('/members'));
    expect(memberWrites.map((r) => r.body)).to.deep.equal([
      { op: 'remove', type: 'user', id: users[0] },
      { op: 'add', type: 'user', id: users[2] },
    ]);
    expect(emulator.violations).to.deep.equal([]);
  });

  it('PUT without members leaves the membership alone; members: [] empties it; an unknown id is 404', async () => {
    const g = adminGroup();
    emulator.store.addMember(g.id, users[0] as string);
    const renamed = await h.request('PUT', `/Groups/${g.id}`, {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: 'Platform Team',
    });
    expect(renamed.status, JSON.stringify(renamed.body)).to.equal(200);
    expect(storedGroup(emulator, g.id)).to.include({
      name: 'Platform Team',
      description: 'Owned by platform; ask #it before changing',
    });
    expect(emulator.store.membersOf(g.id)).to.deep.equal([users[0]]);
    const emptied = await h.request('PUT', `/Groups/${g.id}`, { displayName: 'Platform Team', members: [] });
    expect(emptied.status).to.equal(200);
    expect(emulator.store.membersOf(g.id)).to.deep.equal([]);
    const missing = await h.request('PUT', '/Groups/ffffffffffffffffffffffff', { displayName: 'x' });
    expect(missing.status).to.equal(404);
    const nameless = await h.request('PUT', `/Groups/${g.id}`, { externalId: 'x' });
    expect(nameless.status).to.equal(400);
  });
});

describe('e2e: nested groups (a group id among the members)', () => {
  const stack = freshEmulatedBridge({ LOG_LEVEL: 'info' });
  let emulator: Emulator;
  let h: Harness;
  beforeEach(() => ({ h, emulator } = stack()));

  it('skips the group with a warning and a trace entry, applies the users of the same PATCH, and answers 204', async () => {
    const [u1, u3] = ['katherine', 'alan'].map(
      (u) => emulator.store.addUser({ username: u, email: `${u}@corp.example` })._id,
    ) as [string, string];
    const parent = emulator.store.addGroup({ name: 'All Engineering' });
    const child = emulator.store.addGroup({ name: 'Platform' });
    const res = await h.request(
      'PATCH',
      `/Groups/${parent.id}`,
      fixture('patch-add-members-with-display.json', { user1: u1, user3: u3, nestedGroup: child.id }),
      { 'x-bridge-trace': 'true' },
    );
    expect(res.status, JSON.stringify(res.body)).to.equal(204);
    expect(emulator.store.membersOf(parent.id).sort()).to.deep.equal([u1, u3].sort());
    const lines = h.logs.map((l) => JSON.parse(l) as Record<string, unknown>);
    const warning = lines.find((l) => l.kind === 'memberSkipped');
    expect(warning).to.include({ level: 'warn' });
    expect(String(warning?.message)).to.contain(`skipped member ${child.id} (add): it is a JumpCloud user group`);
    const trace = lines.find((l) => l.message === 'trace') as { trace: { notes: { kind: string }[] } } | undefined;
    expect(trace?.trace.notes.map((n) => n.kind)).to.deep.equal(['memberSkipped']);
    // Entra re-sends the same PATCH next cycle: still 204, nothing new.
    const again = await h.request(
      'PATCH',
      `/Groups/${parent.id}`,
      fixture('patch-add-members-with-display.json', { user1: u1, user3: u3, nestedGroup: child.id }),
    );
    expect(again.status).to.equal(204);
    // And removing the nested group is skipped the same way.
    const removed = await h.request(
      'PATCH',
      `/Groups/${parent.id}`,
      patch({ op: 'Remove', path: 'members', value: [{ value: child.id }] }),
    );
    expect(removed.status).to.equal(204);
  });

  it('a POST with a nested group creates the group with its users and leaves the group out of members', async () => {
    const u1 = emulator.store.addUser({ username: 'ada', email: 'ada@corp.example' })._id;
    const child = emulator.store.addGroup({ name: 'Nested' });
    const res = await h.request('POST', '/Groups', {
      displayName: 'Parent',
      members: [{ value: u1 }, { value: child.id, display: 'Nested' }],
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body.members.map((m: { value: string }) => m.value)).to.deep.equal([u1]);
    expect(emulator.store.membersOf(String(res.body.id))).to.deep.equal([u1]);
  });

  it('a member that is neither a user nor a group keeps the 400 that names it', async () => {
    const u1 = emulator.store.addUser({ username: 'ada', email: 'ada@corp.example' })._id;
    const parent = emulator.store.addGroup({ name: 'Parent' });
    const ghost = 'abcdefabcdefabcdefabcdef';
    const res = await h.request(
      'PATCH',
      `/Groups/${parent.id}`,
      patch({ op: 'Add', path: 'members', value: [{ value: u1 }, { value: ghost }] }),
    );
    expect(res.status).to.equal(400);
    expect(res.body.detail).to.contain(`${ghost} (not a JumpCloud user)`);
  });
});

describe('e2e: unsupported methods and the root search', () => {
  const stack = freshEmulatedBridge();

  const cases: [string, string, number, string][] = [
    ['DELETE', '/Users', 405, 'GET, POST'],
    ['PUT', '/Groups', 405, 'GET, POST'],
    ['GET', '/Users/.search', 405, 'POST'],
    ['POST', '/Groups/aaaaaaaaaaaaaaaaaaaaaaaa', 405, 'GET, PUT, PATCH, DELETE'],
    ['PATCH', '/Schemas', 405, 'GET'],
    ['POST', '/ServiceProviderConfig', 405, 'GET'],
    ['DELETE', '/ResourceTypes/User', 405, 'GET'],
    ['POST', '/', 405, 'GET'],
    ['DELETE', '/', 405, 'GET'],
    ['GET', '/.search', 405, 'POST'],
  ];
  for (const [method, path, status, allow] of cases) {
    it(`${method} ${path} → ${status} with Allow: ${allow} and a SCIM error, nothing sent upstream`, async () => {
      const { h, emulator } = stack();
      const res = await h.request(method, path, method === 'GET' || method === 'DELETE' ? undefined : {});
      expect(res.status).to.equal(status);
      expect(res.headers.get('allow')).to.equal(allow);
      expect(res.headers.get('content-type')).to.match(/^application\/scim\+json/);
      expect(res.body).to.include({ status: String(status) });
      expect(res.body.schemas).to.deep.equal(['urn:ietf:params:scim:api:messages:2.0:Error']);
      expect(emulator.requests).to.deep.equal([]);
    });
  }

  it('served methods still reach their handlers (a missing id is 404, not 405)', async () => {
    const { h } = stack();
    expect((await h.request('GET', '/Users/aaaaaaaaaaaaaaaaaaaaaaaa')).status).to.equal(404);
    expect((await h.request('POST', '/Users/.search', { filter: 'userName eq "nobody"' })).status).to.equal(200);
    expect((await h.request('POST', '/.search', { filter: 'displayName eq "nobody"' })).status).to.equal(200);
    expect((await h.request('GET', '/?filter=displayName%20eq%20%22nobody%22')).status).to.equal(200);
    expect((await h.request('GET', '/Widgets')).status).to.equal(404);
  });
});
