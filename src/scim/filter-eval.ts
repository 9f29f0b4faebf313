import type { AttrPath, CompareOp, Filter, FilterValue } from './filter.js';
import { formatAttrPath } from './filter.js';
import { badRequest } from './errors.js';
import type { ResourceSchema } from './schema.js';
import type { AttributeDef } from './attribute-def.js';
import { isRecord } from '../util/guards.js';

/**
 * SCIM filter semantics over a resource document (RFC 7644 §3.4.2.2): per-attribute case rules, dates as instants,
 * booleans, "any value matches" for multi-valued attributes, and `pr` false for empty values. This is the reference
 * the upstream translation is tested against, and the residual predicate for what JumpCloud cannot search.
 */

interface Hit {
  def: AttributeDef;
  values: unknown[];
}

interface Scope {
  /** Values to compare for a path: leaves (a complex attribute compares through its `value`). */
  lookup(path: AttrPath): Hit | undefined;
  /** The elements of a complex attribute, for `attr[filter]`. */
  elements(path: AttrPath): Hit | undefined;
}

const isEmpty = (v: unknown): boolean =>
  v === undefined ||
  v === null ||
  v === '' ||
  (Array.isArray(v) && v.length === 0) ||
  (isRecord(v) && Object.keys(v).length === 0);

function flat(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

function pick(obj: unknown, name: string): unknown {
  if (!isRecord(obj)) return undefined;
  const key = Object.keys(obj).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : obj[key];
}

/** For a complex attribute compared without a sub-attribute, RFC 7644 compares its `value`. */
function leafValues(def: AttributeDef, raw: unknown): Hit {
  const values = flat(raw);
  if (def.type !== 'complex') return { def, values };
  const valueDef = def.subAttributes?.find((s) => s.name === 'value');
  return valueDef ? { def: valueDef, values: values.map((v) => pick(v, 'value')) } : { def, values: [] };
}

function resourceScope(doc: Record<string, unknown>, schema: ResourceSchema): Scope {
  const top = (
    path: AttrPath,
  ): { resolved: NonNullable<ReturnType<ResourceSchema['resolve']>>; raw: unknown } | undefined => {
    const resolved = schema.resolve(path);
    if (!resolved) return undefined;
    const base = resolved.schema === schema.core.id ? doc : pick(doc, resolved.schema);
    return { resolved, raw: pick(base, resolved.attr.name) };
  };
  return {
    lookup(path) {
      const hit = top(path);
      if (!hit) return undefined;
      const sub = hit.resolved.sub;
      if (!sub) return leafValues(hit.resolved.attr, hit.raw);
      return { def: sub, values: flat(hit.raw).flatMap((e) => flat(pick(e, sub.name))) };
    },
    elements(path) {
      const hit = top({ ...(path.uri ? { uri: path.uri } : {}), name: path.name });
      return hit && { def: hit.resolved.attr, values: flat(hit.raw) };
    },
  };
}

function elementScope(element: unknown, parent: AttributeDef): Scope {
  // Inside `emails[...]`, names are the parent's sub-attributes.
  const lookup = (path: AttrPath): Hit | undefined => {
    const def = parent.subAttributes?.find((s) => s.name.toLowerCase() === path.name.toLowerCase());
    return def && { def, values: flat(pick(element, def.name)) };
  };
  return { lookup, elements: () => undefined };
}

function compareOne(op: CompareOp, def: AttributeDef, actual: unknown, expected: FilterValue): boolean {
  if (actual === undefined || actual === null)
    return op === 'ne' ? expected !== null : expected === null && op === 'eq';
  if (expected === null) return op === 'ne';
  if (def.type === 'boolean') {
    const a = typeof actual === 'string' ? actual.toLowerCase() === 'true' : actual === true;
    if (op === 'eq') return a === expected;
    if (op === 'ne') return a !== expected;
    return false;
  }
  if (def.type === 'dateTime' && typeof actual === 'string' && typeof expected === 'string') {
    const a = Date.parse(actual);
    const b = Date.parse(expected);
    if (Number.isNaN(a) || Number.isNaN(b)) return false;
    return ordered(op, a, b);
  }
  if (typeof actual === 'number' && typeof expected === 'number') return ordered(op, actual, expected);
  const fold = (s: string): string => (def.caseExact ? s : s.toLowerCase());
  const a = fold(String(actual));
  const b = fold(String(expected));
  switch (op) {
    case 'co':
      return a.includes(b);
    case 'sw':
      return a.startsWith(b);
    case 'ew':
      return a.endsWith(b);
    default:
      return ordered(op, a, b);
  }
}

function ordered<T extends string | number>(op: CompareOp, a: T, b: T): boolean {
  switch (op) {
    case 'eq':
      return a === b;
    case 'ne':
      return a !== b;
    case 'gt':
      return a > b;
    case 'ge':
      return a >= b;
    case 'lt':
      return a < b;
    case 'le':
      return a <= b;
    default:
      return false;
  }
}

function evaluate(filter: Filter, scope: Scope): boolean {
  switch (filter.kind) {
    case 'and':
      return filter.filters.every((f) => evaluate(f, scope));
    case 'or':
      return filter.filters.some((f) => evaluate(f, scope));
    case 'not':
      return !evaluate(filter.filter, scope);
    case 'present': {
      // `name pr` asks for the complex attribute itself, not for its (non-existent) `value` leaves.
      const hit =
        (filter.path.sub === undefined ? scope.elements(filter.path) : undefined) ?? scope.lookup(filter.path);
      return !!hit && hit.values.some((v) => !isEmpty(v));
    }
    case 'compare': {
      const hit = scope.lookup(filter.path);
      if (!hit) return false;
      // `ne` on a multi-valued attribute: true unless some value equals (RFC reads "any value" for positive ops).
      if (filter.op === 'ne')
        return (
          !hit.values.some((v) => compareOne('eq', hit.def, v, filter.value)) &&
          (hit.values.length > 0 || filter.value !== null)
        );
      if (hit.values.length === 0) return compareOne(filter.op, hit.def, undefined, filter.value);
      return hit.values.some((v) => compareOne(filter.op, hit.def, v, filter.value));
    }
    case 'valuePath': {
      const hit = scope.elements(filter.path);
      return !!hit && hit.values.some((e) => evaluate(filter.filter, elementScope(e, hit.def)));
    }
  }
}

export function matchesResource(filter: Filter, doc: Record<string, unknown>, schema: ResourceSchema): boolean {
  return evaluate(filter, resourceScope(doc, schema));
}

export function matchesElement(filter: Filter, element: unknown, parent: AttributeDef): boolean {
  return evaluate(filter, elementScope(element, parent));
}

/**
 * Rejects a filter that names attributes the schema does not have or compares in ways SCIM forbids,
 * so that a typo gets 400 invalidFilter instead of silently matching nothing (which Entra reads as "create").
 */
export function validateFilter(filter: Filter, schema: ResourceSchema, scopeDef?: AttributeDef): void {
  const check = (path: AttrPath, op: CompareOp | 'pr'): void => {
    const def = scopeDef
      ? scopeDef.subAttributes?.find((s) => s.name.toLowerCase() === path.name.toLowerCase())
      : (() => {
          const r = schema.resolve(path);
          return r ? (r.sub ?? r.attr) : undefined;
        })();
    if (!def) {
      throw badRequest(
        'invalidFilter',
        `Filter attribute '${formatAttrPath(path)}' is not supported by this bridge; see /Schemas for the attributes it can filter on`,
      );
    }
    if (def.type === 'boolean' && !['eq', 'ne', 'pr'].includes(op)) {
      throw badRequest(
        'invalidFilter',
        `Filter operator '${op}' cannot be used with the boolean attribute '${formatAttrPath(path)}'`,
      );
    }
    if (def.type === 'complex' && op !== 'pr' && !def.subAttributes?.some((s) => s.name === 'value')) {
      throw badRequest(
        'invalidFilter',
        `Filter on complex attribute '${formatAttrPath(path)}' needs a sub-attribute, e.g. '${formatAttrPath(path)}.${def.subAttributes?.[0]?.name ?? 'value'}'`,
      );
    }
  };
  switch (filter.kind) {
    case 'and':
    case 'or':
      filter.filters.forEach((f) => validateFilter(f, schema, scopeDef));
      return;
    case 'not':
      validateFilter(filter.filter, schema, scopeDef);
      return;
    case 'present':
      check(filter.path, 'pr');
      return;
    case 'compare':
      check(filter.path, filter.op);
      return;
    case 'valuePath': {
      const r = scopeDef
        ? undefined
        : schema.resolve({ ...(filter.path.uri ? { uri: filter.path.uri } : {}), name: filter.path.name });
      if (!r || r.attr.type !== 'complex') {
        throw badRequest(
          'invalidFilter',
          `'${formatAttrPath(filter.path)}[...]' needs a complex attribute such as emails, phoneNumbers or addresses`,
        );
      }
      validateFilter(filter.filter, schema, r.attr);
    }
  }
}

/** Every attribute a filter names (value-path attributes included), for checks that concern a whole filter. */
export function filterAttributes(filter: Filter): AttrPath[] {
  switch (filter.kind) {
    case 'and':
    case 'or':
      return filter.filters.flatMap(filterAttributes);
    case 'not':
      return filterAttributes(filter.filter);
    case 'valuePath':
      return [filter.path];
    default:
      return [filter.path];
  }
}
