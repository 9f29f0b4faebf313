import { expect } from 'chai';
import { startEmulator, createUser, type Harness } from './emulator-harness.js';

describe('emulator: real-org modes', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startEmulator();
  });
  afterEach(() => h.close());

  it('are set and read over the admin API, and unknown modes are refused', async () => {
    const set = await h.anonymous.put('/__emulator/modes', { normalise: { email: 'lowercase' } });
    expect(set.status).to.equal(200);
    expect((await h.anonymous.get('/__emulator/modes')).data).to.deep.equal({ normalise: { email: 'lowercase' } });
    const bad = await h.anonymous.put('/__emulator/modes', { surprise: true });
    expect(bad.status).to.equal(400);
    expect(bad.data.message).to.include('unknown mode(s): surprise');
    const badHow = await h.anonymous.put('/__emulator/modes', { normalise: { email: 'shout' } });
    expect(badHow.status).to.equal(400);
  });

  it('normalise rewrites what is stored on POST and PUT, and the answer shows the stored value', async () => {
    h.emulator.setModes({ normalise: { email: 'lowercase', firstname: 'trim', 'phoneNumbers.number': 'digits' } });
    const user = await createUser(h.api, {
      username: 'norm',
      email: 'Norm@Example.com',
      firstname: ' Norm ',
      phoneNumbers: [{ type: 'work', number: '+1 (555) 010-0100' }],
    });
    expect(user).to.include({ email: 'norm@example.com', firstname: 'Norm' });
    expect((user.phoneNumbers as { number: string }[])[0]?.number).to.equal('+15550100100');
    const put = await h.api.put(`/api/systemusers/${user._id}`, { email: 'Other@Example.com' });
    expect(put.data.email).to.equal('other@example.com');
  });

  it('searchFields: the default list applies only when no fields are named; never-fields are always dropped', async () => {
    await createUser(h.api, { username: 'f1', email: 'f1@example.com', phoneNumbers: [{ type: 'work', number: '1' }] });
    h.emulator.setModes({ searchFields: { defaults: ['username'], never: ['phoneNumbers'] } });
    const byDefault = await h.api.post('/api/search/systemusers', {});
    expect(Object.keys(byDefault.data.results[0]).sort()).to.deep.equal(['_id', 'username']);
    const asked = await h.api.post('/api/search/systemusers', { fields: 'username email phoneNumbers' });
    expect(Object.keys(asked.data.results[0]).sort()).to.deep.equal(['_id', 'email', 'username']);
  });

  it('refuseSearch answers 400 for the refused forms only', async () => {
    h.emulator.setModes({ refuseSearch: { operators: ['$ne'], inlineRegexFlags: true, dottedKeys: true } });
    expect(
      (await h.api.post('/api/search/systemusers', { filter: { and: [{ username: { $ne: 'x' } }] } })).status,
    ).to.equal(400);
    expect(
      (await h.api.post('/api/search/systemusers', { filter: { or: [{ username: { $regex: '(?i)^x$' } }] } })).status,
    ).to.equal(400);
    expect(
      (await h.api.post('/api/search/systemusers', { filter: { and: [{ 'attributes.value': 'x' }] } })).status,
    ).to.equal(400);
    expect(
      (await h.api.post('/api/search/systemusers', { filter: { and: [{ username: { $regex: '^x$' } }] } })).status,
    ).to.equal(200);
  });

  it('readOnlyKeys: reads and searches pass, writes get 403', async () => {
    h.emulator.setModes({ readOnlyKeys: [h.emulator.apiKeys[0] ?? ''] });
    expect((await h.api.get('/api/systemusers')).status).to.equal(200);
    expect((await h.api.post('/api/search/systemusers', {})).status).to.equal(200);
    const write = await h.api.post('/api/systemusers', { username: 'ro', email: 'ro@example.com' });
    expect(write.status).to.equal(403);
    expect(h.emulator.store.users.size).to.equal(0);
  });

  it('multiTenant: x-org-id is required (401) or defaulted, and unknown orgs are 404', async () => {
    const own = h.emulator.store.organization;
    h.emulator.setModes({
      multiTenant: {
        organizations: [
          { _id: own, displayName: 'A' },
          { _id: 'b'.repeat(24), displayName: 'B' },
        ],
      },
    });
    expect((await h.api.get('/api/systemusers')).status).to.equal(401);
    expect((await h.api.get('/api/systemusers', { headers: { 'x-org-id': own } })).status).to.equal(200);
    expect((await h.api.get('/api/systemusers', { headers: { 'x-org-id': 'c'.repeat(24) } })).status).to.equal(404);
    expect((await h.api.get('/api/organizations')).data.totalCount).to.equal(2);
    h.emulator.setModes({
      multiTenant: { organizations: [{ _id: own, displayName: 'A' }], withoutOrgId: 'defaultOrg' },
    });
    expect((await h.api.get('/api/systemusers')).status).to.equal(200);
  });
});
