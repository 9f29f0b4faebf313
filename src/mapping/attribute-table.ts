import type { ScimDoc } from '../scim/resource.js';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../config.js';
import { CORE_USER, ENTERPRISE_USER, ResourceSchema, attribute } from '../scim/schema.js';
import type { AttributeDef, Mutability, Returned, SchemaDef, Uniqueness } from '../scim/attribute-def.js';
import type { AttrPath } from '../scim/filter.js';
import { applyPatch, type PatchOperation } from '../scim/patch.js';
import {
  SYSTEM_USER_FIELDS,
  type SystemUser,
  type SystemUserWritable,
  type SystemUserWritableField,
} from '../jumpcloud/types.js';
import { isRecord } from '../util/guards.js';
import { WINDOWS_USERNAME_MAX, parseUsernameRule, type UsernameRule } from './usernames.js';
import { CUSTOM_ATTRIBUTE_NAME } from './codecs.js';
import { customValues } from './custom-attributes.js';
import {
  MEMBER_OF,
  codecs,
  isWritableField,
  type Codec,
  type CodecRow,
  type JumpCloudWrite,
  type MappingOptions,
  type Target,
  type ViewContext,
} from './codecs.js';

/** One row of config/mapping.json, compiled. */
export interface AttributeRow extends CodecRow {
  path: AttrPath;
  /** The document keys of `path` (`[uri?, name, sub?]`), computed once: toScim walks them for every user it renders. */
  keys: readonly string[];
  codec: Codec;
  codecName: string;
  required: boolean;
  caseExact: boolean;
  uniqueness: Uniqueness;
  mutability: Mutability;
  returned: Returned;
  description: string;
}

const TARGETS: readonly Extract<Target, { kind: 'field' }>['field'][] = [...SYSTEM_USER_FIELDS, MEMBER_OF];
const CUSTOM = /^attributes\.(.*)$/;

/** Fact `customAttributeNames`: JumpCloud custom attribute names are fewer than 32 letters and digits. */
function customAttributeName(name: string, where: string): string {
  if (!CUSTOM_ATTRIBUTE_NAME.test(name))
    throw new Error(
      `${where}: 'attributes.${name}' is not a JumpCloud custom attribute name: it must be fewer than 32 characters, letters and digits only, starting with a letter`,
    );
  return name;
}

function splitScimPath(text: string): AttrPath {
  let uri: string | undefined;
  let rest = text;
  if (/^urn:/i.test(text)) {
    const cut = text.lastIndexOf(':');
    uri = text.slice(0, cut);
    rest = text.slice(cut + 1);
  }
  const [name = '', sub, extra] = rest.split('.');
  if (
    !/^[A-Za-z][\w$-]*$/.test(name) ||
    (sub !== undefined && !/^[A-Za-z$][\w$-]*$/.test(sub)) ||
    extra !== undefined
  ) {
    throw new Error(`'${text}' is not a SCIM attribute path`);
  }
  return { ...(uri ? { uri } : {}), name, ...(sub !== undefined ? { sub } : {}) };
}

function compileRow(raw: unknown, index: number, available: Record<string, Codec>): AttributeRow {
  const where = `mapping row ${index + 1}`;
  if (!isRecord(raw) || typeof raw.scim !== 'string' || typeof raw.jumpcloud !== 'string') {
    throw new Error(`${where} needs string 'scim' and 'jumpcloud' keys`);
  }
  const path = splitScimPath(raw.scim);
  const custom = CUSTOM.exec(raw.jumpcloud);
  const field = TARGETS.find((f) => f === raw.jumpcloud);
  let target: Target;
  if (custom?.[1] !== undefined) target = { kind: 'custom', name: customAttributeName(custom[1], where) };
  else if (field) target = { kind: 'field', field };
  else throw new Error(`${where}: '${raw.jumpcloud}' is neither a JumpCloud systemuser field nor 'attributes.<name>'`);
  const codecName = typeof raw.codec === 'string' ? raw.codec : raw.type === 'dateTime' ? 'dateTime' : 'plain';
  const codec = available[codecName];
  if (!codec) throw new Error(`${where}: unknown codec '${codecName}' (known: ${Object.keys(available).join(', ')})`);
  const pick = <T extends string>(key: string, allowed: readonly T[], dflt: T): T => {
    const v = raw[key];
    if (v === undefined) return dflt;
    const hit = allowed.find((a) => a === v);
    if (!hit) throw new Error(`${where}: '${key}' must be one of ${allowed.join(', ')}`);
    return hit;
  };
  return {
    scim: raw.scim,
    path,
    keys: docKeys(path),
    target,
    codec,
    codecName,
    ...(typeof raw.maxLength === 'number' ? { maxLength: raw.maxLength } : {}),
    required: raw.required === true,
    caseExact: raw.caseExact === true,
    uniqueness: pick('uniqueness', ['none', 'server', 'global'] as const, 'none'),
    mutability: pick('mutability', ['readOnly', 'readWrite', 'immutable', 'writeOnly'] as const, 'readWrite'),
    returned: pick('returned', ['always', 'never', 'default', 'request'] as const, 'default'),
    description: typeof raw.description === 'string' ? raw.description : '',
  };
}

function definition(row: AttributeRow, name: string): AttributeDef {
  return attribute(name, {
    ...row.codec.shape,
    description: row.description,
    required: row.required,
    caseExact: row.caseExact,
    mutability: row.mutability,
    returned: row.returned,
    uniqueness: row.uniqueness,
  });
}

/** Turns rows into RFC 7643 schema definitions: `name.givenName` rows become sub-attributes of `name`. */
function schemasFrom(rows: AttributeRow[]): { core: SchemaDef; extensions: SchemaDef[] } {
  const bySchema = new Map<string, AttributeDef[]>();
  for (const row of rows) {
    if (row.path.name === 'meta' || row.path.name === 'id' || row.path.name === 'externalId') continue; // common attributes
    const urn = row.path.uri ?? CORE_USER;
    const list = bySchema.get(urn) ?? [];
    bySchema.set(urn, list);
    if (row.path.sub === undefined) {
      list.push(definition(row, row.path.name));
      continue;
    }
    let parent = list.find((a) => a.name === row.path.name);
    if (!parent) {
      parent = attribute(row.path.name, { type: 'complex', subAttributes: [], description: '' });
      list.push(parent);
    }
    parent.subAttributes?.push(definition(row, row.path.sub));
  }
  const externalId = rows.find((r) => r.path.name === 'externalId' && !r.path.uri);
  const core: SchemaDef = {
    id: CORE_USER,
    name: 'User',
    description: 'User Account',
    attributes: [...(externalId ? [definition(externalId, 'externalId')] : []), ...(bySchema.get(CORE_USER) ?? [])],
  };
  const extensions = [...bySchema.entries()]
    .filter(([urn]) => urn !== CORE_USER)
    .map(([urn, attributes]) => ({
      id: urn,
      name: urn === ENTERPRISE_USER ? 'EnterpriseUser' : urn.slice(urn.lastIndexOf(':', urn.length - 1) + 1) || urn,
      description:
        urn === ENTERPRISE_USER ? 'Enterprise User' : 'Custom extension mapped to JumpCloud custom attributes',
      attributes,
    }));
  return { core, extensions };
}

/** The writable systemuser field a row stores into (not a custom attribute, not a read-only field). */
export function fieldOf(row: AttributeRow | undefined): SystemUserWritableField | undefined {
  return row?.target.kind === 'field' && isWritableField(row.target.field) ? row.target.field : undefined;
}

/** The fields of one unique row: a value a write sets in any of them clashes with another user's value in any of them. */
export interface UniqueRow {
  row: AttributeRow;
  fields: readonly SystemUserWritableField[];
}

/** RFC 7643 §4.1's userName: every table maps it (checked at load), and the Users resource's own rules name it. */
const USER_NAME = 'userName';

export class UserTable {
  readonly schema: ResourceSchema;
  /** The row of SCIM `userName` (JumpCloud's username through the `userName` codec): derive mode, username rules, uniqueness. */
  readonly userNameRow: AttributeRow;
  /** The row of the user's emails (`email` codec), if mapped: a lost create's lookup compares what it stores. */
  readonly emailsRow: AttributeRow | undefined;
  /** The row of the manager (`manager` codec), if mapped: JumpCloud refuses a write naming an unknown manager. */
  readonly managerRow: AttributeRow | undefined;
  /** The row of the read-only group memberships (`memberOf` codec), which live in JumpCloud's v2 graph. */
  readonly groupsRow: AttributeRow | undefined;

  /**
   * The longest username the bridge sends: 20 (every documented rule, Windows logins included) unless the mapping
   * file's `usernameRule.maxLength` allows more.
   */
  readonly usernameMaxLength: number;

  constructor(
    readonly rows: AttributeRow[],
    usernameRule?: UsernameRule,
  ) {
    this.usernameMaxLength = usernameRule?.maxLength ?? WINDOWS_USERNAME_MAX;
    const { core, extensions } = schemasFrom(rows);
    this.schema = new ResourceSchema('User', '/Users', core, extensions);
    const userName = rows.find((r) => r.scim === USER_NAME);
    if (!userName) throw new Error(`the '${USER_NAME}' row is required`);
    this.userNameRow = userName;
    const byCodec = (name: string): AttributeRow | undefined => rows.find((r) => r.codecName === name);
    this.emailsRow = byCodec('email');
    this.managerRow = byCodec('manager');
    this.groupsRow = byCodec('memberOf');
    this.uniqueRows = rows.flatMap((row) => {
      const field = fieldOf(row);
      return row.uniqueness === 'none' || !field ? [] : [{ row, fields: row.codec.uniqueAcross ?? [field] }];
    });
  }

  /** The rows whose values JumpCloud requires unique (`uniqueness` not none), with the fields each writes them to. */
  readonly uniqueRows: readonly UniqueRow[];

  /**
   * The row a PATCH operation writes without knowing the current user, or undefined. It must address a row exactly
   * (no value filter, no sub-attribute of a row), be a writable systemuser field (custom attributes go to JumpCloud as
   * one replaced list) other than the userName (its keep rule needs the current username), not remove a required
   * attribute, and its codec must say the operation stands alone (arrays are merged with what JumpCloud holds).
   */
  standaloneRow(op: PatchOperation): AttributeRow | undefined {
    if (!op.path || op.path.parsed.valueFilter || op.path.parsed.sub) return undefined;
    const { path } = op.path.parsed;
    const row = this.rowFor(path);
    const exact = row && (row.path.sub ?? '').toLowerCase() === (path.sub ?? '').toLowerCase();
    if (!row || !exact || row === this.userNameRow || !fieldOf(row) || row.mutability === 'readOnly') return undefined;
    // What the operation leaves on an empty resource is what it writes, whatever the user holds now.
    const value = valueAt(applyPatch({}, [op]), row.path);
    if (row.required && (value === undefined || value === '')) return undefined;
    return row.codec.standalone?.(op.op, value) ? row : undefined;
  }

  /**
   * Is `found` (a user the lost-create lookup found by username) the one a create that sent `sent` made? Only if
   * it stores what the create wrote to the emails row, by the row's case rule. Without an emails row nothing tells
   * two users apart, so nothing is adopted.
   */
  holdsCreate(found: SystemUser, sent: SystemUserWritable): boolean {
    const field = fieldOf(this.emailsRow);
    if (!field || !this.emailsRow) return false;
    const [a, b] = [found[field], sent[field]];
    if (typeof a !== 'string' || typeof b !== 'string') return false;
    return sameValue(this.emailsRow, a, b);
  }

  /** The row that stores a resolved attribute, or the row of the sub-attribute when the path names one. */
  rowFor(path: AttrPath): AttributeRow | undefined {
    const resolved = this.schema.resolve(path);
    if (!resolved) return undefined;
    const [a, b, c] = resolved.schema === CORE_USER ? [undefined, ...resolved.keys] : resolved.keys;
    const eq = (x: string | undefined, y: string | undefined): boolean =>
      (x ?? '').toLowerCase() === (y ?? '').toLowerCase();
    return this.rows.find(
      (r) => eq(r.path.uri, a) && eq(r.path.name, b) && (r.path.sub === undefined || eq(r.path.sub, c)),
    );
  }

  /**
   * JumpCloud systemuser → SCIM User (without id/meta/schemas, which the resource layer adds). With `view`, reference
   * attributes carry their `$ref`; without it (comparisons, change detection) they do not, so a write never counts a
   * `$ref` as a change.
   */
  toScim(user: SystemUser, view?: ViewContext): ScimDoc {
    const custom = customValues(user);
    const doc: ScimDoc = {};
    for (const row of this.rows) {
      const value = row.codec.read(user, custom, row, view);
      if (value === undefined) continue;
      const { keys } = row;
      let node = doc;
      for (const k of keys.slice(0, -1)) {
        const next = isRecord(node[k]) ? (node[k] as ScimDoc) : {};
        node[k] = next;
        node = next;
      }
      node[keys[keys.length - 1] as string] = value;
    }
    return doc;
  }

  /** SCIM User (already normalised to canonical names) → the JumpCloud write that stores it (all rows, or the given ones). */
  toJumpCloud(
    doc: ScimDoc,
    rows: readonly AttributeRow[] = this.rows,
    options: { lenient?: boolean; current?: SystemUser } = {},
  ): JumpCloudWrite {
    const out: JumpCloudWrite = { fields: {}, custom: {} };
    for (const row of rows) {
      if (row.mutability === 'readOnly') continue;
      try {
        row.codec.write(valueAt(doc, row.path), row, out, options.current);
      } catch (e) {
        // Lenient: the current JumpCloud state may break rules the bridge enforces on writes; such a row simply
        // counts as changed, and its new value is validated.
        if (!options.lenient) throw e;
      }
    }
    return out;
  }
}

/** Where `path` lives in a SCIM document: `["urn:…:User", "manager", "value"]`, `["name", "givenName"]`. */
function docKeys(path: AttrPath): string[] {
  return [...(path.uri ? [path.uri] : []), path.name, ...(path.sub ? [path.sub] : [])];
}

/** A copy of `doc` with the value at `path` set (the containers on the way are copied, the rest is shared). */
export function withValueAt(doc: ScimDoc, path: AttrPath, value: unknown): ScimDoc {
  const keys = docKeys(path);
  const set = (node: unknown, i: number): ScimDoc => {
    const copy: ScimDoc = isRecord(node) ? { ...node } : {};
    const key = keys[i] as string;
    copy[key] = i === keys.length - 1 ? value : set(copy[key], i + 1);
    return copy;
  };
  return set(doc, 0);
}

/** The string at `path`, if there is one. */
export function stringAt(doc: ScimDoc, path: AttrPath): string | undefined {
  const v = valueAt(doc, path);
  return typeof v === 'string' ? v : undefined;
}

export function valueAt(doc: ScimDoc, path: AttrPath): unknown {
  let node: unknown = path.uri ? doc[path.uri] : doc;
  for (const k of [path.name, ...(path.sub ? [path.sub] : [])]) {
    if (!isRecord(node)) return undefined;
    node = node[k];
  }
  return node;
}

export interface AttributeTable {
  users: UserTable;
  /** The raw `groups` rows, if the file has any (the Groups resource compiles its own). */
  raw: Record<string, unknown>;
}

/** Reads and validates the mapping file; a bad file stops start-up with one line naming the problem. */
export function loadAttributeTable(file: string, options: MappingOptions): AttributeTable {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(`MAPPING_FILE ${file} could not be read as JSON: ${(e as Error).message}`);
  }
  if (!isRecord(parsed) || !Array.isArray(parsed.users))
    throw new ConfigError(`MAPPING_FILE ${file} must be an object with a 'users' array`);
  let available: Record<string, Codec>;
  let usernameRule: UsernameRule | undefined;
  try {
    usernameRule = parseUsernameRule(parsed.usernameRule) ?? options.usernameRule;
    available = codecs({ ...options, usernameRule });
  } catch (e) {
    throw new ConfigError(`MAPPING_FILE ${file}: ${(e as Error).message}`);
  }
  try {
    const rows = parsed.users.map((r: unknown, i) => compileRow(r, i, available));
    const seen = new Set<string>();
    for (const r of rows) {
      const key = r.scim.toLowerCase();
      if (seen.has(key)) throw new Error(`'${r.scim}' is mapped twice`);
      seen.add(key);
    }
    return { users: new UserTable(rows, usernameRule), raw: parsed };
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(`MAPPING_FILE ${file}: ${(e as Error).message}`);
  }
}

/** Two values of a row are the same by its case rule (`caseExact`). */
export const sameValue = (row: { readonly caseExact: boolean }, a: string, b: string): boolean =>
  row.caseExact ? a === b : a.toLowerCase() === b.toLowerCase();
