import type { Filter } from './filter.js';
import type { AttributeDef } from './attribute-def.js';
import { isRecord } from '../util/guards.js';

/**
 * Entra ID's provisioning service departs from RFC 7644 in a few documented ways. Each departure is one named rule
 * here, listed in ENTRA_QUIRKS with the public Microsoft document or issue thread that shows it.
 * The generic code (patch.ts, resource.ts, schema.ts, mapping/codecs.ts, mapping/group-members.ts) calls these
 * rules instead of re-implementing them, and test/unit/scim/entra-quirks.test.ts walks the list, one case per rule.
 * The filter grammar's tolerance (unquoted values; attribute names in any case) is the parser's own, with its
 * positional errors, and is described in docs/decisions.md §1: this module imports the filter's types, so the parser
 * calling back into it would be an import cycle.
 */

/** `op` arrives as `Add`/`Replace`/`Remove` (default mode) or lowercase (aadOptscim062020). */
export function opName(op: unknown): 'add' | 'replace' | 'remove' | undefined {
  if (typeof op !== 'string') return undefined;
  const v = op.trim().toLowerCase();
  return v === 'add' || v === 'replace' || v === 'remove' ? v : undefined;
}

/** Booleans arrive as the strings "True"/"False" (any case) from `Switch([IsSoftDeleted], …)`. */
export function stringBoolean(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const s = v.trim().toLowerCase();
  return s === 'true' ? true : s === 'false' ? false : v;
}

/**
 * With aadOptscim062020, one path-less op carries `{"name.givenName": …, "urn:…:User:employeeNumber": …}`.
 * Dotted and URN keys are attribute paths, not literal keys; an extension URN key may also hold a nested object.
 * Returns one `[path, value]` pair per attribute.
 */
export function splitPathlessValue(
  value: Record<string, unknown>,
  isSchemaUrn: (k: string) => boolean,
): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [key, v] of Object.entries(value)) {
    if (isSchemaUrn(key) && isRecord(v)) {
      for (const [inner, iv] of Object.entries(v)) out.push([`${key}:${inner}`, iv]);
    } else {
      out.push([key, v]);
    }
  }
  return out;
}

/**
 * A manager is cleared by `replace ""`, `replace {"value": ""}`, `replace null` or `remove`. A `$ref` next to an empty
 * `value` is a decoration copied from a read; a `$ref` alone names the manager (RFC 7643 §8.7.2), as generic clients
 * write it.
 */
export function isClearingValue(v: unknown): boolean {
  if (v === null || v === undefined || v === '') return true;
  if (!isRecord(v)) return false;
  const hasValue = Object.keys(v).some((k) => k.toLowerCase() === 'value');
  return Object.keys(v).every((k) => v[k] === null || v[k] === '' || (hasValue && k === '$ref'));
}

/** Member references arrive as `{"value": id}`, `{"$ref": null, "value": id}` or, in Microsoft's garbage tests, a bare id. */
export function memberIds(v: unknown): string[] | undefined {
  const list = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
  const ids: string[] = [];
  for (const e of list) {
    const id = typeof e === 'string' ? e : isRecord(e) && typeof e.value === 'string' ? e.value : undefined;
    if (id === undefined) return undefined;
    ids.push(id);
  }
  return ids;
}

/** Members (and the manager) come back with `$ref`/`display` copied from what Entra read; they are read-only decorations, never data. */
export function isReadOnlyDecoration(key: string): boolean {
  return DECORATIONS.has(key.toLowerCase());
}
const DECORATIONS = new Set(['$ref', 'display', 'displayname']);

/** Legacy Entra wraps single values as `[{"$ref": …, "value": id}]` (e.g. `manager`). One element is that value. */
export function unwrapSingleValueArray(v: unknown): unknown {
  return Array.isArray(v) && v.length === 1 ? v[0] : v;
}

/**
 * Entra writes the manager as a bare id (`"manager": "<id>"`, `"value": "<id>"`) but reads it back
 * as `{"value": "<id>"}`. A string sent for a complex attribute that has a `value` sub-attribute is that value.
 */
export function bareValue(v: unknown): { value: string } | undefined {
  return typeof v === 'string' ? { value: v } : undefined;
}

/**
 * Legacy and observed bodies name an extension attribute without its URN (`"path": "manager"`,
 * `manager[value eq …]`). Such a name means the extension attribute when exactly one extension defines it.
 */
export function unqualifiedExtensionName<T>(matches: readonly T[]): T | undefined {
  return matches.length === 1 ? matches[0] : undefined;
}

/**
 * Entra writes `emails[type eq "work"].value` (and `Replace` alike) to a user that has no work email and expects
 * the element to be created, where RFC 7644 would make it a no-op. The new element starts with the values the
 * filter's `eq` clauses pin down (`{type: "work"}`).
 */
export function elementFromFilter(filter: Filter, parent: AttributeDef): Record<string, unknown> {
  const seed: Record<string, unknown> = {};
  const visit = (f: Filter): void => {
    if (f.kind === 'and') f.filters.forEach(visit);
    if (f.kind === 'compare' && f.op === 'eq' && f.value !== null) {
      const def = parent.subAttributes?.find((s) => s.name.toLowerCase() === f.path.name.toLowerCase());
      if (def) seed[def.name] = f.value;
    }
  };
  visit(filter);
  return seed;
}

/**
 * In default mode Entra removes members with `{"op": "Remove", "path": "members", "value": [{"value": id}]}`.
 * Only the listed values go; RFC 7644 §3.5.2.2 would remove the whole attribute (and empty the group).
 */
export function removeListed<T>(
  list: readonly T[],
  listed: readonly unknown[],
  same: (element: T, value: unknown) => boolean,
): T[] {
  return list.filter((e) => !listed.some((v) => same(e, v)));
}

export interface EntraQuirk {
  /** The rule's name, as tests and docs cite it. */
  name: string;
  /** Public URLs of the Microsoft documentation or issue threads that show Entra doing it, each with what it shows. */
  source: string;
  rule: (...args: never[]) => unknown;
}

/** Microsoft's SCIM tutorial for Entra provisioning (request and response examples, "Group operations"). */
const SCIM_TUTORIAL =
  'https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups';
/** Microsoft's list of Entra's SCIM 2.0 compliance issues, with the `aadOptscim062020` flag's before/after bodies. */
const SCIM_COMPATIBILITY =
  'https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility';
const gh = (repo: string, n: number, kind: 'issues' | 'pull' = 'issues'): string =>
  `https://github.com/${repo}/${kind}/${n}`;

/** Every Entra quirk the bridge absorbs, in one list. */
export const ENTRA_QUIRKS: readonly EntraQuirk[] = [
  {
    name: 'opCase',
    rule: opName,
    source: `"don't require a case-sensitive match on … op" ${SCIM_TUTORIAL}; "op":"Replace" ${gh('Captain-P-Goldfish/scim-for-keycloak', 119)}`,
  },
  {
    name: 'stringBooleans',
    rule: stringBoolean,
    source: `"active": "False" in default-mode PATCH ${SCIM_COMPATIBILITY}; ${gh('thomaspoignant/scim-patch', 872)}, ${gh('scimmyjs/scimmy', 86)}`,
  },
  {
    name: 'pathlessDottedKeys',
    rule: splitPathlessValue,
    source: `aadOptscim062020 path-less replace with "name.givenName" keys ${SCIM_COMPATIBILITY}; ${gh('Captain-P-Goldfish/SCIM-SDK', 267)}, ${gh('pingidentity/scim2', 224)}`,
  },
  {
    name: 'managerClearing',
    rule: isClearingValue,
    source: `manager examples ${SCIM_TUTORIAL} and ${SCIM_COMPATIBILITY}; manager re-PATCHed every cycle ${gh('MicrosoftDocs/azure-docs', 11784)}`,
  },
  {
    name: 'memberValueList',
    rule: memberIds,
    source: `"Group operations" (Remove with a value list) ${SCIM_TUTORIAL}; ${gh('MicrosoftDocs/azure-docs', 30826)}, ${gh('AzureAD/SCIMReferenceCode', 10)}`,
  },
  {
    name: 'removeOnlyListedValues',
    rule: removeListed,
    source: `"Group operations" (Remove with a value list) ${SCIM_TUTORIAL}; ${gh('MicrosoftDocs/azure-docs', 30826)}, ${gh('AzureAD/SCIMReferenceCode', 10)}`,
  },
  {
    name: 'readOnlyDecorations',
    rule: isReadOnlyDecoration,
    source: `group PATCH examples ("$ref": null on members) ${SCIM_TUTORIAL}`,
  },
  {
    name: 'legacySingleValueArray',
    rule: unwrapSingleValueArray,
    source: `Example 5, manager as [{"$ref", "value"}] ${SCIM_TUTORIAL}; the legacy customappsso job ${SCIM_COMPATIBILITY}; ${gh('Azure/AzureAD-BYOA-Provisioning-Samples', 22)}`,
  },
  {
    name: 'filteredPathCreates',
    rule: elementFromFilter,
    source: `${gh('limosa-io/laravel-scim-server', 34)}, ${gh('Captain-P-Goldfish/scim-for-keycloak', 73)}, ${gh('AzureAD/SCIMReferenceCode', 87, 'pull')}`,
  },
  {
    name: 'managerBareId',
    rule: bareValue,
    source: `schema design, "manager": "123456" ${SCIM_TUTORIAL}; "we are only sending ID" https://learn.microsoft.com/en-us/answers/questions/188003/; ${gh('Budibase/budibase', 15369)}, ${gh('MicrosoftDocs/azure-docs', 69234)}`,
  },
  {
    name: 'unqualifiedExtensionName',
    rule: unqualifiedExtensionName,
    source: `Example 5 ("path": "manager") ${SCIM_TUTORIAL}; manager[value eq …] ${gh('thomaspoignant/scim-patch', 453)}`,
  },
];
