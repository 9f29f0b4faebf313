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

  describe('a member fan-out fitted to the deadline at a known rate limit', () => {
    const stack = emulatedBridge({ ...ENV, JUMPCLOUD_RATE_LIMIT: '10' });
    const addMembers = (ids: string[]) => ({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'add', path: 'members', value: ids.map((value) => ({ value })) }],
    });
    let emulator: Emulator;
    let h: Harness;
    beforeEach(() => {
      ({ h, emulator } = stack());
      emulator.reset();
      emulator.setModes({ rateLimit: { perSecond: 10, burst: 10 }, latencyMs: 20 });
    });
    afterEach(() => emulator.setModes({}));
    const users = (n: number, prefix: string): string[] =>
      Array.from(
        { length: n },
        (_, i) => emulator.store.addUser({ username: `${prefix}${i}`, email: `${prefix}${i}@example.com` })._id,
      );

    it('starts only the member calls the rate serves before the deadline and answers the rest 503 + Retry-After, naming the members done', async () => {
      const ids = users(60, 'fan');
      const group = emulator.store.addGroup({ name: 'sixty' });
      const started = performance.now();
      const res = await h.request('PATCH', `/Groups/${group.id}`, addMembers(ids));
      expect(performance.now() - started, 'answered before the deadline').to.be.below(DEADLINE_MS);
      expectScimError(res, 503);
      expect(Number(res.headers.get('retry-after'))).to.be.at.least(1);
      const done = emulator.store.membersOf(group.id);
      // 10 calls/s for 3 s is 30 calls, one of them the read of the group: never fewer than the margins force.
      expect(done.length).to.be.within(20, 29);
      for (const id of done) expect(res.body.detail).to.include(id);
      expect(res.body.detail).to.match(/not attempted: /);
      const adds = emulator.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/members'));
      expect(adds, 'no member call started that was not answered').to.have.length(done.length);
    });

    it('a PATCH re-sent after its Retry-After converges without repeating a done member, whatever the group already holds', async () => {
      const ids = users(60, 'again');
      const group = emulator.store.addGroup({ name: 'again' });
      // More than a page of other members: a first page of members cannot show which of this PATCH's are done.
      for (const id of users(120, 'held')) emulator.store.addMember(group.id, id);
      const answers: number[] = [];
      for (let attempt = 0; attempt < 5; attempt++) {
        const res = await h.request('PATCH', `/Groups/${group.id}`, addMembers(ids));
        answers.push(res.status);
        if (res.status !== 503) break;
        await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after')) * 1000));
      }
      expect(answers.at(-1), JSON.stringify(answers)).to.equal(204);
      expect(answers.length, 'two or three rounds of the rate, not one per member').to.be.within(2, 4);
      const members = new Set(emulator.store.membersOf(group.id));
      for (const id of ids) expect(members.has(id)).to.equal(true);
      const adds = emulator.requests.filter(
        (r) => r.method === 'POST' && r.path === `/api/v2/usergroups/${group.id}/members`,
      );
      expect(adds, 'each member added once').to.have.length(60);
    });

    it('of four PATCHes at once, those the rate can serve land whole; the others are answered at once, each told to come back later than the one before', async () => {
      const groups = ['a', 'b', 'c', 'd'].map((name) => ({
        group: emulator.store.addGroup({ name }),
        ids: users(20, name),
      }));
      const started = performance.now();
      const answers = await Promise.all(
        groups.map(async ({ group, ids }) => {
          const res = await h.request('PATCH', `/Groups/${group.id}`, addMembers(ids));
          return { res, ms: performance.now() - started, done: emulator.store.membersOf(group.id).length };
        }),
      );
      expect(
        answers.filter((a) => a.res.status === 204 || a.res.status === 200).length,
        JSON.stringify(
          answers.map((a) => [
            a.res.status,
            Math.round(a.ms),
            a.done,
            a.res.headers.get('retry-after'),
            String(a.res.body?.detail).slice(-200),
          ]),
        ),
      ).to.be.at.least(1);
      const later = answers.filter((a) => a.res.status === 503);
      expect(later.length, 'the rate serves about 28 member calls in 3 s: not all 80').to.be.at.least(2);
      for (const a of answers) expect(a.ms, 'answered before the deadline').to.be.below(DEADLINE_MS);
      const none = later.filter((a) => a.done === 0);
      for (const a of none) expect(a.ms, 'a PATCH granted nothing is answered at once').to.be.below(DEADLINE_MS / 2);
      for (const [i, a] of answers.entries()) {
        if (a.done > 0) continue;
        const id = groups[i]?.group.id ?? '';
        const reads = emulator.requests.filter((r) => r.method === 'GET' && r.path.includes(id));
        expect(reads, 'a PATCH granted nothing spends no call, not even its reads').to.deep.equal([]);
      }
      const waits = later.map((a) => Number(a.res.headers.get('retry-after'))).sort((x, y) => x - y);
      expect(new Set(waits).size, 'each told a later time than the one before').to.equal(waits.length);
      const total = answers.reduce((n, a) => n + a.done, 0);
      expect(total, 'the members done use the rate: never fewer than the margins force').to.be.within(20, 30);
    });
  });
});
