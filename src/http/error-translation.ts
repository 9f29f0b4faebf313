import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from '../observability/logger.js';
import { redact } from '../observability/redact.js';
import { ScimError, badRequest, isScimError, notFound } from '../scim/errors.js';
import { isJumpCloudError } from '../jumpcloud/errors.js';
import { scimErrorFor } from '../mapping/upstream-errors.js';
import { SCIM_BASE, locals, sendError } from './scim-response.js';

/** Anything outside the SCIM base: say where the SCIM base is. */
export function notUnderScimBase(): RequestHandler {
  return (req, _res, next) => next(notFound(`Nothing at ${req.path}; the SCIM base URL (Entra's Tenant URL) is ${SCIM_BASE}`));
}

/** Last resort: every failure leaves as a SCIM error; only a bug becomes a 500, and it says so without internals. */
export function errorTranslation(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const parseFailure = err as { type?: string; status?: number; message?: string };
    if (parseFailure?.type === 'entity.parse.failed') {
      sendError(res, badRequest('invalidSyntax', `The request body is not valid JSON: ${String(parseFailure.message).slice(0, 200)}`));
      return;
    }
    if (parseFailure?.type === 'entity.too.large') {
      sendError(res, new ScimError(413, undefined, 'The request body is larger than the 2 MB the bridge accepts'));
      return;
    }
    if (parseFailure?.type === 'encoding.unsupported' || parseFailure?.type === 'charset.unsupported') {
      sendError(res, new ScimError(415, undefined, String(parseFailure.message)));
      return;
    }
    if (isScimError(err)) {
      sendError(res, err);
      return;
    }
    // A JumpCloud failure a handler forgot to translate is still JumpCloud's answer, not a bridge bug.
    if (isJumpCloudError(err)) {
      sendError(res, scimErrorFor(err));
      return;
    }
    const l = locals(res);
    const secrets = l.apiKey ? [l.apiKey] : [];
    logger.error('unhandled error', { requestId: l.requestId, method: req.method, path: redact(req.originalUrl, secrets), error: redact(err instanceof Error ? err.stack : String(err), secrets) });
    sendError(res, new ScimError(500, undefined, `Internal error in the bridge (request id ${l.requestId}); the log has the details`));
  };
}
