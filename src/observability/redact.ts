/**
 * Secret scrubbing applied to everything that leaves the process as text: log lines, traces, the debug page,
 * `explain` output, SCIM error details. Keys are removed by name (headers, fields) and by value, in any letter
 * case and in their URL-encoded form, because an upstream error may echo a key back in another case.
 *
 * Values come from three places, so no call site has to remember them:
 * - process secrets the bridge itself holds (its JumpCloud key, bridge secrets, the debug token);
 * - the secrets of every request being handled (recorded from its Authorization header by the first middleware and
 *   held until its handling is over), so any log line written meanwhile is masked, whichever request wrote it;
 * - an explicit list passed by the caller.
 */

import { MASK, maskSecrets, maskable } from '../util/secret-mask.js';

const SECRET_KEYS =
  /^(authorization|x-api-key|api[-_]?key|apikey|token|password|secret|cookie|set-cookie|debug[-_]?token|client[-_]?secret)$/i;
const BEARER = /\b(Bearer)\s+[^\s"',]+/gi;
/** Deeper values are summarised: nothing this deep is worth a log line, and walking it must stay bounded. */
const MAX_DEPTH = 20;

const processSecrets = new Set<string>();
/**
 * Secrets of the requests in flight, counted (concurrent requests usually carry the same key). Not an
 * AsyncLocalStorage of the current request's secrets: on Node 20 its promise hooks cost about a tenth of the CPU of
 * every request. Masking the secrets of every request in flight is also the stronger rule: a line written for one
 * request can never show another's key either.
 */
const inFlight = new Map<string, number>();

/** Secrets the process holds for its whole life (bridge-held keys, debug token). */
export function registerProcessSecret(secret: string | undefined): void {
  if (secret && maskable(secret)) processSecrets.add(secret);
}

/** Masks `secrets` in every redaction until the returned function is called (once; later calls do nothing). */
export function holdRequestSecrets(secrets: readonly string[]): () => void {
  for (const s of secrets) inFlight.set(s, (inFlight.get(s) ?? 0) + 1);
  let held = true;
  return () => {
    if (!held) return;
    held = false;
    for (const s of secrets) {
      const n = (inFlight.get(s) ?? 1) - 1;
      if (n > 0) inFlight.set(s, n);
      else inFlight.delete(s);
    }
  };
}

/** Runs `fn` with `secrets` masked in every redaction until it returns, or until the promise it returns settles. */
export function withRequestSecrets<T>(secrets: readonly string[], fn: () => T): T {
  const release = holdRequestSecrets(secrets);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    release();
    throw e;
  }
  if (result instanceof Promise) void result.then(release, release);
  else release();
  return result;
}

function secretsInScope(extra: readonly string[]): string[] {
  return [...processSecrets, ...inFlight.keys(), ...extra];
}

export function redactString(text: string, secrets: readonly string[] = []): string {
  return maskSecrets(text.replace(BEARER, `$1 ${MASK}`), secretsInScope(secrets));
}

/** A deep copy of `value` with secrets masked; cycles and over-deep values are summarised, never walked. */
export function redact<T>(value: T, secrets: readonly string[] = []): T {
  const all = secretsInScope(secrets);
  const seen = new WeakSet<object>();
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return redactString(v, all);
    if (v === null || typeof v !== 'object') return v;
    if (depth > MAX_DEPTH || seen.has(v)) return MASK;
    seen.add(v);
    try {
      if (Array.isArray(v)) return v.map((x: unknown) => walk(x, depth + 1));
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        const clean = SECRET_KEYS.test(k) && x !== undefined && x !== null ? MASK : walk(x, depth + 1);
        // defineProperty: a `__proto__` key from a request body stays data and cannot reach a prototype.
        Object.defineProperty(out, redactString(k, all), {
          value: clean,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    } finally {
      seen.delete(v);
    }
  };
  return walk(value, 0) as T;
}
