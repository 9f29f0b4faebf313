/**
 * Masking secrets by value: each secret in any ASCII letter case, in its URL-encoded form, and any echo of its first
 * ECHOED_PREFIX characters or more, because an upstream answer may echo a key back in another case, inside a query
 * string, or cut short. Which secrets are in scope is the caller's business (observability/redact.ts adds the
 * process's and the requests' in flight).
 *
 * Matching is exact-substring search from a short anchor per secret, never a regular expression built from secrets:
 * what a line costs does not depend on what the secrets are made of (a client's credential can be anything it chose).
 */

export const MASK = '***';
/** Short strings would mask innocent text and are not real keys anyway. */
const MIN_SECRET = 8;
/** An echo of a secret cut to this many characters or more is still masked (a truncated upstream message). */
const ECHOED_PREFIX = 24;

/**
 * A secret as the matcher searches for it: the part whose presence starts a match (lower-cased ASCII), and how to get
 * the whole form, prepared only when a match needs it (a long credential a client sent is usually never matched, and
 * preparing all of it for every line was most of what a flood of long tokens cost).
 */
export interface Needle {
  /** The form's first ECHOED_PREFIX characters (all of it when shorter): any echo that long is masked. */
  anchor: string;
  /** The whole form, lower-cased. */
  whole: () => string;
}

/**
 * ASCII letters lower-cased, nothing else changed: offsets in the result are offsets in `text`. (`toLowerCase` keeps
 * the length of almost every text; the few characters it expands are handled the slow way.)
 */
function asciiLower(text: string): string {
  const lower = text.toLowerCase();
  return lower.length === text.length ? lower : text.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

function lazy(make: () => string): () => string {
  let value: string | undefined;
  return () => (value ??= make());
}

/** Characters encodeURIComponent leaves as they are. */
const URI_SAFE = /^[\w\-.!~*'()]*$/;

export function needlesOf(secret: string): Needle[] {
  if (secret.length < MIN_SECRET) return [];
  const out: Needle[] = [{ anchor: asciiLower(secret.slice(0, ECHOED_PREFIX)), whole: lazy(() => asciiLower(secret)) }];
  if (!URI_SAFE.test(secret)) {
    // The encoded form's first ECHOED_PREFIX characters come from at most as many characters of the secret (a
    // surrogate pair cut in two is left out: alone it has no encoded form).
    const head = secret.slice(0, ECHOED_PREFIX).replace(/[\uD800-\uDBFF]$/, '');
    try {
      out.push({
        anchor: asciiLower(encodeURIComponent(head).slice(0, ECHOED_PREFIX)),
        whole: lazy(() => asciiLower(encodeURIComponent(secret))),
      });
    } catch {
      // A lone surrogate has no URL-encoded form, so it cannot be echoed in one either.
    }
  }
  return out;
}

/**
 * `text` with every occurrence of a needle masked: the whole secret, or any echo of its first ECHOED_PREFIX
 * characters or more. One exact-substring search per needle and each character compared at most once per needle
 * after it: linear in the text, whatever the secrets are. Overlapping matches are masked as one.
 */
export function maskNeedles(text: string, needles: readonly Needle[]): string {
  if (text.length < MIN_SECRET || needles.length === 0) return text;
  const lower = asciiLower(text);
  let spans: [number, number][] | undefined;
  for (const n of needles) {
    let at = lower.indexOf(n.anchor);
    while (at >= 0) {
      let end = at + n.anchor.length;
      const whole = n.whole();
      const limit = Math.min(lower.length, at + whole.length);
      while (end < limit && lower.charCodeAt(end) === whole.charCodeAt(end - at)) end += 1;
      (spans ??= []).push([at, end]);
      at = lower.indexOf(n.anchor, end);
    }
  }
  if (!spans) return text;
  spans.sort((a, b) => a[0] - b[0]);
  let out = '';
  let from = 0;
  let cur: [number, number] | undefined;
  for (const s of spans) {
    if (cur && s[0] <= cur[1]) {
      cur[1] = Math.max(cur[1], s[1]);
      continue;
    }
    if (cur) {
      out += text.slice(from, cur[0]) + MASK;
      from = cur[1];
    }
    cur = [s[0], s[1]];
  }
  if (cur) out += text.slice(from, cur[0]) + MASK;
  return out + text.slice(cur ? cur[1] : from);
}

/** `text` with every one of `secrets` (at least 8 characters long) masked, whole or echoed in part. */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  return maskNeedles(text, secrets.flatMap(needlesOf));
}

/** Whether a secret is long enough to be masked (registering a shorter one would mask innocent text). */
export const maskable = (secret: string): boolean => secret.length >= MIN_SECRET;
