import { expect } from 'chai';
import { jc, total, forbidden } from '../../helpers/jumpcloud-calls.js';
import { GROUP_ID, uid, group, member, patchOp, rec, groupsApp } from './groups-contract.js';

/**
 * What a member PATCH reads, pinned call by call: the group (a missing or dynamic group is refused there), and, for
 * a PATCH adding several members, the first page of members beside it, so a member already there is not written
 * again and a re-sent PATCH repeats none the page shows done.
 */
describe('contract: SCIM /Groups member PATCHes skip members already there', () => {
  const app = groupsApp();
  const path = `/Groups/${GROUP_ID}`;
  const add = (...ids: string[]): unknown =>
    patchOp({ op: 'Add', path: 'members', value: ids.map((value) => ({ value })) });

  it('adding four members, two already there: the group and the first page of members are read, and only the two new ones are added', async () => {
    jc.getGroup(GROUP_ID).reply(200, group());
    jc.membersOf(GROUP_ID, { limit: 100, skip: 0 }).reply(200, [member(uid(1)), member(uid(2))], total(2));
    jc.addMember(GROUP_ID, uid(3)).reply(204);
    jc.addMember(GROUP_ID, uid(4)).reply(204);
    const others = forbidden('any');
    const res = await app.scim('PATCH', path, add(uid(1), uid(2), uid(3), uid(4)));
    expect(res.status, JSON.stringify(res.body)).to.equal(204);
    expect(others(), 'calls besides the two reads and the two adds').to.equal(0);
  });

  it('a re-sent PATCH after a partial one converges without repeating the members done', async () => {
    jc.getGroup(GROUP_ID).reply(200, group());
    jc.membersOf(GROUP_ID, { limit: 100, skip: 0 }).reply(200, [], total(0));
    jc.addMember(GROUP_ID, uid(1)).reply(204);
    jc.addMember(GROUP_ID, uid(2)).reply(204);
    jc.addMember(GROUP_ID, uid(3)).reply(403, { message: 'not now' });
    const partial = await app.scim('PATCH', path, add(uid(1), uid(2), uid(3)));
    expect(partial.status).to.equal(403);
    expect(rec(partial.body).detail).to.contain(`added: ${uid(1)}, ${uid(2)}`);

    jc.getGroup(GROUP_ID).reply(200, group());
    jc.membersOf(GROUP_ID, { limit: 100, skip: 0 }).reply(200, [member(uid(1)), member(uid(2))], total(2));
    jc.addMember(GROUP_ID, uid(3)).reply(204);
    const again = forbidden('any');
    const res = await app.scim('PATCH', path, add(uid(1), uid(2), uid(3)));
    expect(res.status, JSON.stringify(res.body)).to.equal(204);
    expect(again(), 'members written again').to.equal(0);
  });

  it('one add alone reads only the group: a members read could save no more than it costs', async () => {
    jc.getGroup(GROUP_ID).reply(200, group());
    jc.addMember(GROUP_ID, uid(1)).reply(409, { message: 'Already Exists' });
    const others = forbidden('any');
    const res = await app.scim('PATCH', path, add(uid(1)));
    expect(res.status, JSON.stringify(res.body)).to.equal(204);
    expect(others()).to.equal(0);
  });

  it('a members page that fails skips nothing: every add is sent', async () => {
    jc.getGroup(GROUP_ID).reply(200, group());
    jc.membersOf(GROUP_ID, { limit: 100, skip: 0 }).reply(400, { message: 'no' });
    jc.addMember(GROUP_ID, uid(1)).reply(204);
    jc.addMember(GROUP_ID, uid(2)).reply(409, { message: 'Already Exists' });
    const res = await app.scim('PATCH', path, add(uid(1), uid(2)));
    expect(res.status, JSON.stringify(res.body)).to.equal(204);
  });

  it('a missing group is its 404 and a dynamic group its 400, whatever the members page says, with nothing written', async () => {
    jc.getGroup(GROUP_ID).reply(404, { message: 'Not Found' });
    jc.membersOf(GROUP_ID, { limit: 100, skip: 0 }).reply(404, { message: 'Not Found' });
    const writes = forbidden(['POST', 'PUT', 'DELETE']);
    const gone = await app.scim('PATCH', path, add(uid(1), uid(2)));
    expect([gone.status, rec(gone.body).detail]).to.deep.equal([404, `Group ${GROUP_ID} not found`]);
    jc.getGroup(GROUP_ID).reply(200, group({ membershipMethod: 'DYNAMIC_AUTOMATED' }));
    jc.membersOf(GROUP_ID, { limit: 100, skip: 0 }).reply(200, [], total(0));
    const dynamic = await app.scim('PATCH', path, add(uid(1), uid(2)));
    expect(dynamic.status).to.equal(400);
    expect(writes()).to.equal(0);
  });
});
