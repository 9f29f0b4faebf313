import { expect } from 'chai';
import type { Emulator } from '../../src/emulator/index.js';
import { emulatedBridge, type Harness } from '../helpers/bridge-harness.js';
import { expectScimError } from '../helpers/scim-error.js';

const DEADLINE_MS = 3_000;

const ENV = {
  REQUEST_DEADLINE_MS: String(DEADLINE_MS),
  SHUTDOWN_GRACE_MS: String(DEADLINE_MS),
  RETRY_MAX_RETRIES: '1',
};

/** JumpCloud's throttling is waited out inside the deadline, and answered early as "come back later" when it cannot be. */
describe('e2e: throttling is waited out, not passed on', function () {
  this.timeout(20_000);
  for (const status of [503, 429] as const) {
    describe(`THROTTLED_STATUS=${status}`, () => {
      const stack = emulatedBridge({ ...ENV, THROTTLED_STATUS: String(status) });
      let emulator: Emulator;
      let h: Harness;
      beforeEach(() => {
        ({ h, emulator } = stack());
        emulator.reset();
      });

      it('a create refused with 429 more times than retries allow is re-sent until it lands, once', async () => {
        emulator.faults.inject({ method: 'POST', path: '/api/systemusers', status: 429, retryAfter: '0', times: 4 });
        const res = await h.request('POST', '/Users', { userName: 'paced', emails: [{ value: 'paced@example.com' }] });
        expect(res.status, JSON.stringify(res.body)).to.equal(201);
        expect([...emulator.store.users.values()].filter((u) => u.username === 'paced')).to.have.length(1);
        const posts = emulator.requests.filter((r) => r.method === 'POST' && r.path === '/api/systemusers');
        expect(posts).to.have.length(5);
      });

      it(`a Retry-After past the deadline is answered at once with ${status} + Retry-After, naming the writes done`, async () => {
        const first = await h.request('POST', '/Users', {
          userName: 'early',
          emails: [{ value: 'early@example.com' }],
        });
        expect(first.status).to.equal(201);
        emulator.faults.inject({ method: 'PUT', path: '/api/systemusers/', status: 429, retryAfter: '30', times: 1 });
        const started = performance.now();
        const res = await h.request('PATCH', `/Users/${first.body.id}`, {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'replace', path: 'title', value: 'Engineer' }],
        });
        expect(performance.now() - started, 'answered when the pause began, not at the deadline').to.be.below(
          DEADLINE_MS / 2,
        );
        expectScimError(res, status);
        expect(Number(res.headers.get('retry-after'))).to.be.within(25, 31);
        expect(res.body.detail)
          .to.match(/throttling this API key/)
          .and.match(/JumpCloud confirmed no write/);
        const puts = emulator.requests.filter((r) => r.method === 'PUT');
        expect(puts, 'not re-sent into the pause').to.have.length(1);
      });
    });
  }

  describe('at a known rate limit, a create whose answer was lost', () => {
    const stack = emulatedBridge({ ...ENV, JUMPCLOUD_RATE_LIMIT: '2' });

    it('is looked up and answered 201 though the lookup comes too late for an ordinary call of the request', async () => {
      const { h, emulator } = stack();
      emulator.reset();
      emulator.setModes({ rateLimit: { perSecond: 2, burst: 2 } });
      // The POST lands but its answer is lost 2.6 s into the request: with 0.4 s left, the pacer's estimate for any
      // ordinary call (a turn of the rate, 0.5 s, plus the latency it measured) is past the deadline. The lookup that
      // proves the user exists must still be sent.
      emulator.faults.inject({
        method: 'POST',
        path: '/api/systemusers',
        delayMs: 2_600,
        dropConnection: 'afterCommit',
        times: 1,
      });
      try {
        const res = await h.request('POST', '/Users', { userName: 'lost', emails: [{ value: 'lost@example.com' }] });
        expect(res.status, JSON.stringify(res.body)).to.equal(201);
        expect(res.body.userName).to.equal('lost');
        const stored = [...emulator.store.users.values()].filter((u) => u.username === 'lost');
        expect(stored).to.have.length(1);
        expect(res.body.id).to.equal(stored[0]?._id);
        const posts = emulator.requests.filter((r) => r.method === 'POST' && r.path === '/api/systemusers');
        expect(posts, 'found, not created again').to.have.length(1);
      } finally {
        emulator.setModes({});
      }
    });
  });
});
