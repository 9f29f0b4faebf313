import { expect } from 'chai';
import { createGroup, createUser, startEmulator, type Harness } from './emulator-harness.js';

describe('emulator: request contract validation', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await startEmulator();
  });
  afterEach(() => h.close());

  it('records unknown properties but accepts the write and ignores them, as JumpCloud does', async () => {
    const response = await h.api.post('/api/systemusers', {
      username: 'drift',
      email: 'drift@example.com',
      userName: 'drift',
      active: true,
    });
    expect(response.status).to.equal(200);
    expect(response.data).not.to.have.property('userName');
    expect(h.emulator.violations).to.deep.include({
      method: 'POST',
      path: '/api/systemusers',
      pointer: '/userName',
      message: 'is not a property of this schema',
      kind: 'unknown-property',
    });
    expect(h.emulator.violations.map((v) => v.pointer)).to.include('/active');
  });

  it('rejects and records wrong types with 400', async () => {
    const response = await h.api.post('/api/systemusers', {
      username: 'typed',
      email: 'typed@example.com',
      sudo: 'yes',
    });
    expect(response.status).to.equal(400);
    expect(response.data.message).to.contain('sudo must be a boolean');
    expect(h.emulator.violations).to.have.length(1);
    expect(h.emulator.violations[0]).to.include({ pointer: '/sudo', kind: 'type' });
    expect(h.emulator.store.users.size).to.equal(0);
  });

  it('rejects a null string field (only manager may be null)', async () => {
    const user = await createUser(h.api, { username: 'nuller', email: 'nuller@example.com' });
    const response = await h.api.put(`/api/systemusers/${user._id}`, { jobTitle: null });
    expect(response.status).to.equal(400);
    expect(h.emulator.violations[0]).to.include({ pointer: '/jobTitle', kind: 'type' });
  });

  it('rejects and records bad enums and missing required properties', async () => {
    expect(
      (await h.api.post('/api/systemusers', { username: 'e', email: 'e@example.com', state: 'active' })).status,
    ).to.equal(400);
    expect((await h.api.post('/api/v2/usergroups', { description: 'nameless' })).status).to.equal(400);
    const group = await createGroup(h.api, { name: 'G' });
    expect(
      (await h.api.post(`/api/v2/usergroups/${group.id}/members`, { op: 'add', type: 'system', id: 'x' })).status,
    ).to.equal(400);
    expect(h.emulator.violations.map((v) => [v.pointer, v.kind])).to.deep.equal([
      ['/state', 'enum'],
      ['/name', 'required'],
      ['/type', 'enum'],
    ]);
  });

  it('records and rejects over-long strings, pointing inside arrays', async () => {
    const response = await h.api.post('/api/systemusers', {
      username: 'longaddr',
      email: 'longaddr@example.com',
      addresses: [{ type: 'work', streetAddress: 's'.repeat(1025) }],
    });
    expect(response.status).to.equal(400);
    expect(h.emulator.violations[0]).to.include({ pointer: '/addresses/0/streetAddress', kind: 'max-length' });
  });

  it('checks the search body: filter may be an object or an array, but not a string', async () => {
    expect((await h.api.post('/api/search/systemusers', { filter: [{ username: 'x' }] })).status).to.equal(200);
    expect((await h.api.post('/api/search/systemusers', { filter: { and: [] }, limit: 5 })).status).to.equal(200);
    expect(h.emulator.violations.map((v) => [v.pointer, v.kind])).to.deep.equal([['/limit', 'unknown-property']]);
    expect((await h.api.post('/api/search/systemusers', { filter: 'username:$eq:x' })).status).to.equal(400);
  });

  it('records a write without Content-Type: application/json', async () => {
    const response = await h.api.post(
      '/api/systemusers',
      JSON.stringify({ username: 'plain', email: 'plain@example.com' }),
      {
        headers: { 'Content-Type': 'text/plain' },
      },
    );
    expect(response.status).to.equal(200);
    expect(h.emulator.violations).to.deep.equal([
      {
        method: 'POST',
        path: '/api/systemusers',
        pointer: '',
        kind: 'content-type',
        message: 'a POST must carry Content-Type: application/json (got text/plain)',
      },
    ]);
  });

  it('answers 400 for a body that is not JSON and records it', async () => {
    const response = await h.api.post('/api/systemusers', '{"username":', {
      headers: { 'Content-Type': 'application/json' },
      // axios would otherwise re-encode the broken text as a valid JSON string.
      transformRequest: [(data: unknown) => data],
    });
    expect(response.status).to.equal(400);
    expect(h.emulator.violations[0]).to.include({ kind: 'json' });
  });

  it('exposes violations over HTTP', async () => {
    await h.api.post('/api/v2/usergroups', { name: 'Drifty', displayName: 'Drifty' });
    const response = await h.anonymous.get('/__emulator/violations');
    expect(response.data).to.deep.equal([
      {
        method: 'POST',
        path: '/api/v2/usergroups',
        pointer: '/displayName',
        message: 'is not a property of this schema',
        kind: 'unknown-property',
      },
    ]);
  });

  it('records every request with the API key masked', async () => {
    await h.api.post(
      '/api/search/systemusers?limit=5&fields=username',
      { filter: [] },
      { headers: { 'x-org-id': 'abc' } },
    );
    const recorded = h.emulator.requests.at(-1);
    expect(recorded).to.include({ method: 'POST', path: '/api/search/systemusers' });
    expect(recorded?.query).to.deep.equal({ limit: '5', fields: 'username' });
    expect(recorded?.headers['x-api-key']).to.equal('***');
    expect(recorded?.headers['x-org-id']).to.equal('abc');
    expect(recorded?.body).to.deep.equal({ filter: [] });
    expect(JSON.stringify(h.emulator.requests)).not.to.contain(h.emulator.apiKeys[0]);
  });
});
