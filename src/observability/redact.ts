/**
 * Secret scrubbing applied to everything that leaves the process as text: log lines, traces, the debug page,
 * `explain` output, SCIM error details. Keys are removed by name (headers, fields) and by value, in any ASCII letter
 * case and in their URL-encoded form, because an upstream error may echo a key back in another case, or cut short.
 *
 * Values come from three places, so no call site has to remember them:
 * - process secrets the bridge itself holds (its JumpCloud key, bridge secrets, the debug token);
 * - the credentials of every request in flight that authentication accepted (held from then until its handling is
 *   over), so any log line written meanwhile is masked, whichever request wrote it;
 * - an explicit list passed by the caller (a request's own credentials, for the lines written about it).
 *
 * What clients send must not decide what masking costs: a credential is held only once authentication has accepted
 * it (and a bearer token longer than any real credential never is), and at most MAX_UNPROVEN_HELD distinct
 * credentials not yet proven at once. Matching is exact-substring search from a short anchor (no regular expression
 * is built from secrets), so a line costs the same whatever the held secrets are made of.
 */

import { MASK, maskNeedles, maskable, needlesOf, type Needle } from '../util/secret-mask.js';

const SECRET_KEYS =
  /^(authorization|x-api-key|api[-_]?key|apikey|token|password|secret|cookie|set-cookie|debug[-_]?token|client[-_]?secret)$/i;
const BEARER = /\b(Bearer)\s+[^\s"',]+/gi;
/**
 * Distinct credentials not yet proven (forwarded keys JumpCloud has not answered for) held at once. Each is searched
 * for in every line, so this bounds what a flood of made-up keys can add to every request's cost.
 */
export const MAX_UNPROVEN_HELD = 512;
/** Deeper values are summarised: nothing this deep is worth a log line, and walking it must stay bounded. */
const MAX_DEPTH = 20;

const processSecrets = new Map<string, Needle[]>();

/** A held request credential: how many requests hold it, how many of them hold it unproven, and its needles. */
interface Held {
  count: number;
  unproven: number;
  needles: Needle[];
}
/**
 * Credentials of the requests in flight, counted (concurrent requests usually carry the same key). Not an
 * AsyncLocalStorage of the current request's credentials: on Node 20 its promise hooks cost about a tenth of the CPU
 * of every request. Masking the credentials of every request in flight is also the stronger rule: a line written for
 * one request can never show another's key either.
 */
const inFlight = new Map<string, Held>();
let unprovenHeld = 0;
/** The needles of process and in-flight secrets, rebuilt on the first redaction after a change. */
let scope: Needle[] | undefined;

/** Secrets the process holds for its whole life (bridge-held keys, debug token). */
export function registerProcessSecret(secret: string | undefined): void {
  if (secret && maskable(secret) && !processSecrets.has(secret)) {
    processSecrets.set(secret, needlesOf(secret));
    scope = undefined;
  }
}

function hold(secrets: readonly string[], unproven: boolean): (() => void) | undefined {
  if (unproven) {
    const added = new Set(secrets.filter((s) => !(inFlight.get(s)?.unproven ?? 0)));
    if (added.size > 0 && unprovenHeld + added.size > MAX_UNPROVEN_HELD) return undefined;
  }
  for (const s of secrets) {
    let h = inFlight.get(s);
    if (!h) {
      h = { count: 0, unproven: 0, needles: needlesOf(s) };
      inFlight.set(s, h);
      scope = undefined;
    }
    h.count += 1;
    if (unproven && h.unproven++ === 0) unprovenHeld += 1;
  }
  let held = true;
  return () => {
    if (!held) return;
    held = false;
    for (const s of secrets) {
      const h = inFlight.get(s);
      if (!h) continue;
      h.count -= 1;
      if (unproven && --h.unproven === 0) unprovenHeld -= 1;
      if (h.count <= 0) {
        inFlight.delete(s);
        scope = undefined;
      }
    }
  };
}

/** Masks `secrets` in every redaction until the returned function is called (once; later calls do nothing). */
export function holdRequestSecrets(secrets: readonly string[]): () => void {
  return hold(secrets, false) ?? ((): void => undefined);
}

/**
 * Like holdRequestSecrets for credentials nobody has accepted yet (a forwarded key before JumpCloud answered). They
 * count against MAX_UNPROVEN_HELD: when new ones would exceed it nothing is held and `undefined` is returned, and the
 * caller must not let the credential go anywhere.
 */
export function holdUnprovenSecrets(secrets: readonly string[]): (() => void) | undefined {
  return hold(secrets, true);
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

function needlesInScope(extra: readonly string[]): readonly Needle[] {
  scope ??= [...processSecrets.values(), ...[...inFlight.values()].map((h) => h.needles)].flat();
  if (extra.length === 0) return scope;
  const own = extra.filter((s) => !processSecrets.has(s) && !inFlight.has(s)).flatMap(needlesOf);
  return own.length ? [...scope, ...own] : scope;
}

function scrub(text: string, needles: readonly Needle[]): string {
  return maskNeedles(text.replace(BEARER, `$1 ${MASK}`), needles);
}

export function redactString(text: string, secrets: readonly string[] = []): string {
  return scrub(text, needlesInScope(secrets));
}

/** A deep copy of `value` with secrets masked; cycles and over-deep values are summarised, never walked. */
export function redact<T>(value: T, secrets: readonly string[] = []): T {
  const needles = needlesInScope(secrets);
  const seen = new WeakSet<object>();
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return scrub(v, needles);
    if (v === null || typeof v !== 'object') return v;
    if (depth > MAX_DEPTH || seen.has(v)) return MASK;
    seen.add(v);
    try {
      if (Array.isArray(v)) return v.map((x: unknown) => walk(x, depth + 1));
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        const clean = SECRET_KEYS.test(k) && x !== undefined && x !== null ? MASK : walk(x, depth + 1);
        // defineProperty: a `__proto__` key from a request body stays data and cannot reach a prototype.
        Object.defineProperty(out, scrub(k, needles), {
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
