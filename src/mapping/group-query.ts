import { badRequest } from '../scim/errors.js';
import { formatAttrPath, type AttrPath, type Filter } from '../scim/filter.js';
import type { ResourceSchema } from '../scim/schema.js';
import type { GroupTable } from './group-table.js';

/**
 * SCIM Group filter → JumpCloud v2 `filter` terms (`field:op:value`, ANDed). v2's `eq` is case-sensitive while
 * SCIM's displayName is not, so displayName conditions are pushed down as `name:search:<text>` (a case-insensitive
 * substring match): always a superset. The bridge then evaluates the whole SCIM filter on every candidate, so
 * the pushed terms only ever narrow, never decide.
 *
 * Invariant: every group that matches the filter also matches all returned terms.
 */
export interface GroupQueryPlan {
  /** v2 filter terms; empty means "scan every group". */
  terms: string[];
}

/**
 * The longest piece of `value` that can travel inside one v2 term. A comma would split the term (JumpCloud's
 * separator, with no documented escape) and `*` may act as a wildcard; any substring of the value is still a
 * correct superset for a substring search, so dropping those characters loses nothing but selectivity.
 */
export function searchable(value: string): string | undefined {
  // Trimmed pieces are still substrings of the value, and spaces at the edge of a query parameter are fragile.
  const pieces = value
    .split(/[,*]/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  return pieces.reduce<string | undefined>((a, p) => (a === undefined || p.length > a.length ? p : a), undefined);
}

/** Conditions on the attribute stored in the group's `name` (displayName in the shipped table). */
const isName = (p: AttrPath, table: GroupTable): boolean => p.sub === undefined && table.rowFor(p) === table.nameRow;

function term(f: Filter, table: GroupTable): string | undefined {
  if (f.kind !== 'compare' || typeof f.value !== 'string' || !isName(f.path, table)) return undefined;
  if (f.op !== 'eq' && f.op !== 'co' && f.op !== 'sw' && f.op !== 'ew') return undefined;
  const text = searchable(f.value);
  return text === undefined ? undefined : `name:search:${text}`;
}

/** Membership is not an attribute of the group record: answering it would mean reading every candidate's members. */
function rejectMembers(f: Filter, schema: ResourceSchema): void {
  switch (f.kind) {
    case 'and':
    case 'or':
      f.filters.forEach((c) => rejectMembers(c, schema));
      return;
    case 'not':
      rejectMembers(f.filter, schema);
      return;
    default:
      if (schema.resolve({ ...(f.path.uri ? { uri: f.path.uri } : {}), name: f.path.name })?.attr.name === 'members') {
        throw badRequest(
          'invalidFilter',
          `Filtering Groups on '${formatAttrPath(f.path)}' is not supported: JumpCloud cannot search groups by member. Read /Groups/{id} or the User's groups instead.`,
        );
      }
  }
}

export function planGroupQuery(filter: Filter | undefined, table: GroupTable): GroupQueryPlan {
  if (!filter) return { terms: [] };
  rejectMembers(filter, table.schema);
  // v2 terms are ANDed, so only conjuncts can be pushed; an `or`/`not` scans and decides locally.
  const conjuncts = filter.kind === 'and' ? filter.filters : [filter];
  const terms = conjuncts.map((c) => term(c, table)).filter((t): t is string => t !== undefined);
  return { terms: [...new Set(terms)] };
}
