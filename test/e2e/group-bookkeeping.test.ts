import { expect } from 'chai';
import type { Emulator } from '../../src/emulator/index.js';
import type { UserGroup } from '../../src/emulator/types.js';
import { changedKeys, freshEmulatedBridge, type Harness } from '../helpers/bridge-harness.js';

/**
 * A user group's custom attributes are inherited by every member and can be released to SAML apps (fact
 * `groupCustomAttributes`), so the bridge keeps its bookkeeping in a marked trailer of the description instead, and
 * moves what the previous layout left in `attributes` on the group's next write.
 */
const SETTINGS = { sudo: { enabled: true, withoutPassword: false } };
const patch = (...ops: Record<string, unknown>[]): Record<string, unknown> => ({
  schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
  Operations: ops,
});

describe('e2e: group bookkeeping never reaches members or apps', () => {
  const stack = freshEmulatedBridge();
  let emulator: Emulator;
  let h: Harness;
  beforeEach(() => {
    ({ h, emulator } = stack());
  });
  const stored = (id: string): UserGroup => structuredClone(emulator.store.groups.get(id) as UserGroup);
  const groupWrites = (from: number) =>
    emulator.requests
      .slice(from)
      .filter((r) => r.path.startsWith('/api/v2/usergroups') && r.method !== 'GET' && !r.path.endsWith('/members'));

  it("a created group holds Entra's externalId in its description's trailer and nothing in attributes", async () => {
    const res = await h.request('POST', '/Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: 'Engineering',
      externalId: 'e1f2-object; id]',
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    const g = stored(String(res.body.id));
    expect(g.attributes).to.equal(null);
    expect(g.description).to.equal('[scim-bridge externalId=e1f2-object%3B%20id%5D]');
    expect((await h.request('GET', `/Groups/${g.id}`)).body.externalId).to.equal('e1f2-object; id]');
  });

  for (const [what, ops] of [
    [
      'a member add (Entra writes nothing else to a matched group)',
      (user: string) => [{ op: 'Add', path: 'members', value: [{ value: user }] }],
    ],
    ['a displayName change', () => [{ op: 'Replace', path: 'displayName', value: 'Platform Team' }]],
  ] as const) {
    it(`a group the previous layout wrote is migrated on its next write: ${what}`, async () => {
      const user = emulator.store.addUser({ username: 'grace', email: 'grace@corp.example' })._id;
      const g = emulator.store.addGroup({
        name: 'Platform',
        description: 'Owned by platform',
        attributes: { ...structuredClone(SETTINGS), scimExternalId: 'legacy-object-id' },
      });
      // Read as before, so Entra sees no change.
      expect((await h.request('GET', `/Groups/${g.id}`)).body.externalId).to.equal('legacy-object-id');
      const before = stored(g.id);
      const mark = emulator.requests.length;
      const res = await h.request('PATCH', `/Groups/${g.id}`, patch(...ops(user)));
      expect(res.status, JSON.stringify(res.body)).to.equal(204);
      const after = stored(g.id);
      expect(after.attributes, 'the inherited custom attribute is gone; the settings stay').to.deep.equal(SETTINGS);
      expect(after.description).to.equal('Owned by platform [scim-bridge externalId=legacy-object-id]');
      expect(changedKeys(before, after).filter((k) => k !== 'name')).to.deep.equal(['attributes', 'description']);
      expect(groupWrites(mark).map((r) => r.method)).to.deep.equal(['PUT']);
      expect((await h.request('GET', `/Groups/${g.id}`)).body.externalId).to.equal('legacy-object-id');
      // Migrated once: the next member change writes no group body.
      const again = emulator.requests.length;
      await h.request('PATCH', `/Groups/${g.id}`, patch({ op: 'Remove', path: 'members', value: [{ value: user }] }));
      expect(groupWrites(again)).to.deep.equal([]);
    });
  }

  it("an admin's edit of the text before the trailer is kept, and removing externalId removes only the trailer", async () => {
    const g = emulator.store.addGroup({ name: 'Ops', description: 'Ops [scim-bridge externalId=abc]' });
    emulator.store.groups.set(g.id, { ...g, description: 'On-call rota, see wiki [scim-bridge externalId=abc]' });
    expect((await h.request('GET', `/Groups/${g.id}`)).body.externalId).to.equal('abc');
    await h.request('PATCH', `/Groups/${g.id}`, patch({ op: 'Replace', path: 'externalId', value: 'def' }));
    expect(stored(g.id).description).to.equal('On-call rota, see wiki [scim-bridge externalId=def]');
    await h.request('PATCH', `/Groups/${g.id}`, patch({ op: 'Remove', path: 'externalId' }));
    expect(stored(g.id).description).to.equal('On-call rota, see wiki');
  });
});
