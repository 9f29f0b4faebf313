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

function putBody(table: GroupTable, group: UserGroup, fields: GroupFields & { name: string }): UserGroupWrite {
  const carried: Record<string, unknown> = {};
  for (const k of CARRIED_ON_PUT) if (group[k] !== undefined) carried[k] = group[k];
  return table.writeBody(group, fields, carried);
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
    // Empty fields are left out of the create: JumpCloud's defaults and a missing field read back the same.
    createBody: (doc) =>
      table.writeBody(undefined, named(doc, 'is required: JumpCloud cannot store a group without a name')),
    updateBody: (group, doc) => putBody(table, group, named(doc, 'cannot be empty: JumpCloud requires a group name')),
    holds: (group, doc) => table.holds(group, table.toJumpCloud(doc)),
    drift: (sent, answer) => table.drift(sent, answer),
    mapping: (collection) => groupMapping(table, collection),
  };
}
