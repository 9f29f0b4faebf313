import type { Config } from '../config.js';
import { inProcessCoordination } from './in-process.js';
import type { Coordination } from './primitives.js';

/** The one place that picks where coordination lives: today this process; a shared store is chosen here too. */
export function createCoordination(config: Pick<Config, 'upstreamConcurrency' | 'provenKeyTtlMs'>): Coordination {
  return inProcessCoordination({ upstreamConcurrency: config.upstreamConcurrency, provenKeyTtlMs: config.provenKeyTtlMs });
}
