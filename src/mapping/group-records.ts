import { badRequest } from '../scim/errors.js';
import type { UserGroup, UserGroupWrite } from '../jumpcloud/types.js';
import { groupMapping } from './exchange-mapping.js';
import type { GroupFields, GroupTable } from './group-table.js';
import type { RecordTable } from './record-table.js';

/** UserGroupPut is a full update: everything the group had that we do not mean to change must be sent back. */
const CARRIED_ON_PUT = [
  'description',
  'email',
  'attributes',
  'memberQuery',
  'memberQueryExemptions',
  'memberSuggestionsNotify',
  'membershipMethod',
] as const;

function putBody(group: UserGroup, fields: GroupFields & { name: string }): UserGroupWrite {
  const carried: Record<string, unknown> = {};
  for (const k of CARRIED_ON_PUT) if (group[k] !== undefined) carried[k] = group[k];
  const { attributes: keys, ...text } = fields;
  if (!keys) return { ...carried, ...text };
  // The bridge's keys merged into the group's settings object; every other key (sudo, LDAP, RADIUS…) goes back as read.
  const attributes: Record<string, unknown> = { ...(group.attributes ?? {}) };
  for (const [k, v] of Object.entries(keys)) {
    if (v === '') delete attributes[k];
    else attributes[k] = v;
  }
  const unchangedNull =
    (group.attributes === null || group.attributes === undefined) && Object.keys(attributes).length === 0;
  return { ...carried, ...text, ...(unchangedNull ? {} : { attributes }) };
}

/**
 * A resource type stored as JumpCloud user groups, through a group table: the Groups resource, and any other type
 * whose rows are a group's text fields and `attributes` keys. JumpCloud requires a group's name, so the table's
 * name row may not be empty on any write.
 */
export function userGroupRecords(table: GroupTable): RecordTable<UserGroup, UserGroupWrite> {
  const named = (doc: Parameters<GroupTable['toJumpCloud']>[0], empty: string) => {
    const write = table.toJumpCloud(doc);
    const name = write.name ?? '';
    if (name.trim() === '') throw badRequest('invalidValue', `'${table.nameRow.scim}' ${empty}`);
    return { ...write, name };
  };
  return {
    schema: table.schema,
    nameAttribute: table.nameRow.scim,
    idOf: (group) => group.id,
    toScim: (group) => table.toScim(group),
    createBody: (doc) => {
      const { attributes, ...text } = named(doc, 'is required: JumpCloud cannot store a group without a name');
      // Empty fields are left out of the create: JumpCloud's defaults and a missing field read back the same.
      const keys = Object.fromEntries(Object.entries(attributes ?? {}).filter(([, v]) => v !== ''));
      return {
        ...Object.fromEntries(Object.entries(text).filter(([, v]) => v !== '')),
        name: text.name,
        ...(Object.keys(keys).length ? { attributes: keys } : {}),
      };
    },
    updateBody: (group, doc) => putBody(group, named(doc, 'cannot be empty: JumpCloud requires a group name')),
    holds: (group, doc) => table.holds(group, table.toJumpCloud(doc)),
    drift: (sent, answer) => table.drift(sent, answer),
    mapping: (collection) => groupMapping(table, collection),
  };
}
