/**
 * JumpCloud's wire types, with JumpCloud's field names exactly as in its published OpenAPI specs
 * (v1 `systemuserputpost`, `systemuserput`, `systemuserreturn`, `search`; v2 `UserGroup*`, `GraphConnection`).
 * Only the fields the bridge reads or writes are typed; the rest pass through as unknown.
 */

/** JumpCloud object ids are Mongo ObjectIds (any letter case from a client). Anything else never reaches a URL path. */
export const JUMPCLOUD_ID = /^[0-9a-f]{24}$/i;

export type SystemUserState = 'STAGED' | 'ACTIVATED' | 'SUSPENDED';

export interface CustomAttribute {
  name: string;
  value: string;
}

export interface PhoneNumber {
  id?: string;
  type?: string;
  number?: string;
}

export interface Address {
  id?: string;
  type?: string;
  poBox?: string;
  extendedAddress?: string;
  streetAddress?: string;
  locality?: string;
  region?: string;
  postalCode?: string;
  country?: string;
}

/**
 * The systemuser fields the bridge may map a SCIM attribute to: the one list, from which the types below and the
 * mapping table's check of its `jumpcloud` names are derived (v1 `systemuserputpost` / `systemuserreturn`).
 */
/** Free-text profile fields. */
const SYSTEM_USER_TEXT_FIELDS = [
  'username',
  'email',
  'firstname',
  'middlename',
  'lastname',
  'displayname',
  'jobTitle',
  'department',
  'costCenter',
  'company',
  'employeeType',
  'employeeIdentifier',
  'location',
  'description',
  'alternateEmail',
] as const;
export type SystemUserTextField = (typeof SYSTEM_USER_TEXT_FIELDS)[number];
/** Writable fields with a shape of their own (typed in `SystemUserWritable`, which is checked against this list). */
const SYSTEM_USER_SHAPED_FIELDS = ['manager', 'phoneNumbers', 'addresses', 'suspended'] as const;
/** Fields JumpCloud sets; the bridge only reads them. */
const SYSTEM_USER_READ_ONLY_FIELDS = ['_id', 'created'] as const;
export const SYSTEM_USER_WRITABLE_FIELDS = [...SYSTEM_USER_TEXT_FIELDS, ...SYSTEM_USER_SHAPED_FIELDS] as const;
export type SystemUserWritableField = (typeof SYSTEM_USER_WRITABLE_FIELDS)[number];
export const SYSTEM_USER_FIELDS = [...SYSTEM_USER_WRITABLE_FIELDS, ...SYSTEM_USER_READ_ONLY_FIELDS] as const;
export type SystemUserField = (typeof SYSTEM_USER_FIELDS)[number];

/** The profile fields both POST (`systemuserputpost`) and PUT (`systemuserput`) accept. */
export interface SystemUserWritable extends Partial<Record<SystemUserTextField, string>> {
  /** A systemuser `_id`; `null` clears it. */
  manager?: string | null;
  attributes?: CustomAttribute[];
  phoneNumbers?: PhoneNumber[];
  addresses?: Address[];
  suspended?: boolean;
}

/** Compile-time: the typed writable fields are exactly the listed ones (plus `attributes`, mapped by name, not as a field). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const writableFieldsListed: Same<Exclude<keyof SystemUserWritable, 'attributes'>, SystemUserWritableField> = true;
void writableFieldsListed;

/** POST /api/systemusers body. `state` is sent explicitly so the org default never decides. */
export interface SystemUserCreate extends SystemUserWritable {
  username: string;
  email: string;
  state?: SystemUserState;
}

/** PUT /api/systemusers/{id} body: partial for scalars, whole replacement for arrays. PUT cannot set STAGED. */
export interface SystemUserUpdate extends SystemUserWritable {
  state?: Exclude<SystemUserState, 'STAGED'>;
}

/** `systemuserreturn`. */
export interface SystemUser extends SystemUserWritable {
  _id: string;
  username: string;
  email: string;
  state?: SystemUserState;
  activated?: boolean;
  password_expired?: boolean;
  account_locked?: boolean;
  created?: string;
  organization?: string;
  [other: string]: unknown;
}

export interface SystemUserList {
  totalCount: number;
  results: SystemUser[];
}

/** One Mongo-style expression of the search body, e.g. `{ "username": { "$regex": "(?i)^bob$" } }`. */
export type SearchCondition =
  | string
  | number
  | boolean
  | null
  | {
      $eq?: unknown;
      $ne?: unknown;
      $in?: unknown[];
      $nin?: unknown[];
      $gt?: string | number;
      $gte?: string | number;
      $lt?: string | number;
      $lte?: string | number;
      $exists?: boolean;
      $regex?: string;
    };
export type SearchExpression = Record<string, SearchCondition>;

/** POST /api/search/systemusers body (`search`). */
export interface SystemUserSearch {
  filter?: { and: SearchExpression[] } | { or: SearchExpression[] };
  fields?: string;
}

export type MembershipMethod = 'NOTSET' | 'STATIC' | 'DYNAMIC_REVIEW_REQUIRED' | 'DYNAMIC_AUTOMATED';

/** v2 `UserGroup`. */
export interface UserGroup {
  id: string;
  name: string;
  description?: string;
  email?: string;
  type?: 'user_group';
  membershipMethod?: MembershipMethod;
  attributes?: Record<string, unknown>;
  [other: string]: unknown;
}

/** The free-text fields of a v2 user group a SCIM client can own (`UserGroupPost`/`UserGroupPut`). */
export const USER_GROUP_TEXT_FIELDS = ['name', 'description', 'email'] as const;
export type UserGroupTextField = (typeof USER_GROUP_TEXT_FIELDS)[number];

/** v2 `UserGroupPost` / `UserGroupPut` (PUT is a full update; `name` is required on both). */
export interface UserGroupWrite extends Partial<Record<UserGroupTextField, string>> {
  name: string;
  /** `GroupAttributes-UserGroup`: sudo, LDAP, POSIX, RADIUS, Samba settings, and open to other keys. */
  attributes?: Record<string, unknown> | null;
}

/** v2 `GraphConnection`, as returned by GET /usergroups/{id}/members. */
export interface GraphConnection {
  to: { id: string; type: string };
  from?: { id: string; type: string };
  attributes?: Record<string, unknown>;
}

/** v2 `GraphObjectWithPaths`, as returned by GET /users/{id}/memberof. */
export interface GraphObjectWithPaths {
  id: string;
  type: string;
}

/** v2 member operation body for POST /usergroups/{id}/members. */
export interface MemberOperation {
  op: 'add' | 'remove';
  type: 'user';
  id: string;
}

/** v1 list query parameters (GET /systemusers, and the query part of POST /search/systemusers). */
export interface SystemUserListQuery {
  limit?: number;
  skip?: number;
  /** Space-separated; `-field` sorts descending. Not documented on the search route, so only sent to GET. */
  sort?: string;
  /** Space-separated field projection. */
  fields?: string;
}

/** v2 GET /usergroups query parameters (`filter` is v2's `field:op:value` list, comma-joined). */
export interface UserGroupListQuery {
  filter?: string;
  limit: number;
  skip: number;
  sort?: string;
}

/** A collection's list query besides paging: JumpCloud's `filter` (v2: `field:op:value` terms, comma-joined, ANDed). */
export interface CollectionQuery {
  filter?: string;
}
