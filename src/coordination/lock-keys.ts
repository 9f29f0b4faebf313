/**
 * The keys resources are locked under, built here and only here, so the lock-wait metric names a key's kind from
 * the same table that built it. A key is `{kind}:{id}`, the id lower-cased (JumpCloud compares usernames and group
 * names without case, and a lock that told `BJensen` from `bjensen` would let two creates of one user race); a
 * request on `/scim/v2/orgs/{orgId}` scopes it as `org:{orgId}:{kind}:{id}`.
 */

const KINDS = {
  /** Read-modify-write of one user by id: JumpCloud has no ETags and its PUT replaces arrays whole. */
  user: 'user',
  /** Creates of one userName: the uniqueness search and the create must not interleave with another's. */
  userCreate: 'user-create',
  group: 'group',
  groupCreate: 'group-create',
} as const;

/** A lock key made by `lockKeys`; a hand-built string is not one. */
export type LockKey = string & { readonly lockKey: true };

const keyOf = (kind: string, id: string): LockKey => `${kind}:${id.toLowerCase()}` as LockKey;

/** The kind of another registered type's locks: its name, lower-cased (the registry's names are a closed set). */
const kindOfType = (type: string): string => type.toLowerCase();

export const lockKeys = {
  user: (id: string): LockKey => keyOf(KINDS.user, id),
  userCreate: (userName: string): LockKey => keyOf(KINDS.userCreate, userName),
  group: (id: string): LockKey => keyOf(KINDS.group, id),
  groupCreate: (displayName: string): LockKey => keyOf(KINDS.groupCreate, displayName),
  /** A record of another registered resource type, by id. */
  record: (type: string, id: string): LockKey => keyOf(kindOfType(type), id),
  /** Creates of another registered resource type, by the name its table looks a lost create up by. */
  recordCreate: (type: string, name: string): LockKey => keyOf(`${kindOfType(type)}-create`, name),
};

const ORG_PREFIX = 'org:';

/** `key` scoped to the org a request names, so one org never waits for (or blocks) the same key in another. */
export const orgScoped = (key: string, orgId: string | undefined): string =>
  orgId ? `${ORG_PREFIX}${orgId}:${key}` : key;

/** A kind the builders make: a lower-case word (a type's name), or one followed by `-create`. */
const KIND = /^[a-z][a-z0-9]*(-create)?$/;

/**
 * The kind of a key built here, org-scoped or not: a metric label, from a closed set because kinds come only from
 * the builders (Users, Groups and the registered types' names); `other` for a key no builder makes.
 */
export function lockKindOf(key: string): string {
  // An org id holds no ':' (org-scope.ts lets only hex through), so the kind follows the second one.
  const unscoped = key.startsWith(ORG_PREFIX) ? key.slice(key.indexOf(':', ORG_PREFIX.length) + 1) : key;
  const cut = unscoped.indexOf(':');
  const kind = cut < 0 ? '' : unscoped.slice(0, cut);
  return KIND.test(kind) ? kind : 'other';
}
