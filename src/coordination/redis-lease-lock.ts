import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { abortReason } from './primitives.js';

/**
 * A per-resource lock shared by every replica: `SET NX PX` with a fencing token, renewed while the work runs.
 *
 * Why not Redlock: it needs N independent masters to be safe and gives no fencing token; one Redis (or a
 * replicated one behind a sentinel) is what this bridge is deployed with, and the token is what makes a
 * paused replica harmless. The algorithm, in full:
 *
 * - acquire: one Lua script; if `lock:{key}` is absent, `INCR fence:{key}` (the fencing token, monotonic per
 *   key) and `SET lock:{key} {owner}:{token} PX {leaseMs}`. Otherwise wait (jittered polling) up to `waitMs`.
 * - renew: every `leaseMs / 3`, `PEXPIRE` the lock only if it still holds our value. A renewal that finds
 *   another value (or cannot reach Redis before the lease runs out) marks the lease lost.
 * - fence: JumpCloud takes no token, so the bridge checks at the last moment it can: right before every
 *   upstream write, the lock must still hold our value, and is extended in the same script (see
 *   `assertLeasesHeld`). Because the lease is
 *   longer than a request may live (the request deadline), a lease proven held right before a write cannot
 *   expire while that write is in flight, so no other replica can be inside the same read-modify-write.
 * - release: on every path (`finally`), `DEL` only if the value is still ours. A replica that crashes leaves a
 *   lock that expires after `leaseMs`.
 *
 * Do not weaken: never write upstream without a proven lease, and never delete a lock by key alone (that
 * would free a lock another replica acquired after ours expired).
 */

const ACQUIRE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local token = redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('SET', KEYS[1], ARGV[1] .. ':' .. token, 'PX', ARGV[2])
return token`;

const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** Redis could not be asked (down, timed out) or the lock stayed busy past the wait budget: answer 503 + Retry-After. */
export class LockUnavailableError extends Error {
  constructor(
    message: string,
    readonly reason: 'redis-unavailable' | 'wait-timeout' | 'lease-lost',
    readonly retryAfterSeconds: number,
  ) {
    super(message);
    this.name = 'LockUnavailableError';
  }
}

export function isLockUnavailable(e: unknown): e is LockUnavailableError {
  return e instanceof LockUnavailableError;
}

/** Satisfies the coordination Lease (primitives.ts) and adds the fencing check. */
export interface RedisLease {
  readonly key: string;
  /** Monotonic per key across all replicas: a later holder always has a larger token. */
  readonly fencingToken: number;
  /** Aborted as soon as the lease is known lost; upstream calls made under the lease should honour it. */
  readonly signal: AbortSignal;
  /** Resolves only if Redis still says this lease is the holder. Call right before a write. */
  assertHeld(): Promise<void>;
}

export interface LeaseLockOptions {
  /** How long a lock outlives its holder's last renewal. Must exceed the request deadline. */
  leaseMs: number;
  /** How long a request waits for a busy lock before answering 503. */
  waitMs: number;
  /** Namespace for the keys (several bridges may share one Redis). */
  prefix?: string;
  /** Polling interval bounds while waiting for a busy lock. */
  pollMinMs?: number;
  pollMaxMs?: number;
}

const held = new AsyncLocalStorage<readonly RedisLease[]>();

/**
 * The fencing check for the write path: every lease the current async context holds must still be the holder.
 * Outside any Redis lease (one-process mode, reads) it resolves at once.
 */
export async function assertLeasesHeld(): Promise<void> {
  const leases = held.getStore();
  if (!leases?.length) return;
  await Promise.all(leases.map((l) => l.assertHeld()));
}

/** The abort signal of the innermost lease held by the current async context, if any. */
export function currentLeaseSignal(): AbortSignal | undefined {
  const leases = held.getStore();
  return leases?.[leases.length - 1]?.signal;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class RedisLeaseLock {
  private readonly owner = randomBytes(8).toString('hex');
  private readonly prefix: string;

  constructor(
    private readonly redis: Redis,
    private readonly options: LeaseLockOptions,
  ) {
    if (options.leaseMs < 30) throw new Error('leaseMs too small');
    this.prefix = options.prefix ?? 'scim-bridge:';
  }

  /** Runs `work` holding the lock on `key`; waiting also ends (with the signal's reason) if `signal` aborts. */
  async run<T>(
    key: string,
    work: (lease: RedisLease) => Promise<T>,
    options: { signal?: AbortSignal } = {},
  ): Promise<T> {
    const lease = await this.acquire(key, options.signal);
    try {
      const outer = held.getStore() ?? [];
      return await held.run([...outer, lease.public], () => work(lease.public));
    } finally {
      await lease.release();
    }
  }

  private keys(key: string): [string, string] {
    return [`${this.prefix}lock:${key}`, `${this.prefix}fence:${key}`];
  }

  private unavailable(e: unknown): LockUnavailableError {
    return new LockUnavailableError(
      `The shared lock store (Redis) cannot be reached, so the bridge will not write: ${e instanceof Error ? e.message : String(e)}`,
      'redis-unavailable',
      5,
    );
  }

  private async acquire(
    key: string,
    signal?: AbortSignal,
  ): Promise<{ public: RedisLease; release: () => Promise<void> }> {
    const { leaseMs, waitMs } = this.options;
    const [lockKey, fenceKey] = this.keys(key);
    const started = performance.now();
    const pollMin = this.options.pollMinMs ?? 5;
    const pollMax = this.options.pollMaxMs ?? 40;
    let token = 0;
    // The fence counter outlives any lease by far, so tokens stay monotonic for as long as anyone could hold one.
    const fenceTtl = Math.max(leaseMs * 100, 3_600_000);
    let sent = Date.now();
    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw abortReason(signal);
      sent = Date.now();
      try {
        token = Number(await this.redis.eval(ACQUIRE, 2, lockKey, fenceKey, this.owner, leaseMs, fenceTtl));
      } catch (e) {
        throw this.unavailable(e);
      }
      if (token > 0) break;
      const waited = performance.now() - started;
      if (waited >= waitMs) {
        throw new LockUnavailableError(
          `Another request has been changing this resource for over ${Math.round(waitMs / 1000)} s`,
          'wait-timeout',
          Math.max(1, Math.ceil(waitMs / 1000)),
        );
      }
      const cap = Math.min(pollMax, pollMin * 2 ** Math.min(attempt, 6));
      await sleep(Math.min(waitMs - waited, pollMin + Math.random() * (cap - pollMin)));
    }

    const value = `${this.owner}:${token}`;
    const controller = new AbortController();
    // Measured from when the proving command was sent: Redis started the lease no earlier than that.
    let lastProven = sent;
    const lose = (why: string): void => {
      if (!controller.signal.aborted)
        controller.abort(
          new LockUnavailableError(
            `The lock on this resource was lost (${why}); nothing further is written`,
            'lease-lost',
            1,
          ),
        );
    };
    const renew = async (): Promise<void> => {
      const at = Date.now();
      try {
        const ok = Number(await this.redis.eval(RENEW, 1, lockKey, value, leaseMs));
        if (ok === 1) lastProven = at;
        else lose('another holder or expired');
      } catch {
        // A blip is survivable while the lease still runs; past it, another replica may hold the lock.
        if (Date.now() - lastProven >= leaseMs) lose('Redis unreachable for longer than the lease');
      }
    };
    const timer = setInterval(() => void renew(), Math.max(10, Math.floor(leaseMs / 3)));
    timer.unref();

    const lease: RedisLease = {
      key,
      fencingToken: token,
      signal: controller.signal,
      assertHeld: async () => {
        if (controller.signal.aborted) throw controller.signal.reason;
        // Check-and-extend in one step: the write that follows starts with a full lease ahead of it.
        const at = Date.now();
        let ok: number;
        try {
          ok = Number(await this.redis.eval(RENEW, 1, lockKey, value, leaseMs));
        } catch (e) {
          throw this.unavailable(e);
        }
        if (ok !== 1) {
          lose('another holder or expired');
          throw controller.signal.reason;
        }
        lastProven = Math.max(lastProven, at);
      },
    };
    return {
      public: lease,
      release: async () => {
        clearInterval(timer);
        try {
          await this.redis.eval(RELEASE, 1, lockKey, value);
        } catch {
          // Unreachable Redis: the lease expires by itself; nobody else can have been handed our value.
        }
      },
    };
  }
}
