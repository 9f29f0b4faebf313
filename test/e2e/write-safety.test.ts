import { expect } from 'chai';
import type { Emulator } from '../../src/emulator/index.js';
import { emulatedBridge, type Harness } from '../helpers/bridge-harness.js';

/** Writes are never duplicated, lost or phantom. */
describe('e2e: write safety', function () {
  this.timeout(20_000);
  /** Retries per JumpCloud call: one call makes 1 + RETRIES attempts before it fails. */
  const RETRIES = 4;
  const stack = emulatedBridge({
    RETRY_MAX_RETRIES: String(RETRIES),
    JUMPCLOUD_TIMEOUT_MS: '250',
    RETRY_MIN_DELAY_MS: '20',
    RETRY_MAX_DELAY_MS: '50',
    REQUEST_DEADLINE_MS: '8000',
    CREATE_LOOKUP_WINDOW_MS: '1000',
  });
  let emulator: Emulator;
  let h: Harness;
  beforeEach(() => {
    ({ h, emulator } = stack());
    emulator.reset();
  });
  const named = (name: string) => [...emulator.store.users.values()].filter((u) => u.username === name);

  it('a 429 on POST /systemusers is retried (JumpCloud wrote nothing): 201, one user', async () => {
    emulator.faults.inject({ method: 'POST', path: '/api/systemusers', status: 429, times: 2 });
    const res = await h.request('POST', '/Users', {
      userName: 'throttled1',
      emails: [{ value: 'throttled1@example.com' }],
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(named('throttled1')).to.have.length(1);
  });

  it('a 429 with Retry-After on a create is honoured and retried', async () => {
    emulator.faults.inject({ method: 'POST', path: '/api/systemusers', status: 429, retryAfter: '0', times: 1 });
    const res = await h.request('POST', '/Users', {
      userName: 'throttled2',
      emails: [{ value: 'throttled2@example.com' }],
    });
    expect(res.status).to.equal(201);
    expect(named('throttled2')).to.have.length(1);
  });

  it('a create that commits after the bridge gave up waiting is found by the repeated lookup: 201, not a phantom error', async () => {
    // The answer takes longer than the timeout, so the bridge sees a timeout while the user is committed later.
    emulator.faults.inject({ method: 'POST', path: '/api/systemusers', delayMs: 600, times: 1 });
    const res = await h.request('POST', '/Users', {
      userName: 'latecommit',
      emails: [{ value: 'latecommit@example.com' }],
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(named('latecommit')).to.have.length(1);
    expect(res.body.id).to.equal(named('latecommit')[0]?._id);
  });

  it('the recovery lookup is itself retried: a reset after commit, then a failing search, still answers 201', async () => {
    // The create (no search before it) commits and its connection resets, then the recovery lookups fail: every
    // attempt of the first lookup call and the first attempt of the next, so the window's second lookup is what
    // finds the user, on its retry.
    emulator.faults.inject({ method: 'POST', path: '/api/systemusers', dropConnection: 'afterCommit', times: 1 });
    const failedLookups = 1 + RETRIES + 1;
    emulator.faults.inject({
      method: 'POST',
      path: '/api/search/systemusers',
      times: failedLookups,
      status: 502,
    });
    const res = await h.request('POST', '/Users', {
      userName: 'lookupretry',
      emails: [{ value: 'lookupretry@example.com' }],
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(named('lookupretry')).to.have.length(1);
    // Every failing lookup (the rule is used up), and the one that found the user.
    expect(emulator.faults.active).to.deep.equal([]);
    const searches = emulator.requests.filter((r) => r.method === 'POST' && r.path === '/api/search/systemusers');
    expect(searches).to.have.length(failedLookups + 1);
  });

  it('a DELETE whose own first attempt deleted the user (answer lost) answers 204, not 404', async () => {
    const created = await h.request('POST', '/Users', { userName: 'gone', emails: [{ value: 'gone@example.com' }] });
    const id = String(created.body.id);
    emulator.faults.inject({
      method: 'DELETE',
      path: `/api/systemusers/${id}`,
      dropConnection: 'afterCommit',
      times: 1,
    });
    const res = await h.request('DELETE', `/Users/${id}`);
    expect(res.status, JSON.stringify(res.body)).to.equal(204);
    expect(emulator.store.users.has(id)).to.equal(false);
    // A DELETE of a user that was never there (first attempt) is still a 404.
    expect((await h.request('DELETE', `/Users/${id}`)).status).to.equal(404);
  });
});
