/** A JumpCloud organization id: a Mongo ObjectId, 24 hex characters. Nothing else is ever sent as `x-org-id`. */
const ORG_ID = /^[0-9a-f]{24}$/i;

export function isOrgId(value: unknown): boolean {
  return typeof value === 'string' && ORG_ID.test(value);
}
