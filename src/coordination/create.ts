import type { Config } from '../config.js';
import type { Logger } from '../observability/logger.js';
import { inProcessCoordination } from './in-process.js';
import type { Coordination } from './primitives.js';
import { redisCoordination } from './redis-coordination.js';

/**
 * The one place that picks where coordination lives: this process alone, or (REDIS_URL) one Redis shared by every
 * replica. More than one replica is safe only with the shared one.
 */
export function createCoordination(
  config: Pick<
    Config,
    'upstreamConcurrency' | 'upstreamRateLimit' | 'requestDeadlineMs' | 'provenKeyTtlMs' | 'deployment'
  >,
  logger: Logger,
): Coordination {
  const redis = config.deployment.redis;
  const options = {
    upstreamConcurrency: config.upstreamConcurrency,
    provenKeyTtlMs: config.provenKeyTtlMs,
    requestDeadlineMs: config.requestDeadlineMs,
    ...(config.upstreamRateLimit === undefined ? {} : { upstreamRateLimit: config.upstreamRateLimit }),
  };
  if (!redis) return inProcessCoordination(options);
  return redisCoordination({ ...redis, ...options }, logger);
}
