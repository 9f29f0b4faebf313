import { expect } from 'chai';
import { ScimError } from '../../../src/scim/errors.js';
import type { SystemUser } from '../../../src/jumpcloud/types.js';
import {
  ORIGINAL_USERNAME_ATTRIBUTE,
  codecs,
  derivedUsername,
  recordedUserName,
  type CodecRow,
  type JumpCloudWrite,
} from '../../../src/mapping/codecs.js';

// The custom attributes the email types are recorded in: data stored in JumpCloud, so their names are fixed.
const EMAIL_TYPE_ATTRIBUTE = 'scimEmailType';
const ALTERNATE_EMAIL_TYPE_ATTRIBUTE = 'scimAlternateEmailType';

const plainMode = codecs({ deriveUsernameFromEmail: false });
const deriveMode = codecs({ deriveUsernameFromEmail: true });
const ID = '5f1b2c3d4e5f6a7b8c9d0e1f';
const OTHER = '6a1b2c3d4e5f6a7b8c9d0e1f';

const field = (scim: string, name: string, maxLength?: number): CodecRow =>
  ({ scim, target: { kind: 'field', field: name }, ...(maxLength !== undefined ? { maxLength } : {}) }) as CodecRow;
const custom = (scim: string, name: string): CodecRow => ({ scim, target: { kind: 'custom', name } });
const user = (over: Partial<SystemUser> = {}): SystemUser =>
  ({ _id: ID, username: 'bjensen', email: 'bjensen@example.com', ...over }) as SystemUser;
const attrs = (u: SystemUser): Map<string, string> =>
  new Map((u.attributes ?? []).map((a) => [a.name, String(a.value)]));

/** Runs one codec's write and returns what it computed. */
function write(
  codec: keyof ReturnType<typeof codecs>,
  row: CodecRow,
  value: unknown,
  current?: SystemUser,
  mode = plainMode,
): JumpCloudWrite {
  const out: JumpCloudWrite = { fields: {}, custom: {} };
  mode[codec]!.write(value, row, out, current);
  return out;
}

/** The SCIM error a write is refused with: always a 400 invalidValue, Entra's signal not to retry as is. */
function refusal(f: () => unknown): ScimError {
  try {
    f();
  } catch (e) {
    expect(e).to.be.instanceOf(ScimError);
    expect([(e as ScimError).status, (e as ScimError).scimType]).to.deep.equal([400, 'invalidValue']);
    return e as ScimError;
  }
  throw new Error('the write was accepted');
}

const EMAILS = field('emails', 'email');
const PHONES = field('phoneNumbers', 'phoneNumbers');
const ADDRESSES = field('addresses', 'addresses');
const MANAGER = field('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager', 'manager');

describe('mapping/codecs', () => {
  describe('plain strings', () => {
    const title = field('title', 'jobTitle', 10);

    it('refuses a value that is not a string, naming the attribute and showing the value', () => {
      const e = refusal(() => write('plain', title, 42));
      expect([e.status, e.scimType, e.detail]).to.deep.equal([
        400,
        'invalidValue',
        "'title' must be a string (got 42)",
      ]);
      expect(refusal(() => write('plain', title, { a: 'x'.repeat(100) })).detail).to.equal(
        `'title' must be a string (got {"a":"${'x'.repeat(54)})`,
      );
    });

    it("refuses a value longer than the row's maxLength, and writes one at the limit", () => {
      expect(refusal(() => write('plain', title, 'x'.repeat(11))).detail).to.equal(
        "'title' is 11 characters; JumpCloud accepts at most 10",
      );
      expect(write('plain', title, 'x'.repeat(10)).fields).to.deep.equal({ jobTitle: 'x'.repeat(10) });
    });

    it('writes "no value" as an empty string (JumpCloud keeps an omitted key) and a custom attribute as a removal', () => {
      expect(write('plain', title, null).fields).to.deep.equal({ jobTitle: '' });
      expect(write('plain', custom('externalId', 'scimExternalId'), undefined).custom).to.deep.equal({
        scimExternalId: null,
      });
      expect(write('plain', field('meta.created', 'created'), 'x')).to.deep.equal({ fields: {}, custom: {} });
    });

    it('searches its own field exactly, a custom attribute only as a superset, and never a sub-attribute', () => {
      expect(plainMode.plain!.search!(undefined, title)).to.deep.equal({ field: 'jobTitle', exact: true });
      expect(plainMode.plain!.search!(undefined, custom('externalId', 'scimExternalId'))).to.deep.equal({
        field: 'attributes.value',
        exact: false,
      });
      expect(plainMode.plain!.search!('value', title)).to.equal(undefined);
    });
  });

  describe('active (notSuspended)', () => {
    const active = field('active', 'suspended');

    it('reads a suspended or STAGED user as inactive, an activated one as active', () => {
      const read = (u: Partial<SystemUser>): unknown => plainMode.notSuspended!.read(user(u), new Map(), active);
      expect([
        read({ suspended: true }),
        read({ state: 'SUSPENDED' }),
        read({ state: 'STAGED' }),
        read({ state: 'ACTIVATED', suspended: false }),
        read({}),
      ]).to.deep.equal([false, false, false, true, true]);
    });

    it('writes suspended = !active, leaves it alone without a value, and refuses a non-boolean', () => {
      expect(write('notSuspended', active, false).fields).to.deep.equal({ suspended: true });
      expect(write('notSuspended', active, true).fields).to.deep.equal({ suspended: false });
      expect(write('notSuspended', active, null).fields).to.deep.equal({});
      expect(write('notSuspended', active, undefined).fields).to.deep.equal({});
      expect(refusal(() => write('notSuspended', active, 'False')).detail).to.equal(
        '\'active\' must be true or false (got "False")',
      );
    });

    it('searches the negated suspended flag, counting STAGED as inactive; no sub-attributes', () => {
      expect(plainMode.notSuspended!.search!(undefined, active)).to.deep.equal({
        field: 'suspended',
        exact: true,
        negated: true,
        alsoTrue: { state: 'STAGED' },
      });
      expect(plainMode.notSuspended!.search!('value', active)).to.equal(undefined);
    });
  });

  describe('userName', () => {
    const row = field('userName', 'username');

    it('keeps only the part before "@" in derive mode, and records the full userName', () => {
      expect(write('userName', row, 'AdeleV@contoso.com', undefined, deriveMode)).to.deep.equal({
        fields: { username: 'AdeleV' },
        custom: { [ORIGINAL_USERNAME_ATTRIBUTE]: 'AdeleV@contoso.com' },
      });
      expect(write('userName', row, 'adelev', undefined, deriveMode)).to.deep.equal({
        fields: { username: 'adelev' },
        custom: { [ORIGINAL_USERNAME_ATTRIBUTE]: null },
      });
      expect(write('userName', row, 'AdeleV@contoso.com')).to.deep.equal({
        fields: { username: 'AdeleV@contoso.com' },
        custom: { [ORIGINAL_USERNAME_ATTRIBUTE]: null },
      });
      expect(write('userName', row, undefined)).to.deep.equal({
        fields: { username: '' },
        custom: { [ORIGINAL_USERNAME_ATTRIBUTE]: null },
      });
    });

    it('derives nothing from a value that starts with "@"', () => {
      expect(derivedUsername('@contoso.com')).to.equal('@contoso.com');
      expect(derivedUsername('a@b@c')).to.equal('a');
    });

    it('searches the username and the recorded userName; in derive mode by the derived form, never exactly', () => {
      expect(plainMode.userName!.search!(undefined, row)).to.deep.equal({
        field: 'username',
        exact: true,
        orFields: ['attributes.value'],
        orEqOnly: true,
      });
      const derived = deriveMode.userName!.search!(undefined, row)!;
      expect(derived.exact).to.equal(false);
      expect(derived.orFields).to.deep.equal(['attributes.value']);
      expect(derived.eqOnly?.('AdeleV@contoso.com')).to.equal('AdeleV');
      expect(plainMode.userName!.search!('value', row)).to.equal(undefined);
    });

    it('finds the recorded userName of a user, if it has a string one', () => {
      expect(
        recordedUserName(
          user({
            attributes: [
              { name: 'x', value: 'y' },
              { name: ORIGINAL_USERNAME_ATTRIBUTE, value: 'a@b.c' },
            ],
          }),
        ),
      ).to.equal('a@b.c');
      expect(
        recordedUserName(user({ attributes: [{ name: ORIGINAL_USERNAME_ATTRIBUTE, value: 7 as unknown as string }] })),
      ).to.equal(undefined);
      expect(recordedUserName(user({ attributes: [{ name: 'x', value: 'a@b.c' }] }))).to.equal(undefined);
      expect(recordedUserName(user())).to.equal(undefined);
      expect(
        recordedUserName(user({ attributes: [null as never, { name: ORIGINAL_USERNAME_ATTRIBUTE, value: 'z' }] })),
      ).to.equal('z');
    });
  });

  describe('emails', () => {
    const read = (u: SystemUser): unknown => plainMode.email!.read(u, attrs(u), EMAILS);

    it('reads the primary, then the alternate unless it is the same address in another case, each with its recorded type', () => {
      expect(read(user({ alternateEmail: 'B@x.org' }))).to.deep.equal([
        { value: 'bjensen@example.com', type: 'work', primary: true },
        { value: 'B@x.org', type: 'other' },
      ]);
      expect(read(user({ alternateEmail: 'BJensen@Example.com' }))).to.deep.equal([
        { value: 'bjensen@example.com', type: 'work', primary: true },
      ]);
      expect(read(user({ email: '', alternateEmail: 'b@x.org' }))).to.deep.equal([{ value: 'b@x.org', type: 'other' }]);
      expect(read(user({ email: undefined, alternateEmail: 'b@x.org' } as Partial<SystemUser>))).to.deep.equal([
        { value: 'b@x.org', type: 'other' },
      ]);
      expect(read(user({ email: '' }))).to.equal(undefined);
      const typed = user({
        alternateEmail: 'b@x.org',
        attributes: [
          { name: EMAIL_TYPE_ATTRIBUTE, value: 'home' },
          { name: ALTERNATE_EMAIL_TYPE_ATTRIBUTE, value: 'work' },
        ],
      });
      expect(read(typed)).to.deep.equal([
        { value: 'bjensen@example.com', type: 'home', primary: true },
        { value: 'b@x.org', type: 'work' },
      ]);
    });

    it('clears both addresses and both recorded types when emails is removed', () => {
      expect(write('email', EMAILS, null)).to.deep.equal({
        fields: { email: '', alternateEmail: '' },
        custom: { [EMAIL_TYPE_ATTRIBUTE]: null, [ALTERNATE_EMAIL_TYPE_ATTRIBUTE]: null },
      });
    });

    it('writes the primary as email and the other as alternateEmail, recording only non-default types', () => {
      expect(
        write('email', EMAILS, [
          { value: 'b@x.org', type: 'home' },
          { value: 'a@x.org', type: 'work', primary: true },
        ]),
      ).to.deep.equal({
        fields: { email: 'a@x.org', alternateEmail: 'b@x.org' },
        custom: { [EMAIL_TYPE_ATTRIBUTE]: null, [ALTERNATE_EMAIL_TYPE_ATTRIBUTE]: 'home' },
      });
      expect(
        write('email', EMAILS, [
          { value: 'a@x.org', type: 'home' },
          { value: 'b@x.org', type: 'other' },
        ]),
      ).to.deep.equal({
        fields: { email: 'a@x.org', alternateEmail: 'b@x.org' },
        custom: { [EMAIL_TYPE_ATTRIBUTE]: 'home', [ALTERNATE_EMAIL_TYPE_ATTRIBUTE]: null },
      });
      expect(write('email', EMAILS, [])).to.deep.equal({
        fields: { email: '', alternateEmail: '' },
        custom: { [EMAIL_TYPE_ATTRIBUTE]: null, [ALTERNATE_EMAIL_TYPE_ATTRIBUTE]: null },
      });
    });

    it('counts one address sent twice (in any case) once, primary if either copy was', () => {
      expect(
        write('email', EMAILS, [{ value: 'a@x.org' }, { value: 'b@x.org' }, { value: 'B@X.org', primary: true }])
          .fields,
      ).to.deep.equal({ email: 'b@x.org', alternateEmail: 'a@x.org' });
      expect(write('email', EMAILS, [{ value: 'a@x.org', primary: true }, { value: 'A@x.org' }]).fields).to.deep.equal({
        email: 'a@x.org',
        alternateEmail: '',
      });
      expect(
        write('email', EMAILS, [{ value: 'b@x.org' }, { value: 'a@x.org', primary: true }, { value: 'B@x.org' }])
          .fields,
      ).to.deep.equal({ email: 'a@x.org', alternateEmail: 'b@x.org' });
    });

    it('refuses a third address, a non-list, an element that is not an object and an element without a value', () => {
      const three = refusal(() =>
        write('email', EMAILS, [{ value: 'a@x.org' }, { value: 'b@x.org' }, { value: 'c@x.org' }]),
      );
      expect(three.detail).to.equal(
        "JumpCloud keeps two email addresses per user (email and alternateEmail), but 3 different addresses were sent in 'emails'. " +
          'Send at most two (in Entra, map at most emails[type eq "work"].value and one other email type).',
      );
      expect(refusal(() => write('email', EMAILS, 'a@x.org')).detail).to.equal(
        "'emails' must be an array of {value, type, primary}",
      );
      expect(refusal(() => write('email', EMAILS, ['a@x.org'])).detail).to.equal(
        "'emails[0]' must be an object with a 'value'",
      );
      expect(refusal(() => write('email', EMAILS, [{ value: 'a@x.org' }, { type: 'work' }])).detail).to.equal(
        "'emails[1]' has no 'value': every email needs its address (RFC 7643 §4.1.2; /Schemas marks emails.value required)",
      );
      expect(refusal(() => write('email', EMAILS, [{ value: '' }])).detail).to.match(/^'emails\[0\]' has no 'value'/);
    });

    it('searches email or alternateEmail for the value, nothing for other sub-attributes', () => {
      const want = { field: 'email', exact: true, orFields: ['alternateEmail'] };
      expect(plainMode.email!.search!(undefined, EMAILS)).to.deep.equal(want);
      expect(plainMode.email!.search!('Value', EMAILS)).to.deep.equal(want);
      expect(plainMode.email!.search!('type', EMAILS)).to.equal(undefined);
    });
  });

  describe('phoneNumbers', () => {
    const read = (u: SystemUser): unknown => plainMode.phoneNumbers!.read(u, new Map(), PHONES);

    it("shows the first numbered element of each type, fax in SCIM's word, and nothing when there is none", () => {
      const u = user({
        phoneNumbers: [
          { type: 'mobile', number: '' },
          { type: 'mobile', number: '1' },
          { type: 'Mobile', number: '2' },
          { type: 'work_fax', number: '3' },
          { number: '4' },
        ],
      });
      expect(read(u)).to.deep.equal([{ value: '1', type: 'mobile' }, { value: '3', type: 'fax' }, { value: '4' }]);
      expect(read(user({ phoneNumbers: [] }))).to.equal(undefined);
      expect(read(user())).to.equal(undefined);
    });

    it("changes the number of its type in place and keeps what the view does not show (an admin's second number), sending elements without JumpCloud's ids", () => {
      const current = user({
        phoneNumbers: [
          { id: 'p1', type: 'mobile', number: '1' },
          { id: 'p2', type: 'mobile', number: '2' },
          { id: 'p3', type: 'home', number: '9' },
        ],
      });
      expect(
        write(
          'phoneNumbers',
          PHONES,
          [
            { type: 'MOBILE', value: '5' },
            { type: 'fax', value: '6' },
          ],
          current,
        ).fields.phoneNumbers,
      ).to.deep.equal([
        { type: 'MOBILE', number: '5' },
        { type: 'mobile', number: '2' },
        { type: 'work_fax', number: '6' },
      ]);
    });

    it('treats an element without a number as "no number of that type"', () => {
      const current = user({ phoneNumbers: [{ id: 'p1', type: 'mobile', number: '1' }] });
      expect(write('phoneNumbers', PHONES, [{ type: 'mobile', value: '' }], current).fields.phoneNumbers).to.deep.equal(
        [],
      );
      expect(write('phoneNumbers', PHONES, [{ value: '7' }]).fields.phoneNumbers).to.deep.equal([{ number: '7' }]);
      expect(write('phoneNumbers', PHONES, null).fields.phoneNumbers).to.deep.equal([]);
    });

    it('refuses two numbers of one type (ignoring case), a non-list and a non-object element, naming where', () => {
      expect(
        refusal(() =>
          write('phoneNumbers', PHONES, [
            { type: 'work', value: '1' },
            { type: 'Work', value: '2' },
          ]),
        ).detail,
      ).to.equal(
        "'phoneNumbers' has two phone numbers of type 'Work': the bridge keeps one per type in the SCIM view (an admin's further ones stay in JumpCloud untouched); send one per type",
      );
      expect(refusal(() => write('phoneNumbers', PHONES, [{ value: '1' }, { value: '2' }])).detail).to.match(
        /^'phoneNumbers' has two phone numbers of type '':/,
      );
      expect(refusal(() => write('phoneNumbers', PHONES, { value: '1' })).detail).to.equal(
        "'phoneNumbers' must be an array",
      );
      expect(refusal(() => write('phoneNumbers', PHONES, [{ value: '1' }, '2'])).detail).to.equal(
        "'phoneNumbers[1]' must be an object",
      );
      expect(refusal(() => write('phoneNumbers', PHONES, [{ value: 1 }])).detail).to.equal(
        "'phoneNumbers[0].value' must be a string (got 1)",
      );
      expect(refusal(() => write('phoneNumbers', PHONES, [{ value: '1', type: 2 }])).detail).to.equal(
        "'phoneNumbers[0].type' must be a string (got 2)",
      );
    });

    it('searches the number only', () => {
      expect(plainMode.phoneNumbers!.search!(undefined, PHONES)).to.deep.equal({
        field: 'phoneNumbers.number',
        exact: false,
      });
      expect(plainMode.phoneNumbers!.search!('VALUE', PHONES)).to.deep.equal({
        field: 'phoneNumbers.number',
        exact: false,
      });
      expect(plainMode.phoneNumbers!.search!('type', PHONES)).to.equal(undefined);
    });
  });

  describe('addresses', () => {
    const read = (u: SystemUser): unknown => plainMode.addresses!.read(u, attrs(u), ADDRESSES);

    it('reads the SCIM parts and the formatted text recorded per type; an element with neither is not shown', () => {
      const u = user({
        addresses: [
          { id: 'a0', type: 'home', poBox: '12' },
          { id: 'a1', type: 'work', streetAddress: '1 Way', locality: '', country: 'US' },
          { id: 'a4', type: 'Work', streetAddress: '2 Way' },
          { id: 'a2', type: 'home-2' },
          { id: 'a3', streetAddress: 'x' },
        ],
        attributes: [
          { name: 'scimAddressFormattedWork', value: '18/2111' },
          { name: 'scimAddressFormattedHome2', value: 'Flat 2' },
        ],
      });
      expect(read(u)).to.deep.equal([
        { type: 'work', formatted: '18/2111', streetAddress: '1 Way', country: 'US' },
        { type: 'home-2', formatted: 'Flat 2' },
        { streetAddress: 'x' },
      ]);
      expect(read(user({ addresses: [{ type: 'work', poBox: '1' }] }))).to.equal(undefined);
      expect(read(user({ attributes: [{ name: 'scimAddressFormatted', value: 'orphan' }] }))).to.equal(undefined);
      expect(read(user())).to.equal(undefined);
    });

    it('records formatted per type in a custom attribute and writes the parts into the element of that type', () => {
      const current = user({
        addresses: [{ id: 'a1', type: 'work', streetAddress: 'old', poBox: '12', extendedAddress: 'B' }],
      });
      const out = write(
        'addresses',
        ADDRESSES,
        [{ type: 'work', formatted: '18/2111', locality: 'Bellevue' }, { formatted: 'untyped' }],
        current,
      );
      expect(out.custom).to.deep.equal({ scimAddressFormattedWork: '18/2111', scimAddressFormatted: 'untyped' });
      expect(out.fields.addresses).to.deep.equal([
        { type: 'work', poBox: '12', extendedAddress: 'B', locality: 'Bellevue' },
        {},
      ]);
    });

    it('keeps what an admin added when SCIM removes an address, and drops an element with nothing else in it', () => {
      const current = user({
        addresses: [
          { id: 'a1', type: 'work', streetAddress: '1 Way', poBox: '12' },
          { id: 'a2', type: 'home', locality: 'Bellevue', poBox: '' },
        ],
      });
      expect(write('addresses', ADDRESSES, [], current).fields.addresses).to.deep.equal([
        { type: 'work', poBox: '12' },
      ]);
    });

    it('shows an element with only a recorded formatted text, so a write can clear it', () => {
      const current = user({
        addresses: [{ id: 'a1', type: 'work', poBox: '' }],
        attributes: [{ name: 'scimAddressFormattedWork', value: '18/2111' }],
      });
      expect(write('addresses', ADDRESSES, [{ type: 'work', locality: 'X' }], current).fields.addresses).to.deep.equal([
        { type: 'work', poBox: '', locality: 'X' },
      ]);
      const other = user({
        addresses: [{ id: 'a1', type: 'work', poBox: '' }],
        attributes: [{ name: 'scimAddressFormattedHome', value: 'x' }],
      });
      expect(write('addresses', ADDRESSES, [{ type: 'work', locality: 'X' }], other).fields.addresses).to.deep.equal([
        { type: 'work', poBox: '' },
        { type: 'work', locality: 'X' },
      ]);
    });

    it('refuses two addresses of one type and a part that is not a string, naming where', () => {
      expect(refusal(() => write('addresses', ADDRESSES, [{ type: 'work' }, { type: 'WORK' }])).detail).to.match(
        /^'addresses' has two addresses of type 'WORK'/,
      );
      expect(refusal(() => write('addresses', ADDRESSES, [{ type: 'work', locality: 5 }])).detail).to.equal(
        "'addresses[0].locality' must be a string (got 5)",
      );
      expect(refusal(() => write('addresses', ADDRESSES, [{ type: 1 }])).detail).to.equal(
        "'addresses[0].type' must be a string (got 1)",
      );
      expect(refusal(() => write('addresses', ADDRESSES, [{ formatted: true }])).detail).to.equal(
        "'addresses[0].formatted' must be a string (got true)",
      );
    });

    it('searches a part or the type (as supersets), nothing else', () => {
      expect(plainMode.addresses!.search!('Locality', ADDRESSES)).to.deep.equal({
        field: 'addresses.locality',
        exact: false,
      });
      expect(plainMode.addresses!.search!('TYPE', ADDRESSES)).to.deep.equal({ field: 'addresses.type', exact: false });
      expect(plainMode.addresses!.search!('formatted', ADDRESSES)).to.equal(undefined);
      expect(plainMode.addresses!.search!(undefined, ADDRESSES)).to.equal(undefined);
    });
  });

  describe('manager', () => {
    const where = 'manager';
    /** The manager id the codec writes for a value Entra sent. */
    const managerId = (value: unknown, _where: string): unknown =>
      write('manager', field(where, 'manager'), value).fields.manager;

    it('takes a bare id, {value}, {$ref} or both when they agree, lower-cased', () => {
      expect(managerId(ID.toUpperCase(), where)).to.equal(ID);
      expect(managerId({ value: ID }, where)).to.equal(ID);
      expect(managerId({ $ref: `https://bridge/scim/v2/Users/${ID}` }, where)).to.equal(ID);
      expect(managerId({ $ref: `Users/${ID}/` }, where)).to.equal(ID);
      expect(managerId({ value: ID, $ref: `https://b/Users/${ID.toUpperCase()}` }, where)).to.equal(ID);
      expect(managerId({ value: '', $ref: `https://b/Users/${ID}` }, where)).to.equal(ID);
      expect(managerId({ value: null, $ref: `https://b/Users/${ID}` }, where)).to.equal(ID);
    });

    it('reads no value (null, empty, {value: ""}, an empty $ref) as "no manager"', () => {
      for (const v of [null, undefined, '', { value: '' }, { value: null }, { $ref: '' }, {}])
        expect(managerId(v, where), JSON.stringify(v)).to.equal(null);
    });

    it('refuses a $ref that is not a User of this bridge, two different managers, and a value that is not an id', () => {
      expect(refusal(() => managerId({ $ref: 'https://b/Groups/x' }, where)).detail).to.equal(
        `'manager.$ref' must be the URI of a User of this bridge (…/scim/v2/Users/{id}), got "https://b/Groups/x"`,
      );
      expect(refusal(() => managerId({ $ref: `https://b/Users/${ID}`, value: OTHER }, where)).detail).to.equal(
        `'manager' names two different managers: value "${OTHER}" and $ref …/Users/${ID}`,
      );
      expect(refusal(() => managerId({ value: 'adelev' }, where)).detail).to.equal(
        `'manager' must be the SCIM id of a user this bridge provisioned (24 hex characters), got "adelev"`,
      );
      expect(refusal(() => managerId(12, where)).detail).to.equal(
        `'manager' must be the SCIM id of a user this bridge provisioned (24 hex characters), got 12`,
      );
      expect(refusal(() => managerId({ value: 'x'.repeat(80) }, where)).detail).to.equal(
        `'manager' must be the SCIM id of a user this bridge provisioned (24 hex characters), got "${'x'.repeat(59)}`,
      );
    });

    it('writes null to remove the manager, and reads it back as {value}', () => {
      expect(write('manager', MANAGER, null).fields).to.deep.equal({ manager: null });
      expect(write('manager', MANAGER, ID).fields).to.deep.equal({ manager: ID });
      expect(plainMode.manager!.read(user({ manager: ID }), new Map(), MANAGER)).to.deep.equal({ value: ID });
      expect(plainMode.manager!.read(user({ manager: '' }), new Map(), MANAGER)).to.equal(undefined);
    });

    it('searches the manager field by value only', () => {
      expect(plainMode.manager!.search!(undefined, MANAGER)).to.deep.equal({ field: 'manager', exact: true });
      expect(plainMode.manager!.search!('value', MANAGER)).to.deep.equal({ field: 'manager', exact: true });
      expect(plainMode.manager!.search!('displayName', MANAGER)).to.equal(undefined);
    });
  });
});
