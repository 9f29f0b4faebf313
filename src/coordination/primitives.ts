import { hash } from 'node:crypto';
import type { Store as RateLimitStore } from 'express-rate-limit';

/**
 * The coordination the bridge needs between requests, as small interfaces. This module's in-process versions
 * (in-process.ts) serve one bridge; shared versions (a Redis store, for several bridges behind one Tenant URL)
 * implement the same interfaces and are chosen by configuration in one place (createCoordination).
 */

/** Held while one read-modify-write of a resource runs. */
export interface Lease {
  /**
   * Grows with every grant of the same lock. A shared store hands it to the writer so a writer whose lease
   * expired (a paused process) can be told apart from the current holder.
   */
  readonly fencingToken: number;
  /** Aborted if the lease is lost before the work ends (never, in-process); the work should stop writing then. */
  readonly signal: AbortSignal;
}

/**
 * Serialises work per resource key. JumpCloud has no ETags and its PUT replaces arrays whole, so two concurrent
 * read-modify-write PATCHes of one user would silently drop one of them.
 */
export interface ResourceLock<Key extends string = string> {
  /** Runs `work` once the key is free; waiting ends with the signal's reason if `signal` aborts first. */
  run<T>(key: Key, work: (lease: Lease) => Promise<T>, options?: LockOptions): Promise<T>;
}

export interface LockOptions {
  signal?: AbortSignal;
  /** The JumpCloud org the request acts on (`/scim/v2/orgs/{orgId}`): see coordination/org-keyed.ts. */
  orgId?: string;
}

/** A cap on concurrent upstream calls per JumpCloud key, shared by every request that uses the key. */
export interface ConcurrencyCap {
  /** Runs `work` when fewer than the cap are running for `key`; waiting ends if `signal` aborts first. */
  run<T>(key: string, work: () => Promise<T>, signal?: AbortSignal): Promise<T>;
}

/**
 * Keys JumpCloud accepted recently, by fingerprint only, so a request can be authenticated before it takes a
 * lock or starts a fan-out without an upstream call each time. A key is never stored, only its hash.
 */
export interface ProvenKeys {
  isProven(fingerprint: string): Promise<boolean>;
  remember(fingerprint: string): Promise<void>;
  forget(fingerprint: string): Promise<void>;
}

/**
 * Member changes of a group that a "come back later" answer named as done, remembered for a short while so that the
 * re-sent request does not repeat them. Entries are `add:{userId}` / `remove:{userId}`; groups are `{org}:{groupId}`.
 */
export interface DoneMembers {
  /** Which of `entries` are remembered done; `invalidate` (the opposite changes of this request) are forgotten first. */
  take(group: string, entries: readonly string[], invalidate: readonly string[]): Promise<ReadonlySet<string>>;
  remember(group: string, entries: readonly string[], ttlMs: number): Promise<void>;
}

export type { RateLimitStore };

/** One call's turn from a key's pace: admitted (at the store's clock), or how long to wait before asking again. */
export type PaceGrant = { admitted: true; at: number } | { admitted: false; waitMs: number };

/** What a key's pace knows now: for metrics, the debug page, and a request's estimate of its wait. */
export interface PaceState {
  /** Calls/s admitted; undefined until JumpCloud has throttled the key (or JUMPCLOUD_RATE_LIMIT named a rate). */
  rate: number | undefined;
  /** How much longer the key is paused after a 429. */
  pausedMs: number;
  /** Pauses started since the process started (all replicas', with Redis). */
  pauses: number;
  /** 429s JumpCloud answered. */
  throttles: number;
}

export interface PaceOptions {
  /**
   * A rate known in advance (JUMPCLOUD_RATE_LIMIT): the pace starts there instead of learning it from 429s, and never
   * rises above it (it still slows down on a 429).
   */
  initialRate?: number;
  /** The pause after a 429 that names no Retry-After. */
  defaultPauseMs?: number;
  /** The longest such pause (it doubles while 429s follow each other): kept well below the request deadline. */
  maxPauseMs?: number;
}

/**
 * The rate JumpCloud allows one key (and org), learned and shared by every request (and every replica): calls are
 * spaced at the learned rate; a 429 pauses the whole key for its Retry-After and lowers the rate once per
 * congestion event; busy admissions raise it again slowly (additive increase, multiplicative decrease).
 */
export interface KeyPace {
  /** Asks for one call's turn. `busy`: more calls wait behind this one (only then does the rate rise). */
  take(key: string, busy: boolean): Promise<PaceGrant>;
  /** JumpCloud answered 429 to a call admitted at `grantedAt` (the `at` of its grant). */
  throttled(key: string, grantedAt: number, retryAfterMs: number | undefined): Promise<void>;
  /** The last known state (with Redis: as of this replica's last exchange with it). */
  state(key: string): PaceState;
  /** Drops what this process holds for a key nobody uses (a key JumpCloud never accepted). */
  forget(key: string): void;
}

/** Everything one bridge process coordinates through. */
export interface Coordination {
  readonly locks: ResourceLock;
  /** Per-key cap on concurrent JumpCloud calls. */
  readonly upstreamCap: ConcurrencyCap;
  /** Per-key rate and pause, learned from JumpCloud's 429s. */
  readonly pace: KeyPace;
  readonly provenKeys: ProvenKeys;
  /** Member changes named done in a "come back later" answer, per group, for a short while. */
  readonly doneMembers: DoneMembers;
  /** The store for express-rate-limit's failed-authentication limiter (one per limiter). */
  readonly failedAuthStore: RateLimitStore;
  /** False while the backing store cannot be used (in-process: always true); /readyz reports it. */
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * A key's fingerprint: SHA-256, hex. Stable across processes so bridges sharing a store agree on it; the key
 * itself cannot be recovered from it (JumpCloud keys are long random strings, not guessable passwords).
 */
export function keyFingerprint(key: string, orgId?: string): string {
  // One-shot `hash` (Node ≥ 20.12): several fingerprints are taken per request, and a Hash object each was measurable.
  const digest = hash('sha256', `jumpcloud-scim-bridge key ${key}`, 'hex');
  // A key proven for one org (x-org-id) says nothing about another, and each org has its own cap.
  return orgId ? `${digest}:${orgId}` : digest;
}

/** What waiting for a lock or a slot ends with when the request's signal aborts. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted', 'AbortError');
}
