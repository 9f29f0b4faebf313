import { expect } from 'chai';
import { KeyedLock } from '../../../src/util/keyed-lock.js';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('util/keyed-lock', () => {
  it('runs work for one key one at a time, in arrival order', async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    const job = (name: string) => async (): Promise<string> => {
      log.push(`${name} start`);
      await tick();
      log.push(`${name} end`);
      return name;
    };
    const results = await Promise.all([lock.run('u1', job('a')), lock.run('u1', job('b')), lock.run('u1', job('c'))]);
    expect(results).to.deep.equal(['a', 'b', 'c']);
    expect(log).to.deep.equal(['a start', 'a end', 'b start', 'b end', 'c start', 'c end']);
  });

  it('runs different keys side by side', async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    let release!: () => void;
    const blocked = lock.run('u1', () => new Promise<void>((r) => (release = r)));
    await lock.run('u2', async () => log.push('u2 ran while u1 was held'));
    release();
    await blocked;
    expect(log).to.deep.equal(['u2 ran while u1 was held']);
  });

  it('a failed write does not poison the writes queued behind it', async () => {
    const lock = new KeyedLock();
    const first = lock.run('u1', async () => {
      await tick();
      throw new Error('upstream said no');
    });
    const second = lock.run('u1', async () => 'written');
    const outcome = await first.then(
      () => 'resolved',
      (e: Error) => e.message,
    );
    expect(outcome).to.equal('upstream said no');
    expect(await second).to.equal('written');
  });

  it('forgets a key once its queue drains', async () => {
    const lock = new KeyedLock();
    const p = lock.run('u1', async () => tick());
    expect(lock.size).to.equal(1);
    await p;
    expect(lock.size).to.equal(0);
    await lock.run('u2', async () => {
      throw new Error('x');
    }).catch(() => undefined);
    expect(lock.size).to.equal(0);
  });
});
