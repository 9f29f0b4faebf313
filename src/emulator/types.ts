export type UserState = 'STAGED' | 'ACTIVATED' | 'SUSPENDED';

/**
 * A stored user in the shape of the spec's `systemuserreturn`. The index signature is there because
 * JumpCloud returns many optional scalars and the emulator keeps whatever valid keys were written.
 */
export interface SystemUser {
  _id: string;
  username: string;
  email: string;
  state: UserState;
  suspended: boolean;
  activated: boolean;
  created: string;
  organization: string;
  attributes: { name?: string; value?: string }[];
  addresses: Record<string, unknown>[];
  phoneNumbers: Record<string, unknown>[];
  manager?: string;
  employeeIdentifier?: string;
  [key: string]: unknown;
}

export type MembershipMethod = 'NOTSET' | 'STATIC' | 'DYNAMIC_REVIEW_REQUIRED' | 'DYNAMIC_AUTOMATED';

/** A stored group in the shape of the v2 spec's `UserGroup`. */
export interface UserGroup {
  id: string;
  name: string;
  type: 'user_group';
  description: string;
  email: string;
  attributes: Record<string, unknown> | null;
  membershipMethod: MembershipMethod;
  [key: string]: unknown;
}

/** Everything the emulator persists; also the body of `GET /__emulator/state`. */
export interface EmulatorState {
  version: 1;
  organization: string;
  nextUnixId: number;
  users: SystemUser[];
  groups: UserGroup[];
  /** groupId → direct member user ids, in the order they were added. */
  memberships: Record<string, string[]>;
}

export interface ContractViolation {
  method: string;
  path: string;
  /** JSON Pointer into the request body; "" is the whole body. */
  pointer: string;
  message: string;
  /** `unknown-property` and `content-type` are only recorded; every other kind was also answered with 400. */
  kind: 'unknown-property' | 'type' | 'enum' | 'required' | 'max-length' | 'minimum' | 'content-type' | 'json';
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  /** Lower-cased header names; `x-api-key` is masked as "***". */
  headers: Record<string, string>;
  /** The parsed JSON body, the raw text when it was not JSON, or undefined when there was none. */
  body: unknown;
  at: string;
}
