import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, packageRoot } from '../config.js';
import { badRequest } from '../scim/errors.js';
import type { AttrPath } from '../scim/filter.js';
import { CORE_GROUP, ResourceSchema, attribute } from '../scim/schema.js';
import type { AttributeDef, SchemaDef, Uniqueness } from '../scim/attribute-def.js';
import type { ScimDoc } from '../scim/resource.js';
import {
  USER_GROUP_TEXT_FIELDS,
  type UserGroup,
  type UserGroupTextField,
  type UserGroupWrite,
} from '../jumpcloud/types.js';
import { isRecord } from '../util/guards.js';
import type { Drift } from './drift.js';
import { customAttributeName, type CustomTarget } from './custom-attributes.js';

/**
 * One row of the `groups` section of config/mapping.json, compiled. A JumpCloud user group stores a few free-text
 * fields (`name`, `description`, `email`) and its member edges; a row maps one SCIM Group attribute to one of them.
 */
export interface GroupRow {
  /** The SCIM attribute (a top-level Group attribute name). */
  scim: string;
  /**
   * The user group field that stores it, `members` for the group's member edges, or `attributes.<key>`: a key of
   * the group's `attributes` object (open in v2's schema), which leaves the admin's text fields alone.
   */
  target: UserGroupTextField | 'members' | CustomTarget;
  required: boolean;
  caseExact: boolean;
  uniqueness: Uniqueness;
  maxLength?: number;
  description: string;
}

/** The group's member edges: not a field of the group record but the v2 graph. */
const MEMBERS = 'members';
const TARGETS: readonly string[] = [...USER_GROUP_TEXT_FIELDS, MEMBERS];

/** The key in the group's `attributes` object a row stores into, if it does. */
export function attributeKey(target: GroupRow['target']): string | undefined {
  return customAttributeName(target);
}

function compileRow(raw: unknown, index: number): GroupRow {
  const where = `groups row ${index + 1}`;
  if (!isRecord(raw) || typeof raw.scim !== 'string' || typeof raw.jumpcloud !== 'string')
    throw new Error(`${where} needs string 'scim' and 'jumpcloud' keys`);
  if (!/^[A-Za-z][\w$-]*$/.test(raw.scim))
    throw new Error(`${where}: '${raw.scim}' is not a top-level SCIM Group attribute name`);
  const target = (TARGETS.find((t) => t === raw.jumpcloud) ??
    (customAttributeName(raw.jumpcloud) ? raw.jumpcloud : undefined)) as GroupRow['target'] | undefined;
  if (!target)
    throw new Error(
      `${where}: '${raw.jumpcloud}' is not a JumpCloud user group field the bridge can write (${TARGETS.join(', ')}, or attributes.<key>)`,
    );
  // RFC 7643 §4.2: `members` is the Group's member list, and the member edges can hold nothing else.
  if ((target === MEMBERS) !== (raw.scim.toLowerCase() === MEMBERS))
    throw new Error(`${where}: the SCIM 'members' attribute and the group's 'members' edges map only to each other`);
  const uniqueness = raw.uniqueness === undefined ? 'none' : raw.uniqueness;
  if (uniqueness !== 'none' && uniqueness !== 'server' && uniqueness !== 'global')
    throw new Error(`${where}: 'uniqueness' must be none, server or global`);
  return {
    scim: target === MEMBERS ? MEMBERS : raw.scim,
    target,
    required: raw.required === true,
    caseExact: raw.caseExact === true,
    uniqueness,
    ...(typeof raw.maxLength === 'number' ? { maxLength: raw.maxLength } : {}),
    description: typeof raw.description === 'string' ? raw.description : '',
  };
}

/** RFC 7643 §4.2 `members`, as a JumpCloud group can hold them: users only, by id. */
function membersDef(row: GroupRow): AttributeDef {
  return attribute(MEMBERS, {
    type: 'complex',
    multiValued: true,
    description: row.description,
    subAttributes: [
      attribute('value', {
        caseExact: true,
        mutability: 'immutable',
        description: 'The member’s SCIM id (a JumpCloud user id).',
      }),
      attribute('$ref', {
        type: 'reference',
        caseExact: true,
        mutability: 'immutable',
        referenceTypes: ['User'],
        description: 'URI of the member User.',
      }),
      attribute('type', {
        caseExact: false,
        mutability: 'immutable',
        canonicalValues: ['User'],
        description: "Always 'User': JumpCloud user groups hold users only.",
      }),
      attribute('display', {
        mutability: 'readOnly',
        description: 'Not returned: naming each member would cost one JumpCloud call per member.',
      }),
      attribute('primary', {
        type: 'boolean',
        description: 'Accepted (RFC 7643 §2.4); not stored: a JumpCloud membership has no primary flag.',
      }),
    ],
  });
}

/**
 * The text fields of a group write, and the keys of its `attributes` object; a field the table maps but the
 * document leaves out is written as '' (an attribute key as '' is removed).
 */
export type GroupFields = Partial<Record<UserGroupTextField, string>> & { attributes?: Record<string, string> };

/** What a group holds for one row ('' when nothing). */
function heldValue(group: UserGroup, row: GroupRow): string {
  const key = attributeKey(row.target);
  const v =
    key !== undefined
      ? (group.attributes ?? undefined)?.[key]
      : row.target === MEMBERS
        ? undefined
        : group[row.target as UserGroupTextField];
  return typeof v === 'string' ? v : '';
}

/** What a write says for one row ('' when nothing). */
export function writtenValue(write: GroupFields, row: GroupRow): string {
  const key = attributeKey(row.target);
  return (
    (key !== undefined
      ? write.attributes?.[key]
      : row.target === MEMBERS
        ? undefined
        : write[row.target as UserGroupTextField]) ?? ''
  );
}

/** Which SCIM resource type a group table describes: Groups, or another type JumpCloud stores as user groups. */
export interface TableIdentity {
  resourceType: string;
  endpoint: string;
  /** The URN of its core schema. */
  schemaId: string;
}

const GROUP: TableIdentity = { resourceType: 'Group', endpoint: '/Groups', schemaId: CORE_GROUP };

export class GroupTable {
  readonly schema: ResourceSchema;
  /** The row stored in the group's `name`, which JumpCloud requires (checked at load). */
  readonly nameRow: GroupRow;

  constructor(
    readonly rows: GroupRow[],
    identity: TableIdentity = GROUP,
  ) {
    const name = rows.find((r) => r.target === 'name');
    if (!name) throw new Error("groups: a row must map to the group's 'name' (JumpCloud requires a group name)");
    this.nameRow = name;
    const attrs = rows.map((row) =>
      row.target === MEMBERS
        ? membersDef(row)
        : attribute(row.scim, {
            required: row.required,
            caseExact: row.caseExact,
            uniqueness: row.uniqueness,
            description: row.description,
          }),
    );
    // externalId is a common attribute (RFC 7643 §3.1); it is listed first, as the User schema does.
    attrs.sort((a, b) => Number(b.name === 'externalId') - Number(a.name === 'externalId'));
    const { resourceType, endpoint, schemaId } = identity;
    const core: SchemaDef = { id: schemaId, name: resourceType, description: resourceType, attributes: attrs };
    this.schema = new ResourceSchema(resourceType, endpoint, core);
  }

  /** The row of the group's member edges, if the file maps them. */
  get membersRow(): GroupRow | undefined {
    return this.rows.find((r) => r.target === MEMBERS);
  }

  /** The row that stores a SCIM attribute path (any letter case), if any. */
  rowFor(p: AttrPath): GroupRow | undefined {
    const resolved = this.schema.resolve({ ...(p.uri ? { uri: p.uri } : {}), name: p.name });
    return resolved ? this.rows.find((r) => r.scim === resolved.attr.name) : undefined;
  }

  /** JumpCloud user group → SCIM Group without id/meta/schemas/members (the resource layer adds them). */
  toScim(group: UserGroup): ScimDoc {
    const doc: ScimDoc = {};
    for (const row of this.rows) {
      if (row.target === MEMBERS) continue;
      const v = heldValue(group, row);
      if (v !== '') doc[row.scim] = v;
    }
    return doc;
  }

  /** Whether a group holds exactly the mapped fields of a write (a missing field counts as ''). */
  holds(group: UserGroup, write: GroupFields): boolean {
    return this.rows.every((r) => r.target === MEMBERS || heldValue(group, r) === writtenValue(write, r));
  }

  /** Each mapped text field of JumpCloud's answer to a write, compared in SCIM terms with what was written. */
  drift(sent: UserGroupWrite, answer: unknown): Drift[] {
    if (!isRecord(answer)) return [];
    const intended = this.toScim({ ...answer, ...sent } as UserGroup);
    const stored = this.toScim(answer as UserGroup);
    return this.rows
      .filter((row) => row.target !== MEMBERS && row.target in sent && intended[row.scim] !== stored[row.scim])
      .map((row) => ({ attribute: row.scim, sent: intended[row.scim], stored: stored[row.scim] }));
  }

  /** SCIM Group (canonical) → the group's mapped text fields; "no value" is written as '' (the PUT is a full update). */
  toJumpCloud(doc: ScimDoc): GroupFields {
    const out: GroupFields = {};
    for (const row of this.rows) {
      if (row.target === MEMBERS) continue;
      const v = doc[row.scim];
      if (v !== undefined && typeof v !== 'string') throw badRequest('invalidValue', `'${row.scim}' must be a string`);
      if (v !== undefined && row.maxLength !== undefined && v.length > row.maxLength) {
        throw badRequest(
          'invalidValue',
          `'${row.scim}' is ${v.length} characters; the bridge stores at most ${row.maxLength}`,
        );
      }
      const key = attributeKey(row.target);
      if (key !== undefined) out.attributes = { ...out.attributes, [key]: v ?? '' };
      else out[row.target as UserGroupTextField] = v ?? '';
    }
    return out;
  }
}

/** The `groups` rows the shipped config/mapping.json holds: used when a MAPPING_FILE predates groups. */
function shippedGroupRows(): unknown {
  const shipped = path.join(packageRoot(), 'config', 'mapping.json');
  const parsed: unknown = JSON.parse(readFileSync(shipped, 'utf8'));
  return isRecord(parsed) ? parsed.groups : undefined;
}

/** Compiles group rows into the table of a resource type stored as user groups (Groups unless `identity` says). */
export function compileGroupTable(rows: readonly unknown[], identity: TableIdentity = GROUP): GroupTable {
  const compiled = rows.map((r: unknown, i) => compileRow(r, i));
  const seen = new Set<string>();
  for (const r of compiled) {
    for (const key of [`scim:${r.scim.toLowerCase()}`, `jc:${r.target}`]) {
      if (seen.has(key)) throw new Error(`groups: '${key.slice(key.indexOf(':') + 1)}' is mapped twice`);
      seen.add(key);
    }
  }
  const table = new GroupTable(compiled, identity);
  if (!table.nameRow.required)
    throw new Error(
      `groups: '${table.nameRow.scim}' must be required (it is the group's name, which JumpCloud requires)`,
    );
  return table;
}

/** Compiles the `groups` section of the already-parsed mapping file (or the shipped one when it has none). */
export function loadGroupTable(raw: Record<string, unknown>, file: string): GroupTable {
  const rows = raw.groups === undefined ? shippedGroupRows() : raw.groups;
  if (!Array.isArray(rows)) throw new ConfigError(`MAPPING_FILE ${file}: 'groups' must be an array`);
  try {
    return compileGroupTable(rows);
  } catch (e) {
    throw new ConfigError(`MAPPING_FILE ${file}: ${(e as Error).message}`);
  }
}
