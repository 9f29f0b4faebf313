import type { RequestHandler } from 'express';
import { edgeErrors } from './edge-errors.js';
import { isOrgId } from '../jumpcloud/org-id.js';
import { ORG_SEGMENT, SCIM_BASE } from './scim-response.js';

/** Where a tenant URL names its JumpCloud org: `/scim/v2/orgs/{orgId}`. */
export const ORG_BASE = `${SCIM_BASE}${ORG_SEGMENT}/:orgId`;

const ORG_PATH = new RegExp(`^${SCIM_BASE}${ORG_SEGMENT}/([^/?]*)`, 'i');

/** The org a request URL names, if it uses the org form and the id is well formed. */
export function orgOfPath(originalUrl: string): string | undefined {
  const raw = ORG_PATH.exec(originalUrl)?.[1];
  return raw !== undefined && isOrgId(raw) ? raw.toLowerCase() : undefined;
}

/** The SCIM path below the tenant base, plain or per org: `/Users/…`. */
export function pathBelowBase(originalUrl: string): string {
  const bare = originalUrl.split('?')[0] ?? '';
  const org = ORG_PATH.exec(bare);
  if (org) return bare.slice(org[0].length);
  return bare.toLowerCase().startsWith(SCIM_BASE) ? bare.slice(SCIM_BASE.length) : bare;
}

/**
 * Validates `{orgId}` before anything uses it (a header value, a lock key, a metrics label, a log field): only a
 * 24-hex JumpCloud org id passes. With ORG_ROUTES=false the org form is not served at all.
 */
export function orgScope(enabled: boolean): RequestHandler {
  return (req, res, next) => {
    const raw = String(req.params.orgId ?? '');
    if (!enabled) {
      next(edgeErrors.orgRoutesOff());
      return;
    }
    if (!isOrgId(raw)) {
      // Not echoed: whatever was pasted there (a key, by mistake) would travel back in the body and into logs.
      next(edgeErrors.notAnOrgId());
      return;
    }
    res.locals.orgId = raw.toLowerCase();
    next();
  };
}
