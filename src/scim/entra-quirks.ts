import { isRecord } from '../util/guards.js';

/**
 * Entra ID's provisioning service departs from RFC 7644 in a few documented ways (entra-facts.md §2.5–2.6, §7).
 * Each departure is one named rule here, applied before the generic SCIM logic, so the generic code stays RFC-shaped
 * and every quirk is tested on its own.
 */

/** §7.1: `op` arrives as `Add`/`Replace`/`Remove` (default mode) or lowercase (aadOptscim062020). */
export function opName(op: unknown): 'add' | 'replace' | 'remove' | undefined {
  if (typeof op !== 'string') return undefined;
  const v = op.trim().toLowerCase();
  return v === 'add' || v === 'replace' || v === 'remove' ? v : undefined;
}

/** §7.2: booleans arrive as the strings "True"/"False" (any case) from `Switch([IsSoftDeleted], …)`. */
export function stringBoolean(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const s = v.trim().toLowerCase();
  return s === 'true' ? true : s === 'false' ? false : v;
}

/**
 * §7.3: with aadOptscim062020, one path-less op carries `{"name.givenName": …, "urn:…:User:employeeNumber": …}`.
 * Dotted and URN keys are attribute paths, not literal keys; an extension URN key may also hold a nested object.
 * Returns one `[path, value]` pair per attribute.
 */
export function splitPathlessValue(value: Record<string, unknown>, isSchemaUrn: (k: string) => boolean): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [key, v] of Object.entries(value)) {
    if (isSchemaUrn(key) && isRecord(v)) {
      for (const [inner, iv] of Object.entries(v)) out.push([`${key}:${inner}`, iv]);
    } else {
      out.push([key, v]);
    }
  }
  return out;
}

/** §7.6: a manager is cleared by `replace ""`, `replace {"value": ""}`, `replace null` or `remove`. */
export function isClearingValue(v: unknown): boolean {
  if (v === null || v === undefined || v === '') return true;
  if (isRecord(v)) return Object.keys(v).every((k) => v[k] === null || v[k] === '' || k === '$ref');
  return false;
}

/** §7.5: member references arrive as `{"value": id}`, `{"$ref": null, "value": id}` or, in Microsoft's garbage tests, a bare id. */
export function memberIds(v: unknown): string[] | undefined {
  const list = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
  const ids: string[] = [];
  for (const e of list) {
    const id = typeof e === 'string' ? e : isRecord(e) && typeof e.value === 'string' ? e.value : undefined;
    if (id === undefined) return undefined;
    ids.push(id);
  }
  return ids;
}

/** §1.7: legacy Entra wraps single values as `[{"$ref": …, "value": id}]` (e.g. `manager`). One element is that value. */
export function unwrapSingleValueArray(v: unknown): unknown {
  return Array.isArray(v) && v.length === 1 ? v[0] : v;
}
