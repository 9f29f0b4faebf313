import { badRequest } from './errors.js';
import { bareValue, isReadOnlyDecoration, stringBoolean, unwrapSingleValueArray } from './entra-quirks.js';
import type { ResourceSchema } from './schema.js';
import type { AttributeDef } from './attribute-def.js';
import { isRecord } from '../util/guards.js';

export type ScimDoc = Record<string, unknown>;

const isEmptyValue = (v: unknown): boolean =>
  v === null || v === undefined || (Array.isArray(v) && v.length === 0) || (isRecord(v) && Object.keys(v).length === 0);

/** Keys every client may send that are not attributes the bridge stores (RFC 7643 §3.1: readOnly, ignored on write). */
const IGNORED_ON_WRITE = new Set(['schemas', 'id', 'meta']);

/**
 * Brings one attribute value into canonical form: canonical sub-attribute names, real booleans, arrays for
 * multi-valued attributes. `null` means "no value". Anything that cannot be stored is a 400 that says where.
 */
export function coerceValue(def: AttributeDef, value: unknown, where: string): unknown {
  if (value === null || value === undefined) return undefined;
  if (def.multiValued) {
    const list = Array.isArray(value) ? value : [value];
    const out = list.map((v, i) => coerceSingle(def, v, `${where}[${i}]`)).filter((v) => v !== undefined);
    out.forEach((v, i) => requiredSubs(def, v, `${where}[${i}]`));
    return out.length ? out : undefined;
  }
  return coerceSingle(def, unwrapSingleValueArray(value), where);
}

/** A whole element of a multi-valued attribute must carry its required sub-attributes (`emails[].value`). */
function requiredSubs(def: AttributeDef, element: unknown, where: string): void {
  if (!isRecord(element)) return;
  for (const sub of def.subAttributes ?? []) {
    if (sub.required && isEmptyValue(element[sub.name])) {
      throw badRequest(
        'invalidValue',
        `'${where}' has no '${sub.name}': every ${def.name} element needs one (/Schemas marks ${def.name}.${sub.name} required)`,
      );
    }
  }
}

function coerceSingle(def: AttributeDef, value: unknown, where: string): unknown {
  if (value === null || value === undefined) return undefined;
  switch (def.type) {
    case 'boolean': {
      const v = stringBoolean(value);
      if (typeof v !== 'boolean')
        throw badRequest(
          'invalidValue',
          `'${where}' must be a boolean (true or false), got ${JSON.stringify(value)?.slice(0, 60)}`,
        );
      return v;
    }
    case 'complex': {
      if (!isRecord(value)) {
        const bare = def.subAttributes?.some((s) => s.name === 'value') ? bareValue(value) : undefined;
        if (bare) return bare;
        throw badRequest(
          'invalidValue',
          `'${where}' must be an object with sub-attributes (${(def.subAttributes ?? []).map((s) => s.name).join(', ')})`,
        );
      }
      const out: ScimDoc = {};
      for (const [k, v] of Object.entries(value)) {
        const sub = def.subAttributes?.find((s) => s.name.toLowerCase() === k.toLowerCase());
        if (!sub) {
          if (isEmptyValue(v) || isReadOnlyDecoration(k)) continue; // Entra sends "$ref": null; nothing to lose
          throw badRequest(
            'invalidValue',
            `'${where}.${k}' is not a sub-attribute the bridge can store (known: ${(def.subAttributes ?? []).map((s) => s.name).join(', ')})`,
          );
        }
        if (sub.mutability === 'readOnly') continue;
        const c = coerceSingle(sub, v, `${where}.${sub.name}`);
        if (c !== undefined) out[sub.name] = c;
      }
      return Object.keys(out).length ? out : undefined;
    }
    default:
      if (typeof value !== 'string')
        throw badRequest('invalidValue', `'${where}' must be a string, got ${JSON.stringify(value)?.slice(0, 60)}`);
      return value;
  }
}

/**
 * POST/PUT body → canonical document. Attribute names are matched case-insensitively; readOnly attributes are
 * ignored; an attribute the table cannot store is refused unless it is empty (Entra sends `"roles": []` and
 * `null`s for unmapped attributes, and dropping those loses nothing).
 */
export interface UnknownAttributes {
  /** `refuse` (the default): 400 naming the attribute. `ignore`: skipped and reported to `ignored`. */
  unknown?: 'refuse' | 'ignore';
  ignored?: (name: string) => void;
}

export function normaliseResource(body: unknown, schema: ResourceSchema, options: UnknownAttributes = {}): ScimDoc {
  if (!isRecord(body)) throw badRequest('invalidSyntax', 'The request body must be a JSON object (a SCIM resource)');
  const skip = (name: string): boolean => {
    if (options.unknown !== 'ignore') return false;
    options.ignored?.(name);
    return true;
  };
  const doc: ScimDoc = {};
  const put = (schemaId: string, def: AttributeDef, value: unknown, where: string): void => {
    if (def.mutability === 'readOnly') return;
    const v = coerceValue(def, value, where);
    if (v === undefined) return;
    if (schemaId === schema.core.id) doc[def.name] = v;
    else doc[schemaId] = { ...(isRecord(doc[schemaId]) ? doc[schemaId] : {}), [def.name]: v };
  };
  for (const [key, value] of Object.entries(body)) {
    if (IGNORED_ON_WRITE.has(key.toLowerCase()) || key.toLowerCase() === 'schemas') continue;
    const ext = /^urn:/i.test(key) ? schema.extension(key) : undefined;
    if (ext) {
      if (value === null) continue;
      if (!isRecord(value)) throw badRequest('invalidValue', `'${key}' must be an object of ${ext.name} attributes`);
      for (const [k, v] of Object.entries(value)) {
        const def = ext.attributes.find((a) => a.name.toLowerCase() === k.toLowerCase());
        if (!def) {
          if (isEmptyValue(v) || skip(`${key}:${k}`)) continue;
          throw badRequest(
            'invalidValue',
            `'${key}:${k}' is not mapped to JumpCloud; add a row for it to the mapping file or remove the mapping in Entra`,
          );
        }
        put(ext.id, def, v, `${ext.id}:${def.name}`);
      }
      continue;
    }
    const resolved = schema.resolve(
      /^urn:/i.test(key)
        ? { uri: key.slice(0, key.lastIndexOf(':')), name: key.slice(key.lastIndexOf(':') + 1) }
        : { name: key },
    );
    if (!resolved || resolved.sub) {
      if (isEmptyValue(value) || skip(key)) continue;
      throw badRequest(
        'invalidValue',
        `Attribute '${key}' is not mapped to JumpCloud; add a row for it to the mapping file or remove the mapping in Entra`,
      );
    }
    put(resolved.schema, resolved.attr, value, resolved.text);
  }
  return doc;
}

/** Required attributes (per the table) must be present after any write. */
export function checkRequired(doc: ScimDoc, schema: ResourceSchema): void {
  for (const s of [schema.core, ...schema.extensions]) {
    for (const a of s.attributes) {
      if (!a.required) continue;
      const holder = s === schema.core ? doc : doc[s.id];
      if (!isRecord(holder) || isEmptyValue(holder[a.name])) {
        throw badRequest(
          'invalidValue',
          `'${a.name}' is required: JumpCloud cannot store a ${schema.resourceType} without it`,
        );
      }
    }
  }
}
