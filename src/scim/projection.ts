import { badRequest } from './errors.js';
import { parsePatchPath, type AttrPath } from './filter.js';
import type { ResolvedPath, ResourceSchema } from './schema.js';
import { isRecord } from '../util/guards.js';

export interface Projection {
  attributes?: ResolvedPath[];
  excludedAttributes?: ResolvedPath[];
}

function parseList(raw: unknown, name: string, schema: ResourceSchema): ResolvedPath[] | undefined {
  if (raw === undefined || raw === '') return undefined;
  const text = Array.isArray(raw) ? raw.join(',') : raw;
  if (typeof text !== 'string')
    throw badRequest('invalidValue', `'${name}' must be a comma-separated list of attribute names`);
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((item) => {
      let path: AttrPath;
      try {
        path = parsePatchPath(item).path;
      } catch {
        throw badRequest('invalidValue', `'${name}' contains '${item.slice(0, 80)}', which is not an attribute name`);
      }
      const resolved = schema.resolve(path);
      // RFC 7644 does not make unknown names an error; they simply select nothing.
      return resolved ?? { schema: '', attr: { name: item } as never, keys: [], text: item };
    })
    .filter((r) => r.keys.length > 0);
}

export function parseProjection(
  query: { attributes?: unknown; excludedAttributes?: unknown },
  schema: ResourceSchema,
): Projection {
  const attributes = parseList(query.attributes, 'attributes', schema);
  const excludedAttributes = parseList(query.excludedAttributes, 'excludedAttributes', schema);
  return { ...(attributes ? { attributes } : {}), ...(excludedAttributes ? { excludedAttributes } : {}) };
}

const ALWAYS = new Set(['id', 'schemas']);

/**
 * RFC 7643 §7 `returned` rules: `id` and `schemas` always; `never` never; `request` only when asked for;
 * with `attributes`, only those (plus always-returned); with `excludedAttributes`, all but those.
 */
export function project(
  doc: Record<string, unknown>,
  projection: Projection,
  schema: ResourceSchema,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const topKey = (r: ResolvedPath): string => r.keys[0] as string;
  const wanted = projection.attributes;
  for (const [key, value] of Object.entries(doc)) {
    if (ALWAYS.has(key)) {
      out[key] = value;
      continue;
    }
    const ext = schema.extension(key);
    if (ext && isRecord(value)) {
      const inner: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        const def = ext.attributes.find((a) => a.name === k);
        if (def && keep(def.returned, [ext.id, k], wanted, projection.excludedAttributes)) inner[k] = v;
      }
      if (Object.keys(inner).length) out[key] = inner;
      continue;
    }
    const resolved = schema.resolve({ name: key });
    const returned = resolved?.attr.returned ?? 'default';
    if (!keep(returned, [key], wanted, projection.excludedAttributes)) continue;
    // `attributes=name.givenName` keeps only that sub-attribute of `name`; `attributes=emails.value` keeps only the
    // `value` of every email (RFC 7644 §3.10). `excludedAttributes=emails.type` drops that sub-attribute.
    const subNames = (list: ResolvedPath[] | undefined): string[] =>
      (list ?? [])
        .filter((w) => topKey(w) === key && w.keys.length === 2 && !w.keys[0]?.startsWith('urn:'))
        .map((w) => w.keys[1] as string);
    // Asking for the whole attribute as well (`attributes=emails,emails.value`) keeps all of it.
    const only = wanted && !wanted.some((w) => topKey(w) === key && w.keys.length === 1) ? subNames(wanted) : [];
    const gone = wanted ? [] : subNames(projection.excludedAttributes);
    const pick = (v: Record<string, unknown>): Record<string, unknown> =>
      Object.fromEntries(Object.entries(v).filter(([k]) => (!only.length || only.includes(k)) && !gone.includes(k)));
    if (only.length || gone.length) {
      if (isRecord(value)) out[key] = pick(value);
      else if (Array.isArray(value)) {
        const kept = value
          .map((e) => (isRecord(e) ? pick(e) : e))
          .filter((e) => !isRecord(e) || Object.keys(e).length > 0);
        if (kept.length || value.length === 0) out[key] = kept;
      } else out[key] = value;
    } else {
      out[key] = value;
    }
  }
  // An extension whose attributes were all projected away is no longer part of this representation.
  if (Array.isArray(out.schemas))
    out.schemas = out.schemas.filter((id) => id === schema.core.id || (typeof id === 'string' && id in out));
  return out;
}

function keep(
  returned: string,
  keys: string[],
  wanted: ResolvedPath[] | undefined,
  excluded: ResolvedPath[] | undefined,
): boolean {
  if (returned === 'always') return true;
  if (returned === 'never') return false;
  const prefix = (r: ResolvedPath): boolean =>
    keys.every((k, i) => r.keys[i] === undefined || r.keys[i] === k) || r.keys.every((k, i) => keys[i] === k);
  if (wanted) return wanted.some(prefix);
  if (returned === 'request') return false;
  if (excluded) return !excluded.some((r) => r.keys.length <= keys.length && r.keys.every((k, i) => keys[i] === k));
  return true;
}
