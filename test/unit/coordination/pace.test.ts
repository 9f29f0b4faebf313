import { expect } from 'chai';
import { InProcessPace, PACE } from '../../../src/coordination/pace.js';
import type { KeyPace } from '../../../src/coordination/primitives.js';
import { RedisPace } from '../../../src/coordination/redis-pace.js';
import { redisReplicaPair } from '../../helpers/redis-server.js';

/** A clock the test moves by hand. */
function clock(start = 1_000_000): { now: () => number; advance(ms: number): void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

async function admitted(pace: KeyPace, key = 'k', busy = false): Promise<number> {
  const turn = await pace.take(key, busy);
  if (!turn.admitted) throw new Error(`not admitted: wait ${turn.waitMs} ms`);
  return turn.at;
}

describe('key pace (in process)', () => {
  it('admits without spacing until a limit is known, then spaces calls 1/rate apart', async () => {
    const c = clock();
    const open = new InProcessPace({}, c.now);
    for (let i = 0; i < 5; i++) await admitted(open);
    const known = new InProcessPace({ initialRate: 10 }, c.now);
    await admitted(known);
    const second = await known.take('k', false);
    expect(second).to.deep.equal({ admitted: false, waitMs: 100 });
    c.advance(100);
    await admitted(known);
  });

  it('a 429 pauses the key for Retry-After (or the default pause) and lowers the rate once per event', async () => {
    const c = clock();
    const pace = new InProcessPace({ initialRate: 10, defaultPauseMs: 700 }, c.now);
    // A key running at its pace: ten calls in the second.
    let at = 0;
    let before = 0;
    for (let i = 0; i < 10; i++) {
      before = at;
      at = await admitted(pace);
      c.advance(100);
    }
    await pace.throttled('k', at, 2_000);
    await pace.throttled('k', before, undefined);
    expect(pace.state('k')).to.deep.include({ rate: 10 * PACE.decrease, pausedMs: 2_000, pauses: 1, throttles: 2 });
    expect(await pace.take('k', false)).to.deep.equal({ admitted: false, waitMs: 2_000 });
    c.advance(2_000);
    for (let i = 0; i < 9; i++) {
      at = await admitted(pace);
      c.advance(1000 / pace.state('k').rate!);
    }
    await pace.throttled('k', at, undefined);
    expect(pace.state('k').rate, 'a new event decreases again').to.be.closeTo(10 * PACE.decrease ** 2, 1e-9);
    expect(pace.state('k').pausedMs, 'the default pause without Retry-After').to.equal(700);
  });

  it('a 429 while the key runs far below its pace pauses it but keeps the rate', async () => {
    const c = clock();
    const pace = new InProcessPace({ initialRate: 10 }, c.now);
    const at = await admitted(pace);
    c.advance(1_000);
    await pace.throttled('k', at, undefined);
    expect(pace.state('k')).to.deep.include({ rate: 10, pausedMs: PACE.pauseMs });
  });

  it('without Retry-After, the pause doubles for events that follow each other closely', async () => {
    const c = clock();
    const pace = new InProcessPace({}, c.now);
    const pauses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const at = await admitted(pace);
      c.advance(10);
      await pace.throttled('k', at, undefined);
      pauses.push(pace.state('k').pausedMs);
      c.advance(pace.state('k').pausedMs + 10);
    }
    expect(pauses).to.deep.equal([PACE.pauseMs, PACE.pauseMs * 2, PACE.pauseMs * 4, PACE.pauseMs * 8]);
    c.advance(PACE.escalateWithinMs + 1);
    const at = await admitted(pace);
    await pace.throttled('k', at, undefined);
    expect(pace.state('k').pausedMs, 'a later event starts again from the base pause').to.equal(PACE.pauseMs);
  });

  it('busy admissions raise a learned rate again, a share of the last allowed rate per second', async () => {
    const c = clock();
    const pace = new InProcessPace({}, c.now);
    let at = 0;
    for (let i = 0; i < 100; i++) {
      at = await admitted(pace);
      c.advance(10);
    }
    await pace.throttled('k', at, 0);
    const lowered = pace.state('k').rate ?? 0;
    expect(lowered, '100 calls in a second, less 15 %').to.be.closeTo(100 * PACE.decrease, 1.5);
    // One second of busy admissions at that rate: + 2 % of the last allowed rate (about 100).
    for (let i = 0; i < Math.round(lowered); i++) {
      c.advance(1000 / (pace.state('k').rate ?? 1) + 0.01);
      await admitted(pace, 'k', true);
    }
    expect((pace.state('k').rate ?? 0) - lowered).to.be.closeTo(100 * PACE.increaseShare, 0.2);
    for (let i = 0; i < 5; i++) {
      await admitted(pace, 'idle', false);
      c.advance(1_000);
    }
    expect(pace.state('idle').rate, 'admissions nobody waited for raise nothing').to.equal(undefined);
  });

  it('never raises a configured rate (JUMPCLOUD_RATE_LIMIT): it is what JumpCloud allows', async () => {
    const c = clock();
    const pace = new InProcessPace({ initialRate: 100 }, c.now);
    for (let i = 0; i < 300; i++) {
      await admitted(pace, 'k', true);
      c.advance(10);
    }
    expect(pace.state('k').rate).to.equal(100);
  });
});

describe('key pace shared through a real redis-server', () => {
  const r = redisReplicaPair();

  it('two replicas share one rate and one pause', async () => {
    const [a, b] = [r.a, r.b].map((conn) => new RedisPace(conn.client, new InProcessPace(), { prefix: r.prefix })) as [
      RedisPace,
      RedisPace,
    ];
    let at = 0;
    for (let i = 0; i < 4; i++) at = await admitted(i % 2 ? a : b);
    await b.throttled('k', at, 1_500);
    const paused = await a.take('k', false);
    expect(paused.admitted, 'the other replica waits out the same pause').to.equal(false);
    expect((paused as { waitMs: number }).waitMs).to.be.within(1_300, 1_500);
    // Three answered calls over the one-second minimum window, less 15 %: learned by one replica, used by both.
    expect(a.state('k').rate).to.be.closeTo(3 * PACE.decrease, 1e-6);
    expect(a.state('k')).to.deep.include({ pauses: 1, throttles: 1 });
  });

  it('two replicas space their calls at one shared rate', async () => {
    const [a, b] = [r.a, r.b].map(
      (conn) => new RedisPace(conn.client, new InProcessPace({ initialRate: 5 }), { initialRate: 5, prefix: r.prefix }),
    ) as [RedisPace, RedisPace];
    await admitted(a);
    const turn = await b.take('k', false);
    expect(turn.admitted).to.equal(false);
    expect((turn as { waitMs: number }).waitMs).to.be.within(100, 200);
  });

  it('paces on its own while Redis cannot be asked', async () => {
    const fallback = new InProcessPace({ initialRate: 5 });
    const pace = new RedisPace(r.a.client, fallback, { initialRate: 5, prefix: r.prefix });
    await r.a.close();
    const at = await admitted(pace);
    expect((await pace.take('k', false)).admitted).to.equal(false);
    await pace.throttled('k', at, 500);
    expect(fallback.state('k').throttles).to.equal(1);
  });
});
