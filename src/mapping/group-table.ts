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
   * The user group field that stores it, `members` for the group's member edges, `description.<key>`: a key of the
   * bridge's marked trailer at the end of the description (the admin's text before it is kept), or
   * `attributes.<key>`: a key of the group's `attributes` object. Such a key is a group custom attribute, inherited
   * by every member and releasable to SAML apps (fact `groupCustomAttributes`), so only an admin's own row uses it.
   */
  target: UserGroupTextField | 'members' | CustomTarget | DescriptionTarget;
  /** Where the previous layout kept this value: read when the new place is empty, and removed on the next write. */
  migrateFrom?: CustomTarget;
  required: boolean;
  caseExact: boolean;
  uniqueness: Uniqueness;
  maxLength?: number;
  description: string;
}

/** The group's member edges: not a field of the group record but the v2 graph. */
const MEMBERS = 'members';
const TARGETS: readonly string[] = [...USER_GROUP_TEXT_FIELDS, MEMBERS];
export type DescriptionTarget = `description.${string}`;
const DESCRIPTION_TARGET = /^description\.([A-Za-z][A-Za-z0-9]{0,63})$/;

/** The key in the group's `attributes` object a row stores into, if it does. */
export function attributeKey(target: GroupRow['target']): string | undefined {
  return customAttributeName(target);
}

/** The key in the description's trailer a row stores into, if it does. */
function trailerKey(target: GroupRow['target']): string | undefined {
  return DESCRIPTION_TARGET.exec(target)?.[1];
}

/**
 * The bridge's bookkeeping at the end of a group's description: ` [scim-bridge externalId=<value>]`, values
 * percent-encoded so no `]`, `;` or newline can end it early. It is visible in JumpCloud's console, which is the
 * price of a place that members do not inherit and SAML apps do not receive (docs/decisions.md §2b).
 */
const TRAILER = /\s*\[scim-bridge ([^\]]*)\]$/;
const TRAILER_OPEN = '[scim-bridge ';

/** A description split into the admin's text and the bridge's keys. */
function splitDescription(description: unknown): { text: string; keys: Record<string, string> } {
  const full = typeof description === 'string' ? description : '';
  const match = TRAILER.exec(full);
  if (!match) return { text: full, keys: {} };
  const keys: Record<string, string> = {};
  for (const pair of (match[1] ?? '').split(';')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    try {
      keys[pair.slice(0, eq).trim()] = decodeURIComponent(pair.slice(eq + 1).trim());
    } catch {
      // A trailer an admin edited into something undecodable is not the bridge's any more: the text keeps it.
      return { text: full, keys: {} };
    }
  }
  return { text: full.slice(0, match.index), keys };
}

/** The admin's text with the bridge's keys as a trailer (none: the text alone). */
function joinDescription(text: string, keys: Record<string, string>): string {
  const pairs = Object.entries(keys)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`);
  if (pairs.length === 0) return text;
  return `${text}${text === '' ? '' : ' '}${TRAILER_OPEN}${pairs.join('; ')}]`;
}

function compileRow(raw: unknown, index: number): GroupRow {
  const where = `groups row ${index + 1}`;
  if (!isRecord(raw) || typeof raw.scim !== 'string' || typeof raw.jumpcloud !== 'string')
    throw new Error(`${where} needs string 'scim' and 'jumpcloud' keys`);
  if (!/^[A-Za-z][\w$-]*$/.test(raw.scim))
    throw new Error(`${where}: '${raw.scim}' is not a top-level SCIM Group attribute name`);
  const target = (TARGETS.find((t) => t === raw.jumpcloud) ??
    (customAttributeName(raw.jumpcloud) || DESCRIPTION_TARGET.test(raw.jumpcloud) ? raw.jumpcloud : undefined)) as
    GroupRow['target'] | undefined;
  if (!target)
    throw new Error(
      `${where}: '${raw.jumpcloud}' is not a JumpCloud user group field the bridge can write (${TARGETS.join(', ')}, description.<key> or attributes.<key>)`,
    );
  const migrateFrom = raw.migrateFrom;
  if (migrateFrom !== undefined && (typeof migrateFrom !== 'string' || !customAttributeName(migrateFrom)))
    throw new Error(`${where}: 'migrateFrom' must be attributes.<key> (where the previous layout kept the value)`);
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
    ...(typeof migrateFrom === 'string' ? { migrateFrom: migrateFrom as CustomTarget } : {}),
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
 * The text fields of a group write, the keys of its `attributes` object and of its description trailer; a field the
 * table maps but the document leaves out is written as '' (a key as '' is removed).
 */
export type GroupFields = Partial<Record<UserGroupTextField, string>> & {
  attributes?: Record<string, string>;
  trailer?: Record<string, string>;
};

/** What a group holds for one row ('' when nothing). */
function heldValue(group: UserGroup, row: GroupRow): string {
  const attributes = group.attributes ?? undefined;
  const key = attributeKey(row.target);
  const trailer = trailerKey(row.target);
  let v: unknown;
  if (key !== undefined) v = attributes?.[key];
  else if (trailer !== undefined) v = splitDescription(group.description).keys[trailer];
  else if (row.target === 'description') v = splitDescription(group.description).text;
  else if (row.target !== MEMBERS) v = group[row.target as UserGroupTextField];
  const legacy = row.migrateFrom ? attributeKey(row.migrateFrom) : undefined;
  if ((v === undefined || v === '') && legacy !== undefined) v = attributes?.[legacy];
  return typeof v === 'string' ? v : '';
}

/** What a write says for one row ('' when nothing). */
export function writtenValue(write: GroupFields, row: GroupRow): string {
  const key = attributeKey(row.target);
  const trailer = trailerKey(row.target);
  return (
    (key !== undefined
      ? write.attributes?.[key]
      : trailer !== undefined
        ? write.trailer?.[trailer]
        : row.target === MEMBERS
          ? undefined
          : write[row.target as UserGroupTextField]) ?? ''
  );
}

/** The JumpCloud field a row's value ends up in (`attributes` keys are reported by the caller). */
export function storedField(row: GroupRow): string {
  return trailerKey(row.target) !== undefined ? 'description' : row.target;
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
      const trailer = trailerKey(row.target);
      if (key !== undefined) out.attributes = { ...out.attributes, [key]: v ?? '' };
      else if (trailer !== undefined) out.trailer = { ...out.trailer, [trailer]: v ?? '' };
      else out[row.target as UserGroupTextField] = v ?? '';
    }
    return out;
  }

  /** Whether a group still holds a value where the previous layout kept it (the next write moves it). */
  holdsPreviousLayout(group: UserGroup): boolean {
    const attributes = group.attributes ?? {};
    return this.rows.some((r) => {
      const legacy = r.migrateFrom ? attributeKey(r.migrateFrom) : undefined;
      return legacy !== undefined && legacy in attributes;
    });
  }

  /**
   * The body of a create (`current` undefined) or of a full-update PUT: the mapped fields, the description as the
   * admin's text (kept when no row maps it) plus the bridge's trailer, and the `attributes` object as the group holds
   * it with the mapped keys applied and every `migrateFrom` key of the previous layout removed. `carried` is what the
   * PUT sends back unchanged (the group's settings, dynamic query...).
   */
  writeBody(
    current: UserGroup | undefined,
    fields: GroupFields & { name: string },
    carried: Record<string, unknown> = {},
  ): UserGroupWrite {
    const { attributes: keys, trailer, ...text } = fields;
    const held = splitDescription(current?.description);
    const adminText = text.description ?? held.text;
    const trailerKeys = { ...held.keys, ...(trailer ?? {}) };
    const description = joinDescription(adminText, trailerKeys);
    const attributes: Record<string, unknown> = { ...(current?.attributes ?? {}) };
    const legacy = this.rows.flatMap((r) => (r.migrateFrom ? [attributeKey(r.migrateFrom) ?? ''] : []));
    let migrated = false;
    for (const k of legacy) {
      if (k in attributes) migrated = true;
      delete attributes[k];
    }
    for (const [k, v] of Object.entries(keys ?? {})) {
      if (v === '') delete attributes[k];
      else attributes[k] = v;
    }
    const sendAttributes =
      keys !== undefined || migrated || (current === undefined && Object.keys(attributes).length > 0);
    const body: Record<string, unknown> = { ...carried, ...text, name: fields.name };
    if (current === undefined) {
      for (const [k, v] of Object.entries(body)) if (v === '') delete body[k];
      if (description !== '') body.description = description;
      if (Object.keys(attributes).length) body.attributes = attributes;
      return body as unknown as UserGroupWrite;
    }
    if (description !== '' || 'description' in text || current.description) body.description = description;
    const wasNull = current.attributes === null || current.attributes === undefined;
    if (sendAttributes && !(wasNull && Object.keys(attributes).length === 0)) body.attributes = attributes;
    return body as unknown as UserGroupWrite;
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
