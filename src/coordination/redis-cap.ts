import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { abortReason, type ConcurrencyCap } from './primitives.js';
import { fallbackSwitch } from './redis-connection.js';

/**
 * A counting semaphore per key shared by every replica: the per-JumpCloud-key cap on concurrent upstream calls.
 *
 * One sorted set per key; each running call is a member scored by when its slot expires (Redis's clock, so
 * replicas' clocks do not matter). Acquiring drops expired members and adds ours only below the limit, in one
 * Lua script. A slot lives `slotTtlMs` (longer than any request may run), so slots a crashed replica held free
 * themselves. While Redis cannot be reached, the cap falls back to `fallback` (this replica's own cap): a
 * JumpCloud call is still bounded, only no longer across replicas, and reads keep working.
 */

const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return 1
end
return 0`;

export interface RedisCapOptions {
  limit: number;
  /** How long a slot outlives a replica that never released it. Longer than the request deadline. */
  slotTtlMs: number;
  prefix?: string;
  pollMinMs?: number;
  pollMaxMs?: number;
  /** Told once when the cap starts using the fallback, and once when it is back on Redis. */
  onFallback?: (active: boolean, detail?: string) => void;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class RedisCap implements ConcurrencyCap {
  private readonly prefix: string;
  private readonly owner = randomBytes(6).toString('hex');
  private seq = 0;
  private readonly fallbackActive: (active: boolean, detail?: string) => void;

  constructor(
    private readonly redis: Redis,
    private readonly fallback: ConcurrencyCap,
    private readonly options: RedisCapOptions,
  ) {
    if (!Number.isInteger(options.limit) || options.limit < 1)
      throw new RangeError(`limit must be a positive integer (got ${options.limit})`);
    this.prefix = options.prefix ?? 'scim-bridge:';
    this.fallbackActive = fallbackSwitch(options.onFallback);
  }

  async run<T>(key: string, work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const setKey = `${this.prefix}cap:${key}`;
    const member = `${this.owner}:${++this.seq}`;
    const acquired = await this.acquire(setKey, member, signal);
    if (!acquired) return this.fallback.run(key, work, signal);
    try {
      return await work();
    } finally {
      // If this fails the slot expires by itself after slotTtlMs.
      await this.redis.zrem(setKey, member).catch(() => undefined);
    }
  }

  /** True once a slot is ours; false when Redis cannot be asked (use the fallback). */
  private async acquire(setKey: string, member: string, signal?: AbortSignal): Promise<boolean> {
    const pollMin = this.options.pollMinMs ?? 2;
    const pollMax = this.options.pollMaxMs ?? 25;
    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw abortReason(signal);
      let got: number;
      try {
        got = Number(await this.redis.eval(ACQUIRE, 1, setKey, member, this.options.limit, this.options.slotTtlMs));
      } catch (e) {
        this.fallbackActive(true, e instanceof Error ? e.message : String(e));
        return false;
      }
      this.fallbackActive(false);
      if (got === 1) return true;
      const cap = Math.min(pollMax, pollMin * 2 ** Math.min(attempt, 5));
      await sleep(pollMin + Math.random() * (cap - pollMin));
    }
  }
}
