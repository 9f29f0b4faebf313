/**
 * Requests (by their abort signal) that are looking up whether a write whose answer was lost landed. While a
 * request does that, it does nothing else, so its calls are that lookup's reads: the pacer admits them ahead of the
 * key's queue and never refuses them as "cannot make the deadline". Refusing the one read that can prove a write
 * landed would turn a done write into an error answer (a phantom write), and a read changes nothing upstream.
 * Keyed by the signal the request's calls already carry, not an AsyncLocalStorage: on Node 20 one ALS turns on
 * promise hooks for the whole process (docs/decisions.md, decision 29).
 */
const recovering = new WeakMap<AbortSignal, number>();

/** Runs `read` (which must only read) as the recovery lookup of the request `signal` belongs to. */
export async function recoveryRead<T>(signal: AbortSignal | undefined, read: () => Promise<T>): Promise<T> {
  if (!signal) return read();
  recovering.set(signal, (recovering.get(signal) ?? 0) + 1);
  try {
    return await read();
  } finally {
    const n = (recovering.get(signal) ?? 1) - 1;
    if (n > 0) recovering.set(signal, n);
    else recovering.delete(signal);
  }
}

/** Whether a call carrying `signal` is part of its request's recovery lookup. */
export const isRecoveryRead = (signal: AbortSignal | undefined): boolean =>
  signal !== undefined && recovering.has(signal);
