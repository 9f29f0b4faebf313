import { expect } from 'chai';
import { createGroup, createUser, startEmulator, type Harness } from './emulator-harness.js';

/** The JumpCloud traits a brownfield org exercises: STAGED activation, element ids, alternateEmail, a group as a member. */
describe('emulator: brownfield traits', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startEmulator();
  });
  afterEach(() => h.close());

  it('a STAGED user stays STAGED under PUT {suspended: false} and is activated only by POST /state/activate', async () => {
    const staged = await createUser(h.api, { username: 'staged', email: 'staged@example.com', state: 'STAGED' });
    const put = await h.api.put(`/api/systemusers/${staged._id}`, { suspended: false });
    expect(put.data).to.include({ state: 'STAGED', suspended: false });
    const activated = await h.api.post(`/api/systemusers/${staged._id}/state/activate`, {});
    expect(activated.status).to.equal(200);
    expect(h.emulator.store.users.get(staged._id)).to.include({
      state: 'ACTIVATED',
      suspended: false,
      activated: false,
    });
    const again = await h.api.post(`/api/systemusers/${staged._id}/state/activate`, { email: false });
    expect(again.status).to.equal(400);
    expect(again.data.message).to.contain('not STAGED');
    const bad = await h.api.post(`/api/systemusers/${staged._id}/state/activate`, { email: 42 });
    expect(bad.status).to.equal(400);
  });

  it('an array element sent back with its id keeps it; a new or unknown id gets a fresh one', async () => {
    const user = await createUser(h.api, {
      username: 'ids',
      email: 'ids@example.com',
      phoneNumbers: [{ type: 'mobile', number: '1' }],
    });
    const first = (user['phoneNumbers'] as { id: string }[])[0]?.id as string;
    const put = await h.api.put(`/api/systemusers/${user._id}`, {
      phoneNumbers: [
        { id: first, type: 'mobile', number: '2' },
        { id: 'ffffffffffffffffffffffff', type: 'work', number: '3' },
      ],
    });
    expect(put.status).to.equal(200);
    const [kept, fresh] = put.data.phoneNumbers as { id: string; number: string }[];
    expect(kept).to.include({ id: first, number: '2' });
    expect(fresh?.id)
      .to.match(/^[0-9a-f]{24}$/)
      .and.not.equal('ffffffffffffffffffffffff');
    expect(h.emulator.violations).to.deep.equal([]);
  });

  it('stores alternateEmail as written by POST and PUT', async () => {
    const user = await createUser(h.api, {
      username: 'alt',
      email: 'alt@example.com',
      alternateEmail: 'alt@home.example',
    });
    expect(user['alternateEmail']).to.equal('alt@home.example');
    const put = await h.api.put(`/api/systemusers/${user._id}`, { alternateEmail: '' });
    expect(put.data.alternateEmail).to.equal('');
  });

  it('refuses a user group offered as a member of a user group with a 400 that differs from an unknown id', async () => {
    const parent = await createGroup(h.api, { name: 'parent' });
    const child = await createGroup(h.api, { name: 'child' });
    const nested = await h.api.post(`/api/v2/usergroups/${parent.id}/members`, {
      op: 'add',
      type: 'user',
      id: child.id,
    });
    expect(nested.status).to.equal(400);
    expect(nested.data.message).to.contain('user_group');
    const unknown = await h.api.post(`/api/v2/usergroups/${parent.id}/members`, {
      op: 'add',
      type: 'user',
      id: 'aaaaaaaaaaaaaaaaaaaaaaaa',
    });
    expect(unknown.status).to.equal(404);
    expect(h.emulator.store.membersOf(parent.id)).to.deep.equal([]);
  });
});
