import { expect } from 'chai';
import type { RedisConnection } from '../../../src/coordination/redis-connection.js';
import {
  RedisLeaseLock,
  assertLeasesHeld,
  currentLeaseSignal,
  isLockUnavailable,
  type LockUnavailableError,
} from '../../../src/coordination/redis-lease-lock.js';
import { redisReplicaPair } from '../../helpers/redis-server.js';
import { describeNeeding } from '../../helpers/system-binaries.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function rejection(p: Promise<unknown>): Promise<LockUnavailableError> {
  try {
    await p;
  } catch (e) {
    if (isLockUnavailable(e)) return e;
    throw e;
  }
  throw new Error('expected a LockUnavailableError');
}

describeNeeding('redis-server', 'RedisLeaseLock (SET NX PX + fencing token, on a real redis-server)', () => {
  const r = redisReplicaPair();

  const lock = (
    c: RedisConnection,
    over: Partial<ConstructorParameters<typeof RedisLeaseLock>[1]> = {},
  ): RedisLeaseLock => new RedisLeaseLock(c.client, { leaseMs: 2_000, waitMs: 5_000, prefix: r.prefix, ...over });

  it('serialises a read-modify-write across two replicas: no lost update, never two holders at once', async () => {
    const [la, lb] = [lock(r.a), lock(r.b)];
    let value = 0;
    let inside = 0;
    let maxInside = 0;
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? la : lb).run('user:1', async () => {
          inside++;
          maxInside = Math.max(maxInside, inside);
          const read = value;
          await sleep(1);
          value = read + 1;
          inside--;
        }),
      ),
    );
    expect(value).to.equal(40);
    expect(maxInside).to.equal(1);
  });

  it('hands out strictly increasing fencing tokens per key, whichever replica acquires', async () => {
    const [la, lb] = [lock(r.a), lock(r.b)];
    const tokens: number[] = [];
    const spy = (l: RedisLeaseLock) => () =>
      l.run('group:7', async (lease) => {
        const stored = await r.a.client.get(`${r.prefix}lock:group:7`);
        expect(Number(stored?.split(':')[1])).to.equal(lease.fencingToken);
        tokens.push(lease.fencingToken);
      });
    await Promise.all([spy(la)(), spy(lb)(), spy(la)(), spy(lb)()]);
    expect(tokens).to.have.length(4);
    expect([...tokens].sort((x, y) => x - y)).to.deep.equal(tokens);
    expect(new Set(tokens).size).to.equal(4);
  });

  it('does not make different keys wait for each other', async () => {
    const la = lock(r.a);
    let otherRan = false;
    await la.run('user:1', async () => {
      await lock(r.b, { waitMs: 200 }).run('user:2', async () => {
        otherRan = true;
      });
    });
    expect(otherRan).to.equal(true);
  });

  it('renews the lease while work runs longer than the lease, so nobody else gets in', async () => {
    // Generous figures: a renewal is missed only if the event loop stalls for a whole lease.
    const la = lock(r.a, { leaseMs: 1_000 });
    let intruded = false;
    const holder = la.run('user:1', async () => {
      await sleep(2_500);
      await assertLeasesHeld();
      return 'done';
    });
    await sleep(20);
    const err = await rejection(
      lock(r.b, { leaseMs: 1_000, waitMs: 1_600 }).run('user:1', async () => (intruded = true)),
    );
    expect(err.reason).to.equal('wait-timeout');
    expect(await holder).to.equal('done');
    expect(intruded).to.equal(false);
  });

  it('releases on every path: after the work throws, the next holder gets in at once', async () => {
    const la = lock(r.a);
    let thrown: unknown;
    try {
      await la.run('user:1', async () => {
        throw new Error('boom');
      });
    } catch (e) {
      thrown = e;
    }
    expect((thrown as Error).message).to.equal('boom');
    expect(await r.a.client.exists(`${r.prefix}lock:user:1`)).to.equal(0);
    const started = performance.now();
    await lock(r.b, { waitMs: 100 }).run('user:1', async () => undefined);
    expect(performance.now() - started).to.be.below(100);
  });

  it('lets a lock left by a crashed replica expire after its lease', async () => {
    // What a replica that died mid-request leaves behind: a lock nobody renews or releases.
    await r.a.client.set(`${r.prefix}lock:user:1`, 'deadreplica:41', 'PX', 300);
    const started = performance.now();
    await lock(r.b, { waitMs: 3_000 }).run('user:1', async () => undefined);
    const waited = performance.now() - started;
    expect(waited).to.be.at.least(250);
    expect(waited).to.be.below(2_000);
  });

  it('answers "lock unavailable" when the wait budget runs out, with a Retry-After hint', async () => {
    await r.a.client.set(`${r.prefix}lock:user:1`, 'other:1', 'PX', 5_000);
    const err = await rejection(lock(r.b, { waitMs: 150 }).run('user:1', async () => undefined));
    expect(err.reason).to.equal('wait-timeout');
    expect(err.retryAfterSeconds).to.be.at.least(1);
  });

  it('stops waiting when the request gives up (its deadline signal aborts)', async () => {
    await r.a.client.set(`${r.prefix}lock:user:1`, 'other:1', 'PX', 5_000);
    const deadline = AbortSignal.timeout(100);
    let thrown: unknown;
    try {
      await lock(r.b).run('user:1', async () => undefined, { signal: deadline });
    } catch (e) {
      thrown = e;
    }
    expect((thrown as Error).name).to.equal('TimeoutError');
  });

  it('fences: once another holder owns the key, the old holder cannot pass the write check and its signal aborts', async () => {
    const la = lock(r.a);
    const err = await rejection(
      la.run('user:1', async () => {
        expect(currentLeaseSignal()?.aborted).to.equal(false);
        // The lease expired while this replica was paused, and another replica took the lock.
        await r.b.client.set(`${r.prefix}lock:user:1`, 'other:99', 'PX', 5_000);
        try {
          await assertLeasesHeld();
        } finally {
          expect(currentLeaseSignal()?.aborted).to.equal(true);
        }
      }),
    );
    expect(err.reason).to.equal('lease-lost');
    // Releasing must not free the other replica's lock.
    expect(await r.a.client.get(`${r.prefix}lock:user:1`)).to.equal('other:99');
  });

  it('checks every lease held by nested locks, and none outside a lock', async () => {
    await assertLeasesHeld();
    const la = lock(r.a);
    const err = await rejection(
      la.run('group-create:eng', () =>
        la.run('group:1', async () => {
          await r.a.client.del(`${r.prefix}lock:group-create:eng`);
          await assertLeasesHeld();
        }),
      ),
    );
    expect(err.reason).to.equal('lease-lost');
  });

  it('refuses to run the work when Redis is down, and works again once it is back', async () => {
    const la = lock(r.a, { waitMs: 500 });
    await r.server.stop();
    await sleep(50);
    let ran = false;
    const err = await rejection(la.run('user:1', async () => (ran = true)));
    expect(err.reason).to.equal('redis-unavailable');
    expect(err.retryAfterSeconds).to.be.at.least(1);
    expect(ran).to.equal(false);
    await r.server.restart();
    await r.waitReady(r.a);
    expect(await la.run('user:1', async () => 'ok')).to.equal('ok');
  });

  it('fails the write check (never writes unfenced) when Redis goes away while the lock is held', async () => {
    const la = lock(r.a);
    const err = await rejection(
      la.run('user:1', async () => {
        await r.server.stop();
        await assertLeasesHeld();
      }),
    );
    expect(err.reason).to.equal('redis-unavailable');
    await r.server.restart();
  });
});
