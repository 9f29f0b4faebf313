import type { Metrics } from '../observability/metrics.js';
import { lockKindOf } from './lock-keys.js';
import type { ResourceLock } from './primitives.js';
import { isLockUnavailable } from './redis-lease-lock.js';

/**
 * Times how long each acquisition waited (whatever the backend) for the lock-wait metric: until the work
 * started, or until waiting ended without it (Redis unavailable, wait budget or deadline spent).
 */
export function measuredLock(inner: ResourceLock, metrics: Metrics, backend: 'memory' | 'redis'): ResourceLock {
  if (!metrics.enabled) return inner;
  return {
    async run(key, work, options) {
      const started = performance.now();
      let acquired = false;
      try {
        return await inner.run(
          key,
          (lease) => {
            acquired = true;
            metrics.lockWait(lockKindOf(key), backend, 'acquired', performance.now() - started);
            return work(lease);
          },
          options,
        );
      } catch (e) {
        if (!acquired)
          metrics.lockWait(
            lockKindOf(key),
            backend,
            isLockUnavailable(e) && e.reason === 'redis-unavailable' ? 'unavailable' : 'timeout',
            performance.now() - started,
          );
        throw e;
      }
    },
  };
}
