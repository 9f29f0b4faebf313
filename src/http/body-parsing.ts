import express, { type RequestHandler } from 'express';
import { badRequest } from '../scim/errors.js';

/** The largest body the bridge reads (error-translation.ts answers 413 beyond it). */
const BODY_LIMIT = '2mb';

/** SCIM JSON (and plain JSON) bodies; a body in any other form is refused rather than read as "no attributes". */
export function scimBody(): RequestHandler[] {
  return [
    express.json({ type: ['application/scim+json', 'application/json', 'application/*+json'], limit: BODY_LIMIT, strict: false }),
    (req, _res, next) => {
      if (['POST', 'PUT', 'PATCH'].includes(req.method) && req.body === undefined && Number(req.get('content-length') ?? 0) > 0) {
        next(badRequest('invalidSyntax', `Content-Type must be application/scim+json or application/json (got '${req.get('content-type') ?? 'none'}')`));
        return;
      }
      next();
    },
  ];
}
