import type { RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { Config } from '../config.js';
import { isLoopbackRequest } from '../debug/debug-page.js';

/**
 * Failed attempts at a token-guarded operator page (the debug page, /metrics) are limited per client address like
 * failed SCIM authentication (FAILED_AUTH_LIMIT per FAILED_AUTH_WINDOW_MS): a request answered 4xx counts, a
 * successful one is taken back off. Over the limit the token is not even compared, and the page answers as if
 * refused (`onLimited`), so guessing DEBUG_TOKEN or METRICS_TOKEN is as slow as guessing a bridge secret. Where
 * loopback clients need no token (`loopbackExempt`), they are not counted.
 */
export function tokenGuessLimit(
  config: Pick<Config, 'failedAuth'>,
  onLimited: RequestHandler,
  loopbackExempt: boolean,
): RequestHandler {
  return rateLimit({
    windowMs: config.failedAuth.windowMs,
    limit: config.failedAuth.max,
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_req, res) => res.statusCode < 400,
    skip: (req) => loopbackExempt && isLoopbackRequest(req),
    keyGenerator: (req) => ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? 'unknown'),
    handler: (req, res, next) => void onLimited(req, res, next),
    standardHeaders: false,
    legacyHeaders: false,
    validate: { trustProxy: false, xForwardedForHeader: false },
  });
}
