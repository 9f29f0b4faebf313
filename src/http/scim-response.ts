import type { Request, Response } from 'express';
import type { Config } from '../config.js';
import type { UpstreamCall } from '../jumpcloud/observed.js';
import type { ExchangeNote } from '../observability/exchange.js';
import type { ScimError } from '../scim/errors.js';
import { requestOrigin } from '../util/request-origin.js';

export const SCIM_BASE = '/scim/v2';
const UNDER_SCIM_BASE = /^\/scim\/v2(?:[/?#]|$)/i;

/**
 * Whether a request URL is under the SCIM base the way the router decides it: in any letter case. Everything that
 * treats SCIM requests apart (the log level, the recorder, metrics) asks this, so a request the router serves as
 * SCIM is never missed for its spelling.
 */
export const isScimUrl = (url: string): boolean => UNDER_SCIM_BASE.test(url);
/** `/scim/v2/orgs/{orgId}`: the tenant URL of one JumpCloud org (see org-scope.ts). */
export const ORG_SEGMENT = '/orgs';
const SCIM_JSON = 'application/scim+json; charset=utf-8';

/** What the middlewares share about one request, kept in `res.locals`. */
export interface Locals {
  requestId: string;
  /** Every credential the request carried, recorded by the first middleware (request-secrets.ts). */
  secrets?: string[];
  apiKey?: string;
  /** The JumpCloud org the tenant URL names (`/scim/v2/orgs/{orgId}`), validated; unset on plain `/scim/v2`. */
  orgId?: string;
  /** Which credential admitted the request (auth.ts); never the credential. */
  principal?: string;
  /** The bearer token's keyFingerprint with the org, taken once for the request (auth.ts). */
  tokenFingerprint?: string;
  /** Past the failed-auth limit: a failure answers this 429 with its Retry-After instead of 401 (auth.ts). */
  failedAuthLimited?: { answer: ScimError; retryAfter: string };
  /** The answer was a failed authentication (401, or 429 in its place): what the failed-auth limit counts. */
  authFailed?: boolean;
  /** Settles when the resource handler is done, even if the client left before the answer. */
  settled?: Promise<void>;
  /** A forwarded key was proven with one extra read before this request could write (auth.ts). */
  keyProof?: boolean;
  /** Aborts at the request deadline or when the client hangs up (deadline.ts). */
  signal?: AbortSignal;
  calls: UpstreamCall[];
  notes?: ExchangeNote[];
  responseBody?: unknown;
}

export const locals = (res: Response): Locals => res.locals as Locals;

/** The request's abort signal and org, as the optional fields a JumpCloud client and a handler take (absent when unset). */
export function requestScope(l: Locals): { signal?: AbortSignal; orgId?: string } {
  return { ...(l.signal ? { signal: l.signal } : {}), ...(l.orgId ? { orgId: l.orgId } : {}) };
}

/**
 * Every SCIM answer is JSON the bridge has just serialised, so it is written with one `writeHead` and one `end` of the
 * string: Node sends headers and body in a single socket write. Express's `res.send` would re-parse and re-format
 * the Content-Type, copy the text into a Buffer (written as a second chunk) and check freshness for an ETag the
 * bridge never sets: measurable in CPU per request. Headers set earlier (x-request-id, Location, Retry-After,
 * Allow, WWW-Authenticate) are kept; a HEAD answer gets the headers only (Node drops the body).
 */
export function sendScim(res: Response, status: number, body: unknown): void {
  locals(res).responseBody = body;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': SCIM_JSON, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(res: Response, e: ScimError): void {
  const l = res.locals as Partial<Locals>;
  if (e.status === 401) l.authFailed = true;
  const limited = l.failedAuthLimited;
  if (e.status === 401 && limited !== undefined) {
    res.set('Retry-After', limited.retryAfter);
    sendScim(res, limited.answer.status, limited.answer.toJSON());
    return;
  }
  if (e.status === 401) res.set('WWW-Authenticate', 'Bearer realm="jumpcloud-scim-bridge"');
  if (e.comeBackAfterSeconds !== undefined) res.set('Retry-After', String(e.comeBackAfterSeconds));
  sendScim(res, e.status, e.toJSON());
}

/**
 * The SCIM base URL clients see, for `Location`, `meta.location` and discovery: PUBLIC_URL, else the (trusted)
 * request; with the org path when the tenant URL names an org, since clients follow these URLs.
 */
export function scimBaseUrl(req: Request, config: Pick<Config, 'publicUrl'>): string {
  const orgId = (req.res?.locals as Partial<Locals> | undefined)?.orgId;
  return `${config.publicUrl ?? requestOrigin(req)}${SCIM_BASE}${orgId ? `/orgs/${orgId}` : ''}`;
}
