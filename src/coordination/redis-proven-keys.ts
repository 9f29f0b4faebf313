import type { Redis } from 'ioredis';

/**
 * "Recently proven key" memory shared by every replica: `SET proven:{fingerprint} PX ttl`. Only the
 * fingerprint (a SHA-256 of the key) is ever sent to Redis, never the key.
 *
 * Every upstream success re-proves the key, so without a local memo each JumpCloud call would cost a Redis
 * write, and each request a Redis read. A fingerprint this replica proved or saw proven is trusted locally
 * for a tenth of the TTL (at most 10 s) before Redis is asked again; `forget` clears it at once. A key
 * JumpCloud stops accepting is still refused by JumpCloud: the memory only spares the proof read before a write.
 *
 * Redis unreachable means "not proven": the request proves its key upstream again, which costs one call and
 * never lets an unproven key through. `forget` is best effort; a fingerprint it could not delete expires.
 */
export class RedisProvenKeys {
  private readonly prefix: string;
  private readonly local = new Map<string, number>();
  private readonly localMs: number;

  constructor(
    private readonly redis: Redis,
    readonly ttlMs: number,
    prefix = 'scim-bridge:',
    private readonly now: () => number = Date.now,
  ) {
    this.prefix = `${prefix}proven:`;
    this.localMs = Math.min(10_000, Math.floor(ttlMs / 10));
  }

  private fresh(fingerprint: string): boolean {
    const until = this.local.get(fingerprint);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.local.delete(fingerprint);
    return false;
  }

  private memo(fingerprint: string): void {
    this.local.delete(fingerprint);
    this.local.set(fingerprint, this.now() + this.localMs);
    // Bounded: the oldest memos go first.
    if (this.local.size > 10_000) this.local.delete(this.local.keys().next().value as string);
  }

  async isProven(fingerprint: string): Promise<boolean> {
    if (this.ttlMs <= 0) return false;
    if (this.fresh(fingerprint)) return true;
    try {
      const proven = (await this.redis.exists(this.prefix + fingerprint)) === 1;
      if (proven) this.memo(fingerprint);
      return proven;
    } catch {
      return false;
    }
  }

  async remember(fingerprint: string): Promise<void> {
    if (this.ttlMs <= 0 || this.fresh(fingerprint)) return;
    try {
      await this.redis.set(this.prefix + fingerprint, '1', 'PX', this.ttlMs);
      this.memo(fingerprint);
    } catch {
      // Not remembered: the next write proves the key again.
    }
  }

  async forget(fingerprint: string): Promise<void> {
    this.local.delete(fingerprint);
    await this.redis.del(this.prefix + fingerprint).catch(() => undefined);
  }
}
