import { badRequest } from './errors.js';
import { parseFilter, parsePatchPath, type Filter } from './filter.js';
import { validateFilter } from './filter-eval.js';
import type { ResolvedPath, ResourceSchema } from './schema.js';
import { isRecord } from '../util/guards.js';

/** The `filter` query parameter (or SearchRequest member), parsed; undefined when absent or blank. */
export function filterParam(raw: unknown): Filter | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string') throw badRequest('invalidFilter', "'filter' must be given once, as a string");
  if (raw.trim() === '') return undefined;
  return parseFilter(raw);
}

/** The `filter` query parameter of a list or .search, parsed and checked against the resource's schema. */
export function parseListFilter(raw: unknown, schema: ResourceSchema): Filter | undefined {
  const filter = filterParam(raw);
  if (filter) validateFilter(filter, schema);
  return filter;
}

export interface Sort {
  path: ResolvedPath;
  descending: boolean;
}

/** `sortBy`/`sortOrder` (RFC 7644 §3.4.2.3). */
export function parseSort(q: { sortBy?: unknown; sortOrder?: unknown }, schema: ResourceSchema): Sort | undefined {
  if (q.sortBy === undefined || q.sortBy === '') return undefined;
  if (typeof q.sortBy !== 'string') throw badRequest('invalidValue', "'sortBy' must be an attribute name");
  const order = typeof q.sortOrder === 'string' ? q.sortOrder.toLowerCase() : 'ascending';
  if (order !== 'ascending' && order !== 'descending')
    throw badRequest('invalidValue', "'sortOrder' must be 'ascending' or 'descending'");
  const path = sortPath(q.sortBy, schema);
  if (!path)
    throw badRequest(
      'invalidValue',
      `'sortBy' names '${q.sortBy.slice(0, 100)}', which is not an attribute of ${schema.resourceType}; /Schemas lists them`,
    );
  return { path, descending: order === 'descending' };
}

/** The attribute `sortBy` names in `schema`, if it names one (a value filter never does). */
export function sortPath(sortBy: string, schema: ResourceSchema): ResolvedPath | undefined {
  try {
    const parsed = parsePatchPath(sortBy);
    return parsed.valueFilter
      ? undefined
      : schema.resolve({ ...parsed.path, ...(parsed.sub ? { sub: parsed.sub } : {}) });
  } catch {
    return undefined;
  }
}

/** The value a resource sorts by: a multi-valued attribute sorts by its primary (or first) value. */
export function sortKey(doc: Record<string, unknown>, path: ResolvedPath): string | number | undefined {
  let node: unknown = doc;
  for (const k of path.keys) {
    if (Array.isArray(node)) node = node.find((e) => isRecord(e) && e.primary === true) ?? node[0];
    node = isRecord(node) ? node[k] : undefined;
  }
  if (Array.isArray(node)) node = node.find((e) => isRecord(e) && e.primary === true) ?? node[0];
  if (isRecord(node)) node = node.value;
  if (typeof node === 'boolean') return node ? 1 : 0;
  if (typeof node !== 'string') return undefined;
  const leaf = path.sub ?? path.attr;
  if (leaf.type === 'dateTime') return Date.parse(node);
  return leaf.caseExact ? node : node.toLowerCase();
}

/** Ascending order of two sort keys, a missing one last (RFC 7644 §3.4.2.3). */
export function compareSortKeys(ka: string | number | undefined, kb: string | number | undefined): number {
  if (ka === undefined && kb === undefined) return 0;
  if (ka === undefined) return 1;
  if (kb === undefined) return -1;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** Orders SCIM resources; those without the attribute sort last ascending (RFC 7644 §3.4.2.3), ties by id. */
export function compareBySort(sort: Sort): (a: Record<string, unknown>, b: Record<string, unknown>) => number {
  return (a, b) => {
    let c = compareSortKeys(sortKey(a, sort.path), sortKey(b, sort.path));
    if (c === 0) c = String(a.id) < String(b.id) ? -1 : String(a.id) > String(b.id) ? 1 : 0;
    return sort.descending ? -c : c;
  };
}
