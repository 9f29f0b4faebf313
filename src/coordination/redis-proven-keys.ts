import type { Redis } from 'ioredis';

/**
 * "Recently proven key" memory shared by every replica: `SET proven:{fingerprint} PX ttl`. Only the
 * fingerprint (a SHA-256 of the key) is ever sent to Redis, never the key.
 *
 * Redis unreachable means "not proven": the request proves its key upstream again, which costs one call and
 * never lets an unproven key through. `forget` is best effort; a fingerprint it could not delete expires.
 */
export class RedisProvenKeys {
  private readonly prefix: string;

  constructor(
    private readonly redis: Redis,
    readonly ttlMs: number,
    prefix = 'scim-bridge:',
  ) {
    this.prefix = `${prefix}proven:`;
  }

  async isProven(fingerprint: string): Promise<boolean> {
    if (this.ttlMs <= 0) return false;
    try {
      return (await this.redis.exists(this.prefix + fingerprint)) === 1;
    } catch {
      return false;
    }
  }

  async remember(fingerprint: string): Promise<void> {
    if (this.ttlMs <= 0) return;
    await this.redis.set(this.prefix + fingerprint, '1', 'PX', this.ttlMs).catch(() => undefined);
  }

  async forget(fingerprint: string): Promise<void> {
    await this.redis.del(this.prefix + fingerprint).catch(() => undefined);
  }
}
