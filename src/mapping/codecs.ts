import { badRequest } from '../scim/errors.js';
import { unwrapSingleValueArray } from '../scim/entra-quirks.js';
import { attribute } from '../scim/schema.js';
import type { AttributeDef } from '../scim/attribute-def.js';
import {
  JUMPCLOUD_ID,
  SYSTEM_USER_WRITABLE_FIELDS,
  type Address,
  type PhoneNumber,
  type SearchExpression,
  type SystemUser,
  type SystemUserField,
  type SystemUserWritable,
  type SystemUserWritableField,
} from '../jumpcloud/types.js';
import { isRecord } from '../util/guards.js';
import { applyUsernameRule, type UsernameRule } from './usernames.js';

/** A user's group memberships: JumpCloud's v2 `memberof` edges, not a systemuser field (read-only, `memberOf` codec). */
export const MEMBER_OF = 'memberof';

/** Where a row's value lives in JumpCloud. */
export type Target = { kind: 'field'; field: SystemUserField | typeof MEMBER_OF } | { kind: 'custom'; name: string };

const WRITABLE: ReadonlySet<string> = new Set(SYSTEM_USER_WRITABLE_FIELDS);
export const isWritableField = (field: string): field is SystemUserWritableField => WRITABLE.has(field);

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
  /**
   * Other fields that may hold the value too (alternateEmail; the recorded SCIM userName): the search becomes an
   * `or` over all of them, so it can only be sent where an `or` list can (JumpCloud's search nests nothing).
   */
  orFields?: string[];
  /** `orFields` apply to `eq` only; other operators search `field` alone. */
  orEqOnly?: boolean;
  /** For a boolean stored as `field`: another stored state that reads the same as `field: true` (STAGED is inactive). */
  alsoTrue?: SearchExpression;
}

/** Where the SCIM view is served: a reference attribute's `$ref` is a URI on this base (absent: no `$ref`). */
export interface ViewContext {
  /** e.g. https://bridge.example.com/scim/v2, or …/scim/v2/orgs/{orgId} for a request through the org path. */
  baseUrl?: string;
}

export interface MappingOptions {
  deriveUsernameFromEmail: boolean;
  /** The mapping file's opt-in `usernameRule` (src/mapping/usernames.ts). */
  usernameRule?: UsernameRule;
}

/**
 * A translation between one SCIM attribute and its JumpCloud storage. Codecs never talk to JumpCloud:
 * they map values, so the same code serves GET, POST, PUT, PATCH, the dry run and `explain`.
 */
export interface Codec {
  /** SCIM shape of the attribute, for /Schemas and path resolution. */
  shape: Pick<AttributeDef, 'type' | 'multiValued'> & { subAttributes?: AttributeDef[] };
  read(user: SystemUser, custom: ReadonlyMap<string, string>, row: CodecRow, view?: ViewContext): unknown;
  /**
   * `value` undefined or null means "no value": the codec writes whatever clears it. `current` is the user being
   * updated (absent on create): arrays JumpCloud replaces whole are merged with it, so data the SCIM view does not
   * show (a PO box, an admin's second mobile) is sent back unchanged, without JumpCloud's element ids.
   */
  write(value: unknown, row: CodecRow, out: JumpCloudWrite, current?: SystemUser): void;
  search?(sub: string | undefined, row: CodecRow): SearchField | undefined;
  /** JumpCloud fields `read` looks at, when more than the row's target (searches name them in `fields`). */
  reads?: readonly string[];
  /**
   * For a row whose values JumpCloud requires unique: the systemuser fields the codec writes that must hold values no
   * other user holds in any of them (a value written to one clashes with another user's value in any). Absent: the
   * row's own field alone.
   */
  uniqueAcross?: readonly SystemUserWritableField[];
  /** JumpCloud stores what this codec writes lowercased: a difference in case only is not drift. */
  storedLowercase?: boolean;
  /**
   * Whether a PATCH operation on this row can be written without the current user: the codec's write then depends on
   * the operation alone and sets top-level systemuser fields only, so a PATCH made only of such operations is one PUT,
   * with no read first. `value` is what the operation leaves at the row's path of an empty resource (undefined for a
   * remove). Absent: never (arrays merged with what JumpCloud holds, custom attributes sent as one replaced list, the
   * username's keep rule).
   */
  standalone?: (op: 'add' | 'replace' | 'remove', value: unknown) => boolean;
}

/** Every operation: the written value replaces the stored one whatever it was. */
const always = (): boolean => true;

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
  else if (isWritableField(target.field)) {
    // JumpCloud's PUT is partial: an omitted key is left alone, so "no value" must be written as ''.
    (out.fields as Record<string, unknown>)[target.field] = value ?? '';
  }
}

function searchTarget(row: CodecRow): SearchField {
  // Custom attributes are an array of {name, value}; a dotted search on `attributes.value` can only narrow.
  return row.target.kind === 'custom'
    ? { field: 'attributes.value', exact: false }
    : { field: row.target.field, exact: true };
}

const plain: Codec = {
  shape: { type: 'string', multiValued: false },
  read: (user, custom, row) => {
    const v = readTarget(user, custom, row.target);
    return nonEmpty(v) ? v : undefined;
  },
  write: (value, row, out) => writeString(row.target, str(value, row), out),
  search: (sub, row) => (sub === undefined ? searchTarget(row) : undefined),
  standalone: always,
};

const dateTime: Codec = {
  ...plain,
  shape: { type: 'dateTime', multiValued: false },
  write: () => undefined,
  standalone: undefined,
};

/**
 * `active` ⇄ `!suspended`, and a STAGED user (imported, not yet activated) is inactive: Entra then sends
 * `active: true`, which the Users resource turns into JumpCloud's activation call. Password expiry is deliberately
 * not folded in: Entra would re-PATCH active=true forever.
 */
const notSuspended: Codec = {
  shape: { type: 'boolean', multiValued: false },
  read: (user) => !(user.suspended === true || user.state === 'SUSPENDED' || user.state === 'STAGED'),
  write: (value, row, out) => {
    if (value === undefined || value === null) return;
    if (typeof value !== 'boolean')
      throw badRequest('invalidValue', `'${row.scim}' must be true or false (got ${JSON.stringify(value)})`);
    out.fields.suspended = !value;
  },
  search: (sub) =>
    sub === undefined ? { field: 'suspended', exact: true, negated: true, alsoTrue: { state: 'STAGED' } } : undefined,
  reads: ['suspended', 'state'],
  // Not standalone: a STAGED user (imported, awaiting activation) stays STAGED when Entra disables it and is activated
  // by JumpCloud's own call when enabled, so both directions need the current state.
};

/** Accept a username that `deriveUsernameFromEmail` would turn into its local part, and keep the original. */
export const ORIGINAL_USERNAME_ATTRIBUTE = 'scimUserName';

export function derivedUsername(userName: string): string {
  const at = userName.indexOf('@');
  return at > 0 ? userName.slice(0, at) : userName;
}

/** The JumpCloud username a SCIM userName becomes: its part before "@" in derive mode, then the mapping file's rule. */
export function usernameFor(userName: string, options: MappingOptions): string {
  const base = options.deriveUsernameFromEmail && userName.includes('@') ? derivedUsername(userName) : userName;
  return options.usernameRule ? applyUsernameRule(base, options.usernameRule) : base;
}

function userName(options: MappingOptions): Codec {
  // Whether the username can differ from the userName: then the userName is recorded and `eq` is a superset search.
  const transformed = options.deriveUsernameFromEmail || options.usernameRule !== undefined;
  return {
    ...plain,
    read: (user, custom) => custom.get(ORIGINAL_USERNAME_ATTRIBUTE) ?? user.username,
    reads: ['username', 'attributes'],
    // The keep-username rule compares with the current username, and the userName is recorded in a custom attribute.
    standalone: undefined,
    write: (value, row, out) => {
      const v = str(value, row);
      const username = v === undefined ? '' : usernameFor(v, options);
      out.fields.username = username;
      out.custom[ORIGINAL_USERNAME_ATTRIBUTE] = v === undefined || username === v ? null : v;
    },
    // The SCIM userName is the JumpCloud username, or the recorded one (derive mode or a username rule; a change kept
    // without a rename): `eq` searches both, the username by the form the userName becomes, and the bridge re-checks
    // the result. Other operators compare the JumpCloud username only (documented: a kept rename is found by `eq`).
    search: (sub) => {
      if (sub !== undefined) return undefined;
      const recorded = ['attributes.value'];
      return transformed
        ? { field: 'username', exact: false, eqOnly: (v: string) => usernameFor(v, options), orFields: recorded }
        : { field: 'username', exact: true, orFields: recorded, orEqOnly: true };
    },
  };
}

/** Derive mode: has this JumpCloud user been claimed by a SCIM userName yet (users made before Entra have not)? */
export function recordedUserName(user: SystemUser): string | undefined {
  const hit = (user.attributes ?? []).find((a) => a?.name === ORIGINAL_USERNAME_ATTRIBUTE);
  return typeof hit?.value === 'string' ? hit.value : undefined;
}

const multiValueSubs = (
  extra: AttributeDef[],
  primary = 'Accepted; JumpCloud keeps no primary flag here, so it is not returned.',
): AttributeDef[] => [
  ...extra,
  attribute('type', { description: 'Label, kept as sent (e.g. work, mobile, fax).' }),
  attribute('primary', { type: 'boolean', description: primary }),
];

/** Where the email types are recorded when they differ from what a bare JumpCloud user reads as. */
const EMAIL_TYPE_ATTRIBUTE = 'scimEmailType';
const ALTERNATE_EMAIL_TYPE_ATTRIBUTE = 'scimAlternateEmailType';
const PRIMARY_EMAIL_TYPE = 'work';
const ALTERNATE_EMAIL_TYPE = 'other';

interface EmailIn {
  value: string;
  type?: string;
  primary: boolean;
}

/**
 * JumpCloud keeps two addresses: `email` (the primary) and `alternateEmail`. The primary reads back with
 * `primary: true`; each reads back with the type it was written with (recorded in a custom attribute when it is not
 * the default: `work` for the primary, `other` for the alternate). A third distinct address is refused.
 */
const email: Codec = {
  shape: {
    type: 'complex',
    multiValued: true,
    subAttributes: multiValueSubs(
      [
        attribute('value', {
          required: true,
          description: 'The address. Required: JumpCloud cannot store an email without one.',
        }),
      ],
      "True on JumpCloud's email; the second address is JumpCloud's alternateEmail.",
    ),
  },
  reads: ['email', 'alternateEmail', 'attributes'],
  read: (user, custom) => {
    const out: Record<string, unknown>[] = [];
    if (nonEmpty(user.email))
      out.push({ value: user.email, type: custom.get(EMAIL_TYPE_ATTRIBUTE) ?? PRIMARY_EMAIL_TYPE, primary: true });
    const alt = user.alternateEmail;
    if (nonEmpty(alt) && alt.toLowerCase() !== (user.email ?? '').toLowerCase())
      out.push({ value: alt, type: custom.get(ALTERNATE_EMAIL_TYPE_ATTRIBUTE) ?? ALTERNATE_EMAIL_TYPE });
    return out.length ? out : undefined;
  },
  write: (value, row, out) => {
    if (value === undefined || value === null) {
      out.fields.email = '';
      out.fields.alternateEmail = '';
      out.custom[EMAIL_TYPE_ATTRIBUTE] = null;
      out.custom[ALTERNATE_EMAIL_TYPE_ATTRIBUTE] = null;
      return;
    }
    if (!Array.isArray(value))
      throw badRequest('invalidValue', `'${row.scim}' must be an array of {value, type, primary}`);
    const distinct: EmailIn[] = [];
    value.forEach((e: unknown, i) => {
      if (!isRecord(e)) throw badRequest('invalidValue', `'${row.scim}[${i}]' must be an object with a 'value'`);
      const v = str(e.value, row, `${row.scim}[${i}].value`);
      if (v === undefined || v === '')
        throw badRequest(
          'invalidValue',
          `'${row.scim}[${i}]' has no 'value': every email needs its address (RFC 7643 §4.1.2; /Schemas marks emails.value required)`,
        );
      const type = str(e.type, row, `${row.scim}[${i}].type`);
      const same = distinct.find((d) => d.value.toLowerCase() === v.toLowerCase());
      if (same) same.primary ||= e.primary === true;
      else distinct.push({ value: v, ...(type !== undefined ? { type } : {}), primary: e.primary === true });
    });
    if (distinct.length > 2) {
      throw badRequest(
        'invalidValue',
        `JumpCloud keeps two email addresses per user (email and alternateEmail), but ${distinct.length} different addresses were sent in '${row.scim}'. ` +
          'Send at most two (in Entra, map at most emails[type eq "work"].value and one other email type).',
      );
    }
    const primary = distinct.find((d) => d.primary) ?? distinct[0];
    const alternate = distinct.find((d) => d !== primary);
    out.fields.email = primary?.value ?? '';
    out.fields.alternateEmail = alternate?.value ?? '';
    out.custom[EMAIL_TYPE_ATTRIBUTE] =
      primary?.type !== undefined && primary.type !== PRIMARY_EMAIL_TYPE ? primary.type : null;
    out.custom[ALTERNATE_EMAIL_TYPE_ATTRIBUTE] =
      alternate?.type !== undefined && alternate.type !== ALTERNATE_EMAIL_TYPE ? alternate.type : null;
  },
  search: (sub) =>
    sub === undefined || sub.toLowerCase() === 'value'
      ? { field: 'email', exact: true, orFields: ['alternateEmail'] }
      : undefined,
  // Fact alternateEmailUnique: an alternate email "must be unique across all of JumpCloud", emails included.
  uniqueAcross: ['email', 'alternateEmail'],
  // Fact emailsLowercased.
  storedLowercase: true,
};

function listOf(value: unknown, row: CodecRow): Record<string, unknown>[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw badRequest('invalidValue', `'${row.scim}' must be an array`);
  return value.map((e: unknown, i) => {
    if (!isRecord(e)) throw badRequest('invalidValue', `'${row.scim}[${i}]' must be an object`);
    return e;
  });
}

const typeKey = (type: unknown): string => (typeof type === 'string' ? type.toLowerCase() : '');

/**
 * The rule for arrays an admin also edits (phone numbers, addresses): the SCIM view holds one element per type, the
 * first of that type in JumpCloud's order that the view can show. Everything else JumpCloud holds (a second number of
 * a type, a number with an empty value, a PO box) is outside the view and is sent back unchanged (less its id) on
 * every write, in its place. A write changes the element of its type in place, removes it only when SCIM removed it,
 * and appends a type JumpCloud did not have.
 */
export interface TypedMerge<T extends { type?: string }> {
  /** May the SCIM view show this element (as the one of its type)? */
  shown(e: T): boolean;
  /** The stored element updated with what SCIM wrote (`current` undefined: a new element). */
  combine(current: T | undefined, written: T): T;
  /** What is left of a shown element SCIM removed (undefined: nothing worth keeping). */
  strip(current: T): T | undefined;
}

function shownByType<T extends { type?: string }>(list: readonly T[], shown: (e: T) => boolean): T[] {
  const seen = new Set<string>();
  return list.filter((e) => {
    const key = typeKey(e.type);
    if (seen.has(key) || !shown(e)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * An element as a request carries it: without the `id` JumpCloud gave it. Fact `putElementIds`: JumpCloud's own
 * `Set-JCUser` rebuilds each phone and address without one, and whether a request element may carry it is not
 * documented; the id names no data of the admin's, so every other key of the element still goes back.
 */
function withoutId<T extends { id?: unknown }>(element: T): T {
  const { id: _id, ...rest } = element;
  return rest as T;
}

function mergeByType<T extends { type?: string; id?: unknown }>(
  current: readonly T[],
  written: readonly T[],
  rule: TypedMerge<T>,
): T[] {
  return mergedByType(current, written, rule).map(withoutId);
}

function mergedByType<T extends { type?: string }>(
  current: readonly T[],
  written: readonly T[],
  rule: TypedMerge<T>,
): T[] {
  const shown = new Set(shownByType(current, rule.shown));
  const pending = new Map(written.map((w) => [typeKey(w.type), w]));
  const out: T[] = [];
  for (const e of current) {
    if (!shown.has(e)) {
      out.push(e);
      continue;
    }
    const w = pending.get(typeKey(e.type));
    pending.delete(typeKey(e.type));
    const kept = w ? rule.combine(e, w) : rule.strip(e);
    if (kept) out.push(kept);
  }
  for (const w of pending.values()) out.push(rule.combine(undefined, w));
  return out;
}

function uniqueTypes(list: readonly { type?: string }[], row: CodecRow, what: string): void {
  const seen = new Set<string>();
  for (const e of list) {
    const key = typeKey(e.type);
    if (seen.has(key)) {
      throw badRequest(
        'invalidValue',
        `'${row.scim}' has two ${what} of type '${e.type ?? ''}': the bridge keeps one per type in the SCIM view (an admin's further ones stay in JumpCloud untouched); send one per type`,
      );
    }
    seen.add(key);
  }
}

/** SCIM phone types JumpCloud names differently (its own vocabulary: mobile, home, work, work_mobile, work_fax). */
const PHONE_TYPE_TO_JUMPCLOUD: Record<string, string> = { fax: 'work_fax' };
const PHONE_TYPE_FROM_JUMPCLOUD: Record<string, string> = Object.fromEntries(
  Object.entries(PHONE_TYPE_TO_JUMPCLOUD).map(([k, v]) => [v, k]),
);
const phoneTypeOut = (t: string | undefined): string | undefined =>
  t === undefined ? t : (PHONE_TYPE_FROM_JUMPCLOUD[t] ?? t);
const phoneTypeIn = (t: string | undefined): string | undefined =>
  t === undefined ? t : (PHONE_TYPE_TO_JUMPCLOUD[t] ?? t);

const phoneMerge: TypedMerge<PhoneNumber> = {
  shown: (p) => nonEmpty(p.number),
  combine: (cur, w) => ({ ...(cur ?? {}), ...(w.type !== undefined ? { type: w.type } : {}), number: w.number ?? '' }),
  strip: () => undefined,
};

const phoneNumbers: Codec = {
  shape: {
    type: 'complex',
    multiValued: true,
    subAttributes: multiValueSubs([attribute('value', { description: 'The number, kept exactly as sent.' })]),
  },
  read: (user) => {
    const list = shownByType(user.phoneNumbers ?? [], phoneMerge.shown);
    return list.length
      ? list.map((p) => ({ value: p.number, ...(nonEmpty(p.type) ? { type: phoneTypeOut(p.type) } : {}) }))
      : undefined;
  },
  write: (value, row, out, current) => {
    const written = listOf(value, row).flatMap((e, i): PhoneNumber[] => {
      const number = str(e.value, row, `${row.scim}[${i}].value`);
      const type = phoneTypeIn(str(e.type, row, `${row.scim}[${i}].type`));
      // An element without a number is "no number of that type".
      return number ? [{ ...(type !== undefined ? { type } : {}), number }] : [];
    });
    uniqueTypes(written, row, 'phone numbers');
    out.fields.phoneNumbers = mergeByType(current?.phoneNumbers ?? [], written, phoneMerge);
  },
  search: (sub) => {
    const s = sub?.toLowerCase();
    if (s === undefined || s === 'value') return { field: 'phoneNumbers.number', exact: false };
    return undefined; // types are stored in JumpCloud's vocabulary: compared by the bridge
  },
};

/** Fact `customAttributeNames`: fewer than 32 characters, letters and digits (a leading letter, as every row has). */
export const CUSTOM_ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9]{0,30}$/;

const ADDRESS_PARTS = ['streetAddress', 'locality', 'region', 'postalCode', 'country'] as const;
const formattedAttribute = (type: string | undefined): string =>
  `scimAddressFormatted${(type ?? '').replace(/[^A-Za-z0-9]/g, '').replace(/^./, (c) => c.toUpperCase())}`;

/** The custom attribute an address type's `formatted` is kept in; a type too long for JumpCloud's names is a 400. */
function formattedAttributeFor(type: string | undefined, row: CodecRow, where: string): string {
  const name = formattedAttribute(type);
  if (!CUSTOM_ATTRIBUTE_NAME.test(name))
    throw badRequest(
      'invalidValue',
      `'${where}' cannot be kept: an address's formatted text is stored in the JumpCloud custom attribute ${JSON.stringify(name)}, and JumpCloud's custom attribute names must be fewer than 32 letters and digits. Use an address type of at most ${31 - formattedAttribute('').length} letters (for example work or home) in '${row.scim}'.`,
    );
  return name;
}

function addressMerge(custom: ReadonlyMap<string, string>): TypedMerge<Address> {
  const scimParts = (a: Address): boolean => ADDRESS_PARTS.some((p) => nonEmpty(a[p]));
  return {
    shown: (a) => scimParts(a) || custom.has(formattedAttribute(a.type)),
    combine: (cur, w) => {
      // Start from what JumpCloud holds (id, poBox, extendedAddress, anything newer) and replace only SCIM's parts.
      const base: Address = { ...(cur ?? {}) };
      for (const p of ADDRESS_PARTS) delete base[p];
      return { ...base, ...w };
    },
    strip: (cur) => {
      const rest: Address = { ...cur };
      for (const p of ADDRESS_PARTS) delete rest[p];
      const { id: _id, type: _type, ...admin } = rest;
      return Object.values(admin).some((v) => v !== undefined && v !== '') ? rest : undefined;
    },
  };
}

const customOf = (user: SystemUser | undefined): Map<string, string> =>
  new Map(
    (user?.attributes ?? []).filter((a) => typeof a?.name === 'string').map((a) => [a.name, String(a.value ?? '')]),
  );

/**
 * JumpCloud addresses have no `formatted`; Entra maps physicalDeliveryOfficeName there, so it is kept per type.
 * `poBox` and `extendedAddress` have no SCIM name: they stay on the JumpCloud element of their type.
 */
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
    const list = shownByType(user.addresses ?? [], addressMerge(custom).shown).map((a) => {
      const out: Record<string, string> = {};
      if (nonEmpty(a.type)) out.type = a.type;
      const formatted = custom.get(formattedAttribute(a.type));
      if (formatted !== undefined) out.formatted = formatted;
      for (const p of ADDRESS_PARTS) if (nonEmpty(a[p])) out[p] = a[p];
      return out;
    });
    return list.length ? list : undefined;
  },
  write: (value, row, out, current) => {
    const written = listOf(value, row).map((e, i): Address => {
      const a: Address = {};
      const type = str(e.type, row, `${row.scim}[${i}].type`);
      if (type !== undefined) a.type = type;
      const formatted = str(e.formatted, row, `${row.scim}[${i}].formatted`);
      if (formatted !== undefined)
        out.custom[formattedAttributeFor(type, row, `${row.scim}[${i}].formatted`)] = formatted;
      for (const p of ADDRESS_PARTS) {
        const v = str(e[p], row, `${row.scim}[${i}].${p}`);
        if (v !== undefined) a[p] = v;
      }
      return a;
    });
    uniqueTypes(written, row, 'addresses');
    out.fields.addresses = mergeByType(current?.addresses ?? [], written, addressMerge(customOf(current)));
  },
  search: (sub) => {
    const part = ADDRESS_PARTS.find((p) => p.toLowerCase() === sub?.toLowerCase());
    if (part) return { field: `addresses.${part}`, exact: false };
    return sub?.toLowerCase() === 'type' ? { field: 'addresses.type', exact: false } : undefined;
  },
};

/** RFC 7643 §8.7.2: the manager's `$ref` is the URI of a User of this service provider. */
const USER_REF = /(?:^|\/)Users\/([0-9a-f]{24})\/?$/i;

/**
 * The manager's JumpCloud id from any shape Entra writes it in: a bare id, `{value}`, `{$ref}`, or the legacy
 * one-element array (entra-quirks `legacySingleValueArray`). It is read back as `{value, $ref}`: Entra compares
 * `value` only (entra-facts §2.9), and a generic client that wrote `$ref` reads the same URI back.
 */
function managerId(value: unknown, where: string): string | null {
  let v: unknown = unwrapSingleValueArray(value);
  if (isRecord(v)) {
    const ref = v.$ref;
    const fromRef = typeof ref === 'string' && ref !== '' ? USER_REF.exec(ref)?.[1] : undefined;
    if (typeof ref === 'string' && ref !== '' && !fromRef) {
      throw badRequest(
        'invalidValue',
        `'${where}.$ref' must be the URI of a User of this bridge (…/scim/v2/Users/{id}), got ${JSON.stringify(ref.slice(0, 100))}`,
      );
    }
    const given = v.value;
    if (fromRef && typeof given === 'string' && given !== '' && given.toLowerCase() !== fromRef.toLowerCase()) {
      throw badRequest(
        'invalidValue',
        `'${where}' names two different managers: value ${JSON.stringify(given)} and $ref …/Users/${fromRef}`,
      );
    }
    v = given === undefined || given === null || given === '' ? (fromRef ?? given) : given;
  }
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
      attribute('$ref', {
        type: 'reference',
        referenceTypes: ['User'],
        caseExact: true,
        description:
          "The manager's URI on this bridge (…/Users/{id}, with the org path when the request came through one); accepted instead of or with value.",
      }),
      attribute('displayName', {
        mutability: 'readOnly',
        returned: 'never',
        description: 'Ignored on input; not returned (naming the manager would cost a JumpCloud read).',
      }),
    ],
  },
  read: (user, _custom, _row, view) =>
    nonEmpty(user.manager)
      ? { value: user.manager, ...(view?.baseUrl ? { $ref: `${view.baseUrl}/Users/${user.manager}` } : {}) }
      : undefined,
  write: (value, row, out) => {
    out.fields.manager = managerId(value, row.scim);
  },
  search: (sub) => (sub === undefined || sub.toLowerCase() === 'value' ? { field: 'manager', exact: true } : undefined),
  // An `add` merges into the manager held now (RFC 7644 §3.5.2.1), unless it names the manager itself.
  standalone: (op, value) => op !== 'add' || namesManager(value),
};

/** Whether a written manager value names the id itself (a bare id, or an object with a `value`), not only decorations. */
function namesManager(value: unknown): boolean {
  const v: unknown = unwrapSingleValueArray(value);
  return (typeof v === 'string' && v !== '') || (isRecord(v) && typeof v.value === 'string' && v.value !== '');
}

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
  return {
    plain,
    dateTime,
    notSuspended,
    userName: userName(options),
    email,
    phoneNumbers,
    addresses,
    manager,
    memberOf,
  };
}
