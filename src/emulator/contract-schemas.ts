import type { Schema } from './contract.js';

/*
 * Hand-written models of the request bodies in JumpCloud's published specs (shared/jumpcloud/v1.yaml
 * `systemuserputpost`, `systemuserput`, `search`; v2.yaml `UserGroupPost`, `UserGroupPut`,
 * `GraphOperation-UserGroup-Member`). Where the POST schema omits a maxLength that PUT and the return
 * schema state (1024), the stricter limit is used for both: a value JumpCloud would refuse on update
 * should not be accepted on create.
 */

const text: Schema = { type: 'string', maxLength: 1024 };
const flag: Schema = { type: 'boolean' };
const stringList: Schema = { type: 'array', items: { type: 'string' } };

/*
 * `id` is not in the request schemas, only in `systemuserreturn`. Whether a request element may carry one is unknown
 * (fact `putElementIds`): by default an id the user holds is accepted and kept (see user-record.ts), and the
 * `elementIdsRefused` flip refuses it. JumpCloud's own module, and the bridge, send elements without one.
 */
const elementId: Schema = { type: 'string', maxLength: 24 };

const address: Schema = {
  type: 'object',
  properties: {
    id: elementId,
    type: text,
    poBox: text,
    extendedAddress: text,
    streetAddress: text,
    locality: text,
    region: text,
    postalCode: text,
    country: text,
  },
};

const phoneNumber: Schema = { type: 'object', properties: { id: elementId, type: text, number: text } };
const customAttribute: Schema = { type: 'object', properties: { name: text, value: text } };
const relationship: Schema = { type: 'object', properties: { type: text, value: text } };

const mfa: Schema = {
  type: 'object',
  properties: {
    configured: flag,
    exclusion: flag,
    exclusionUntil: { type: 'string' },
    exclusionDays: { type: 'integer', minimum: 1 },
  },
};

const restrictedField: Schema = {
  type: 'object',
  properties: {
    field: {
      type: 'string',
      enum: [
        'addresses',
        'company',
        'costCenter',
        'department',
        'description',
        'displayname',
        'email',
        'employeeIdentifier',
        'employeeType',
        'firstname',
        'jobTitle',
        'lastname',
        'location',
        'middlename',
        'password',
        'phoneNumbers',
        'sudo',
        'username',
      ],
    },
    type: { type: 'string', enum: ['active_directory', 'federated_identity_provider', 'scim'] },
    id: { type: 'string', maxLength: 24 },
  },
};

const delegatedAuthority: Schema = {
  type: 'object',
  nullable: true,
  properties: { name: { type: 'string', enum: ['ActiveDirectory'] }, id: { type: 'string' } },
};

/** Properties shared by `systemuserputpost` and `systemuserput`. */
const userCommon: Record<string, Schema> = {
  account_locked: flag,
  addresses: { type: 'array', items: address },
  allow_public_key: flag,
  alternateEmail: text,
  attributes: { type: 'array', items: customAttribute },
  company: text,
  costCenter: text,
  department: text,
  description: text,
  disableDeviceMaxLoginAttempts: flag,
  displayname: text,
  email: text,
  employeeIdentifier: { type: 'string', maxLength: 256 },
  employeeType: text,
  enable_managed_uid: flag,
  enable_user_portal_multifactor: flag,
  external_dn: text,
  external_password_expiration_date: text,
  external_source_type: text,
  externally_managed: flag,
  firstname: text,
  jobTitle: text,
  lastname: text,
  ldap_binding_user: flag,
  location: text,
  // The spec says string, but JumpCloud's own module sends null to clear it, so null is accepted.
  manager: { type: 'string', maxLength: 1024, nullable: true },
  mfa,
  middlename: text,
  password: text,
  password_never_expires: flag,
  phoneNumbers: { type: 'array', items: phoneNumber },
  public_key: { type: 'string' },
  relationships: { type: 'array', items: relationship },
  samba_service_user: flag,
  sudo: flag,
  suspended: flag,
  tags: stringList,
  unix_guid: { type: 'integer', minimum: 1 },
  unix_uid: { type: 'integer', minimum: 1 },
  username: text,
  managedAppleId: text,
  delegatedAuthority,
  restrictedFields: { type: 'array', items: restrictedField },
};

export const systemUserPost: Schema = {
  type: 'object',
  required: ['email', 'username'],
  properties: {
    ...userCommon,
    activated: flag,
    passwordless_sudo: flag,
    recoveryEmail: { type: 'object', properties: { address: text } },
    state: { type: 'string', enum: ['STAGED', 'ACTIVATED', 'SUSPENDED'] },
  },
};

export const systemUserPut: Schema = {
  type: 'object',
  properties: {
    ...userCommon,
    ssh_keys: {
      type: 'array',
      items: {
        type: 'object',
        required: ['public_key', 'name'],
        properties: { name: { type: 'string' }, public_key: { type: 'string' } },
      },
    },
    state: { type: 'string', enum: ['ACTIVATED', 'SUSPENDED'] },
  },
};

/** The spec types `filter` as an object, but its own sample sends a bare array, so both are allowed. */
export const search: Schema = {
  type: 'object',
  properties: {
    fields: { type: 'string' },
    filter: {
      type: 'oneOf',
      label: 'an object {and|or: [...]} or an array of expressions',
      options: [
        {
          type: 'object',
          properties: { and: { type: 'array', items: { type: 'any' } }, or: { type: 'array', items: { type: 'any' } } },
        },
        { type: 'array', items: { type: 'any' } },
      ],
    },
    searchFilter: {
      type: 'object',
      properties: {
        searchTerm: {
          type: 'oneOf',
          label: 'a string or an array of strings',
          options: [{ type: 'string' }, stringList],
        },
        fields: stringList,
      },
    },
  },
};

const membershipMethod: Schema = {
  type: 'string',
  enum: ['NOTSET', 'STATIC', 'DYNAMIC_REVIEW_REQUIRED', 'DYNAMIC_AUTOMATED'],
};

/** `GroupAttributes-UserGroup` is an allOf over an open `GraphAttributes`, so extra keys are legal. */
const groupAttributes: Schema = {
  type: 'object',
  nullable: true,
  open: true,
  properties: {
    sudo: {
      type: 'object',
      nullable: true,
      required: ['enabled', 'withoutPassword'],
      properties: { enabled: flag, withoutPassword: flag },
    },
    ldapGroups: { type: 'array', items: { type: 'object', nullable: true, properties: { name: { type: 'string' } } } },
    posixGroups: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'name'],
        properties: { id: { type: 'integer' }, name: { type: 'string' } },
      },
    },
    radius: {
      type: 'object',
      nullable: true,
      properties: {
        reply: {
          type: 'array',
          items: {
            type: 'object',
            required: ['name', 'value'],
            properties: { name: { type: 'string' }, value: { type: 'string' } },
          },
        },
      },
    },
    sambaEnabled: flag,
  },
};

const userGroupWrite: Schema = {
  type: 'object',
  required: ['name'],
  properties: {
    attributes: groupAttributes,
    email: { type: 'string' },
    description: { type: 'string' },
    memberQuery: { type: 'object', nullable: true, open: true, properties: {} },
    memberQueryExemptions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['type', 'id'],
        properties: { id: { type: 'string' }, organizationId: { type: 'string' }, type: { type: 'string' } },
      },
    },
    memberSuggestionsNotify: flag,
    membershipMethod,
    name: { type: 'string' },
  },
};

export const userGroupPost: Schema = userGroupWrite;
export const userGroupPut: Schema = userGroupWrite;

export const userGroupMemberOperation: Schema = {
  type: 'object',
  required: ['id', 'op', 'type'],
  properties: {
    id: { type: 'string' },
    op: { type: 'string', enum: ['add', 'remove', 'update'] },
    type: { type: 'string', enum: ['user'] },
    attributes: { type: 'object', nullable: true, open: true, properties: {} },
  },
};
