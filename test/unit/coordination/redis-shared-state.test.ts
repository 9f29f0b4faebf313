import { expect } from 'chai';
import { RedisCap } from '../../../src/coordination/redis-cap.js';
import type { ConcurrencyCap } from '../../../src/coordination/primitives.js';
import { RedisProvenKeys } from '../../../src/coordination/redis-proven-keys.js';
import { SharedRateLimitStore } from '../../../src/coordination/redis-rate-limit-store.js';
import { redisReplicaPair } from '../../helpers/redis-server.js';
import { describeNeeding } from '../../helpers/system-binaries.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const FINGERPRINT = 'a'.repeat(64);

/** Counts what ran through it, so a test can tell the fallback was used. */
class CountingCap implements ConcurrencyCap {
  runs = 0;
  async run<T>(_key: string, work: () => Promise<T>): Promise<T> {
    this.runs++;
    return work();
  }
}

describeNeeding(
  'redis-server',
  'shared state on a real redis-server: concurrency cap, proven keys, failed-auth store',
  () => {
    const r = redisReplicaPair();

    describe('RedisCap', () => {
      it('never lets more than the limit run at once for one key, across two replicas', async () => {
        const caps = [r.a, r.b].map(
          (c) => new RedisCap(c.client, new CountingCap(), { limit: 3, slotTtlMs: 10_000, prefix: r.prefix }),
        );
        let running = 0;
        let peak = 0;
        await Promise.all(
          Array.from({ length: 24 }, (_, i) =>
            caps[i % 2]!.run('key-fp', async () => {
              running++;
              peak = Math.max(peak, running);
              await sleep(10);
              running--;
            }),
          ),
        );
        expect(peak).to.equal(3);
        expect(await r.a.client.zcard(`${r.prefix}cap:key-fp`)).to.equal(0);
      });

      it('caps each key on its own', async () => {
        const cap = new RedisCap(r.a.client, new CountingCap(), { limit: 1, slotTtlMs: 10_000, prefix: r.prefix });
        let both = false;
        await cap.run('k1', () => cap.run('k2', async () => (both = true)));
        expect(both).to.equal(true);
      });

      it('frees slots a crashed replica held once they expire', async () => {
        await r.a.client.zadd(`${r.prefix}cap:k`, Date.now() + 200, 'dead:1');
        const cap = new RedisCap(r.b.client, new CountingCap(), { limit: 1, slotTtlMs: 10_000, prefix: r.prefix });
        const started = performance.now();
        await cap.run('k', async () => undefined);
        expect(performance.now() - started).to.be.at.least(150);
      });

      it('stops waiting when the signal aborts', async () => {
        await r.a.client.zadd(`${r.prefix}cap:k`, Date.now() + 10_000, 'other:1');
        const cap = new RedisCap(r.b.client, new CountingCap(), { limit: 1, slotTtlMs: 10_000, prefix: r.prefix });
        let thrown: unknown;
        try {
          await cap.run('k', async () => undefined, AbortSignal.timeout(80));
        } catch (e) {
          thrown = e;
        }
        expect((thrown as Error).name).to.equal('TimeoutError');
      });

      it("falls back to this replica's own cap while Redis is down, and says so once", async () => {
        const local = new CountingCap();
        const events: boolean[] = [];
        const cap = new RedisCap(r.a.client, local, {
          limit: 2,
          slotTtlMs: 10_000,
          prefix: r.prefix,
          onFallback: (on) => events.push(on),
        });
        await r.server.stop();
        await sleep(30);
        expect(await cap.run('k', async () => 'ran')).to.equal('ran');
        expect(await cap.run('k', async () => 'ran')).to.equal('ran');
        expect(local.runs).to.equal(2);
        await r.server.restart();
        await r.waitReady(r.a);
        await cap.run('k', async () => undefined);
        expect(local.runs).to.equal(2);
        expect(events).to.deep.equal([true, false]);
      });
    });

    describe('RedisProvenKeys', () => {
      it('shares a proven fingerprint between replicas until it expires or is forgotten', async () => {
        const [pa, pb] = [
          new RedisProvenKeys(r.a.client, 200, r.prefix),
          new RedisProvenKeys(r.b.client, 200, r.prefix),
        ];
        expect(await pb.isProven(FINGERPRINT)).to.equal(false);
        await pa.remember(FINGERPRINT);
        expect(await pb.isProven(FINGERPRINT)).to.equal(true);
        await pb.forget(FINGERPRINT);
        expect(await pb.isProven(FINGERPRINT)).to.equal(false);
        // The other replica trusts its own memo for a tenth of the TTL (20 ms here), then asks Redis again.
        await sleep(30);
        expect(await pa.isProven(FINGERPRINT)).to.equal(false);
        await pa.remember(FINGERPRINT);
        await sleep(260);
        expect(await pb.isProven(FINGERPRINT)).to.equal(false);
      });

      it('asks Redis at most once per local memo period for a fingerprint it already proved', async () => {
        let clock = 1_000;
        const p = new RedisProvenKeys(r.a.client, 60_000, r.prefix, () => clock);
        await p.remember(FINGERPRINT);
        const before = await r.b.client.info('commandstats');
        for (let i = 0; i < 20; i++) {
          await p.remember(FINGERPRINT);
          expect(await p.isProven(FINGERPRINT)).to.equal(true);
        }
        const calls = (info: string): number =>
          [...info.matchAll(/calls=(\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
        // Only the two INFO calls themselves reached Redis.
        expect(calls(await r.b.client.info('commandstats')) - calls(before)).to.equal(1);
        clock += 6_001;
        expect(await p.isProven(FINGERPRINT)).to.equal(true);
        await r.a.client.del(`${r.prefix}proven:${FINGERPRINT}`);
        clock += 6_001;
        expect(await p.isProven(FINGERPRINT)).to.equal(false);
      });

      it('stores the fingerprint only, as the key name, with an expiry', async () => {
        await new RedisProvenKeys(r.a.client, 60_000, r.prefix).remember(FINGERPRINT);
        const keys = await r.a.client.keys(`${r.prefix}*`);
        expect(keys).to.deep.equal([`${r.prefix}proven:${FINGERPRINT}`]);
        expect(await r.a.client.get(keys[0]!)).to.equal('1');
        expect(await r.a.client.pttl(keys[0]!)).to.be.within(1, 60_000);
      });

      it('answers "not proven" while Redis is down, unless this replica proved the key moments ago', async () => {
        await new RedisProvenKeys(r.a.client, 60_000, r.prefix).remember(FINGERPRINT);
        const other = new RedisProvenKeys(r.b.client, 60_000, r.prefix);
        const local = new RedisProvenKeys(r.a.client, 60_000, r.prefix);
        await local.remember(FINGERPRINT);
        await r.server.stop();
        await sleep(30);
        try {
          expect(await other.isProven(FINGERPRINT)).to.equal(false);
          expect(await local.isProven(FINGERPRINT)).to.equal(true);
          await other.remember(FINGERPRINT);
        } finally {
          await r.server.restart();
          await r.waitReady(r.a);
          await r.waitReady(r.b);
        }
      });
    });

    describe('SharedRateLimitStore (rate-limit-redis)', () => {
      const options = { windowMs: 60_000 } as never;

      it('counts hits for one client across replicas', async () => {
        const [sa, sb] = [
          new SharedRateLimitStore(r.a.client, `${r.prefix}rl:`),
          new SharedRateLimitStore(r.b.client, `${r.prefix}rl:`),
        ];
        sa.init(options);
        sb.init(options);
        expect((await sa.increment('198.51.100.7')).totalHits).to.equal(1);
        expect((await sb.increment('198.51.100.7')).totalHits).to.equal(2);
        expect((await sa.increment('198.51.100.8')).totalHits).to.equal(1);
        await sb.resetKey('198.51.100.7');
        expect((await sa.increment('198.51.100.7')).totalHits).to.equal(1);
        sa.shutdown();
        sb.shutdown();
      });

      it("keeps limiting with this replica's memory while Redis is down, then goes back to Redis", async () => {
        const events: boolean[] = [];
        const s = new SharedRateLimitStore(r.a.client, `${r.prefix}rl:`, (on) => events.push(on));
        s.init(options);
        await s.increment('198.51.100.7');
        await r.server.stop();
        await sleep(30);
        expect((await s.increment('198.51.100.7')).totalHits).to.equal(1);
        expect((await s.increment('198.51.100.7')).totalHits).to.equal(2);
        await r.server.restart();
        await r.waitReady(r.a);
        // The restarted Redis is empty and has no scripts loaded: the store re-initialises itself.
        expect((await s.increment('198.51.100.7')).totalHits).to.equal(1);
        expect(events).to.deep.equal([true, false]);
        s.shutdown();
      });
    });
  },
);
