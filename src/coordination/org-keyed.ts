import type { LockOptions, ResourceLock } from './primitives.js';

/**
 * `org:{orgId}:{key}` for a request on `/scim/v2/orgs/{orgId}`, so that `create:bjensen` in one org never waits for,
 * or blocks, the same userName in another; the key unchanged for plain /scim/v2 (one org per process). The org comes
 * with each lock call (the request context carries it) rather than from AsyncLocalStorage, whose promise hooks
 * cost every request of the process about a tenth of its CPU on Node 20 once one org request had used it.
 */
function orgKey(key: string, options: LockOptions | undefined): string {
  return options?.orgId ? `org:${options.orgId}:${key}` : key;
}

/** A lock whose keys are scoped to the org its caller names. */
export function orgKeyedLock(inner: ResourceLock): ResourceLock {
  return { run: (key, work, options) => inner.run(orgKey(key, options), work, options) };
}
