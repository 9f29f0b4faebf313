import { badRequest } from '../scim/errors.js';
import { formatAttrPath, type AttrPath, type Filter, type FilterValue } from '../scim/filter.js';
import type { SearchCondition, SearchExpression, SystemUserSearch } from '../jumpcloud/types.js';
import type { AttributeRow, UserTable } from './attribute-table.js';

/**
 * SCIM filter → JumpCloud search. JumpCloud's `POST /api/search/systemusers` takes one `and` or `or` list of
 * Mongo-style expressions (nesting is not documented, so it is never relied on). Whatever part of a filter fits
 * is pushed down; the rest stays as a residual predicate evaluated by the bridge on the mapped SCIM resources.
 *
 * Invariant: the pushed-down query selects a superset of the true result. When `residual` is undefined the
 * upstream result is exact and JumpCloud pages and counts it; otherwise the bridge scans and filters.
 */
export interface UserQueryPlan {
  search?: NonNullable<SystemUserSearch['filter']>;
  residual?: Filter;
  /** `id eq "…"` among the top-level conditions: one GET by id answers the whole filter. */
  id?: string;
}

const CONTROL_ESCAPES: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r', '\f': '\\f', '\v': '\\v' };

/**
 * Every character that means something in a regex, escaped, so a value can only ever match itself.
 * Only escapes that PCRE, RE2 and JavaScript all read the same way are used, because JumpCloud's regex engine
 * is not documented: punctuation gets a backslash, control whitespace its letter escape.
 */
export function escapeRegex(value: string): string {
  return value.replace(/[\\^$.*+?()[\]{}|/-]|[\t\n\r\f\v]/g, (c) => CONTROL_ESCAPES[c] ?? `\\${c}`);
}

/** Anchored, fully escaped literal: linear to match, no backtracking for any input. */
export function regex(kind: 'eq' | 'co' | 'sw' | 'ew', value: string, caseExact: boolean): { $regex: string } {
  const body = escapeRegex(value);
  const anchored = kind === 'eq' ? `^${body}$` : kind === 'sw' ? `^${body}` : kind === 'ew' ? `${body}$` : body;
  return { $regex: `${caseExact ? '' : '(?i)'}${anchored}` };
}

/** One pushed-down condition: an `or` of expressions (one, unless the value may sit in several fields). */
interface Pushed {
  any: SearchExpression[];
  exact: boolean;
  /** An equality: the most selective kind of condition, preferred as the one search when only one can be sent. */
  eq?: boolean;
}

/** How the org answers what JumpCloud does not document about search (facts list, learned per org). */
export interface SearchAbilities {
  /**
   * Fact `dottedKeyInOr`: whether a dotted key into an array (`attributes.value`, `phoneNumbers.number`) may be sent.
   * Without it such a condition is decided by the bridge, and `userName eq` searches the username form alone: a
   * userName recorded under another username (a kept rename) is then not found by `eq`.
   */
  dottedKeys?: boolean;
}

const isDotted = (key: string): boolean => key.includes('.');

/** Whether a pushed-down search names a dotted key anywhere. */
export function searchHasDottedKey(search: UserQueryPlan['search']): boolean {
  if (!search) return false;
  const list = 'and' in search ? search.and : 'or' in search ? search.or : [];
  return (list ?? []).some((e) => Object.keys(e).some(isDotted));
}

function compare(
  table: UserTable,
  f: Extract<Filter, { kind: 'compare' }>,
  negate: boolean,
  scope: AttrPath | undefined,
  can: SearchAbilities,
): Pushed | undefined {
  // Inside `emails[...]` a name is a sub-attribute of the value path's attribute.
  const path: AttrPath = scope
    ? { ...(scope.uri ? { uri: scope.uri } : {}), name: scope.name, sub: f.path.name }
    : f.path;
  const resolved = table.schema.resolve(path);
  if (!resolved)
    throw badRequest(
      'invalidFilter',
      `Filter attribute '${formatAttrPath(f.path)}' is not supported by this bridge; /Schemas lists what it stores`,
    );
  const row = table.rowFor(path);
  if (!row) return undefined; // id, meta.*: known to SCIM, not searchable upstream
  // A row for `name.givenName` is already the sub-attribute; a row for `emails` takes the sub-attribute asked for.
  const target = row.codec.search?.(row.path.sub === undefined ? path.sub : undefined, row);
  if (!target) return undefined;
  if (can.dottedKeys === false && isDotted(target.field)) return undefined;
  const op = negate ? ({ eq: 'ne', ne: 'eq' } as const)[f.op as 'eq' | 'ne'] : f.op;
  if (!op) return undefined;
  // A superset search on a shared field (custom attributes) cannot be negated: it would drop true matches. Nor can
  // a value that may sit in several fields: "not in email" says nothing about alternateEmail.
  const alsoIn = (target.orEqOnly && op !== 'eq' ? undefined : target.orFields) ?? [];
  const others = alsoIn.filter((k) => can.dottedKeys !== false || !isDotted(k));
  // A field left out (a recorded userName) still decides the SCIM value: the bridge re-checks every candidate.
  const narrowed = others.length < alsoIn.length;
  if ((!target.exact || others.length) && op === 'ne') return undefined;
  const value: FilterValue = f.value;
  const field = target.field;

  if (row.codec.shape.type === 'boolean') {
    if (typeof value !== 'boolean' || (op !== 'eq' && op !== 'ne')) return undefined;
    // `suspended` may be absent on old users, so "not suspended" is `$ne: true`, never `false`.
    const truthy = ((op === 'eq') === value) !== !!target.negated;
    if (truthy) return { any: [{ [field]: true }, ...(target.alsoTrue ? [target.alsoTrue] : [])], exact: target.exact };
    // `$ne: true` also selects the states `alsoTrue` names (a STAGED user is not suspended): re-checked here.
    return { any: [{ [field]: { $ne: true } }], exact: target.exact && !target.alsoTrue };
  }
  if (typeof value !== 'string') {
    if (value === null) return undefined;
    throw badRequest(
      'invalidFilter',
      `'${formatAttrPath(f.path)}' is a string attribute; quote the value (got ${JSON.stringify(value)})`,
    );
  }
  // JumpCloud stores unset strings as "", which SCIM treats as absent; and its date comparison is undocumented.
  if (value === '' || row.codec.shape.type === 'dateTime') return undefined;
  if (target.eqOnly) {
    if (op !== 'eq') return undefined;
    return {
      any: [
        { [field]: regex('eq', target.eqOnly(value), false) },
        ...others.map((o) => ({ [o]: regex('eq', value, false) })),
      ],
      exact: false,
      eq: true,
    };
  }
  const leaf = resolved.sub ?? resolved.attr;
  const caseExact =
    (leaf.type === 'complex' ? leaf.subAttributes?.find((s) => s.name === 'value') : leaf)?.caseExact ?? row.caseExact;
  let cond: SearchCondition;
  let exact = target.exact;
  switch (op) {
    case 'eq':
      cond = caseExact ? value : regex('eq', value, false);
      break;
    case 'ne':
      if (!caseExact) return undefined;
      cond = { $ne: value };
      break;
    case 'co':
    case 'sw':
    case 'ew':
      cond = regex(op, value, caseExact);
      break;
    default:
      // JumpCloud orders strings by code unit; SCIM orders case-insensitive attributes ignoring case.
      if (!caseExact || others.length) return undefined;
      cond = { [`$${op === 'ge' ? 'gte' : op === 'le' ? 'lte' : op}`]: value };
      // "" (unset) sorts below everything upstream, but is absent to SCIM: re-check here.
      exact = false;
  }
  // A recorded value in `attributes.value` (any custom attribute) only narrows: re-checked here.
  return {
    any: [field, ...others].map((k) => ({ [k]: cond })),
    exact: exact && !narrowed && !others.includes('attributes.value'),
    ...(op === 'eq' ? { eq: true } : {}),
  };
}

/** Push-down of one node as a single expression (used inside and/or lists). */
function single(table: UserTable, f: Filter, can: SearchAbilities, scope?: AttrPath): Pushed | undefined {
  if (f.kind === 'compare') return compare(table, f, false, scope, can);
  if (f.kind === 'not' && f.filter.kind === 'compare' && (f.filter.op === 'eq' || f.filter.op === 'ne'))
    return compare(table, f.filter, true, scope, can);
  return undefined;
}

export function planUserQuery(filter: Filter | undefined, table: UserTable, can: SearchAbilities = {}): UserQueryPlan {
  if (!filter) return {};
  if (filter.kind === 'or') {
    const parts = filter.filters.map((f) => single(table, f, can));
    if (parts.every((p): p is Pushed => p !== undefined)) {
      return {
        search: { or: parts.flatMap((p) => p.any) },
        ...(parts.every((p) => p.exact) ? {} : { residual: filter }),
      };
    }
    return { residual: filter };
  }
  const conjuncts = filter.kind === 'and' ? filter.filters : [filter];
  const byId = conjuncts.find(
    (c) =>
      c.kind === 'compare' &&
      c.op === 'eq' &&
      !c.path.uri &&
      !c.path.sub &&
      c.path.name.toLowerCase() === 'id' &&
      typeof c.value === 'string',
  );
  if (byId?.kind === 'compare' && typeof byId.value === 'string') return { id: byId.value, residual: filter };
  const exprs: SearchExpression[] = [];
  // Conditions that need an `or` of their own (the search nests nothing): one of them can be the whole search.
  const alternatives: Pushed[] = [];
  const residual: Filter[] = [];
  const push = (p: Pushed | undefined): void => {
    if (p?.any.length === 1 && p.any[0]) exprs.push(p.any[0]);
    else if (p) alternatives.push(p);
  };
  for (const c of conjuncts) {
    if (c.kind === 'valuePath') {
      // Element correlation (type eq "work" AND value eq x on the same element) is checked here; upstream narrows.
      const inner = c.filter.kind === 'and' ? c.filter.filters : [c.filter];
      for (const i of inner) push(single(table, i, can, c.path));
      residual.push(c);
      continue;
    }
    const p = single(table, c, can);
    push(p);
    if (!p || !p.exact || p.any.length > 1) residual.push(c);
  }
  const [alt] = alternatives;
  // `userName eq x` (username or the recorded userName) beats the other conditions as the one search; otherwise the
  // plain conditions are sent and the alternatives are re-checked here.
  if (alt && alternatives.length === 1 && (exprs.length === 0 || alt.eq)) {
    const whole = conjuncts.length === 1 && conjuncts[0]?.kind !== 'valuePath' && alt.exact;
    return { search: { or: alt.any }, ...(whole ? {} : { residual: filter }) };
  }
  const rest =
    residual.length === 0
      ? undefined
      : residual.length === 1
        ? residual[0]
        : ({ kind: 'and', filters: residual } as Filter);
  return { ...(exprs.length ? { search: { and: exprs } } : {}), ...(rest ? { residual: rest } : {}) };
}

/** The values a filter compares a row's attribute with by `eq` (outside `not`): for userName, the candidates derive mode can adopt for. */
export function valuesCompared(filter: Filter, table: UserTable, row: AttributeRow): string[] {
  switch (filter.kind) {
    case 'compare': {
      const p = filter.path;
      return p.sub === undefined && table.rowFor(p) === row && filter.op === 'eq' && typeof filter.value === 'string'
        ? [filter.value]
        : [];
    }
    case 'and':
    case 'or':
      return filter.filters.flatMap((f) => valuesCompared(f, table, row));
    default:
      return [];
  }
}
