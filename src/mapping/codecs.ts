import { badRequest } from '../scim/errors.js';
import { attribute, type AttributeDef } from '../scim/schema.js';
import { JUMPCLOUD_ID, type Address, type PhoneNumber, type SystemUser, type SystemUserWritable } from '../jumpcloud/types.js';
import { isRecord } from '../util/guards.js';

/** Where a row's value lives in JumpCloud. */
export type Target = { kind: 'field'; field: keyof SystemUserWritable | 'created' | '_id' | 'memberof' } | { kind: 'custom'; name: string };

/** One computed JumpCloud write: profile fields, plus custom attributes by name (`null` = remove). */
export interface JumpCloudWrite {
  fields: SystemUserWritable;
  custom: Record<string, string | null>;
}

export interface CodecRow {
  /** Canonical SCIM text of the attribute, for messages. */
  scim: string;
  target: Target;
  maxLength?: number;
}

/** How a compare on this attribute can be searched upstream. `exact: false` means "superset; re-check locally". */
export interface SearchField {
  field: string;
  exact: boolean;
  /** The stored value differs from the SCIM value (e.g. `active` is stored as `suspended`). */
  negated?: boolean;
  /** Only `eq` can be searched, on the stored form of the value. */
  eqOnly?: (value: string) => string;
}

export interface MappingOptions {
  deriveUsernameFromEmail: boolean;
}

/**
 * A translation between one SCIM attribute and its JumpCloud storage. Codecs never talk to JumpCloud:
 * they map values, so the same code serves GET, POST, PUT, PATCH, the dry run and `explain`.
 */
export interface Codec {
  /** SCIM shape of the attribute, for /Schemas and path resolution. */
  shape: Pick<AttributeDef, 'type' | 'multiValued'> & { subAttributes?: AttributeDef[] };
  read(user: SystemUser, custom: ReadonlyMap<string, string>, row: CodecRow): unknown;
  /** `value` undefined or null means "no value": the codec writes whatever clears it. */
  write(value: unknown, row: CodecRow, out: JumpCloudWrite): void;
  search?(sub: string | undefined, row: CodecRow): SearchField | undefined;
  /** JumpCloud fields `read` looks at, when more than the row's target (searches name them in `fields`). */
  reads?: readonly string[];
}

const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v !== '';

function str(value: unknown, row: CodecRow, where = row.scim): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw badRequest('invalidValue', `'${where}' must be a string (got ${JSON.stringify(value)?.slice(0, 60)})`);
  }
  const max = row.maxLength ?? 1024;
  if (value.length > max) {
    throw badRequest('invalidValue', `'${where}' is ${value.length} characters; JumpCloud accepts at most ${max}`);
  }
  return value;
}

function readTarget(user: SystemUser, custom: ReadonlyMap<string, string>, target: Target): unknown {
  return target.kind === 'custom' ? custom.get(target.name) : user[target.field];
}

function writeString(target: Target, value: string | undefined, out: JumpCloudWrite): void {
  if (target.kind === 'custom') out.custom[target.name] = value ?? null;
  else if (target.field !== 'created' && target.field !== '_id' && target.field !== 'memberof') {
    // JumpCloud's PUT is partial: an omitted key is left alone, so "no value" must be written as ''.
    (out.fields as Record<string, unknown>)[target.field] = value ?? '';
  }
}

function searchTarget(row: CodecRow): SearchField {
  // Custom attributes are an array of {name, value}; a dotted search on `attributes.value` can only narrow.
  return row.target.kind === 'custom' ? { field: 'attributes.value', exact: false } : { field: row.target.field, exact: true };
}

const plain: Codec = {
  shape: { type: 'string', multiValued: false },
  read: (user, custom, row) => {
    const v = readTarget(user, custom, row.target);
    return nonEmpty(v) ? v : undefined;
  },
  write: (value, row, out) => writeString(row.target, str(value, row), out),
  search: (sub, row) => (sub === undefined ? searchTarget(row) : undefined),
};

const dateTime: Codec = { ...plain, shape: { type: 'dateTime', multiValued: false }, write: () => undefined };

/** `active` ⇄ `!suspended`. Password expiry is deliberately not folded in: Entra would re-PATCH active=true forever. */
const notSuspended: Codec = {
  shape: { type: 'boolean', multiValued: false },
  read: (user) => !(user.suspended === true || user.state === 'SUSPENDED'),
  write: (value, row, out) => {
    if (value === undefined || value === null) return;
    if (typeof value !== 'boolean') throw badRequest('invalidValue', `'${row.scim}' must be true or false (got ${JSON.stringify(value)})`);
    out.fields.suspended = !value;
  },
  search: (sub) => (sub === undefined ? { field: 'suspended', exact: true, negated: true } : undefined),
  reads: ['suspended', 'state'],
};

/** Accept a username that `deriveUsernameFromEmail` would turn into its local part, and keep the original. */
const ORIGINAL_USERNAME_ATTRIBUTE = 'scimUserName';

function derivedUsername(userName: string): string {
  const at = userName.indexOf('@');
  return at > 0 ? userName.slice(0, at) : userName;
}

function userName(options: MappingOptions): Codec {
  return {
    ...plain,
    read: (user, custom) => custom.get(ORIGINAL_USERNAME_ATTRIBUTE) ?? user.username,
    reads: ['username', 'attributes'],
    write: (value, row, out) => {
      const v = str(value, row);
      if (options.deriveUsernameFromEmail && v !== undefined && v.includes('@')) {
        out.fields.username = derivedUsername(v);
        out.custom[ORIGINAL_USERNAME_ATTRIBUTE] = v;
      } else {
        out.fields.username = v ?? '';
        out.custom[ORIGINAL_USERNAME_ATTRIBUTE] = null;
      }
    },
    // In derive mode the stored username is a function of userName: `eq` searches that function's value and the
    // bridge re-checks the original kept in the custom attribute.
    search: (sub) => {
      if (sub !== undefined) return undefined;
      return options.deriveUsernameFromEmail ? { field: 'username', exact: false, eqOnly: derivedUsername } : { field: 'username', exact: true };
    },
  };
}

const multiValueSubs = (extra: AttributeDef[]): AttributeDef[] => [
  ...extra,
  attribute('type', { description: 'Label, kept as sent (e.g. work, mobile, fax).' }),
];

/** JumpCloud keeps one email. It is read back as the primary work email, which is what Entra's mappings address. */
const email: Codec = {
  shape: {
    type: 'complex',
    multiValued: true,
    subAttributes: multiValueSubs([attribute('value', { description: 'The address.' })]).concat(
      attribute('primary', { type: 'boolean', description: 'Always true: JumpCloud keeps a single email.' }),
    ),
  },
  read: (user) => (nonEmpty(user.email) ? [{ value: user.email, type: 'work', primary: true }] : undefined),
  write: (value, row, out) => {
    if (value === undefined || value === null) {
      out.fields.email = '';
      return;
    }
    if (!Array.isArray(value)) throw badRequest('invalidValue', `'${row.scim}' must be an array of {value, type, primary}`);
    const values = new Set<string>();
    let chosen: string | undefined;
    value.forEach((e: unknown, i) => {
      if (!isRecord(e)) throw badRequest('invalidValue', `'${row.scim}[${i}]' must be an object with a 'value'`);
      const v = str(e.value, row, `${row.scim}[${i}].value`);
      if (v === undefined) return;
      values.add(v.toLowerCase());
      if (chosen === undefined || e.primary === true) chosen = v;
    });
    if (values.size > 1) {
      throw badRequest(
        'invalidValue',
        `JumpCloud keeps one email per user, but ${values.size} different addresses were sent in '${row.scim}'. ` +
          'Map only emails[type eq "work"].value in Entra (remove other email mappings).',
      );
    }
    out.fields.email = chosen ?? '';
  },
  search: (sub) => (sub === undefined || sub.toLowerCase() === 'value' ? { field: 'email', exact: true } : undefined),
};

function listOf(value: unknown, row: CodecRow): Record<string, unknown>[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw badRequest('invalidValue', `'${row.scim}' must be an array`);
  return value.map((e: unknown, i) => {
    if (!isRecord(e)) throw badRequest('invalidValue', `'${row.scim}[${i}]' must be an object`);
    return e;
  });
}

const phoneNumbers: Codec = {
  shape: { type: 'complex', multiValued: true, subAttributes: multiValueSubs([attribute('value', { description: 'The number, kept exactly as sent.' })]) },
  read: (user) => {
    const list = (user.phoneNumbers ?? []).filter((p) => nonEmpty(p.number));
    return list.length ? list.map((p) => ({ value: p.number, ...(nonEmpty(p.type) ? { type: p.type } : {}) })) : undefined;
  },
  write: (value, row, out) => {
    out.fields.phoneNumbers = listOf(value, row).map((e, i): PhoneNumber => {
      const number = str(e.value, row, `${row.scim}[${i}].value`);
      const type = str(e.type, row, `${row.scim}[${i}].type`);
      return { ...(type !== undefined ? { type } : {}), number: number ?? '' };
    });
  },
  search: (sub) => {
    const s = sub?.toLowerCase();
    if (s === undefined || s === 'value') return { field: 'phoneNumbers.number', exact: false };
    return s === 'type' ? { field: 'phoneNumbers.type', exact: false } : undefined;
  },
};

const ADDRESS_PARTS = ['streetAddress', 'locality', 'region', 'postalCode', 'country'] as const;
const formattedAttribute = (type: string | undefined): string =>
  `scimAddressFormatted${(type ?? '').replace(/[^A-Za-z0-9]/g, '').replace(/^./, (c) => c.toUpperCase())}`;

/** JumpCloud addresses have no `formatted`; Entra maps physicalDeliveryOfficeName there, so it is kept per type. */
const addresses: Codec = {
  shape: {
    type: 'complex',
    multiValued: true,
    subAttributes: multiValueSubs([
      attribute('formatted', { description: 'Kept in a JumpCloud custom attribute per address type.' }),
      ...ADDRESS_PARTS.map((p) => attribute(p)),
    ]),
  },
  reads: ['addresses', 'attributes'],
  read: (user, custom) => {
    const list = (user.addresses ?? []).map((a) => {
      const out: Record<string, string> = {};
      if (nonEmpty(a.type)) out.type = a.type;
      const formatted = custom.get(formattedAttribute(a.type));
      if (formatted !== undefined) out.formatted = formatted;
      for (const p of ADDRESS_PARTS) if (nonEmpty(a[p])) out[p] = a[p];
      return out;
    });
    return list.length ? list : undefined;
  },
  write: (value, row, out) => {
    const seen = new Set<string>();
    out.fields.addresses = listOf(value, row).map((e, i): Address => {
      const a: Address = {};
      const type = str(e.type, row, `${row.scim}[${i}].type`);
      if (type !== undefined) a.type = type;
      const key = formattedAttribute(type);
      if (seen.has(key)) throw badRequest('invalidValue', `'${row.scim}' has two addresses of type '${type ?? ''}'; types must be unique`);
      seen.add(key);
      const formatted = str(e.formatted, row, `${row.scim}[${i}].formatted`);
      if (formatted !== undefined) out.custom[key] = formatted;
      for (const p of ADDRESS_PARTS) {
        const v = str(e[p], row, `${row.scim}[${i}].${p}`);
        if (v !== undefined) a[p] = v;
      }
      return a;
    });
  },
  search: (sub) => {
    const part = ADDRESS_PARTS.find((p) => p.toLowerCase() === sub?.toLowerCase());
    if (part) return { field: `addresses.${part}`, exact: false };
    return sub?.toLowerCase() === 'type' ? { field: 'addresses.type', exact: false } : undefined;
  },
};

/** Entra writes the manager as a bare id and reads it back as `{value}`; anything else would re-PATCH every cycle. */
function managerId(value: unknown, where: string): string | null {
  let v: unknown = value;
  if (Array.isArray(v)) v = v.length ? v[0] : null; // legacy Entra: [{"$ref": …, "value": id}]
  if (isRecord(v)) v = v.value;
  if (v === undefined || v === null || v === '') return null;
  if (typeof v !== 'string' || !JUMPCLOUD_ID.test(v)) {
    throw badRequest(
      'invalidValue',
      `'${where}' must be the SCIM id of a user this bridge provisioned (24 hex characters), got ${JSON.stringify(v)?.slice(0, 60)}`,
    );
  }
  return v.toLowerCase();
}

const manager: Codec = {
  shape: {
    type: 'complex',
    multiValued: false,
    subAttributes: [
      attribute('value', { caseExact: true, description: "The manager's SCIM id." }),
      attribute('$ref', { type: 'reference', referenceTypes: ['User'], mutability: 'readOnly', description: 'Not returned.' }),
    ],
  },
  read: (user) => (nonEmpty(user.manager) ? { value: user.manager } : undefined),
  write: (value, row, out) => {
    out.fields.manager = managerId(value, row.scim);
  },
  search: (sub) => (sub === undefined || sub.toLowerCase() === 'value' ? { field: 'manager', exact: true } : undefined),
};

/**
 * `groups` lives in JumpCloud's v2 graph, not on the systemuser: the Users resource fills it (one extra call per
 * user plus one per group), and only when a client asks for it.
 */
const memberOf: Codec = {
  shape: {
    type: 'complex',
    multiValued: true,
    subAttributes: [
      attribute('value', { caseExact: true, mutability: 'readOnly', description: 'The group id.' }),
      attribute('$ref', { type: 'reference', referenceTypes: ['Group'], mutability: 'readOnly' }),
      attribute('display', { mutability: 'readOnly', description: 'The group name.' }),
      attribute('type', { mutability: 'readOnly', canonicalValues: ['direct'], description: 'Always direct.' }),
    ],
  },
  read: () => undefined,
  write: () => undefined,
  reads: [],
};

export function codecs(options: MappingOptions): Record<string, Codec> {
  return { plain, dateTime, notSuspended, userName: userName(options), email, phoneNumbers, addresses, manager, memberOf };
}
