import type { SystemUser } from '../jumpcloud/types.js';
import { isRecord } from '../util/guards.js';

/**
 * Fact `restrictedFields`: a JumpCloud user lists the fields another directory owns (`restrictedFields: [{field,
 * type, id}]`, v1 systemuserreturn): Active Directory, a federated identity provider or another SCIM source. JumpCloud
 * refuses a change to them or the owner overwrites it, and a refused field takes the rest of the PUT with it, a
 * disable included, so the bridge never sends one (docs/decisions.md: restricted fields).
 */
const OWNERS: Record<string, string> = {
  active_directory: 'Active Directory (JumpCloud AD Integration)',
  federated_identity_provider: 'a federated identity provider',
  scim: 'another SCIM provisioning source',
};

/** The fields of `user` another directory owns, each with its owner in words. */
export function restrictedFieldsOf(user: SystemUser): Map<string, string> {
  const out = new Map<string, string>();
  const list = Array.isArray(user.restrictedFields) ? (user.restrictedFields as unknown[]) : [];
  for (const entry of list) {
    if (!isRecord(entry) || typeof entry.field !== 'string') continue;
    const type = typeof entry.type === 'string' ? entry.type : '';
    out.set(entry.field, OWNERS[type] ?? (type ? `its owner (${type})` : 'another directory'));
  }
  return out;
}
