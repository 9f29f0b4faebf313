import { expect } from 'chai';
import { createGroup, createUser, startEmulator, type CreatedUser, type Harness } from './emulator-harness.js';

describe('emulator: v2 usergroups and membership', () => {
  let h: Harness;
  let alice: CreatedUser;
  let bob: CreatedUser;

  beforeEach(async () => {
    h = await startEmulator();
    alice = await createUser(h.api, { username: 'alice', email: 'alice@example.com' });
    bob = await createUser(h.api, { username: 'bob', email: 'bob@example.com' });
  });
  afterEach(() => h.close());

  const member = (groupId: string, op: string, id: string) =>
    h.api.post(`/api/v2/usergroups/${groupId}/members`, { op, type: 'user', id });

  it('creates a group with 201 and the UserGroup defaults', async () => {
    const response = await h.api.post('/api/v2/usergroups', { name: 'Engineering', description: 'Builders' });
    expect(response.status).to.equal(201);
    expect(response.data.id).to.match(/^[0-9a-f]{24}$/);
    expect(response.data).to.include({
      name: 'Engineering',
      description: 'Builders',
      email: '',
      type: 'user_group',
      membershipMethod: 'STATIC',
    });
  });

  it('answers 409 "Already Exists" for a duplicate name, case-insensitively, on create and rename', async () => {
    await createGroup(h.api, { name: 'Engineering' });
    const dup = await h.api.post('/api/v2/usergroups', { name: 'ENGINEERING' });
    expect(dup.status).to.equal(409);
    expect(dup.data).to.deep.equal({ message: 'Already Exists' });
    const other = await createGroup(h.api, { name: 'Sales' });
    const rename = await h.api.put(`/api/v2/usergroups/${other.id}`, { name: 'engineering' });
    expect(rename.status).to.equal(409);
  });

  it('requires name on create and on the full-update PUT, which resets omitted fields', async () => {
    expect((await h.api.post('/api/v2/usergroups', { description: 'no name' })).status).to.equal(400);
    const group = await createGroup(h.api, { name: 'Ops', description: 'keep?', email: 'ops@example.com' });
    expect((await h.api.put(`/api/v2/usergroups/${group.id}`, { description: 'x' })).status).to.equal(400);
    const put = await h.api.put(`/api/v2/usergroups/${group.id}`, { name: 'Operations' });
    expect(put.status).to.equal(200);
    expect(put.data).to.include({ id: group.id, name: 'Operations', description: '', email: '' });
    const get = await h.api.get(`/api/v2/usergroups/${group.id}`);
    expect(get.data.name).to.equal('Operations');
  });

  it('deletes a group with 200 and the group, then answers 404 for it', async () => {
    const group = await createGroup(h.api, { name: 'Temp' });
    const deleted = await h.api.delete(`/api/v2/usergroups/${group.id}`);
    expect(deleted.status).to.equal(200);
    expect(deleted.data.id).to.equal(group.id);
    expect((await h.api.get(`/api/v2/usergroups/${group.id}`)).status).to.equal(404);
    expect((await h.api.get('/api/v2/usergroups/nope')).status).to.equal(400);
  });

  it('lists groups as a bare array with x-total-count, paged, filtered and projected', async () => {
    for (const name of ['Alpha', 'Beta', 'Gamma', 'Delta']) await createGroup(h.api, { name });
    const page = await h.api.get('/api/v2/usergroups?limit=2&skip=1&sort=name');
    expect(page.status).to.equal(200);
    expect(page.data).to.be.an('array');
    expect(page.headers['x-total-count']).to.equal('4');
    expect(page.data.map((group: { name: string }) => group.name)).to.deep.equal(['Beta', 'Delta']);

    const eq = await h.api.get('/api/v2/usergroups?filter=name:eq:Gamma');
    expect(eq.data.map((group: { name: string }) => group.name)).to.deep.equal(['Gamma']);
    expect((await h.api.get('/api/v2/usergroups?filter=name:eq:gamma')).headers['x-total-count']).to.equal('0');
    const search = await h.api.get('/api/v2/usergroups?filter=name:search:ET');
    expect(search.data.map((group: { name: string }) => group.name)).to.deep.equal(['Beta']);
    const joined = await h.api.get(`/api/v2/usergroups?filter=${encodeURIComponent('name:ne:Alpha,name:ne:Beta')}`);
    expect(joined.headers['x-total-count']).to.equal('2');
    const repeated = await h.api.get('/api/v2/usergroups?filter=name:ne:Alpha&filter=name:ne:Delta');
    expect(repeated.headers['x-total-count']).to.equal('2');

    const projected = await h.api.get('/api/v2/usergroups?fields=name&limit=1');
    expect(Object.keys(projected.data[0]).sort()).to.deep.equal(['id', 'name']);
    expect((await h.api.get('/api/v2/usergroups?limit=101')).status).to.equal(400);
    expect((await h.api.get('/api/v2/usergroups?filter=name:$eq:Alpha')).status).to.equal(400);
  });

  it('adds with 204, answers 409 for an existing member and 404 for removing a non-member', async () => {
    const group = await createGroup(h.api, { name: 'Team' });
    expect((await member(group.id, 'add', alice._id)).status).to.equal(204);
    expect((await member(group.id, 'add', alice._id)).status).to.equal(409);
    expect((await member(group.id, 'remove', bob._id)).status).to.equal(404);
    expect((await member(group.id, 'remove', alice._id)).status).to.equal(204);
    expect(h.emulator.store.membersOf(group.id)).to.deep.equal([]);
  });

  it('answers 404 "user not found" for an unknown user and 404 for an unknown group', async () => {
    const group = await createGroup(h.api, { name: 'Team' });
    const unknownUser = await member(group.id, 'add', '0123456789abcdef01234567');
    expect(unknownUser.status).to.equal(404);
    expect(unknownUser.data).to.deep.equal({ message: 'user not found' });
    expect((await member('0123456789abcdef01234567', 'add', alice._id)).status).to.equal(404);
  });

  it('lists direct members as GraphConnections with x-total-count and paging', async () => {
    const group = await createGroup(h.api, { name: 'Team' });
    await member(group.id, 'add', alice._id);
    await member(group.id, 'add', bob._id);
    const all = await h.api.get(`/api/v2/usergroups/${group.id}/members`);
    expect(all.headers['x-total-count']).to.equal('2');
    expect(all.data).to.deep.equal([{ to: { id: alice._id, type: 'user' } }, { to: { id: bob._id, type: 'user' } }]);
    const second = await h.api.get(`/api/v2/usergroups/${group.id}/members?limit=1&skip=1`);
    expect(second.data).to.deep.equal([{ to: { id: bob._id, type: 'user' } }]);
  });

  it('lists effective membership as GraphObjectWithPaths', async () => {
    const group = await createGroup(h.api, { name: 'Team' });
    await member(group.id, 'add', bob._id);
    const response = await h.api.get(`/api/v2/usergroups/${group.id}/membership`);
    expect(response.headers['x-total-count']).to.equal('1');
    expect(response.data).to.deep.equal([
      { id: bob._id, type: 'user', paths: [[{ to: { id: bob._id, type: 'user' } }]] },
    ]);
  });

  it('accepts a manual add to a dynamic group with 204 but does not keep it', async () => {
    const group = await createGroup(h.api, { name: 'Dynamic', membershipMethod: 'DYNAMIC_AUTOMATED' });
    expect((await member(group.id, 'add', alice._id)).status).to.equal(204);
    const members = await h.api.get(`/api/v2/usergroups/${group.id}/members`);
    expect(members.data).to.deep.equal([]);
    expect(members.headers['x-total-count']).to.equal('0');
  });

  it('lists the groups a user belongs to via memberof', async () => {
    const one = await createGroup(h.api, { name: 'One' });
    const two = await createGroup(h.api, { name: 'Two' });
    await member(one.id, 'add', alice._id);
    await member(two.id, 'add', alice._id);
    const response = await h.api.get(`/api/v2/users/${alice._id}/memberof`);
    expect(response.status).to.equal(200);
    expect(response.headers['x-total-count']).to.equal('2');
    expect(response.data[0]).to.deep.equal({
      id: one.id,
      type: 'user_group',
      paths: [[{ to: { id: one.id, type: 'user_group' } }]],
    });
    const paged = await h.api.get(`/api/v2/users/${alice._id}/memberof?limit=1&skip=1`);
    expect(paged.data.map((entry: { id: string }) => entry.id)).to.deep.equal([two.id]);
    expect((await h.api.get(`/api/v2/users/${bob._id}/memberof`)).data).to.deep.equal([]);
    expect((await h.api.get('/api/v2/users/0123456789abcdef01234567/memberof')).status).to.equal(404);
  });

  it('drops memberships when a group is deleted', async () => {
    const group = await createGroup(h.api, { name: 'Gone' });
    await member(group.id, 'add', alice._id);
    await h.api.delete(`/api/v2/usergroups/${group.id}`);
    expect((await h.api.get(`/api/v2/users/${alice._id}/memberof`)).data).to.deep.equal([]);
  });
});
