import type { LockKey } from './lock-keys.js';
import { orgScoped } from './lock-keys.js';
import type { ResourceLock } from './primitives.js';

/**
 * A lock whose keys are scoped to the org its caller names (`/scim/v2/orgs/{orgId}`), so that creating `bjensen`
 * in one org never waits for, or blocks, the same userName in another; keys are unchanged for plain /scim/v2 (one
 * org per process). The org comes with each lock call (the request context carries it) rather than from
 * AsyncLocalStorage, whose promise hooks cost every request of the process about a tenth of its CPU on Node 20
 * once one org request had used it.
 * Its keys are `lockKeys`' only: a resource cannot lock under a hand-built string.
 */
export function orgKeyedLock(inner: ResourceLock): ResourceLock<LockKey> {
  return { run: (key, work, options) => inner.run(orgScoped(key, options?.orgId), work, options) };
}
