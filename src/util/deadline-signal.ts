/**
 * A request's abort signal carries its deadline, so the layers that only see the signal (the JumpCloud pacer) can
 * tell whether a wait still fits before it fires: the deadline itself aborts the signal, this only lets a wait
 * that cannot fit end at once instead of at the deadline.
 */
const deadlines = new WeakMap<AbortSignal, number>();

/** Notes that `signal` aborts at `at` (Date.now() milliseconds). */
export function noteDeadline(signal: AbortSignal, at: number): void {
  deadlines.set(signal, at);
}

/** When `signal` aborts by deadline (Date.now() milliseconds), if one was noted. */
export function deadlineOf(signal: AbortSignal | undefined): number | undefined {
  return signal ? deadlines.get(signal) : undefined;
}
