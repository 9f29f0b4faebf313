import express, { type RequestHandler } from 'express';
import { edgeErrors } from './edge-errors.js';

/** The largest body the bridge reads; error-translation.ts names it in the 413. */
export const BODY_LIMIT = '2mb';
/** Deeper than any SCIM document (a PatchOp value is about 5 levels), so no limit for Entra. */
const MAX_JSON_DEPTH = 64;

class TooDeep extends Error {
  readonly status = 400;
  readonly type = 'entity.too.deep';
}

/**
 * Nesting depth of a JSON text, counted over brackets outside strings, in one pass and without recursion, so a
 * hostile body is refused before anything recursive (parse, stringify, redaction, tracing) walks it.
 */
function jsonDepth(text: string, stopAt = Infinity): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i += 1; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth += 1;
      if (depth > max) {
        max = depth;
        if (max > stopAt) return max;
      }
    } else if (c === 0x5d || c === 0x7d) depth -= 1;
  }
  return max;
}

/**
 * Objects come out with a null prototype, so a `__proto__` or `constructor` key is only ever data: no code that
 * copies or merges a body can reach Object.prototype through it.
 */
function nullPrototypeReviver(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || Object.getPrototypeOf(value) === null)
    return value;
  return Object.assign(Object.create(null) as object, value);
}

/**
 * SCIM JSON (and plain JSON) bodies: size- and depth-bounded, gzip/deflate/br decoded, null-prototype objects.
 * A body in any other form is a 415 rather than read as "no attributes".
 */
export function scimBody(): RequestHandler[] {
  return [
    express.json({
      type: ['application/scim+json', 'application/json', 'application/*+json'],
      limit: BODY_LIMIT,
      strict: false,
      reviver: nullPrototypeReviver,
      verify: (_req, _res, buf) => {
        if (jsonDepth(buf.toString('utf8'), MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
          throw new TooDeep(edgeErrors.bodyTooDeep(MAX_JSON_DEPTH));
        }
      },
    }),
    (req, _res, next) => {
      const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
      if (['POST', 'PUT', 'PATCH'].includes(req.method) && req.body === undefined && hasBody) {
        next(edgeErrors.notJson(req.get('content-type')));
        return;
      }
      next();
    },
  ];
}
