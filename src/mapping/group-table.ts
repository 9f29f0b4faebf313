import { ConfigError } from '../config.js';
import { badRequest } from '../scim/errors.js';
import { CORE_GROUP, ResourceSchema, attribute, type AttributeDef, type SchemaDef, type Uniqueness } from '../scim/schema.js';
import type { ScimDoc } from '../scim/resource.js';
import type { UserGroup } from '../jumpcloud/types.js';
import { isRecord } from '../util/guards.js';

/**
 * The `groups` rows of config/mapping.json. A JumpCloud user group has only two fields a SCIM client can own
 * (`name`, `description`) plus its member edges, so the targets are a closed set rather than codecs.
 */
export type GroupTarget = 'name' | 'description' | 'members';

export interface GroupRow {
  scim: 'displayName' | 'externalId' | 'members';
  target: GroupTarget;
  required: boolean;
  caseExact: boolean;
  uniqueness: Uniqueness;
  maxLength?: number;
  description: string;
}

/** Used when a MAPPING_FILE predates groups: the same rows config/mapping.json ships. */
export const DEFAULT_GROUP_ROWS: unknown[] = [
  { scim: 'displayName', jumpcloud: 'name', required: true, caseExact: false, uniqueness: 'server', maxLength: 1024, description: 'The JumpCloud user group name.' },
  { scim: 'externalId', jumpcloud: 'description', caseExact: true, maxLength: 1024, description: "Entra's anchor for the group, kept verbatim as the JumpCloud group description." },
  { scim: 'members', jumpcloud: 'members', description: 'Direct members: JumpCloud users (the SCIM User ids).' },
];

const ALLOWED: Record<GroupRow['scim'], GroupTarget> = { displayName: 'name', externalId: 'description', members: 'members' };

function compileRow(raw: unknown, index: number): GroupRow {
  const where = `groups row ${index + 1}`;
  if (!isRecord(raw) || typeof raw.scim !== 'string' || typeof raw.jumpcloud !== 'string') throw new Error(`${where} needs string 'scim' and 'jumpcloud' keys`);
  const scim = (Object.keys(ALLOWED) as GroupRow['scim'][]).find((k) => k.toLowerCase() === String(raw.scim).toLowerCase());
  if (!scim) throw new Error(`${where}: '${raw.scim}' is not a Group attribute the bridge can store (displayName, externalId, members)`);
  // A user group stores nothing else a client could write, so each attribute has exactly one possible home.
  if (raw.jumpcloud !== ALLOWED[scim]) throw new Error(`${where}: '${scim}' can only be stored in the group's '${ALLOWED[scim]}' (got '${raw.jumpcloud}')`);
  const uniqueness = raw.uniqueness === undefined ? 'none' : raw.uniqueness;
  if (uniqueness !== 'none' && uniqueness !== 'server' && uniqueness !== 'global') throw new Error(`${where}: 'uniqueness' must be none, server or global`);
  return {
    scim,
    target: ALLOWED[scim],
    required: raw.required === true,
    caseExact: raw.caseExact === true,
    uniqueness,
    ...(typeof raw.maxLength === 'number' ? { maxLength: raw.maxLength } : {}),
    description: typeof raw.description === 'string' ? raw.description : '',
  };
}

/** RFC 7643 §4.2 `members`, as a JumpCloud group can hold them: users only, by id. */
function membersDef(row: GroupRow): AttributeDef {
  return attribute('members', {
    type: 'complex',
    multiValued: true,
    description: row.description,
    subAttributes: [
      attribute('value', { caseExact: true, mutability: 'immutable', description: 'The member’s SCIM id (a JumpCloud user id).' }),
      attribute('$ref', { type: 'reference', caseExact: true, mutability: 'immutable', referenceTypes: ['User'], description: 'URI of the member User.' }),
      attribute('type', { caseExact: false, mutability: 'immutable', canonicalValues: ['User'], description: "Always 'User': JumpCloud user groups hold users only." }),
      attribute('display', { mutability: 'readOnly', description: 'Not returned: naming each member would cost one JumpCloud call per member.' }),
    ],
  });
}

export class GroupTable {
  readonly schema: ResourceSchema;

  constructor(readonly rows: GroupRow[]) {
    const attrs: AttributeDef[] = [];
    for (const row of rows) {
      if (row.scim === 'members') attrs.push(membersDef(row));
      else attrs.push(attribute(row.scim, { required: row.required, caseExact: row.caseExact, uniqueness: row.uniqueness, description: row.description }));
    }
    // externalId is a common attribute (RFC 7643 §3.1); it is listed first, as the User schema does.
    attrs.sort((a, b) => Number(b.name === 'externalId') - Number(a.name === 'externalId'));
    const core: SchemaDef = { id: CORE_GROUP, name: 'Group', description: 'Group', attributes: attrs };
    this.schema = new ResourceSchema('Group', '/Groups', core);
  }

  row(scim: GroupRow['scim']): GroupRow | undefined {
    return this.rows.find((r) => r.scim === scim);
  }

  /** JumpCloud user group → SCIM Group without id/meta/schemas/members (the resource layer adds them). */
  toScim(group: UserGroup): ScimDoc {
    const doc: ScimDoc = {};
    for (const row of this.rows) {
      if (row.target === 'members') continue;
      const v = group[row.target];
      if (typeof v === 'string' && v !== '') doc[row.scim] = v;
    }
    return doc;
  }

  /** SCIM Group (canonical) → the group's `name` and `description`; "no externalId" is an empty description. */
  toJumpCloud(doc: ScimDoc): { name?: string; description?: string } {
    const out: { name?: string; description?: string } = {};
    for (const row of this.rows) {
      if (row.target === 'members') continue;
      const v = doc[row.scim];
      if (v !== undefined && typeof v !== 'string') throw badRequest('invalidValue', `'${row.scim}' must be a string`);
      if (v !== undefined && row.maxLength !== undefined && v.length > row.maxLength) {
        throw badRequest('invalidValue', `'${row.scim}' is ${v.length} characters; the bridge stores at most ${row.maxLength}`);
      }
      out[row.target] = v ?? '';
    }
    return out;
  }
}

/** Compiles the `groups` section of the already-parsed mapping file (or the defaults when it has none). */
export function loadGroupTable(raw: Record<string, unknown>, file: string): GroupTable {
  const rows = raw.groups === undefined ? DEFAULT_GROUP_ROWS : raw.groups;
  if (!Array.isArray(rows)) throw new ConfigError(`MAPPING_FILE ${file}: 'groups' must be an array`);
  try {
    const compiled = rows.map((r: unknown, i) => compileRow(r, i));
    const seen = new Set<string>();
    for (const r of compiled) {
      if (seen.has(r.scim)) throw new Error(`groups: '${r.scim}' is mapped twice`);
      seen.add(r.scim);
    }
    const name = compiled.find((r) => r.scim === 'displayName');
    if (!name) throw new Error("groups: the 'displayName' row is required (JumpCloud requires a group name)");
    if (!name.required) throw new Error("groups: 'displayName' must be required (JumpCloud requires a group name)");
    return new GroupTable(compiled);
  } catch (e) {
    throw new ConfigError(`MAPPING_FILE ${file}: ${(e as Error).message}`);
  }
}
