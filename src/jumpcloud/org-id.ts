import { JUMPCLOUD_ID } from './types.js';

/** A JumpCloud organization id is an object id like any other: nothing else is ever sent as `x-org-id`. */
export function isOrgId(value: unknown): boolean {
  return typeof value === 'string' && JUMPCLOUD_ID.test(value);
}
