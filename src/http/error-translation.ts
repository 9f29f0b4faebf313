import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { edgeErrors } from './edge-errors.js';
import type { Logger } from '../observability/logger.js';
import { redact } from '../observability/redact.js';
import { badRequest, isScimError, type ScimError } from '../scim/errors.js';
import { isJumpCloudError } from '../jumpcloud/errors.js';
import { isLockUnavailable } from '../coordination/redis-lease-lock.js';
import { scimErrorFor } from '../mapping/upstream-errors.js';
import { BODY_LIMIT } from './body-parsing.js';
import { locals, sendError } from './scim-response.js';

/** Anything outside the SCIM base: say where the SCIM base is. */
export function notUnderScimBase(): RequestHandler {
  return (req, _res, next) => next(edgeErrors.notUnderScimBase(req.path));
}

interface HttpFailure {
  type?: unknown;
  status?: unknown;
  statusCode?: unknown;
  message?: unknown;
}

/**
 * Failures Express and body-parser raise before a handler runs (an undecodable percent-escape, a body that does
 * not inflate, bad JSON, too big, too deep, an unknown encoding) are the client's mistakes: each becomes the 4xx
 * SCIM error it is. Anything that is not a recognised 4xx gives undefined and stays a 500.
 */
function clientFailure(err: unknown): ScimError | undefined {
  if (err === null || typeof err !== 'object') return undefined;
  const f = err as HttpFailure;
  const status = typeof f.status === 'number' ? f.status : typeof f.statusCode === 'number' ? f.statusCode : undefined;
  switch (f.type) {
    case 'entity.parse.failed':
      return edgeErrors.invalidJson(String(f.message));
    case 'entity.too.deep':
      return badRequest('invalidSyntax', String(f.message));
    case 'entity.too.large':
      return edgeErrors.bodyTooLarge(BODY_LIMIT);
    case 'encoding.unsupported':
      return edgeErrors.unsupportedEncoding();
    case 'charset.unsupported':
      return edgeErrors.unsupportedCharset();
    case 'request.aborted':
      return edgeErrors.bodyAborted();
    default:
      break;
  }
  if (status === undefined || status < 400 || status > 499) return undefined;
  if (status === 400 && /decode param/i.test(String(f.message))) {
    return edgeErrors.malformedPercentEscape();
  }
  return status === 400 ? edgeErrors.unreadableBody() : edgeErrors.refused(status);
}

/** Last resort: every failure leaves as a SCIM error; only a bug becomes a 500, and it says so without internals. */
export function errorTranslation(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    if (res.headersSent) {
      // The answer is already on its way; all that is left is to end it.
      res.end();
      return;
    }
    if (isScimError(err)) {
      sendError(res, err);
      return;
    }
    // The shared lock store (Redis) is unreachable, a lock stayed busy, or a lease was lost: nothing was written
    // without a lock; the client should retry shortly.
    if (isLockUnavailable(err)) {
      res.set('Retry-After', String(err.retryAfterSeconds));
      sendError(res, edgeErrors.lockUnavailable(err.message));
      return;
    }
    // A JumpCloud failure a handler forgot to translate is still JumpCloud's answer, not a bridge bug.
    if (isJumpCloudError(err)) {
      sendError(res, scimErrorFor(err));
      return;
    }
    const refused = clientFailure(err);
    if (refused) {
      sendError(res, refused);
      return;
    }
    const l = locals(res);
    logger.error('unhandled error', {
      requestId: l.requestId,
      method: req.method,
      path: redact(req.originalUrl, l.secrets),
      error: redact(err instanceof Error ? err.stack : String(err), l.secrets),
    });
    sendError(res, edgeErrors.internalError(l.requestId));
  };
}
