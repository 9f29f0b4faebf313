/** How long an ambiguous create is looked for, and how often, before the bridge concludes it did not land. */
export interface LandedLookup {
  windowMs: number;
  intervalMs: number;
}

export const LANDED_LOOKUP: LandedLookup = { windowMs: 5_000, intervalMs: 250 };

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
 * would tell the client "error" about an object that exists. Each lookup has the client's own retries; a failed
 * lookup is tried again rather than taken as "not there". Everything stops with the request's signal.
 * Resolves to the object, or undefined when every lookup in the window said it is not there.
 */
export async function findLanded<T>(find: () => Promise<T | undefined>, signal?: AbortSignal, lookup: LandedLookup = LANDED_LOOKUP): Promise<T | undefined> {
  const until = performance.now() + lookup.windowMs;
  let lastError: unknown;
  let answered = false;
  for (;;) {
    try {
      const found = await find();
      if (found !== undefined) return found;
      answered = true;
    } catch (e) {
      if (signal?.aborted) throw e;
      lastError = e;
    }
    if (performance.now() + lookup.intervalMs > until) break;
    await pause(lookup.intervalMs, signal);
  }
  if (!answered && lastError !== undefined) throw lastError;
  return undefined;
}
