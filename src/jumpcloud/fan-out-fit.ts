import { JumpCloudError } from './errors.js';

/**
 * A fan-out's share of its key's rate before its request's deadline (one member PATCH: one call per member). The
 * fan-out sends only the first `granted` calls and answers the rest "come back later" at once, instead of starting
 * calls the rate cannot serve in time and holding Entra's connection until the deadline.
 */
export interface FanOutFit {
  /** How many of the calls asked for fit before the deadline at the key's current rate. */
  granted: number;
  /** When to come back for the calls not granted (0 when all were granted). */
  retryAfterMs: number;
  /** One granted call finished (answered or failed): its share of the rate is no longer held. */
  sent(): void;
  /** The fan-out ended: whatever it held and did not use is given back. */
  release(): void;
}

/** Who asks: the caller's key, its org, and the request's signal (which carries its deadline). */
export interface FanOutCaller {
  apiKey: string;
  orgId?: string;
  signal?: AbortSignal;
}

export type FanOutPlanner = (caller: FanOutCaller, calls: number) => FanOutFit;

/** Every call granted: no pacer, or nothing known about the rate yet. */
export const unfitted = (calls: number): FanOutFit => ({
  granted: calls,
  retryAfterMs: 0,
  sent: () => undefined,
  release: () => undefined,
});

/** The failure a fan-out reports for the calls it did not start: `throttled`, with when to come back. */
export function notFitted(path: string, fit: FanOutFit, calls: number): JumpCloudError | undefined {
  if (fit.granted >= calls) return undefined;
  return new JumpCloudError(
    'throttled',
    `JumpCloud is throttling this API key; at the rate it allows, ${calls - fit.granted} of these ${calls} calls would not be answered before the request's deadline, so they were not started`,
    { method: 'POST', path, status: 429, attempts: 0 },
    fit.retryAfterMs,
  );
}
