import { recoveryRead } from '../jumpcloud/recovery-read.js';

/** How long an ambiguous create is looked for, and how often, before the bridge concludes it did not land. */
export interface LandedLookup {
  windowMs: number;
  intervalMs: number;
}

/** Lookups every quarter of the window, at most every 250 ms. */
export function landedLookup(windowMs: number): LandedLookup {
  return { windowMs, intervalMs: Math.max(10, Math.min(250, Math.floor(windowMs / 4))) };
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const done = (): void => {
      signal?.removeEventListener('abort', stop);
      resolve();
    };
    const timer = setTimeout(done, ms);
    const stop = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', stop, { once: true });
  });
}

/**
 * After a create whose answer was lost (timeout, reset, 5xx), looks for the object until it shows up or the window
 * closes: JumpCloud may make a commit visible a little after the connection failed, and a single early lookup
 * would tell the client "error" about an object that exists. `find` must only read. Each lookup has the client's own retries; a failed
 * lookup is tried again rather than taken as an answer. Everything stops with the request's signal.
 * Resolves to the object, or undefined when no lookup in the window found it (said "not there", or failed).
 */
export async function findLanded<T>(
  find: () => Promise<T | undefined>,
  lookup: LandedLookup,
  signal?: AbortSignal,
): Promise<T | undefined> {
  const until = performance.now() + lookup.windowMs;
  for (;;) {
    try {
      // A recovery read: admitted first by the pacer, never refused for throttling (see recoveryRead).
      const found = await recoveryRead(signal, find);
      if (found !== undefined) return found;
    } catch (e) {
      if (signal?.aborted) throw e;
    }
    if (performance.now() + lookup.intervalMs > until) return undefined;
    await pause(lookup.intervalMs, signal);
  }
}
