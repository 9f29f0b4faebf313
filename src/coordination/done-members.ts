import type { Redis } from 'ioredis';
import type { DoneMembers } from './primitives.js';

/** Groups remembered at most, in process: the oldest go first. */
const MAX_GROUPS = 10_000;

/**
 * Member changes a "come back later" answer named as done, per group, in this process. Each group's entries expire
 * together, `ttlMs` after the last answer that named some.
 */
export class InProcessDoneMembers implements DoneMembers {
  private readonly groups = new Map<string, { entries: Set<string>; until: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  private live(group: string): Set<string> | undefined {
    const g = this.groups.get(group);
    if (!g) return undefined;
    if (g.until > this.now()) return g.entries;
    this.groups.delete(group);
    return undefined;
  }

  take(group: string, entries: readonly string[], invalidate: readonly string[]): Promise<ReadonlySet<string>> {
    const have = this.live(group);
    if (!have) return Promise.resolve(new Set());
    for (const e of invalidate) have.delete(e);
    return Promise.resolve(new Set(entries.filter((e) => have.has(e))));
  }

  remember(group: string, entries: readonly string[], ttlMs: number): Promise<void> {
    if (!entries.length) return Promise.resolve();
    const have = this.live(group) ?? new Set<string>();
    for (const e of entries) have.add(e);
    this.groups.delete(group);
    this.groups.set(group, { entries: have, until: this.now() + ttlMs });
    while (this.groups.size > MAX_GROUPS) {
      const oldest = this.groups.keys().next().value;
      if (oldest === undefined) break;
      this.groups.delete(oldest);
    }
    return Promise.resolve();
  }
}

/**
 * The same, shared by every replica: one Redis set per group (`members-done:{org}:{group}`, member and group ids
 * only), expiring as a whole. Redis unreachable means "nothing remembered": a re-sent request then repeats those
 * members (each answered "already there", counted done), which costs calls but never skips a member wrongly.
 */
export class RedisDoneMembers implements DoneMembers {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'scim-bridge:',
  ) {}

  private key(group: string): string {
    return `${this.prefix}members-done:${group}`;
  }

  async take(group: string, entries: readonly string[], invalidate: readonly string[]): Promise<ReadonlySet<string>> {
    if (!entries.length && !invalidate.length) return new Set();
    try {
      const tx = this.redis.multi();
      if (invalidate.length) tx.srem(this.key(group), ...invalidate);
      if (entries.length) tx.smismember(this.key(group), ...entries);
      const results = (await tx.exec()) ?? [];
      const flags = entries.length ? ((results[results.length - 1]?.[1] as number[] | undefined) ?? []) : [];
      return new Set(entries.filter((_, i) => flags[i] === 1));
    } catch {
      return new Set();
    }
  }

  async remember(group: string, entries: readonly string[], ttlMs: number): Promise<void> {
    if (!entries.length) return;
    try {
      await this.redis
        .multi()
        .sadd(this.key(group), ...entries)
        .pexpire(this.key(group), ttlMs)
        .exec();
    } catch {
      // Best effort: a re-sent request repeats these members, each answered "already there".
    }
  }
}
