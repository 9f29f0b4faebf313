import { expect } from 'chai';
import {
  InProcessCap,
  InProcessLock,
  InProcessProvenKeys,
  inProcessCoordination,
} from '../../../src/coordination/in-process.js';
import { keyFingerprint } from '../../../src/coordination/primitives.js';

const tick = (ms = 5): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('coordination: in-process implementations', () => {
  describe('InProcessLock', () => {
    it('runs work for one key one at a time, in arrival order, with growing fencing tokens', async () => {
      const lock = new InProcessLock();
      const order: string[] = [];
      const tokens: number[] = [];
      const job = (name: string, ms: number) =>
        lock.run('user:1', async (lease) => {
          tokens.push(lease.fencingToken);
          order.push(`${name}+`);
          await tick(ms);
          order.push(`${name}-`);
        });
      await Promise.all([job('a', 10), job('b', 1), job('c', 1)]);
      expect(order).to.deep.equal(['a+', 'a-', 'b+', 'b-', 'c+', 'c-']);
      expect(tokens).to.deep.equal([...tokens].sort((x, y) => x - y));
      expect(new Set(tokens).size).to.equal(3);
      expect(lock.size).to.equal(0);
    });
    it('lets different keys run at once', async () => {
      const lock = new InProcessLock();
      let concurrent = 0;
      let peak = 0;
      const job = (key: string) =>
        lock.run(key, async () => {
          concurrent += 1;
          peak = Math.max(peak, concurrent);
          await tick();
          concurrent -= 1;
        });
      await Promise.all([job('a'), job('b'), job('c')]);
      expect(peak).to.equal(3);
    });
    it('a waiter whose signal aborts leaves with the reason and does not break the queue', async () => {
      const lock = new InProcessLock();
      const order: string[] = [];
      let release!: () => void;
      const first = lock.run(
        'k',
        () =>
          new Promise<void>(
            (r) =>
              (release = () => {
                order.push('first');
                r();
              }),
          ),
      );
      const ctl = new AbortController();
      const quitter = lock.run('k', () => Promise.resolve(order.push('quitter')), { signal: ctl.signal });
      const third = lock.run('k', () => Promise.resolve(order.push('third')));
      ctl.abort(new Error('deadline'));
      let caught: unknown;
      try {
        await quitter;
      } catch (e) {
        caught = e;
      }
      expect((caught as Error).message).to.equal('deadline');
      release();
      await Promise.all([first, third]);
      expect(order).to.deep.equal(['first', 'third']);
      expect(lock.size).to.equal(0);
    });
    it('a failing job releases the lock', async () => {
      const lock = new InProcessLock();
      let caught: unknown;
      try {
        await lock.run('k', () => Promise.reject(new Error('boom')));
      } catch (e) {
        caught = e;
      }
      expect((caught as Error).message).to.equal('boom');
      expect(await lock.run('k', () => Promise.resolve('next'))).to.equal('next');
    });
  });

  describe('InProcessCap', () => {
    it('never runs more than the limit per key, and other keys are not held back', async () => {
      const cap = new InProcessCap(2);
      let running = 0;
      let peak = 0;
      const work = async (): Promise<void> => {
        running += 1;
        peak = Math.max(peak, running);
        await tick();
        running -= 1;
      };
      const other = cap.run('other', async () => cap.inFlight('k'));
      await Promise.all([...Array.from({ length: 7 }, () => cap.run('k', work)), other]);
      expect(peak).to.equal(2);
      expect(cap.inFlight('k')).to.equal(0);
    });
    it('a waiter whose signal aborts gives up its place', async () => {
      const cap = new InProcessCap(1);
      let release!: () => void;
      const holder = cap.run('k', () => new Promise<void>((r) => (release = r)));
      const ctl = new AbortController();
      const waiting = cap.run('k', () => Promise.resolve('ran'), ctl.signal);
      ctl.abort(new Error('client gone'));
      let caught: unknown;
      try {
        await waiting;
      } catch (e) {
        caught = e;
      }
      expect((caught as Error).message).to.equal('client gone');
      release();
      await holder;
      expect(await cap.run('k', () => Promise.resolve('after'))).to.equal('after');
      expect(cap.inFlight('k')).to.equal(0);
    });
  });

  describe('InProcessProvenKeys', () => {
    it('remembers fingerprints until they expire, and forgets on request', async () => {
      let now = 1_000;
      const keys = new InProcessProvenKeys(100, 10, () => now);
      const fp = keyFingerprint('some-key-value');
      expect(await keys.isProven(fp)).to.equal(false);
      await keys.remember(fp);
      expect(await keys.isProven(fp)).to.equal(true);
      now += 101;
      expect(await keys.isProven(fp)).to.equal(false);
      await keys.remember(fp);
      await keys.forget(fp);
      expect(await keys.isProven(fp)).to.equal(false);
    });
    it('is bounded: the oldest fingerprints go first', async () => {
      const keys = new InProcessProvenKeys(60_000, 3);
      for (const k of ['a', 'b', 'c', 'd']) await keys.remember(keyFingerprint(k));
      expect(await keys.isProven(keyFingerprint('a'))).to.equal(false);
      expect(await keys.isProven(keyFingerprint('d'))).to.equal(true);
    });
    it('stores fingerprints, never the key', () => {
      const fp = keyFingerprint('jcSecretKeyValue0123456789');
      expect(fp).to.match(/^[0-9a-f]{64}$/);
      expect(fp).to.not.contain('jcSecretKeyValue');
      expect(keyFingerprint('jcSecretKeyValue0123456789')).to.equal(fp);
    });
  });

  it('inProcessCoordination is ready and provides an express-rate-limit store', async () => {
    const c = inProcessCoordination({ upstreamConcurrency: 4, provenKeyTtlMs: 1000 });
    expect(await c.ready()).to.equal(true);
    expect(c.failedAuthStore.increment).to.be.a('function');
    await c.close();
  });
});
