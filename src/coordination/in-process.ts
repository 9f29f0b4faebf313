import { MemoryStore } from 'express-rate-limit';
import { InProcessDoneMembers } from './done-members.js';
import { InProcessPace, maxGuessedPauseMs } from './pace.js';
import {
  abortReason,
  type ConcurrencyCap,
  type Coordination,
  type Lease,
  type PaceOptions,
  type ProvenKeys,
  type ResourceLock,
} from './primitives.js';

/** Resolves when `promise` settles, or rejects with the signal's reason when it aborts first. */
function waitFor(promise: Promise<unknown>, signal?: AbortSignal): Promise<void> {
  if (!signal) return promise.then(() => undefined);
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
    );
  });
}

const NEVER_LOST = new AbortController().signal;

/** Per-key FIFO lock inside this process. A waiter that gives up leaves the queue order intact. */
export class InProcessLock implements ResourceLock {
  private readonly tails = new Map<string, Promise<void>>();
  private fence = 0;

  async run<T>(key: string, work: (lease: Lease) => Promise<T>, options: { signal?: AbortSignal } = {}): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => {
      release = r;
    });
    // The next waiter waits for everyone ahead of it, even if this one gives up while waiting.
    const tail = prev.then(() => mine);
    this.tails.set(key, tail);
    try {
      await waitFor(prev, options.signal);
      this.fence += 1;
      return await work({ fencingToken: this.fence, signal: NEVER_LOST });
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** Keys currently held or waited for (for tests: the map must not grow without bound). */
  get size(): number {
    return this.tails.size;
  }
}

/** Counting semaphore per key inside this process. */
export class InProcessCap implements ConcurrencyCap {
  private readonly running = new Map<string, { count: number; waiters: (() => void)[] }>();

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer (got ${limit})`);
  }

  async run<T>(key: string, work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(key, signal);
    try {
      return await work();
    } finally {
      this.release(key);
    }
  }

  private acquire(key: string, signal?: AbortSignal): Promise<void> {
    let slot = this.running.get(key);
    if (!slot) {
      slot = { count: 0, waiters: [] };
      this.running.set(key, slot);
    }
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (slot.count < this.limit) {
      slot.count += 1;
      return Promise.resolve();
    }
    const s = slot;
    return new Promise<void>((resolve, reject) => {
      const grant = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = (): void => {
        s.waiters = s.waiters.filter((w) => w !== grant);
        reject(abortReason(signal as AbortSignal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      s.waiters.push(grant);
    });
  }

  private release(key: string): void {
    const slot = this.running.get(key);
    if (!slot) return;
    const next = slot.waiters.shift();
    if (next) {
      next(); // the slot passes straight to the next waiter
      return;
    }
    slot.count -= 1;
    if (slot.count === 0) this.running.delete(key);
  }

  /** Calls running now for `key`. */
  inFlight(key: string): number {
    return this.running.get(key)?.count ?? 0;
  }
}

/** Fingerprints with an expiry, bounded in number (the oldest go first). */
export class InProcessProvenKeys implements ProvenKeys {
  private readonly expiry = new Map<string, number>();

  constructor(
    readonly ttlMs: number,
    readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  isProven(fingerprint: string): Promise<boolean> {
    const until = this.expiry.get(fingerprint);
    if (until === undefined) return Promise.resolve(false);
    if (until <= this.now()) {
      this.expiry.delete(fingerprint);
      return Promise.resolve(false);
    }
    return Promise.resolve(true);
  }

  remember(fingerprint: string): Promise<void> {
    this.expiry.delete(fingerprint);
    this.expiry.set(fingerprint, this.now() + this.ttlMs);
    while (this.expiry.size > this.maxEntries) {
      const oldest = this.expiry.keys().next().value;
      if (oldest === undefined) break;
      this.expiry.delete(oldest);
    }
    return Promise.resolve();
  }

  forget(fingerprint: string): Promise<void> {
    this.expiry.delete(fingerprint);
    return Promise.resolve();
  }
}

export interface CoordinationOptions {
  /** Concurrent JumpCloud calls per key. */
  upstreamConcurrency: number;
  /** How long a key JumpCloud accepted counts as proven. */
  provenKeyTtlMs: number;
  /** JUMPCLOUD_RATE_LIMIT: calls/s per key known in advance; otherwise learned from JumpCloud's 429s. */
  upstreamRateLimit?: number;
  /** REQUEST_DEADLINE_MS: a pause guessed without Retry-After stays well below it. */
  requestDeadlineMs?: number;
}

/** The pace's options from the coordination options (a rate only when one is configured). */
export const paceOptions = (options: CoordinationOptions): PaceOptions => ({
  ...(options.upstreamRateLimit === undefined ? {} : { initialRate: options.upstreamRateLimit }),
  ...(options.requestDeadlineMs === undefined ? {} : { maxPauseMs: maxGuessedPauseMs(options.requestDeadlineMs) }),
});

export function inProcessCoordination(options: CoordinationOptions): Coordination {
  return {
    locks: new InProcessLock(),
    upstreamCap: new InProcessCap(options.upstreamConcurrency),
    pace: new InProcessPace(paceOptions(options)),
    provenKeys: new InProcessProvenKeys(options.provenKeyTtlMs),
    doneMembers: new InProcessDoneMembers(),
    failedAuthStore: new MemoryStore(),
    ready: () => Promise.resolve(true),
    close: () => Promise.resolve(),
  };
}
