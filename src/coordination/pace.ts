import type { KeyPace, PaceGrant, PaceOptions, PaceState } from './primitives.js';

/** Tuning shared by the in-process and the Redis pace, so replicas on either learn the same way. */
export const PACE = {
  /** Multiplicative decrease on a throttling event. */
  decrease: 0.85,
  /**
   * Additive increase per second of busy admissions: this share of the rate last known to be allowed, and at least
   * `minIncrease` calls/s, so a rate lowered by a stray 429 is back within seconds.
   */
  increaseShare: 0.02,
  minIncrease: 1,
  /** Never paced below this (calls/s): a key must always make progress. */
  minRate: 0.5,
  maxRate: 1_000,
  /** The window over which admitted-minus-throttled calls estimate the rate JumpCloud allows, before it is known. */
  windowMs: 5_000,
  /** A first estimate over less than this is not trusted: at least one second of calls is counted. */
  minWindowMs: 1_000,
  /** Fewer answered calls than this say nothing about the rate: a 429 then only pauses the key. */
  minSample: 3,
  /** A key running below this share of its rate was not throttled for its pace. */
  saturated: 0.5,
  /**
   * The pause after a 429 without Retry-After (JumpCloud documents none): short, as a token bucket refills in
   * 1/rate; doubled for each event that follows the last pause within `escalateWithinMs` (a limit that counts in
   * windows), up to `maxPauseMs`.
   */
  pauseMs: 250,
  escalateWithinMs: 500,
  maxPauseMs: 8_000,
  /**
   * A guessed pause is at most this share of the request deadline: a guess that grew to the deadline would make
   * every waiting request answer "come back later" on a guess, not on anything JumpCloud said.
   */
  deadlineShare: 0.1,
} as const;

/** The longest pause guessed without Retry-After, for a request deadline: well below it, and at most 8 s. */
export const maxGuessedPauseMs = (requestDeadlineMs: number): number =>
  Math.max(PACE.pauseMs, Math.min(PACE.maxPauseMs, Math.floor(requestDeadlineMs * PACE.deadlineShare)));

interface KeyState {
  /** Calls/s admitted; undefined until JumpCloud first throttles (or JUMPCLOUD_RATE_LIMIT names it). */
  rate: number | undefined;
  /** The rate before the last decrease: the additive step is a share of it. */
  ceiling: number | undefined;
  /** When the next call may start (the rate's spacing). */
  nextAt: number;
  pausedUntil: number;
  lastEventAt: number;
  pauseEstimate: number;
  windowStart: number;
  windowCalls: number;
  pauses: number;
  throttles: number;
}

/**
 * The shared part of one JumpCloud key's pacing, in this process: the learned rate, the rate's spacing and the
 * pause after a 429. Admission is spaced evenly (`1/rate` apart) rather than in bursts, so a bucket JumpCloud
 * keeps on its side is never emptied by a burst the bridge could have spread out.
 */
export class InProcessPace implements KeyPace {
  private readonly keys = new Map<string, KeyState>();

  constructor(
    private readonly options: PaceOptions = {},
    private readonly now: () => number = Date.now,
  ) {}

  private stateOf(key: string): KeyState {
    let s = this.keys.get(key);
    if (!s) {
      const now = this.now();
      const { options } = this;
      const rate = options.initialRate;
      s = {
        rate,
        ceiling: rate,
        nextAt: 0,
        pausedUntil: 0,
        lastEventAt: 0,
        pauseEstimate: options.defaultPauseMs ?? PACE.pauseMs,
        windowStart: now,
        windowCalls: 0,
        pauses: 0,
        throttles: 0,
      };
      this.keys.set(key, s);
    }
    return s;
  }

  take(key: string, busy: boolean): Promise<PaceGrant> {
    const s = this.stateOf(key);
    const now = this.now();
    if (now < s.pausedUntil) return Promise.resolve({ admitted: false, waitMs: s.pausedUntil - now });
    if (s.rate !== undefined && now < s.nextAt) return Promise.resolve({ admitted: false, waitMs: s.nextAt - now });
    if (s.rate !== undefined) {
      s.nextAt = Math.max(s.nextAt, now) + 1000 / s.rate;
      const step = Math.max(PACE.minIncrease, PACE.increaseShare * (s.ceiling ?? s.rate));
      // A rate the operator named (JUMPCLOUD_RATE_LIMIT) is JumpCloud's: probing above it only meets 429s.
      if (busy) s.rate = Math.min(this.options.initialRate ?? PACE.maxRate, s.rate + step / s.rate);
    }
    if (now - s.windowStart > PACE.windowMs) {
      s.windowStart = now;
      s.windowCalls = 0;
    }
    s.windowCalls += 1;
    return Promise.resolve({ admitted: true, at: now });
  }

  throttled(key: string, grantedAt: number, retryAfterMs: number | undefined): Promise<void> {
    const s = this.stateOf(key);
    const now = this.now();
    s.throttles += 1;
    s.windowCalls = Math.max(0, s.windowCalls - 1);
    // One congestion event per burst: the other 429s of a burst were admitted before it began.
    const newEvent = grantedAt > s.lastEventAt;
    if (newEvent) {
      const base = this.options.defaultPauseMs ?? PACE.pauseMs;
      const max = this.options.maxPauseMs ?? PACE.maxPauseMs;
      s.pauseEstimate = Math.min(max, now - s.pausedUntil < PACE.escalateWithinMs ? s.pauseEstimate * 2 : base);
    }
    const pauseMs = retryAfterMs ?? s.pauseEstimate;
    if (now + pauseMs > s.pausedUntil) {
      if (now >= s.pausedUntil) s.pauses += 1;
      s.pausedUntil = now + pauseMs;
    }
    if (!newEvent) return Promise.resolve();
    const measured = (s.windowCalls * 1000) / Math.max(PACE.minWindowMs, now - s.windowStart);
    // Lower the rate only when it is what JumpCloud refused: a 429 while the key ran far below its pace (a fault,
    // another client of the same key) only pauses it.
    const ours = s.rate === undefined ? s.windowCalls >= PACE.minSample : measured >= s.rate * PACE.saturated;
    if (ours) {
      const base = s.rate ?? measured;
      s.ceiling = base;
      s.rate = Math.max(PACE.minRate, base * PACE.decrease);
      s.nextAt = s.pausedUntil;
    }
    s.lastEventAt = now;
    // Counting starts again when the pause ends: the pause is not time the key could have used.
    s.windowStart = s.pausedUntil;
    s.windowCalls = 0;
    return Promise.resolve();
  }

  forget(key: string): void {
    this.keys.delete(key);
  }

  state(key: string): PaceState {
    const s = this.keys.get(key);
    if (!s) return { rate: this.options.initialRate, pausedMs: 0, pauses: 0, throttles: 0 };
    return {
      rate: s.rate,
      pausedMs: Math.max(0, s.pausedUntil - this.now()),
      pauses: s.pauses,
      throttles: s.throttles,
    };
  }
}
