import type { Logger } from '../observability/logger.js';
import { RedisDoneMembers } from './done-members.js';
import { InProcessCap, paceOptions, type CoordinationOptions } from './in-process.js';
import { InProcessPace } from './pace.js';
import { RedisPace } from './redis-pace.js';
import type { Coordination } from './primitives.js';
import { openRedis, safeUrl, type RedisConnection } from './redis-connection.js';
import { RedisCap } from './redis-cap.js';
import { RedisLeaseLock } from './redis-lease-lock.js';
import { RedisProvenKeys } from './redis-proven-keys.js';
import { SharedRateLimitStore } from './redis-rate-limit-store.js';

export interface RedisCoordinationOptions extends CoordinationOptions {
  url: string;
  keyPrefix: string;
  lockLeaseMs: number;
  lockWaitMs: number;
}

/**
 * Coordination shared by every replica through one Redis (REDIS_URL): the same interfaces as the in-process
 * versions, so nothing above this module knows which one it got. Each outage and recovery is logged once.
 */
export function redisCoordination(
  options: RedisCoordinationOptions,
  logger: Logger,
): Coordination & { connection: RedisConnection } {
  const where = safeUrl(options.url);
  const connection = openRedis(options.url, {
    onStateChange: (state, detail) =>
      state === 'ready'
        ? logger.info('redis connected', { redis: where })
        : logger.error('redis unreachable: writes answer 503 until it is back', {
            redis: where,
            ...(detail ? { detail } : {}),
          }),
  });
  const fallbackNote = (what: string) => (active: boolean, detail?: string) =>
    active
      ? logger.warn(`${what}: Redis unreachable, limiting per replica until it is back`, {
          redis: where,
          ...(detail ? { detail } : {}),
        })
      : logger.info(`${what}: shared through Redis again`, { redis: where });
  const prefix = options.keyPrefix;
  return {
    connection,
    locks: new RedisLeaseLock(connection.client, { leaseMs: options.lockLeaseMs, waitMs: options.lockWaitMs, prefix }),
    upstreamCap: new RedisCap(connection.client, new InProcessCap(options.upstreamConcurrency), {
      limit: options.upstreamConcurrency,
      slotTtlMs: options.lockLeaseMs,
      prefix,
      onFallback: fallbackNote('upstream concurrency cap'),
    }),
    pace: new RedisPace(connection.client, new InProcessPace(paceOptions(options)), {
      ...paceOptions(options),
      prefix,
      onFallback: fallbackNote('upstream pace'),
    }),
    provenKeys: new RedisProvenKeys(connection.client, options.provenKeyTtlMs, prefix),
    doneMembers: new RedisDoneMembers(connection.client, prefix),
    failedAuthStore: new SharedRateLimitStore(
      connection.client,
      `${prefix}failed-auth:`,
      fallbackNote('failed-auth limit'),
    ),
    ready: () => connection.ping(),
    close: () => connection.close(),
  };
}
