import { badRequest } from '../scim/errors.js';
import { memberIds } from '../scim/entra-quirks.js';
import type { Filter } from '../scim/filter.js';
import { matchesElement } from '../scim/filter-eval.js';
import type { PatchOperation } from '../scim/patch.js';
import type { AttributeDef } from '../scim/attribute-def.js';
import { JUMPCLOUD_ID, type GraphConnection, type GraphObjectWithPaths, type UserGroup } from '../jumpcloud/types.js';
import { isRecord } from '../util/guards.js';

export interface MemberRef {
  value: string;
  $ref: string;
  type: 'User';
}

export interface GroupRef {
  value: string;
  display: string;
  $ref: string;
  type: 'direct';
}

/** A member write JumpCloud would silently undo: dynamic groups recompute their members from a query. */
export function isDynamic(group: UserGroup): boolean {
  return typeof group.membershipMethod === 'string' && group.membershipMethod.startsWith('DYNAMIC_');
}

export function memberRefs(connections: GraphConnection[], baseUrl: string): MemberRef[] {
  const seen = new Set<string>();
  const out: MemberRef[] = [];
  for (const c of connections) {
    const id = c.to?.id;
    // Only users can be members of a user group; anything else would be a $ref to nowhere.
    if (typeof id !== 'string' || c.to.type !== 'user' || seen.has(id)) continue;
    seen.add(id);
    out.push({ value: id, $ref: `${baseUrl}/Users/${id}`, type: 'User' });
  }
  return out;
}

/** One membership step of a PATCH, in request order. */
export type MemberStep =
  | { kind: 'add'; ids: string[] }
  | { kind: 'remove'; ids: string[] }
  | { kind: 'set'; ids: string[] }
  | { kind: 'clear' }
  | { kind: 'removeWhere'; filter: Filter; attr: AttributeDef };

function checkIds(raw: unknown, where: string): string[] {
  const ids = memberIds(raw);
  if (!ids) throw badRequest('invalidValue', `${where}: members must be given as [{"value": "<user id>"}]`);
  for (const id of ids) {
    if (!JUMPCLOUD_ID.test(id)) {
      throw badRequest(
        'invalidValue',
        `${where}: member ${JSON.stringify(id.slice(0, 64))} is not a JumpCloud user id (24 hexadecimal characters); provision the user through /Users first`,
      );
    }
  }
  return ids.map((id) => id.toLowerCase());
}

/** `value eq "id"`, or an `or` of those: the ids a flag-mode remove names, without reading the group. */
function idsOf(filter: Filter): string[] | undefined {
  if (
    filter.kind === 'compare' &&
    filter.op === 'eq' &&
    filter.path.name.toLowerCase() === 'value' &&
    !filter.path.sub &&
    typeof filter.value === 'string'
  )
    return [filter.value];
  if (filter.kind === 'or') {
    const parts = filter.filters.map(idsOf);
    return parts.every((p): p is string[] => p !== undefined) ? parts.flat() : undefined;
  }
  return undefined;
}

/**
 * Turns the `members` operations of a parsed PATCH into steps, validating every id before anything is written.
 * Entra's shapes (scim/entra-quirks.ts: memberValueList, readOnlyDecorations, removeOnlyListedValues): `Add`/`add`
 * with `[{"value"}]` or `[{"$ref": null, "value"}]`; default-mode `Remove` with a `value` list (remove only those,
 * never all); flag-mode `remove` with `members[value eq "id"]`; `replace`.
 */
export function memberSteps(ops: PatchOperation[]): MemberStep[] {
  const steps: MemberStep[] = [];
  for (const op of ops) {
    const path = op.path;
    if (!path) continue;
    if (path.resolved.sub || path.parsed.sub) {
      throw badRequest(
        'invalidPath',
        `${op.where}: address members as 'members' or 'members[value eq "<id>"]', not '${path.text}'`,
      );
    }
    const filter = path.parsed.valueFilter;
    if (op.op === 'remove') {
      if (filter) {
        const ids = idsOf(filter);
        steps.push(
          ids
            ? { kind: 'remove', ids: checkIds(ids, op.where) }
            : { kind: 'removeWhere', filter, attr: path.resolved.attr },
        );
      } else if (op.value === undefined || op.value === null) {
        steps.push({ kind: 'clear' });
      } else {
        steps.push({ kind: 'remove', ids: checkIds(op.value, op.where) });
      }
      continue;
    }
    if (filter)
      throw badRequest(
        'invalidPath',
        `${op.where}: "${op.op}" on '${path.text}' is not supported; add members with path 'members' and a value list`,
      );
    const ids = checkIds(op.value, op.where);
    steps.push(op.op === 'add' ? { kind: 'add', ids } : { kind: 'set', ids });
  }
  return steps;
}

/** Steps that cannot be turned into writes without knowing who the members are now. */
export function needsCurrent(steps: MemberStep[]): boolean {
  return steps.some((s) => s.kind === 'set' || s.kind === 'clear' || s.kind === 'removeWhere');
}

export interface MemberChanges {
  add: string[];
  remove: string[];
}

/**
 * The writes that take the group from its current members to the requested ones. Without the current list,
 * the last step naming an id wins (add-then-remove removes); re-adding and re-removing are harmless upstream.
 */
export function memberChanges(steps: MemberStep[], current?: MemberRef[]): MemberChanges {
  if (!current) {
    const intent = new Map<string, 'add' | 'remove'>();
    for (const s of steps) {
      if (s.kind === 'add' || s.kind === 'remove') for (const id of s.ids) intent.set(id, s.kind);
      else throw new Error('memberChanges needs the current members for replace/clear/filtered remove');
    }
    const pick = (k: 'add' | 'remove'): string[] => [...intent].filter(([, v]) => v === k).map(([id]) => id);
    return { add: pick('add'), remove: pick('remove') };
  }
  const before = new Map(current.map((m) => [m.value.toLowerCase(), m]));
  const after = new Map(before);
  for (const s of steps) {
    switch (s.kind) {
      case 'add':
        for (const id of s.ids) if (!after.has(id)) after.set(id, { value: id, $ref: '', type: 'User' });
        break;
      case 'remove':
        for (const id of s.ids) after.delete(id);
        break;
      case 'set':
        after.clear();
        for (const id of s.ids) after.set(id, before.get(id) ?? { value: id, $ref: '', type: 'User' });
        break;
      case 'clear':
        after.clear();
        break;
      case 'removeWhere':
        for (const [id, m] of [...after]) if (matchesElement(s.filter, m, s.attr)) after.delete(id);
        break;
    }
  }
  return {
    add: [...after.keys()].filter((id) => !before.has(id)),
    remove: [...before.keys()].filter((id) => !after.has(id)),
  };
}

/** What one read of a group's members saw: who is in it, and whether that is everyone. */
export interface MembersSeen {
  ids: ReadonlySet<string>;
  complete: boolean;
}

/**
 * The writes still needed after a read of the members: an add of someone already in the group is dropped, and, when
 * the read saw everyone, so is a remove of someone not in it. Whoever the read did not see is written (a re-add or
 * re-remove JumpCloud answers counts as done), so a re-sent PATCH repeats no member the read shows done.
 */
export function stillNeeded(changes: MemberChanges, seen: MembersSeen): MemberChanges {
  return {
    add: changes.add.filter((id) => !seen.ids.has(id)),
    remove: changes.remove.filter((id) => !seen.complete || seen.ids.has(id)),
  };
}

/** `paths` lists the graph paths to the group; a direct membership has a one-hop path. Absent paths: trust the type. */
export function isDirect(m: GraphObjectWithPaths): boolean {
  const paths: unknown = isRecord(m) ? m.paths : undefined;
  if (!Array.isArray(paths) || paths.length === 0) return true;
  return paths.some((p) => Array.isArray(p) && p.length <= 1);
}
