import { AsyncLocalStorage } from 'node:async_hooks';
import type { ResourceLock } from './primitives.js';

/**
 * The org a request acts on, for coordination keys. The route wrapper enters it once per request
 * (`inOrg`); the lock reads it (`orgKey`) so that `user-create:bjensen` in one org never waits for, or
 * blocks, the same userName in another. Carried by AsyncLocalStorage because the resource handlers take their
 * locks deep inside use cases that know nothing of tenants; nothing else reads it.
 */
const current = new AsyncLocalStorage<string>();

export function inOrg<T>(orgId: string | undefined, work: () => T): T {
  return orgId ? current.run(orgId, work) : work();
}

/** `org:{orgId}:{key}` inside an org's request; the key unchanged for plain /scim/v2 (one org per process). */
function orgKey(key: string): string {
  const org = current.getStore();
  return org ? `org:${org}:${key}` : key;
}

/** A lock whose keys are scoped to the current request's org. */
export function orgKeyedLock(inner: ResourceLock): ResourceLock {
  return { run: (key, work, options) => inner.run(orgKey(key), work, options) };
}
