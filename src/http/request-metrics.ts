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
    const record = (): void => {
      const org = orgLabel(req.originalUrl, res);
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

/** Not an org id: counted under `other` without taking one of the METRICS_MAX_ORGS labels. */
const UNAUTHENTICATED = 'unauthenticated';

/**
 * The org a request is counted under: the one its tenant URL names, once the request was authenticated. Anyone can
 * send made-up org ids; counting those would use up the org labels and leave a real org counted as `other`.
 */
function orgLabel(url: string, res: Parameters<RequestHandler>[1]): string | undefined {
  const org = orgOfPath(url);
  if (org === undefined) return undefined;
  const accepted = locals(res).principal !== undefined && res.statusCode !== 401 && res.statusCode !== 429;
  return accepted ? org : UNAUTHENTICATED;
}
