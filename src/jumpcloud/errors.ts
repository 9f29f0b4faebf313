/** Failures of JumpCloud calls, classified once so callers branch on a kind, not on status numbers. */
import type { Layer } from './transport.js';
import { redactString } from '../observability/redact.js';

export type JumpCloudErrorKind =
  | 'unauthorized' // 401, or a 3xx login redirect (JumpCloud answers a missing key with 302 → /login)
  | 'forbidden'
  | 'notFound'
  | 'badRequest'
  | 'alreadyExists' // JumpCloud answers a duplicate username/email/employeeIdentifier with 400 "already exists"
  | 'conflict'
  | 'rateLimited'
  | 'unavailable' // 5xx
  | 'timeout'
  | 'network';

export class JumpCloudError extends Error {
  constructor(
    readonly kind: JumpCloudErrorKind,
    /** JumpCloud's own message, kept for the SCIM `detail`. Already scrubbed of the caller's key. */
    readonly upstreamMessage: string,
    readonly call: { method: string; path: string; status?: number; attempts: number },
    readonly retryAfterMs?: number,
    /** An earlier attempt of the same call failed ambiguously (its answer was lost), whatever the last one said. */
    readonly earlierAttemptAmbiguous = false,
  ) {
    super(`JumpCloud ${call.method} ${call.path} failed (${call.status ?? kind}): ${upstreamMessage}`);
    this.name = 'JumpCloudError';
  }

  /** True when the request may have been applied upstream even though no answer arrived (on any attempt). */
  get ambiguous(): boolean {
    return (
      this.earlierAttemptAmbiguous ||
      this.kind === 'timeout' ||
      this.kind === 'network' ||
      (this.kind === 'unavailable' && this.call.status !== 503)
    );
  }
}

export function isJumpCloudError(e: unknown): e is JumpCloudError {
  return e instanceof JumpCloudError;
}

const ALREADY_EXISTS = /already exists/i;

export function kindForStatus(status: number, message: string): JumpCloudErrorKind {
  if (status >= 300 && status < 400) return 'unauthorized';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'notFound';
  if (status === 409) return ALREADY_EXISTS.test(message) ? 'alreadyExists' : 'conflict';
  if (status === 429) return 'rateLimited';
  if (status >= 500) return 'unavailable';
  if (ALREADY_EXISTS.test(message)) return 'alreadyExists';
  return 'badRequest';
}

/** Statuses worth another attempt for an idempotent call. 500 is not: JumpCloud's 500s are deterministic bugs. */
export function isRetryable(e: JumpCloudError): boolean {
  if (e.kind === 'network' || e.kind === 'timeout' || e.kind === 'rateLimited') return true;
  return e.kind === 'unavailable' && [502, 503, 504].includes(e.call.status ?? 0);
}

/**
 * JumpCloud's error bodies vary: `{message}`, `{error}`, `{code, message, status}`, or HTML.
 * `scrub` runs before the cut to 500 characters: a key echoed across the cut must not leave a prefix behind.
 */
export function upstreamMessage(body: unknown, status: number, scrub: (text: string) => string = (t) => t): string {
  if (body && typeof body === 'object') {
    const rec = body as Record<string, unknown>;
    for (const key of ['message', 'error', 'detail']) {
      const v = rec[key];
      if (typeof v === 'string' && v.trim()) return scrub(v.trim()).slice(0, 500);
    }
  }
  if (typeof body === 'string' && body.trim() && !body.trimStart().startsWith('<'))
    return scrub(body.trim()).slice(0, 500);
  return `HTTP ${status}`;
}

export function parseRetryAfter(header: unknown, now = Date.now()): number | undefined {
  if (typeof header !== 'string' || !header.trim()) return undefined;
  const secs = Number(header.trim());
  if (Number.isFinite(secs) && secs >= 0) return secs * 1000;
  // An HTTP-date names its day and month; without letters, Date.parse would read '-1' as the year -1.
  const at = /[a-z]/i.test(header) ? Date.parse(header) : NaN;
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/**
 * The layer just above the wire: a non-2xx answer becomes a classified JumpCloudError (scrubbed of the caller's
 * key, with its Retry-After), so every layer above it branches on `kind`, never on status numbers.
 */
export const failuresAsErrors: Layer = (next) => async (req) => {
  const res = await next(req);
  if (res.status >= 200 && res.status < 300) return res;
  // Masked in any letter case and before the cut to 500 characters.
  const message = upstreamMessage(res.data, res.status, (text) => redactString(text, [req.apiKey]));
  throw new JumpCloudError(
    kindForStatus(res.status, message),
    message,
    { method: req.method, path: req.path, status: res.status, attempts: 1 },
    parseRetryAfter(res.headers['retry-after']),
  );
};
