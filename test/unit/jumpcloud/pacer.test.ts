import { expect } from 'chai';
import { InProcessPace, maxGuessedPauseMs, PACE } from '../../../src/coordination/pace.js';
import { keyFingerprint } from '../../../src/coordination/primitives.js';
import { isThrottledBeyondDeadline, paced, Pacer } from '../../../src/jumpcloud/pacer.js';
import type { Send, UpstreamRequest, UpstreamResponse } from '../../../src/jumpcloud/layer.js';
import { isRecoveryRead, recoveryRead } from '../../../src/jumpcloud/recovery-read.js';
import { noteDeadline } from '../../../src/util/deadline-signal.js';
import { RedisPace } from '../../../src/coordination/redis-pace.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import { redisReplicaPair } from '../../helpers/redis-server.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A request of its own flow (its own signal), optionally with a deadline `inMs` from now. */
function request(over: Partial<UpstreamRequest> = {}, deadlineInMs?: number): UpstreamRequest {
  const signal = new AbortController().signal;
  if (deadlineInMs !== undefined) noteDeadline(signal, Date.now() + deadlineInMs);
  return { method: 'GET', path: '/api/systemusers/x', idempotent: true, apiKey: 'key', signal, ...over };
}

/** A wire that answers each call from `answer`, logging what reached it and when. */
function wire(answer: (r: UpstreamRequest, n: number) => UpstreamResponse): Send & {
  log: { tag: string; at: number }[];
} {
  const log: { tag: string; at: number }[] = [];
  const send: Send = async (r) => {
    log.push({ tag: `${r.method} ${r.path}`, at: Date.now() });
    await sleep(2);
    return answer(r, log.length);
  };
  return Object.assign(send, { log });
}

const OK: UpstreamResponse = { status: 200, data: {}, headers: {} };
const THROTTLED = (retryAfter: string): UpstreamResponse => ({
  status: 429,
  data: { message: 'Too Many Requests' },
  headers: { 'retry-after': retryAfter },
});

describe('jumpcloud pacer', () => {
  it('a 429 pauses the whole key for Retry-After, then re-sends the throttled call, even a create', async () => {
    const pace = new InProcessPace();
    const pacer = new Pacer(pace, { maxInFlight: 4 });
    const w = wire((_r, n) => (n === 1 ? THROTTLED('0.3') : OK));
    const send = paced(pacer)(w);
    const create = send(request({ method: 'POST', path: '/api/systemusers', idempotent: false }));
    await sleep(20);
    const started = Date.now();
    const other = await send(request({ path: '/api/systemusers/other' }));
    expect(Date.now() - started, 'a call of another request waits out the same pause').to.be.greaterThan(200);
    const res = await create;
    expect(Date.now() - started, 'one pause, no rate learned from a single call').to.be.below(1_000);
    expect(res.status).to.equal(200);
    expect(res.attempts).to.equal(2);
    expect(other.status).to.equal(200);
    expect(w.log.map((c) => c.tag)).to.deep.equal([
      'POST /api/systemusers',
      'POST /api/systemusers',
      'GET /api/systemusers/other',
    ]);
    expect(pace.state(keyOf()).pauses).to.equal(1);
    expect(pace.state(keyOf()).throttles).to.equal(1);
  });

  it('learns a rate from a 429 (multiplicative decrease) and spaces calls at it', async () => {
    const pace = new InProcessPace();
    const pacer = new Pacer(pace, { maxInFlight: 8 });
    const w = wire((_r, n) => (n === 6 ? THROTTLED('0') : OK));
    const send = paced(pacer)(w);
    const flow = request();
    await Promise.all(Array.from({ length: 6 }, () => send(flow)));
    const rate = pace.state(keyOf()).rate;
    // Five answered calls counted over the one-second minimum window: 5 calls/s, less 15 %.
    expect(rate).to.be.closeTo(5 * PACE.decrease, 0.01);
    const from = w.log.length;
    await Promise.all(Array.from({ length: 3 }, () => send(flow)));
    const gaps = w.log.slice(from).map((c, i, all) => (i ? c.at - all[i - 1]!.at : 0));
    expect(Math.min(...gaps.slice(1))).to.be.greaterThan(1000 / rate! - 30);
  });

  it('serves requests round-robin: a call of a new request does not wait behind a long fan-out', async () => {
    const pacer = new Pacer(new InProcessPace({ initialRate: 50 }), { maxInFlight: 1 });
    const w = wire(() => OK);
    const send = paced(pacer)(w);
    const fanOut = request({ path: '/api/v2/usergroups/g/members', method: 'POST' });
    const members = Array.from({ length: 10 }, () => send(fanOut));
    await sleep(5);
    await send(request({ method: 'POST', path: '/api/systemusers', idempotent: false }));
    const position = w.log.findIndex((c) => c.tag === 'POST /api/systemusers');
    expect(position, 'the create is served within the first rounds, not after the ten member calls').to.be.below(4);
    await Promise.all(members);
  });

  describe('fairness between requests', () => {
    const MEMBER = '/api/v2/usergroups/g/members';
    const isMember = (c: { tag: string }): boolean => c.tag.endsWith(MEMBER);

    it('a 100-member PATCH does not hold back user creates: each create is answered within the first rounds', async () => {
      const pacer = new Pacer(new InProcessPace({ initialRate: 200 }), { maxInFlight: 1 });
      const w = wire(() => OK);
      const send = paced(pacer)(w);
      const patch = request({ method: 'POST', path: MEMBER });
      const members = Array.from({ length: 100 }, () => send(patch));
      await sleep(5);
      // Ten user creates, each its own request: a uniqueness search, then the POST.
      const creates = Array.from({ length: 10 }, async () => {
        const r = request({ method: 'POST', path: '/api/search/systemusers' });
        await send(r);
        await send({ ...r, path: '/api/systemusers', idempotent: false });
        return w.log.length;
      });
      const finishedAt = await Promise.all(creates);
      // Round-robin over eleven requests: the twenty create calls are served within the first ~2 × 11 calls.
      expect(Math.max(...finishedAt), 'wire calls made when the last create was answered').to.be.below(30);
      await Promise.all(members);
      expect(w.log.filter(isMember)).to.have.length(100);
    });

    it('a stream of user creates does not starve a member PATCH: it keeps its share of every round', async () => {
      const pacer = new Pacer(new InProcessPace({ initialRate: 200 }), { maxInFlight: 1 });
      const w = wire(() => OK);
      const send = paced(pacer)(w);
      const patch = request({ method: 'POST', path: MEMBER });
      const members = Promise.all(Array.from({ length: 20 }, () => send(patch)));
      // Five Entra threads, each sending user creates back to back (two calls each) for as long as the PATCH runs.
      let patching = true;
      const threads = Array.from({ length: 5 }, async () => {
        while (patching) {
          const r = request({ method: 'POST', path: '/api/search/systemusers' });
          await send(r);
          await send({ ...r, path: '/api/systemusers', idempotent: false });
        }
      });
      await members;
      patching = false;
      await Promise.all(threads);
      const firstSixty = w.log.slice(0, 60);
      // Six requests at a time (the PATCH and five creates): the PATCH gets one call in six, 10 of the first 60.
      expect(firstSixty.filter(isMember).length).to.be.within(8, 12);
      const lastMember = w.log.map(isMember).lastIndexOf(true);
      expect(lastMember, 'the 20 member calls are done within ~6 × 20 calls').to.be.below(130);
    });
  });

  it('refuses at once a call that could not be answered before its deadline, and sends nothing for it', async () => {
    const pacer = new Pacer(new InProcessPace({ initialRate: 2 }), { maxInFlight: 1 });
    const w = wire(() => OK);
    const send = paced(pacer)(w);
    const flow = request({}, 1_200);
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => send(flow)));
    const refused = results.filter((r) => r.status === 'rejected');
    expect(results.filter((r) => r.status === 'fulfilled').length).to.be.within(2, 3);
    expect(refused.length).to.equal(6 - w.log.length);
    const reason = (refused[0] as PromiseRejectedResult).reason;
    expect(isThrottledBeyondDeadline(reason)).to.equal(true);
    expect(reason.kind).to.equal('throttled');
    expect(reason.retryAfterMs).to.be.greaterThan(0);
  });

  it('lets a waiting call go when a pause makes it miss its deadline', async () => {
    const pacer = new Pacer(new InProcessPace(), { maxInFlight: 4 });
    const w = wire((_r, n) => (n === 1 ? THROTTLED('5') : OK));
    const send = paced(pacer)(w);
    const first = send(request({}, 1_000));
    const started = Date.now();
    const outcome = await first.then(
      () => 'answered',
      (e: unknown) => (isThrottledBeyondDeadline(e) ? 'refused' : String(e)),
    );
    expect(outcome).to.equal('refused');
    expect(Date.now() - started, 'refused when the pause began, not at the deadline').to.be.below(500);
    expect(w.log).to.have.length(1);
  });

  it('admits a recovery read that an ordinary call of the same request would be refused for, ahead of the queue', async () => {
    // One call per second, a fan-out of four calls queued: an ordinary call of a request with 1.5 s left would be
    // answered after the fan-out's next turn (2 s), so it is refused; the lookup that tells whether a lost create
    // landed is the next call on the wire instead.
    const pacer = new Pacer(new InProcessPace({ initialRate: 1 }), { maxInFlight: 1 });
    const w = wire(() => OK);
    const send = paced(pacer)(w);
    const fanOut = request({ path: '/api/v2/usergroups/g/members', method: 'POST' });
    const members = Array.from({ length: 4 }, () => send(fanOut));
    await sleep(20);
    const create = request({ path: '/api/search/systemusers', method: 'POST' }, 1_500);
    const ordinary = await send(create).then(
      () => 'answered',
      (e: unknown) => (isThrottledBeyondDeadline(e) ? 'refused' : String(e)),
    );
    expect(ordinary, 'an ordinary call that cannot make the deadline is refused').to.equal('refused');
    const started = Date.now();
    const lookup = await recoveryRead(create.signal, () => send(create));
    expect(lookup.status).to.equal(200);
    expect(Date.now() - started, 'the lookup waits one turn of the rate, not the fan-out').to.be.below(1_800);
    const tags = w.log.map((c) => c.tag);
    expect(tags.indexOf('POST /api/search/systemusers'), 'the lookup is the second call on the wire').to.equal(1);
    await Promise.allSettled(members);
  });

  it('never lets a waiting recovery read go for its deadline while a pause lasts', async () => {
    const pacer = new Pacer(new InProcessPace(), { maxInFlight: 4 });
    const w = wire((_r, n) => (n === 1 ? THROTTLED('0.6') : OK));
    const send = paced(pacer)(w);
    const first = send(request());
    await sleep(20);
    // 0.6 s of pause and a guessed 0.1 s latency leave no room in 0.65 s for an ordinary call; a lookup waits.
    const refused = await send(request({}, 650)).catch((e: unknown) => e);
    expect(isThrottledBeyondDeadline(refused)).to.equal(true);
    const lookup = request({}, 650);
    const res = await recoveryRead(lookup.signal, () => send(lookup));
    expect(res.status).to.equal(200);
    expect(w.log.map((c) => c.tag)).to.have.length(3);
    await first;
    expect(isRecoveryRead(lookup.signal), 'the mark ends with the lookup: later calls are ordinary again').to.equal(
      false,
    );
  });

  it('keeps no state for a key JumpCloud refused once it is idle, and keeps an accepted one', async () => {
    const pacer = new Pacer(new InProcessPace(), { maxInFlight: 2 });
    const send = paced(pacer)(wire((r) => (r.apiKey === 'wrong' ? { status: 401, data: {}, headers: {} } : OK)));
    for (let i = 0; i < 5; i++) await send(request({ apiKey: 'wrong', orgId: `${i}`.repeat(24) }));
    await send(request({ apiKey: 'right' }));
    expect(pacer.snapshot()).to.have.length(1);
    expect(pacer.snapshot()[0]).to.deep.include({ org: undefined, proven: true });
  });

  it('reports its state by org, never the key', async () => {
    const pacer = new Pacer(new InProcessPace({ initialRate: 20 }), { maxInFlight: 3 });
    await paced(pacer)(wire(() => OK))(request({ orgId: 'a'.repeat(24) }));
    const [s] = pacer.snapshot();
    expect(s).to.deep.include({
      org: 'a'.repeat(24),
      proven: true,
      rate: 20,
      queued: 0,
      inFlight: 0,
      inFlightLimit: 3,
      pauses: 0,
    });
    expect(JSON.stringify(pacer.snapshot())).not.to.include('key');
  });
});

describe('jumpcloud pacer: fan-outs fitted to the deadline', () => {
  /** A pacer that has already served one call of `key` (so the key has a queue), at a known rate. */
  async function served(rate: number | undefined): Promise<Pacer> {
    const pacer = new Pacer(new InProcessPace(rate === undefined ? {} : { initialRate: rate }), { maxInFlight: 8 });
    await paced(pacer)(wire(() => OK))(request());
    return pacer;
  }
  const caller = (deadlineInMs?: number) => {
    const { signal } = request({}, deadlineInMs);
    return { apiKey: 'key', ...(signal ? { signal } : {}) };
  };

  it('grants what the rate can serve before the deadline, the rest with a Retry-After; later fan-outs queue behind', async () => {
    const pacer = await served(10);
    // 10 calls/s, 95 % of it for fan-outs, over 10 s less the answer margin and latency: about 90 calls.
    const first = pacer.fit(caller(10_000), 200);
    expect(first.granted).to.be.within(85, 95);
    expect(first.retryAfterMs / 1000, 'after its own granted calls').to.be.within(8.5, 10.5);
    const second = pacer.fit(caller(10_000), 50);
    expect(second.granted, 'the first holds the whole rate until its deadline').to.equal(0);
    expect(second.retryAfterMs / 1000, "behind the first one's granted and refused calls").to.be.within(19, 22);
    const third = pacer.fit(caller(10_000), 50);
    expect(third.retryAfterMs - second.retryAfterMs, "behind the second one's 50 calls").to.be.within(5_000, 5_600);
    for (let i = 0; i < 40; i++) first.sent();
    first.release();
    const fourth = pacer.fit(caller(10_000), 50);
    expect(fourth.granted, 'what the first sent and released is free again').to.equal(50);
    expect(fourth.retryAfterMs).to.equal(0);
    fourth.release();
  });

  it('serves granted fan-outs one after the other, while an ordinary request keeps its round-robin turn', async () => {
    const pacer = await served(200);
    const w = wire(() => OK);
    const send = paced(pacer)(w);
    const fanOut = (path: string) => {
      const r = request({ method: 'POST', path }, 10_000);
      const fit = pacer.fit({ apiKey: 'key', ...(r.signal ? { signal: r.signal } : {}) }, 10);
      expect(fit.granted).to.equal(10);
      return Promise.all(Array.from({ length: 10 }, () => send(r))).finally(() => fit.release());
    };
    const first = fanOut('/first');
    const second = fanOut('/second');
    const single = request({ path: '/single' });
    const singles = Promise.all(Array.from({ length: 5 }, () => send(single)));
    await Promise.all([first, second, singles]);
    const tags = w.log.map((c) => c.tag).slice(1);
    expect(tags.lastIndexOf('POST /first'), 'the first fan-out is done first').to.be.below(
      tags.indexOf('POST /second') + 1,
    );
    // Two fan-outs and one ordinary request: the ordinary one gets one turn in three.
    expect(tags.slice(0, 15).filter((t) => t === 'GET /single').length).to.be.within(4, 5);
  });

  it('grants everything while no rate is known or the request has no deadline, and still counts it as held', async () => {
    const unknown = await served(undefined);
    expect(unknown.fit(caller(1_000), 500).granted).to.equal(500);
    const known = await served(10);
    const open = known.fit(caller(), 300);
    expect(open.granted).to.equal(300);
    expect(known.fit(caller(10_000), 50).granted, 'the 300 held calls are ahead of it').to.equal(0);
    open.release();
    expect(known.fit(caller(10_000), 50).granted).to.equal(50);
  });
});

describe('key pace: a pause guessed without Retry-After', () => {
  it('is capped well below the request deadline: a tenth of it, at most 8 s, at least the first pause', () => {
    expect(maxGuessedPauseMs(50_000)).to.equal(5_000);
    expect(maxGuessedPauseMs(3_000)).to.equal(300);
    expect(maxGuessedPauseMs(1_000)).to.equal(PACE.pauseMs);
    expect(maxGuessedPauseMs(58_000)).to.equal(5_800);
  });

  it('never grows past the cap however closely 429s follow each other', async () => {
    let now = 10_000;
    const pace = new InProcessPace({ maxPauseMs: 600 }, () => now);
    const pauses: number[] = [];
    for (let i = 0; i < 8; i++) {
      await pace.throttled('k', now + 1, undefined);
      pauses.push(pace.state('k').pausedMs);
      now += pace.state('k').pausedMs + 10;
    }
    expect(pauses.slice(0, 3)).to.deep.equal([250, 500, 600]);
    expect(Math.max(...pauses)).to.equal(600);
  });
});

describe('two replicas on one redis-server share one pacer', () => {
  const r = redisReplicaPair();
  const SECRET = 'replica-shared-key-0123456789abcdef';

  /** One replica's pacer on its own Redis connection, as the bridge builds it. */
  const replica = (conn: typeof r.a, initialRate?: number): Pacer => {
    const options = initialRate === undefined ? {} : { initialRate };
    return new Pacer(new RedisPace(conn.client, new InProcessPace(options), { ...options, prefix: r.prefix }), {
      maxInFlight: 8,
    });
  };

  it('admit one rate between them, not one each', async () => {
    const [a, b] = [replica(r.a, 20), replica(r.b, 20)];
    const w = wire(() => OK);
    const [sendA, sendB] = [paced(a)(w), paced(b)(w)];
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? sendA : sendB)(request({ apiKey: SECRET, path: `/api/x/${i}` }))),
    );
    // Twenty calls at 20 calls/s for the key: about a second together (each replica alone would take half).
    expect(Date.now() - started).to.be.at.least(900);
    const gaps = w.log.map((c, i, all) => (i ? c.at - all[i - 1]!.at : 50)).sort((x, y) => x - y);
    expect(gaps[2], 'calls from both replicas are spaced, not sent in pairs').to.be.at.least(25);
  });

  it('a 429 one replica meets pauses the other, and Redis and metrics hold only the key fingerprint', async () => {
    const [a, b] = [replica(r.a), replica(r.b)];
    const throttleOnce = wire((_r, n) => (n === 1 ? THROTTLED('0.6') : OK));
    const first = paced(a)(throttleOnce)(request({ apiKey: SECRET }));
    await sleep(50);
    const started = Date.now();
    const other = await paced(b)(wire(() => OK))(request({ apiKey: SECRET }));
    expect(other.status).to.equal(200);
    expect(Date.now() - started, "the other replica waited out the first one's pause").to.be.at.least(400);
    expect((await first).attempts).to.equal(2);

    const keys = await r.a.client.keys(`${r.prefix}*`);
    expect(keys).to.deep.equal([`${r.prefix}pace:${keyFingerprint(SECRET)}`]);
    const metrics = createMetrics({ processMetrics: false });
    metrics.observePace(() => [...a.snapshot(), ...b.snapshot()]);
    const { body } = await metrics.render();
    expect(body).to.match(/^scim_bridge_upstream_pace_throttled_total\{org="default"\} [1-9]/m);
    for (const text of [body, JSON.stringify(keys), JSON.stringify([a.snapshot(), b.snapshot()])])
      expect(text).not.to.include(SECRET.slice(0, 12));
  });
});

/** The pace key the pacer uses for the test key with no org. */
function keyOf(): string {
  return keyFingerprint('key');
}
