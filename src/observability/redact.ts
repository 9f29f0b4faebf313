/**
 * Secret scrubbing applied to everything that leaves the process as text: log lines, traces, the debug page.
 * The caller's JumpCloud key is the only credential the bridge ever holds; it must never be written anywhere.
 * Keys are removed by name (headers, fields) and, as a second line of defence, by value, in case an upstream
 * error message echoes the key back.
 */

const SECRET_KEYS = /^(authorization|x-api-key|api[-_]?key|apikey|token|password|secret|cookie|set-cookie|debug[-_]?token)$/i;
const BEARER = /\b(Bearer)\s+[^\s"',]+/gi;
const MASK = '***';

function redactString(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(BEARER, `$1 ${MASK}`);
  for (const s of secrets) {
    // Short strings would mask innocent text and are not real keys anyway.
    if (s.length >= 8) out = out.split(s).join(MASK);
  }
  return out;
}

export function redact<T>(value: T, secrets: readonly string[] = [], depth = 0): T {
  if (depth > 20) return MASK as T;
  if (typeof value === 'string') return redactString(value, secrets) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redact(v, secrets, depth + 1)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = SECRET_KEYS.test(k) && v !== undefined && v !== null ? MASK : redact(v, secrets, depth + 1);
    }
    return out as T;
  }
  return value;
}
