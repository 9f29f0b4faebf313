import { keyFingerprint, type ConcurrencyCap } from '../coordination/primitives.js';
import type { Layer } from './layer.js';

/**
 * A wire layer: at most the cap's limit of calls per JumpCloud key (and org) are on the wire at once, across every request
 * using the key, so Entra's bursts and member fan-outs queue here instead of becoming a 429 storm upstream.
 * Backoff waits happen above this layer and hold no slot. A wait for a slot ends with the request's signal.
 */
export function concurrencyCap(cap: ConcurrencyCap): Layer {
  return (next) => (req) => cap.run(keyFingerprint(req.apiKey, req.orgId), () => next(req), req.signal);
}
