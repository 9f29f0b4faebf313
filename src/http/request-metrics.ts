import type { RequestHandler } from 'express';
import { resourceLabel, type Metrics } from '../observability/metrics.js';
import { isScimUrl, locals } from './scim-response.js';
import { orgOfPath, pathBelowBase } from './org-scope.js';

/**
 * Records each SCIM request (in flight while it runs; then resource, method, status and latency) and the
 * JumpCloud calls it made, from the calls the request already collects for its log line. Only SCIM traffic
 * counts: health checks, the debug page and /metrics itself would drown it.
 */
export function requestMetrics(metrics: Metrics, typeLabel: (segment: string) => string | undefined): RequestHandler {
  return (req, res, next) => {
    if (!metrics.enabled || !isScimUrl(req.originalUrl)) {
      next();
      return;
    }
    const finished = metrics.scimRequestStarted();
    const org = orgOfPath(req.originalUrl);
    const record = (): void => {
      finished({
        org,
        resource: resourceLabel(pathBelowBase(req.originalUrl), typeLabel),
        method: req.method,
        status: res.statusCode,
      });
      for (const call of locals(res).calls ?? []) if (!call.dryRun) metrics.upstreamCall(org, call);
    };
    // 'close' also fires when the client went away before the answer: the request is no longer in flight.
    res.once('close', record);
    next();
  };
}
