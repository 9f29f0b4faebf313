import { parseFilter, type CompareOp } from '../scim/filter.js';
import type { SearchCondition, SearchExpression, SystemUserSearch } from '../jumpcloud/types.js';
import type { UserTable } from '../mapping/attribute-table.js';
import { planUserQuery } from '../mapping/user-query.js';

/** One shape of search expression the bridge sends, with a probe body that can only match nothing. */
export interface SearchForm {
  /** e.g. `field: $regex (?i)^…$`: the shape, with field names and values abstracted away. */
  form: string;
  /** The SCIM filters (from the attribute table) whose push-down uses this form. */
  usedBy: string[];
  /** The search body to send: the bridge's own translation of the first of `usedBy`. */
  probe: NonNullable<SystemUserSearch['filter']>;
}

const STRING_OPS: CompareOp[] = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'];
/** A value only matches nothing with these; the others get a conjunct that matches nothing. */
const SELECTIVE = new Set<CompareOp>(['eq', 'co', 'sw', 'ew']);

function conditionShape(cond: SearchCondition): string {
  if (cond === null || typeof cond !== 'object') return `${typeof cond} literal`;
  return Object.entries(cond)
    .map(([op, operand]) => {
      if (op !== '$regex' || typeof operand !== 'string') return `${op} ${typeof operand}`;
      const flags = /^\(\?[a-z]+\)/.exec(operand)?.[0] ?? '';
      const body = operand.slice(flags.length);
      return `$regex ${flags}${body.startsWith('^') ? '^' : ''}…${body.endsWith('$') && !body.endsWith('\\$') ? '$' : ''}`;
    })
    .join(', ');
}

function expressionShape(expr: SearchExpression): string {
  return Object.entries(expr)
    .map(([field, cond]) => `${field.includes('.') ? 'dotted.key' : 'field'}: ${conditionShape(cond)}`)
    .join('; ');
}

/** The SCIM filters to translate: every searchable attribute of the table with every operator its type allows. */
function candidateFilters(table: UserTable, token: string): { filter: string; selective: boolean }[] {
  const out: { filter: string; selective: boolean }[] = [];
  for (const row of table.rows) {
    if (!row.codec.search) continue;
    const subs =
      row.path.sub === undefined && row.codec.shape.subAttributes
        ? row.codec.shape.subAttributes.map((s) => s.name)
        : [undefined];
    for (const sub of subs) {
      const path = sub ? `${row.scim}.${sub}` : row.scim;
      if (row.codec.shape.type === 'boolean') {
        for (const v of [true, false]) out.push({ filter: `${path} eq ${v}`, selective: false });
        continue;
      }
      for (const op of STRING_OPS) out.push({ filter: `${path} ${op} "${token}"`, selective: SELECTIVE.has(op) });
    }
  }
  return out;
}

/** The bridge's translation of a filter; undefined for one it refuses (e.g. a string operator on `$ref`). */
function planned(filter: string, table: UserTable): ReturnType<typeof planUserQuery> | undefined {
  try {
    return planUserQuery(parseFilter(filter), table);
  } catch {
    return undefined;
  }
}

/**
 * Every distinct expression form the bridge's query planner produces for this attribute table, each with a probe
 * that matches no user: the forms come from `planUserQuery` itself, so a new push-down is probed without anyone
 * updating a second list here. Values are `token` (random, matches nothing); forms whose value cannot be made to
 * match nothing (`$ne`, `$gt`, booleans) are ANDed with `userName eq token`.
 */
export function searchForms(table: UserTable, token: string): SearchForm[] {
  const byForm = new Map<string, SearchForm>();
  const candidates = candidateFilters(table, token);
  const single = (filter: string): SearchExpression[] => {
    const search = planned(filter, table)?.search;
    return search ? ('and' in search ? search.and : search.or) : [];
  };
  // The anchor that makes a non-selective form match nothing: an `eq` the planner sends as one plain expression
  // (userName eq is an `or` of the username and a recorded userName, which the planner would prefer as the search).
  const anchor = candidates.find(
    (c) =>
      c.selective &&
      / eq "/.test(c.filter) &&
      single(c.filter).length === 1 &&
      'and' in (planned(c.filter, table)?.search ?? {}),
  )?.filter;
  const add = (form: string, filter: string, probe: SearchForm['probe']): void => {
    const known = byForm.get(form);
    if (known) known.usedBy.push(filter);
    else byForm.set(form, { form, usedBy: [filter], probe });
  };
  for (const { filter, selective } of candidates) {
    const plan = planned(filter, table)?.search;
    // One condition, or one condition over several fields (an `or` the planner made of it): each field's form.
    const exprs = plan ? ('and' in plan ? (plan.and.length === 1 ? plan.and : []) : plan.or) : [];
    if (!exprs.length) continue; // not pushed down: nothing to probe
    const probeFilter = selective || !anchor ? filter : `${filter} and ${anchor}`;
    const probe = planned(probeFilter, table)?.search;
    if (probe) for (const e of exprs) add(expressionShape(e), filter, probe);
  }
  // The two list forms: the planner's `or` of two pushed conditions, and an `and` of two.
  const eqs = [...byForm.values()].filter((f) => /^field: /.test(f.form) && !f.form.includes(' literal')).slice(0, 2);
  const [a, b] = eqs.map((f) => f.usedBy[0]);
  if (a && b) {
    for (const join of ['or', 'and'] as const) {
      const filter = `${a} ${join} ${b}`;
      const plan = planned(filter, table)?.search;
      if (plan && join in plan) add(`${join} list of expressions`, filter, plan);
    }
  }
  return [...byForm.values()];
}
