import { badRequest } from './errors.js';
import { formatAttrPath, type AttrPath, type Filter } from './filter.js';
import { filterAttributes, matchesResource } from './filter-eval.js';
import { compareSortKeys, filterParam, parseSort, sortKey, sortPath, type Sort } from './list-query.js';
import type { ResourceSchema } from './schema.js';

/**
 * RFC 7644 §3.4.2.1 and §3.4.3: a query at the service root searches every resource type. These are its protocol
 * rules, for any set of resource schemas; which types exist and how each answers is the caller's business.
 */

/** `meta.resourceType`: every type has it, and its value is the type's own name, so it is decided per type here. */
function isResourceTypePath(p: AttrPath): boolean {
  return p.uri === undefined && p.name.toLowerCase() === 'meta' && p.sub?.toLowerCase() === 'resourcetype';
}

/** Whether `schema` has the attribute a filter names (for `attr[…]`, the complex attribute itself). */
function declares(schema: ResourceSchema, path: AttrPath, asValuePath = false): boolean {
  return schema.resolve(asValuePath ? { ...(path.uri ? { uri: path.uri } : {}), name: path.name } : path) !== undefined;
}

const names = (schemas: readonly ResourceSchema[]): string => schemas.map((s) => s.resourceType).join(', ');

/**
 * The root search's `filter`: parsed, and each attribute it names must be one some resource type has, so that a typo
 * is a 400 rather than an empty answer (the rule every type's own list keeps).
 */
export function parseRootFilter(raw: unknown, schemas: readonly ResourceSchema[]): Filter | undefined {
  const filter = filterParam(raw);
  if (!filter) return undefined;
  for (const path of filterAttributes(filter)) {
    if (isResourceTypePath(path) || schemas.some((s) => declares(s, path) || declares(s, path, true))) continue;
    throw badRequest(
      'invalidFilter',
      `Filter attribute '${formatAttrPath(path)}' is not an attribute of any resource type this bridge serves (${names(schemas)}); /Schemas lists them`,
    );
  }
  return filter;
}

/**
 * What one resource type must answer of a root filter. RFC 7644 §3.4.2.1: "For filtered attributes that are not part
 * of a particular resource type, the service provider SHALL treat the attribute as if there is no attribute value":
 * such a comparison is decided here as it would be on a resource without the value (`eq null` and `ne "x"` hold,
 * everything else fails), and so is `meta.resourceType`. `false`: no resource of the type can match, so it is not
 * asked at all; `true`: every resource matches; otherwise the part of the filter the type itself has to decide.
 */
export function filterForType(filter: Filter, schema: ResourceSchema): boolean | Filter {
  switch (filter.kind) {
    case 'compare':
    case 'present':
      if (isResourceTypePath(filter.path))
        return matchesResource(filter, { meta: { resourceType: schema.resourceType } }, schema);
      if (declares(schema, filter.path)) return filter;
      return (
        filter.kind === 'compare' &&
        ((filter.op === 'eq' && filter.value === null) || (filter.op === 'ne' && filter.value !== null))
      );
    case 'valuePath':
      return declares(schema, filter.path, true) ? filter : false;
    case 'not': {
      const inner = filterForType(filter.filter, schema);
      return typeof inner === 'boolean' ? !inner : { kind: 'not', filter: inner };
    }
    case 'and':
    case 'or': {
      // `true` decides an `or`, `false` an `and`; the other constant drops out.
      const decides = filter.kind === 'or';
      const kept: Filter[] = [];
      for (const f of filter.filters) {
        const part = filterForType(f, schema);
        if (part === decides) return decides;
        if (typeof part !== 'boolean') kept.push(part);
      }
      if (kept.length === 0) return !decides;
      return kept.length === 1 ? (kept[0] as Filter) : { kind: filter.kind, filters: kept };
    }
  }
}

/** `sortBy` across resource types: each type that has the attribute sorts by it; the others' resources have no value. */
export interface RootSort {
  descending: boolean;
  /** Per schema, in the order given: its sort, or undefined where it does not have the attribute. */
  byType: (Sort | undefined)[];
}

export function parseRootSort(
  q: { sortBy?: unknown; sortOrder?: unknown },
  schemas: readonly ResourceSchema[],
): RootSort | undefined {
  const { sortBy } = q;
  if (sortBy === undefined || sortBy === '') return undefined;
  const declaring = typeof sortBy === 'string' ? schemas.find((s) => sortPath(sortBy, s)) : schemas[0];
  if (!declaring)
    throw badRequest(
      'invalidValue',
      `'sortBy' names '${String(sortBy).slice(0, 100)}', which is not an attribute of any resource type this bridge serves (${names(schemas)}); /Schemas lists them`,
    );
  // The declaring type's own parse checks sortBy's form and sortOrder with the messages a type's own search gives.
  const first = parseSort(q, declaring);
  if (!first) return undefined;
  const byType = schemas.map((s) => (sortPath(sortBy as string, s) ? parseSort(q, s) : undefined));
  return { descending: first.descending, byType };
}

/** One resource of a root search: its type's index (in the schemas' order) and its position in that type's answer. */
export interface Ranked<T extends Record<string, unknown>> {
  doc: T;
  type: number;
  position: number;
}

/**
 * The order of a sorted root search: by the sort value (missing values last ascending, first descending, RFC 7644
 * §3.4.2.3), then by type, then as the type itself ordered them; the same request always gives the same order.
 */
export function compareAcrossTypes<T extends Record<string, unknown>>(
  sort: RootSort,
): (a: Ranked<T>, b: Ranked<T>) => number {
  const key = (r: Ranked<T>): string | number | undefined => {
    const own = sort.byType[r.type];
    return own ? sortKey(r.doc, own.path) : undefined;
  };
  return (a, b) => {
    const c = compareSortKeys(key(a), key(b));
    return (sort.descending ? -c : c) || a.type - b.type || a.position - b.position;
  };
}

/**
 * The projection a sorting type is asked for: the sort attribute is kept in its answer (added to `attributes`, never
 * excluded) so the root can order the types' resources together; the root projects the page as asked afterwards.
 */
export function withSortAttribute(
  q: { attributes?: unknown; excludedAttributes?: unknown },
  sortBy: string,
  schema: ResourceSchema,
): { attributes?: unknown; excludedAttributes?: unknown } {
  const sorted = sortPath(sortBy, schema);
  const out: { attributes?: unknown; excludedAttributes?: unknown } = {};
  if (typeof q.attributes === 'string' && q.attributes.trim() !== '') out.attributes = `${q.attributes},${sortBy}`;
  else if (q.attributes !== undefined) out.attributes = q.attributes;
  if (typeof q.excludedAttributes === 'string' && sorted) {
    // An excluded attribute that holds the sort value (`name` for `name.familyName`) is left to the root to drop.
    const kept = q.excludedAttributes.split(',').filter((item) => {
      const path = sortPath(item.trim(), schema);
      return !path || !path.keys.every((k, i) => sorted.keys[i] === k);
    });
    if (kept.length) out.excludedAttributes = kept.join(',');
  } else if (q.excludedAttributes !== undefined) out.excludedAttributes = q.excludedAttributes;
  return out;
}
