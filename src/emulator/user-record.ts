import { randomBytes } from 'node:crypto';
import { isRecord } from './api-error.js';
import type { SystemUser, UserState } from './types.js';

/** String profile fields JumpCloud returns as "" when they were never set (assumed, see emulator README). */
const EMPTY_STRING_FIELDS = [
  'alternateEmail',
  'company',
  'costCenter',
  'department',
  'description',
  'displayname',
  'employeeType',
  'external_dn',
  'external_source_type',
  'firstname',
  'jobTitle',
  'lastname',
  'location',
  'managedAppleId',
  'middlename',
  'public_key',
] as const;

/** Keys that need more than a copy when written; every other writable key is stored as sent. */
const SPECIAL_KEYS = new Set([
  'state',
  'suspended',
  'activated',
  'password',
  'manager',
  'employeeIdentifier',
  'addresses',
  'phoneNumbers',
  'attributes',
  'recoveryEmail',
  'ssh_keys',
]);

export interface NewUserContext {
  id: string;
  organization: string;
  unixId: number;
  now: Date;
}

/** A user exactly as `systemuserreturn` would describe it right after creation, before the body is applied. */
export function blankUser(username: string, email: string, state: UserState, context: NewUserContext): SystemUser {
  const user: SystemUser = {
    _id: context.id,
    username,
    email,
    state,
    suspended: state === 'SUSPENDED',
    activated: false,
    created: context.now.toISOString(),
    organization: context.organization,
    account_locked: false,
    account_locked_date: null,
    addresses: [],
    allow_public_key: true,
    attributes: [],
    badLoginAttempts: 0,
    disableDeviceMaxLoginAttempts: false,
    enable_managed_uid: false,
    enable_user_portal_multifactor: false,
    externally_managed: false,
    ldap_binding_user: false,
    mfa: { configured: false, exclusion: false },
    mfaEnrollment: {
      overallStatus: 'NOT_ENROLLED',
      totpStatus: 'NOT_ENROLLED',
      webAuthnStatus: 'NOT_ENROLLED',
      pushStatus: 'NOT_ENROLLED',
    },
    password_date: null,
    password_expiration_date: null,
    password_expired: false,
    password_never_expires: false,
    passwordless_sudo: false,
    phoneNumbers: [],
    relationships: [],
    restrictedFields: [],
    samba_service_user: false,
    ssh_keys: [],
    sudo: false,
    tags: [],
    totp_enabled: false,
    unix_guid: context.unixId,
    unix_uid: context.unixId,
  };
  for (const field of EMPTY_STRING_FIELDS) user[field] = '';
  return user;
}

/**
 * Copies the writable keys of a validated body onto a user. Only keys the schema knows are applied:
 * JumpCloud ignores the rest. Arrays are replaced whole, which is the trait the bridge must cope with.
 */
export function applyWritableFields(
  user: SystemUser,
  body: Record<string, unknown>,
  writable: ReadonlySet<string>,
  now: Date,
  /** The `emptyEmployeeIdentifierClashes` flip: "" is stored as a value. */
  keepEmptyEmployeeIdentifier = false,
): void {
  for (const [key, value] of Object.entries(body)) {
    if (!writable.has(key) || value === undefined) continue;
    if (!SPECIAL_KEYS.has(key)) {
      user[key] = structuredClone(value);
      continue;
    }
    switch (key) {
      case 'addresses':
      case 'phoneNumbers': {
        // The array is replaced whole; an element sent back with the id of one the user has keeps that id
        // (assumed JumpCloud behaviour), anything else gets a fresh one.
        const held = new Set(
          (Array.isArray(user[key]) ? (user[key] as unknown[]) : []).filter(isRecord).map((item) => item['id']),
        );
        user[key] = Array.isArray(value)
          ? value.filter(isRecord).map((item) => ({
              ...structuredClone(item),
              id: typeof item['id'] === 'string' && held.has(item['id']) ? item['id'] : elementId(),
            }))
          : [];
        break;
      }
      case 'attributes':
        user.attributes = Array.isArray(value) ? value.filter(isRecord).map((item) => structuredClone(item)) : [];
        break;
      case 'recoveryEmail':
        if (isRecord(value)) user['recoveryEmail'] = { address: value['address'] ?? '', verified: false };
        break;
      case 'ssh_keys':
        user['ssh_keys'] = Array.isArray(value)
          ? value.filter(isRecord).map((item) => ({
              _id: elementId(),
              name: item['name'],
              public_key: item['public_key'],
              create_date: now.toISOString(),
            }))
          : [];
        break;
      case 'manager':
        if (value === null || value === '') delete user.manager;
        else if (typeof value === 'string') user.manager = value;
        break;
      case 'employeeIdentifier':
        // Unique but optional: an empty value means "none", so it can never collide.
        if (value === '' && keepEmptyEmployeeIdentifier) user.employeeIdentifier = '';
        else if (value === '' || value === null) delete user.employeeIdentifier;
        else if (typeof value === 'string') user.employeeIdentifier = value;
        break;
      case 'password':
        // Never stored: only the fact that a password now exists matters ("password pending" ends).
        user['password_date'] = now.toISOString();
        user['password_expired'] = false;
        break;
      default:
        // state, suspended and activated are derived by the caller, never copied.
        break;
    }
  }
}

export function hasPassword(user: SystemUser): boolean {
  return typeof user['password_date'] === 'string';
}

function elementId(): string {
  return randomBytes(12).toString('hex');
}
