import { expect } from 'chai';
import { jc, total, forbidden } from '../../helpers/jumpcloud-calls.js';
import { uid, group, member, patchOp, rec, groupsApp } from './groups-contract.js';

/**
 * What a member PATCH reads, pinned call by call: one read per PATCH, and a member already in the group is not
 * written again. After the bridge created a group, that read is the first page of its members (the group itself
 * needs no read: the bridge just made it static); otherwise it is the group.
 */
describe('contract: SCIM /Groups member PATCHes read once, and skip members already there', () => {
  const app = groupsApp();
  /** A group id of its own per test: the bridge remembers the groups it created for the whole suite. */
  const gid = (n: number): string => `5f0c1e2d3c4b5a69786900${n.toString(16).padStart(2, '0')}`;
  const created = async (id: string): Promise<void> => {
    jc.createGroup({ name: `G${id}` }).reply(201, group({ id, name: `G${id}`, description: '' }));
    expect((await app.scim('POST', '/Groups', { displayName: `G${id}` })).status).to.equal(201);
  };
  const add = (...ids: string[]): unknown =>
    patchOp({ op: 'Add', path: 'members', value: ids.map((value) => ({ value })) });

  it('after its create, an add PATCH reads the first page of members (not the group) and adds only the new ones: 1 read + 1 call per new member', async () => {
    const id = gid(1);
    await created(id);
    jc.membersOf(id, { limit: 100, skip: 0 }).reply(200, [member(uid(1)), member(uid(2))], total(2));
    jc.addMember(id, uid(3)).reply(204);
    jc.addMember(id, uid(4)).reply(204);
    const others = forbidden('any');
    const res = await app.scim('PATCH', `/Groups/${id}`, add(uid(1), uid(2), uid(3), uid(4)));
    expect(res.status, JSON.stringify(res.body)).to.equal(204);
    expect(others(), 'calls besides the members read and the two adds').to.equal(0);
  });

  it('a re-sent PATCH after a partial one converges without repeating the members done', async () => {
    const id = gid(2);
    await created(id);
    jc.membersOf(id, { limit: 100, skip: 0 }).reply(200, [], total(0));
    jc.addMember(id, uid(1)).reply(204);
    jc.addMember(id, uid(2)).reply(204);
    jc.addMember(id, uid(3)).reply(403, { message: 'not now' });
    const partial = await app.scim('PATCH', `/Groups/${id}`, add(uid(1), uid(2), uid(3)));
    expect(partial.status).to.equal(403);
    expect(rec(partial.body).detail).to.contain(`added: ${uid(1)}, ${uid(2)}`);

    jc.membersOf(id, { limit: 100, skip: 0 }).reply(200, [member(uid(1)), member(uid(2))], total(2));
    jc.addMember(id, uid(3)).reply(204);
    const again = forbidden('any');
    const res = await app.scim('PATCH', `/Groups/${id}`, add(uid(1), uid(2), uid(3)));
    expect(res.status, JSON.stringify(res.body)).to.equal(204);
    expect(again(), 'members written again').to.equal(0);
  });

  it('a remove of someone the complete first page does not list is not sent', async () => {
    const id = gid(3);
    await created(id);
    jc.membersOf(id, { limit: 100, skip: 0 }).reply(200, [member(uid(1))], total(1));
    jc.removeMember(id, uid(1)).reply(204);
    const others = forbidden('any');
    const res = await app.scim(
      'PATCH',
      `/Groups/${id}`,
      patchOp({ op: 'Remove', path: 'members', value: [{ value: uid(1) }, { value: uid(2) }] }),
    );
    expect(res.status, JSON.stringify(res.body)).to.equal(204);
    expect(others()).to.equal(0);
  });

  it('a remove of someone a full first page does not list is sent: the page is not everyone (a re-remove is done)', async () => {
    const id = gid(7);
    await created(id);
    const page = Array.from({ length: 100 }, (_, i) => member(uid(100 + i)));
    jc.membersOf(id, { limit: 100, skip: 0 }).reply(200, page, total(250));
    jc.removeMember(id, uid(2)).reply(404, { message: 'Not Found' });
    const unseen = await app.scim(
      'PATCH',
      `/Groups/${id}`,
      patchOp({ op: 'Remove', path: 'members', value: [{ value: uid(2) }] }),
    );
    expect(unseen.status, JSON.stringify(unseen.body)).to.equal(204);
  });

  it('a created group deleted meanwhile: the members read is its 404, and the next PATCH reads the group again', async () => {
    const id = gid(4);
    await created(id);
    jc.membersOf(id, { limit: 100, skip: 0 }).reply(404, { message: 'Not Found' });
    const gone = await app.scim('PATCH', `/Groups/${id}`, add(uid(1)));
    expect([gone.status, rec(gone.body).detail]).to.deep.equal([404, `Group ${id} not found`]);
    jc.getGroup(id).reply(404, { message: 'Not Found' });
    const writes = forbidden('any');
    expect((await app.scim('PATCH', `/Groups/${id}`, add(uid(1)))).status).to.equal(404);
    expect(writes()).to.equal(0);
  });

  it('a group the bridge did not create is read itself (dynamic groups are refused on that read): one read, every add sent', async () => {
    const id = gid(5);
    jc.getGroup(id).reply(200, group({ id }));
    jc.addMember(id, uid(1)).reply(204);
    jc.addMember(id, uid(2)).reply(409, { message: 'Already Exists' });
    const others = forbidden('any');
    const res = await app.scim('PATCH', `/Groups/${id}`, add(uid(1), uid(2)));
    expect(res.status, JSON.stringify(res.body)).to.equal(204);
    expect(others()).to.equal(0);
  });

  it('a PATCH that also renames, or asks for the group back, reads the group even after its create', async () => {
    const id = gid(6);
    await created(id);
    jc.getGroup(id).reply(200, group({ id, name: `G${id}`, description: '' }));
    jc.membersOf(id, { limit: 100, skip: 0 }).reply(200, [], total(0));
    jc.addMember(id, uid(1)).reply(204);
    const res = await app.scim('PATCH', `/Groups/${id}?attributes=members`, add(uid(1)));
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
  });
});
