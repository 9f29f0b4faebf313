import axios from 'axios';
import { expect } from 'chai';
import { createUser, startEmulator, type Harness } from './emulator-harness.js';

describe('emulator: fault injection', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await startEmulator();
  });
  afterEach(() => h.close());

  it('answers 429 with Retry-After once, then serves normally', async () => {
    h.emulator.faults.inject({ method: 'GET', path: '/api/systemusers', status: 429, retryAfter: '2' });
    const throttled = await h.api.get('/api/systemusers');
    expect(throttled.status).to.equal(429);
    expect(throttled.headers['retry-after']).to.equal('2');
    const next = await h.api.get('/api/systemusers');
    expect(next.status).to.equal(200);
  });

  it('answers 429 without Retry-After, as JumpCloud is observed to', async () => {
    h.emulator.faults.inject({ status: 429 });
    const throttled = await h.api.get('/api/v2/usergroups');
    expect(throttled.status).to.equal(429);
    expect(throttled.headers).not.to.have.property('retry-after');
  });

  it('repeats a 5xx fault the given number of times and only on the matching method and path', async () => {
    h.emulator.faults.inject({ method: 'POST', path: '/api/search/systemusers', status: 503, times: 2 });
    expect((await h.api.get('/api/systemusers')).status).to.equal(200);
    expect((await h.api.post('/api/search/systemusers', {})).status).to.equal(503);
    expect((await h.api.post('/api/search/systemusers', {})).status).to.equal(503);
    expect((await h.api.post('/api/search/systemusers', {})).status).to.equal(200);
  });

  it('skip lets the first matching requests through, then applies the fault its number of times', async () => {
    h.emulator.faults.inject({ method: 'POST', path: '/api/search/systemusers', skip: 2, times: 2, status: 502 });
    // A request the rule does not match is not counted against its skip.
    expect((await h.api.get('/api/systemusers')).status).to.equal(200);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await h.api.post('/api/search/systemusers', {})).status);
    expect(statuses).to.deep.equal([200, 200, 502, 502, 200]);
    expect(h.emulator.faults.active).to.deep.equal([]);
  });

  it('a skipping rule counts the requests another rule answered, so each rule names its own requests', async () => {
    h.emulator.faults.inject({ method: 'GET', path: '/api/systemusers', times: 1, status: 503 });
    h.emulator.faults.inject({ method: 'GET', path: '/api/systemusers', skip: 1, times: 1, status: 429 });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await h.api.get('/api/systemusers')).status);
    expect(statuses).to.deep.equal([503, 429, 200]);
  });

  for (const status of [500, 502, 504]) {
    it(`serves a ${status} with a custom body on a RegExp path`, async () => {
      h.emulator.faults.inject({ path: /^\/api\/v2\//, status, body: { message: 'upstream trouble' } });
      const response = await h.api.get('/api/v2/usergroups');
      expect(response.status).to.equal(status);
      expect(response.data).to.deep.equal({ message: 'upstream trouble' });
    });
  }

  it('delays a request and then handles it normally', async () => {
    h.emulator.faults.inject({ path: '/api/systemusers', delayMs: 30 });
    const response = await h.api.get('/api/systemusers');
    expect(response.status).to.equal(200);
    expect(h.emulator.faults.active).to.have.length(0);
  });

  it('drops the connection after the write committed: the client errors but the user exists', async () => {
    h.emulator.faults.inject({ method: 'POST', path: '/api/systemusers', dropConnection: 'afterCommit' });
    let failure: unknown;
    try {
      await h.api.post('/api/systemusers', { username: 'ghost', email: 'ghost@example.com' });
    } catch (error) {
      failure = error;
    }
    expect(axios.isAxiosError(failure)).to.equal(true);
    const found = await h.api.get('/api/systemusers?filter=username:$eq:ghost');
    expect(found.data.totalCount).to.equal(1);
    const retry = await h.api.post('/api/systemusers', { username: 'ghost', email: 'ghost@example.com' });
    expect(retry.status).to.equal(400);
    expect(retry.data.message).to.contain('already exists');
  });

  it('drops the connection before handling: nothing is written', async () => {
    h.emulator.faults.inject({ method: 'POST', dropConnection: 'before' });
    let failure: unknown;
    try {
      await h.api.post('/api/systemusers', { username: 'never', email: 'never@example.com' });
    } catch (error) {
      failure = error;
    }
    expect(axios.isAxiosError(failure)).to.equal(true);
    expect(h.emulator.store.users.size).to.equal(0);
  });

  it('is controllable over HTTP without an API key', async () => {
    const injected = await h.anonymous.post('/__emulator/faults', {
      method: 'GET',
      path: '/api/systemusers',
      status: 503,
      times: 3,
    });
    expect(injected.status).to.equal(201);
    expect((await h.anonymous.get('/__emulator/faults')).data).to.have.length(1);
    expect((await h.api.get('/api/systemusers')).status).to.equal(503);
    expect((await h.anonymous.delete('/__emulator/faults')).status).to.equal(204);
    expect((await h.api.get('/api/systemusers')).status).to.equal(200);

    await h.anonymous.post('/__emulator/faults', { pathRegex: '^/api/v2/', status: 502 });
    expect((await h.api.get('/api/v2/usergroups')).status).to.equal(502);
    await h.anonymous.post('/__emulator/faults', { path: '/api/systemusers', skip: 1, status: 500 });
    expect((await h.api.get('/api/systemusers')).status).to.equal(200);
    expect((await h.api.get('/api/systemusers')).status).to.equal(500);
    expect((await h.anonymous.post('/__emulator/faults', { skip: -1, status: 500 })).status).to.equal(400);
    const invalid = await h.anonymous.post('/__emulator/faults', { path: '/api/x' });
    expect(invalid.status).to.equal(400);
  });

  it('resets state, faults, violations and requests over HTTP', async () => {
    await createUser(h.api, { username: 'someone', email: 'someone@example.com', bogus: 1 });
    h.emulator.faults.inject({ status: 500, path: '/nowhere' });
    expect((await h.anonymous.post('/__emulator/reset')).status).to.equal(204);
    expect(h.emulator.store.users.size).to.equal(0);
    expect(h.emulator.faults.active).to.have.length(0);
    expect(h.emulator.violations).to.have.length(0);
    expect(h.emulator.requests).to.have.length(0);
    const state = await h.anonymous.get('/__emulator/state');
    expect(state.data.users).to.deep.equal([]);
  });
});
