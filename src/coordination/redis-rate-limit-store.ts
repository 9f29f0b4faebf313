import type { Redis } from 'ioredis';
import {
  MemoryStore,
  type ClientRateLimitInfo,
  type IncrementResponse,
  type Options,
  type Store,
} from 'express-rate-limit';
import { RedisStore } from 'rate-limit-redis';
import { fallbackSwitch } from './redis-connection.js';

/**
 * express-rate-limit's store for the failed-auth limit, shared through Redis (rate-limit-redis), with this
 * replica's MemoryStore standing in while Redis cannot be reached.
 *
 * Why a stand-in rather than failing: the limiter guards against key guessing, and an outage must neither
 * turn every request into a 500 nor switch the limit off. With the stand-in each replica still limits on its
 * own. rate-limit-redis loads its scripts once in init(); after an outage that left it without them, the next
 * successful call re-initialises it.
 */
export class SharedRateLimitStore implements Store {
  readonly localKeys = false;
  private readonly redisStore: RedisStore;
  private readonly memory = new MemoryStore();
  private options: Options | undefined;
  private redisReady = false;
  private readonly fallbackActive: (active: boolean, detail?: string) => void;

  constructor(
    redis: Redis,
    readonly prefix: string,
    onFallback?: (active: boolean, detail?: string) => void,
  ) {
    this.fallbackActive = fallbackSwitch(onFallback);
    this.redisStore = new RedisStore({
      prefix,
      sendCommand: (command: string, ...args: string[]) => redis.call(command, ...args) as Promise<never>,
    });
  }

  init(options: Options): void {
    this.options = options;
    this.memory.init(options);
    void this.initRedis();
  }

  private async initRedis(): Promise<boolean> {
    if (!this.options) return false;
    try {
      await this.redisStore.init(this.options);
      this.redisReady = true;
    } catch (e) {
      this.redisReady = false;
      this.fallback(true, e);
    }
    return this.redisReady;
  }

  private fallback(active: boolean, e?: unknown): void {
    this.fallbackActive(active, e instanceof Error ? e.message : undefined);
  }

  private async shared<T>(op: (s: Store) => Promise<T> | T): Promise<T> {
    if (this.redisReady || (await this.initRedis())) {
      try {
        const out = await op(this.redisStore);
        this.fallback(false);
        return out;
      } catch (e) {
        this.redisReady = false;
        this.fallback(true, e);
      }
    }
    return op(this.memory);
  }

  get(key: string): Promise<ClientRateLimitInfo | undefined> {
    return this.shared((s) => s.get?.(key));
  }

  increment(key: string): Promise<IncrementResponse> {
    return this.shared((s) => s.increment(key));
  }

  decrement(key: string): Promise<void> {
    return this.shared((s) => s.decrement(key));
  }

  resetKey(key: string): Promise<void> {
    return this.shared((s) => s.resetKey(key));
  }

  shutdown(): void {
    this.memory.shutdown();
  }
}
