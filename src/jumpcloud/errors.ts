/** Failures of JumpCloud calls, classified once so callers branch on a kind, not on status numbers. */
import type { Layer } from './layer.js';
import { failureKind, holdsFor, kindForStatus, type JumpCloudErrorKind } from './failure-kinds.js';
import { maskSecrets } from '../util/secret-mask.js';

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
    return this.earlierAttemptAmbiguous || holdsFor(failureKind(this.kind).ambiguous, this.call.status);
  }
}

export function isJumpCloudError(e: unknown): e is JumpCloudError {
  return e instanceof JumpCloudError;
}

/** Worth another attempt for an idempotent call (the failure-kinds table says which). */
export function isRetryable(e: JumpCloudError): boolean {
  return holdsFor(failureKind(e.kind).retried, e.call.status);
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
  const message = upstreamMessage(res.data, res.status, (text) => maskSecrets(text, [req.apiKey]));
  throw new JumpCloudError(
    kindForStatus(res.status, message),
    message,
    { method: req.method, path: req.path, status: res.status, attempts: 1 },
    parseRetryAfter(res.headers['retry-after']),
  );
};
