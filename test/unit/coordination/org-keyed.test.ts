import { expect } from 'chai';
import { lockKeys } from '../../../src/coordination/lock-keys.js';
import { orgKeyedLock } from '../../../src/coordination/org-keyed.js';
import { InProcessLock } from '../../../src/coordination/in-process.js';
import type { ResourceLock } from '../../../src/coordination/primitives.js';

describe('coordination/org-keyed', () => {
  function recording(): { inner: ResourceLock; keys: string[]; signals: (AbortSignal | undefined)[] } {
    const keys: string[] = [];
    const signals: (AbortSignal | undefined)[] = [];
    const inner: ResourceLock = {
      run: (key, work, options) => {
        keys.push(key);
        signals.push(options?.signal);
        return work({ token: 1, signal: new AbortController().signal } as never);
      },
    };
    return { inner, keys, signals };
  }

  it('scopes a key to the org its caller names, and leaves plain /scim/v2 keys as they are', async () => {
    const { inner, keys } = recording();
    const lock = orgKeyedLock(inner);
    await lock.run(lockKeys.userCreate('bjensen'), async () => 1, { orgId: '5a0b1c2d3e4f5a6b7c8d9e0f' });
    await lock.run(lockKeys.userCreate('bjensen'), async () => 2);
    await lock.run(lockKeys.user('abc'), async () => 3, {});
    expect(keys).to.deep.equal(['org:5a0b1c2d3e4f5a6b7c8d9e0f:user-create:bjensen', 'user-create:bjensen', 'user:abc']);
  });

  it('passes the signal on, so a lock wait still ends with the request', async () => {
    const { inner, signals } = recording();
    const ctl = new AbortController();
    await orgKeyedLock(inner).run(lockKeys.user('abc'), async () => undefined, { signal: ctl.signal, orgId: 'o' });
    expect(signals).to.deep.equal([ctl.signal]);
  });

  it('does not make one org wait for the same key held in another', async () => {
    const lock = orgKeyedLock(new InProcessLock());
    let release!: () => void;
    const held = lock.run(lockKeys.userCreate('bjensen'), () => new Promise<void>((r) => (release = r)), {
      orgId: 'a',
    });
    const other = await lock.run(lockKeys.userCreate('bjensen'), async () => 'ran', { orgId: 'b' });
    expect(other).to.equal('ran');
    let sameOrgRan = false;
    const sameOrg = lock.run(lockKeys.userCreate('bjensen'), async () => (sameOrgRan = true), { orgId: 'a' });
    await new Promise((r) => setTimeout(r, 20));
    expect(sameOrgRan, 'the same org waits for its holder').to.equal(false);
    release();
    await held;
    await sameOrg;
    expect(sameOrgRan).to.equal(true);
  });
});
