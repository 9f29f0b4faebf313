import type { JumpCloudClient } from '../jumpcloud/endpoints.js';
import { isJumpCloudError } from '../jumpcloud/errors.js';
import { isDirect, memberRefs, type GroupRef, type MemberRef } from '../mapping/group-members.js';
import { scimErrorFor } from '../mapping/upstream-errors.js';
import { mapLimit } from '../util/map-limit.js';
import { readAll } from '../util/paging.js';

/** JumpCloud's v2 page size limit. */
export const V2_PAGE = 100;

/** A group's direct members, every page (`concurrency` pages at a time once the total is known). */
export async function readMembers(
  jc: JumpCloudClient,
  groupId: string,
  baseUrl: string,
  concurrency: number,
): Promise<MemberRef[]> {
  return memberRefs(await readAll((page) => jc.listGroupMembers(groupId, page), V2_PAGE, concurrency), baseUrl);
}

/**
 * The SCIM `groups` of a User: the JumpCloud user groups the user is a direct member of, named.
 * Two steps because `memberof` returns ids only: the memberships (paged), then each group's name.
 */
export async function groupsOfUser(
  jc: JumpCloudClient,
  userId: string,
  baseUrl: string,
  concurrency = 8,
): Promise<GroupRef[]> {
  let memberships;
  try {
    memberships = await readAll((page) => jc.listUserMemberOf(userId, page), V2_PAGE, concurrency);
  } catch (e) {
    throw isJumpCloudError(e) ? scimErrorFor(e, `User ${userId}`) : e;
  }
  const direct = memberships.filter((m) => m.type === 'user_group' && isDirect(m));
  const ids = [...new Set(direct.map((m) => m.id))];
  const named = await mapLimit(ids, concurrency, async (id): Promise<GroupRef | undefined> => {
    try {
      const g = await jc.getGroup(id);
      return { value: id, display: g.name, $ref: `${baseUrl}/Groups/${id}`, type: 'direct' };
    } catch (e) {
      // Deleted between the two reads: it is no longer a group of the user.
      if (isJumpCloudError(e) && e.kind === 'notFound') return undefined;
      throw isJumpCloudError(e) ? scimErrorFor(e, `Group ${id}`) : e;
    }
  });
  return named.filter((g): g is GroupRef => g !== undefined);
}
