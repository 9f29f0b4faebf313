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

type LockKind = (typeof KINDS)[keyof typeof KINDS];

/** A lock key made by `lockKeys`; a hand-built string is not one. */
export type LockKey = string & { readonly lockKind: LockKind };

const keyOf = (kind: LockKind, id: string): LockKey => `${kind}:${id.toLowerCase()}` as LockKey;

export const lockKeys = {
  user: (id: string): LockKey => keyOf(KINDS.user, id),
  userCreate: (userName: string): LockKey => keyOf(KINDS.userCreate, userName),
  group: (id: string): LockKey => keyOf(KINDS.group, id),
  groupCreate: (displayName: string): LockKey => keyOf(KINDS.groupCreate, displayName),
};

const ORG_PREFIX = 'org:';

/** `key` scoped to the org a request names, so one org never waits for (or blocks) the same key in another. */
export const orgScoped = (key: string, orgId: string | undefined): string =>
  orgId ? `${ORG_PREFIX}${orgId}:${key}` : key;

const LABELS: ReadonlySet<string> = new Set(Object.values(KINDS));

/** The kind of a key built here, org-scoped or not (a metric label from a closed set); `other` for anything else. */
export function lockKindOf(key: string): LockKind | 'other' {
  // An org id holds no ':' (org-scope.ts lets only hex through), so the kind follows the second one.
  const unscoped = key.startsWith(ORG_PREFIX) ? key.slice(key.indexOf(':', ORG_PREFIX.length) + 1) : key;
  const kind = unscoped.slice(0, unscoped.indexOf(':'));
  return LABELS.has(kind) ? (kind as LockKind) : 'other';
}
