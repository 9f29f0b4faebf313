import type { Request, RequestHandler } from 'express';
import { unauthorized } from '../scim/errors.js';
import { locals } from './scim-response.js';

/** The caller's key: `Authorization: Bearer <key>`. A blank or missing key never reaches JumpCloud. */
function bearer(req: Request): string | undefined {
  const header = req.get('authorization');
  const m = header ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
  const key = m?.[1]?.trim();
  return key ? key : undefined;
}

/** Takes the caller's JumpCloud key for the resource routes; the bridge holds no key of its own. */
export function requireApiKey(): RequestHandler {
  return (req, res, next) => {
    const key = bearer(req);
    if (!key) {
      next(unauthorized("Missing credentials: send the JumpCloud API key as 'Authorization: Bearer <key>' (Entra: the Secret Token field)."));
      return;
    }
    locals(res).apiKey = key;
    next();
  };
}
