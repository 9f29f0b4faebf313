/**
 * Masking secrets by value: each secret in any letter case and in its URL-encoded form, because an upstream answer
 * may echo a key back in another case or inside a query string. Which secrets are in scope is the caller's business
 * (observability/redact.ts adds the process's and the requests' in flight).
 */

export const MASK = '***';
/** Short strings would mask innocent text and are not real keys anyway. */
const MIN_SECRET = 8;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const patternCache = new Map<string, RegExp>();

function patternFor(all: readonly string[]): RegExp | undefined {
  const forms = new Set<string>();
  for (const s of all) {
    if (s.length < MIN_SECRET) continue;
    forms.add(s);
    const encoded = encodeURIComponent(s);
    if (encoded !== s) forms.add(encoded);
  }
  if (forms.size === 0) return undefined;
  // Longest first, so a key that contains another is masked whole.
  const source = [...forms]
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp)
    .join('|');
  let re = patternCache.get(source);
  if (!re) {
    re = new RegExp(source, 'gi');
    if (patternCache.size > 256) patternCache.clear();
    patternCache.set(source, re);
  }
  return re;
}

/** `text` with every one of `secrets` (at least 8 characters long) replaced by the mask. */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  const re = patternFor(secrets);
  return re ? text.replace(re, MASK) : text;
}

/** Whether a secret is long enough to be masked (registering a shorter one would mask innocent text). */
export const maskable = (secret: string): boolean => secret.length >= MIN_SECRET;
