import { ScimError, badRequest } from './errors.js';
import { elementFromFilter, isClearingValue, opName, removeListed, splitPathlessValue } from './entra-quirks.js';
import { formatAttrPath, parsePatchPath, type PatchPath } from './filter.js';
import { matchesElement, validateFilter } from './filter-eval.js';
import { coerceValue, type ScimDoc, type UnknownAttributes } from './resource.js';
import type { SchemaDef } from './attribute-def.js';
import type { ResolvedPath, ResourceSchema } from './schema.js';
import { clone, deepEqual, isRecord } from '../util/guards.js';

const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** One operation after parsing and Entra normalisation: a resolved path (or none) and a raw value. */
export interface PatchOperation {
  op: 'add' | 'replace' | 'remove';
  /** Where it came from, for messages: "operation 2" or "operation 2 (key 'name.givenName')". */
  where: string;
  path?: { text: string; parsed: PatchPath; resolved: ResolvedPath };
  value?: unknown;
}

const MAX_OPERATIONS = 10_000;

/**
 * Validates a PatchOp body and turns it into resolved operations. Nothing is applied here, so an invalid
 * operation anywhere in the request rejects the whole request before anything is written upstream.
 */
export function parsePatchRequest(
  body: unknown,
  schema: ResourceSchema,
  options: UnknownAttributes = {},
): PatchOperation[] {
  if (!isRecord(body))
    throw badRequest('invalidSyntax', 'The PATCH body must be a JSON object with an "Operations" array');
  const schemas = body.schemas;
  if (
    schemas !== undefined &&
    !(
      Array.isArray(schemas) &&
      schemas.some((s) => typeof s === 'string' && s.toLowerCase() === PATCH_SCHEMA.toLowerCase())
    )
  ) {
    throw badRequest('invalidSyntax', `"schemas" must contain "${PATCH_SCHEMA}"`);
  }
  const opsKey = Object.keys(body).find((k) => k.toLowerCase() === 'operations');
  const ops = opsKey === undefined ? undefined : body[opsKey];
  if (!Array.isArray(ops)) throw badRequest('invalidSyntax', 'The PATCH body needs an "Operations" array');
  if (ops.length > MAX_OPERATIONS)
    throw badRequest('invalidSyntax', `A PATCH may carry at most ${MAX_OPERATIONS} operations (got ${ops.length})`);
  const out: PatchOperation[] = [];
  ops.forEach((raw: unknown, i) => {
    const where = `operation ${i + 1}`;
    if (!isRecord(raw)) throw badRequest('invalidSyntax', `${where} must be an object with "op", "path" and "value"`);
    const field = (name: string): unknown => raw[Object.keys(raw).find((k) => k.toLowerCase() === name) ?? name];
    const op = opName(field('op'));
    if (!op)
      throw badRequest(
        'invalidSyntax',
        `${where}: "op" must be add, replace or remove (got ${JSON.stringify(field('op'))})`,
      );
    const pathText = field('path');
    const value = field('value');
    if (pathText === undefined || pathText === null || pathText === '') {
      if (op === 'remove') throw badRequest('noTarget', `${where}: "remove" needs a "path"`);
      if (!isRecord(value))
        throw badRequest('invalidValue', `${where}: an "${op}" without "path" needs an object "value"`);
      const keys = splitPathlessValue(
        value,
        (k) =>
          /^urn:/i.test(k) && (schema.extension(k) !== undefined || k.toLowerCase() === schema.core.id.toLowerCase()),
      ).map(([key, v]): [string, string, unknown] => [
        key,
        key.toLowerCase().startsWith(`${schema.core.id.toLowerCase()}:`) ? key.slice(schema.core.id.length + 1) : key,
        v,
      ]);
      out.push(...attributeOps(op, keys, where, schema, options));
      return;
    }
    if (typeof pathText !== 'string') throw badRequest('invalidPath', `${where}: "path" must be a string`);
    if (op !== 'remove' && value === undefined) throw badRequest('invalidValue', `${where}: "${op}" needs a "value"`);
    const extension = schema.extension(pathText.trim());
    if (extension) {
      out.push(...extensionOps(op, extension, value, where, schema, options));
      return;
    }
    if (ignoredPath(pathText, schema, options)) return;
    out.push(checked({ op, where, path: resolvePath(pathText, schema, where), value }));
  });
  return out;
}

/**
 * One operation per attribute of an object value (a path-less value, or the value of an extension's URN path): each
 * goes through the path of its own key, with that path's refusals. `keys` are `[as sent, path text, value]`.
 */
function attributeOps(
  op: PatchOperation['op'],
  keys: [string, string, unknown][],
  where: string,
  schema: ResourceSchema,
  options: UnknownAttributes,
): PatchOperation[] {
  const out: PatchOperation[] = [];
  for (const [key, keyText, v] of keys) {
    if (['schemas', 'id', 'meta'].includes(keyText.toLowerCase())) continue;
    if (ignoredPath(keyText, schema, options)) continue;
    const at = `${where} (key '${key}')`;
    out.push(checked({ op, where: at, path: resolvePath(keyText, schema, at), value: v }));
  }
  return out;
}

/**
 * RFC 7644 §3.5.2 with the path naming an extension schema itself (generic clients send the extension whole):
 * `add` and `replace` apply each attribute of the object value as its own path; `remove` clears every attribute
 * of the extension that the bridge stores.
 */
function extensionOps(
  op: PatchOperation['op'],
  extension: SchemaDef,
  value: unknown,
  where: string,
  schema: ResourceSchema,
  options: UnknownAttributes,
): PatchOperation[] {
  if (op === 'remove') {
    if (value !== undefined && value !== null)
      throw badRequest(
        'invalidValue',
        `${where}: "remove" of the extension ${extension.id} takes no "value"; to remove one of its attributes, name it in "path" (e.g. ${extension.id}:${extension.attributes[0]?.name ?? 'department'})`,
      );
    return extension.attributes
      .filter((a) => a.mutability !== 'readOnly')
      .map((a) => ({
        op,
        where: `${where} (attribute '${a.name}')`,
        path: resolvePath(`${extension.id}:${a.name}`, schema, where),
      }));
  }
  if (!isRecord(value))
    throw badRequest(
      'invalidValue',
      `${where}: an "${op}" of the extension ${extension.id} needs an object "value" holding its attributes (e.g. {"${extension.attributes[0]?.name ?? 'department'}": "…"})`,
    );
  return attributeOps(
    op,
    Object.entries(value).map(([k, v]): [string, string, unknown] => [k, `${extension.id}:${k}`, v]),
    where,
    schema,
    options,
  );
}

/** Values are type-checked while parsing, so a bad value in any operation fails the request before a read or write. */
function checked(op: PatchOperation): PatchOperation {
  if (!op.path || op.value === undefined) return op;
  const { resolved, parsed } = op.path;
  const sub =
    resolved.sub ??
    (parsed.sub
      ? resolved.attr.subAttributes?.find((s) => s.name.toLowerCase() === parsed.sub?.toLowerCase())
      : undefined);
  const def = sub ?? (parsed.valueFilter ? { ...resolved.attr, multiValued: false } : resolved.attr);
  if (def.type === 'complex' && isClearingValue(op.value)) return op;
  try {
    coerceValue(def, op.value, resolved.text);
  } catch (e) {
    if (e instanceof ScimError) throw new ScimError(e.status, e.scimType, `${op.where}: ${e.detail}`);
    throw e;
  }
  return op;
}

/** UNKNOWN_ATTRIBUTES=ignore: an operation on an attribute the schema does not know is skipped (and reported). */
function ignoredPath(text: string, schema: ResourceSchema, options: UnknownAttributes): boolean {
  if (options.unknown !== 'ignore') return false;
  let parsed: PatchPath;
  try {
    parsed = parsePatchPath(text);
  } catch {
    return false; // a malformed path stays a 400
  }
  const { uri, name } = parsed.path;
  if (schema.resolve({ ...(uri ? { uri } : {}), name })) return false;
  options.ignored?.(uri ? `${uri}:${name}` : name);
  return true;
}

function resolvePath(text: string, schema: ResourceSchema, where: string): NonNullable<PatchOperation['path']> {
  const parsed = parsePatchPath(text);
  const base = {
    ...(parsed.path.uri ? { uri: parsed.path.uri } : {}),
    name: parsed.path.name,
    ...(parsed.path.sub ? { sub: parsed.path.sub } : {}),
  };
  const resolved = schema.resolve(base);
  if (!resolved) {
    throw badRequest(
      'invalidPath',
      `${where}: '${formatAttrPath(parsed.path)}' is not an attribute this bridge can store; /Schemas lists the supported attributes`,
    );
  }
  if (parsed.valueFilter) {
    if (resolved.sub || resolved.attr.type !== 'complex') {
      throw badRequest('invalidPath', `${where}: a value filter needs a complex attribute, not '${resolved.text}'`);
    }
    try {
      validateFilter(parsed.valueFilter, schema, resolved.attr);
    } catch (e) {
      throw badRequest('invalidPath', `${where}: ${(e as Error).message}`);
    }
  }
  if (parsed.sub && !resolved.attr.subAttributes?.some((s) => s.name.toLowerCase() === parsed.sub?.toLowerCase())) {
    throw badRequest('invalidPath', `${where}: '${resolved.text}' has no sub-attribute '${parsed.sub}'`);
  }
  if (resolved.attr.mutability === 'readOnly' || resolved.sub?.mutability === 'readOnly') {
    throw badRequest('mutability', `${where}: '${resolved.text}' is read-only`);
  }
  return { text, parsed, resolved };
}

function holderOf(doc: ScimDoc, resolved: ResolvedPath, create: boolean): ScimDoc | undefined {
  if (resolved.keys.length === 1 || (resolved.keys.length === 2 && resolved.sub)) return doc;
  const urn = resolved.keys[0] as string;
  if (!isRecord(doc[urn])) {
    if (!create) return undefined;
    doc[urn] = {};
  }
  return doc[urn] as ScimDoc;
}

/** Drops a multi-valued element that no longer carries anything but its labels. */
const hollow = (e: unknown): boolean => isRecord(e) && Object.keys(e).every((k) => k === 'type' || k === 'primary');

/**
 * Applies operations to a copy of the document, RFC 7644 §3.5.2 plus Entra's expectations:
 * add/replace on `attr[filter].sub` creates the element when none matches; remove of something absent is a
 * no-op (Entra re-sends removes); remove with a `value` on a multi-valued attribute removes only those values.
 */
export function applyPatch(doc: ScimDoc, ops: PatchOperation[]): ScimDoc {
  const out = clone(doc);
  for (const op of ops) applyOne(out, op);
  for (const [key, value] of Object.entries(out)) {
    if (/^urn:/i.test(key) && isRecord(value) && Object.keys(value).length === 0) delete out[key];
  }
  return out;
}

function applyOne(doc: ScimDoc, op: PatchOperation): void {
  if (!op.path) return;
  const { resolved, parsed } = op.path;
  const attr = resolved.attr;
  const holder = holderOf(doc, resolved, op.op !== 'remove');
  if (!holder) return;
  const current = holder[attr.name];

  // name.givenName, manager.value: a sub-attribute of a single-valued complex attribute.
  if (resolved.sub && !attr.multiValued) {
    const parent = isRecord(current) ? current : {};
    const sub = resolved.sub;
    const v = op.op === 'remove' ? undefined : coerceValue(sub, op.value, resolved.text);
    if (v === undefined) delete parent[sub.name];
    else parent[sub.name] = v;
    if (Object.keys(parent).length) holder[attr.name] = parent;
    else delete holder[attr.name];
    return;
  }

  if (!attr.multiValued) {
    if (parsed.valueFilter) {
      // manager[value eq "id"]: the filter selects the single value itself.
      if (!isRecord(current) || !matchesElement(parsed.valueFilter, current, attr)) return;
      if (op.op === 'remove') delete holder[attr.name];
      else holder[attr.name] = { ...current, ...(coerceValue(attr, op.value, op.where) as ScimDoc) };
      return;
    }
    if (op.op === 'remove' || (attr.type === 'complex' && isClearingValue(op.value))) {
      delete holder[attr.name];
      return;
    }
    const v = coerceValue(attr, op.value, resolved.text);
    if (v === undefined) delete holder[attr.name];
    else
      holder[attr.name] =
        attr.type === 'complex' && op.op === 'add' && isRecord(current) ? { ...current, ...(v as ScimDoc) } : v;
    return;
  }

  // Multi-valued attributes.
  const list: unknown[] = Array.isArray(current) ? current : [];
  const subName = parsed.sub
    ? attr.subAttributes?.find((s) => s.name.toLowerCase() === parsed.sub?.toLowerCase())
    : undefined;
  const set = (next: unknown[]): void => {
    const kept = next.filter((e) => !hollow(e));
    if (kept.length) holder[attr.name] = kept;
    else delete holder[attr.name];
  };

  if (parsed.valueFilter) {
    const filter = parsed.valueFilter;
    const hits = list.filter((e) => matchesElement(filter, e, attr));
    if (op.op === 'remove') {
      set(
        subName
          ? list.map((e) => (hits.includes(e) && isRecord(e) ? omit(e, subName.name) : e))
          : list.filter((e) => !hits.includes(e)),
      );
      return;
    }
    if (subName) {
      const v = coerceValue(subName, op.value, op.path.text);
      if (hits.length === 0) {
        set([...list, { ...elementFromFilter(filter, attr), [subName.name]: v }]);
        return;
      }
      set(
        list.map((e) =>
          hits.includes(e) && isRecord(e) ? (v === undefined ? omit(e, subName.name) : { ...e, [subName.name]: v }) : e,
        ),
      );
      return;
    }
    const v = coerceValue({ ...attr, multiValued: false }, op.value, op.path.text) as ScimDoc | undefined;
    if (hits.length === 0) {
      if (v) set([...list, { ...elementFromFilter(filter, attr), ...v }]);
      return;
    }
    set(list.map((e) => (hits.includes(e) && isRecord(e) ? { ...e, ...(v ?? {}) } : e)));
    return;
  }

  if (subName) {
    // emails.value without a filter addresses every element.
    const v = op.op === 'remove' ? undefined : coerceValue(subName, op.value, op.path.text);
    set(list.map((e) => (isRecord(e) ? (v === undefined ? omit(e, subName.name) : { ...e, [subName.name]: v }) : e)));
    return;
  }

  if (op.op === 'remove') {
    if (op.value === undefined || op.value === null) {
      delete holder[attr.name];
      return;
    }
    set(removeListed(list, (coerceValue(attr, op.value, op.where) as unknown[] | undefined) ?? [], sameValue));
    return;
  }
  const values = (coerceValue(attr, op.value, resolved.text) as unknown[] | undefined) ?? [];
  if (op.op === 'replace') {
    set(values);
    return;
  }
  set([...list, ...values.filter((v) => !list.some((e) => sameValue(e, v)))]);
}

function omit(e: ScimDoc, key: string): ScimDoc {
  const { [key]: _gone, ...rest } = e;
  return rest;
}

/** Two multi-valued elements are the same value when their `value`s match (or, without one, when all fields match). */
function sameValue(a: unknown, b: unknown): boolean {
  if (isRecord(a) && isRecord(b) && a.value !== undefined && b.value !== undefined) {
    return a.value === b.value && (a.type === undefined || b.type === undefined || a.type === b.type);
  }
  return deepEqual(a, b);
}
