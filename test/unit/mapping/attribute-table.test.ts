import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { loadConfig, ConfigError } from '../../../src/config.js';
import { fieldOf, loadAttributeTable, stringAt, withValueAt } from '../../../src/mapping/attribute-table.js';
import { createBody, updateBody } from '../../../src/mapping/user-write.js';
import { checkUsername } from '../../../src/mapping/usernames.js';
import { parsePatchRequest } from '../../../src/scim/patch.js';
import type { SystemUser } from '../../../src/jumpcloud/types.js';

const file = loadConfig({}).mappingFile;
const table = loadAttributeTable(file, { deriveUsernameFromEmail: false }).users;
const derive = loadAttributeTable(file, { deriveUsernameFromEmail: true }).users;
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const MGR = 'ab'.repeat(12);

const full: SystemUser = {
  _id: 'cd'.repeat(12),
  username: 'adelev',
  email: 'AdeleV@contoso.com',
  firstname: 'Adele',
  middlename: 'M',
  lastname: 'Vance',
  displayname: 'Adele Vance',
  jobTitle: 'Retail Manager',
  employeeType: 'Employee',
  location: 'en-US',
  department: 'Retail',
  costCenter: 'CC1',
  company: 'Contoso',
  employeeIdentifier: '701984',
  manager: MGR,
  suspended: false,
  created: '2026-01-02T03:04:05.000Z',
  phoneNumbers: [{ id: 'p1', type: 'mobile', number: '+1 (555) 555-5555' }],
  addresses: [
    {
      id: 'a1',
      type: 'work',
      streetAddress: '1 Way',
      locality: 'Bellevue',
      region: 'WA',
      postalCode: '98004',
      country: 'US',
    },
  ],
  attributes: [
    { name: 'scimExternalId', value: 'obj-1' },
    { name: 'scimNameFormatted', value: 'Adele Vance' },
    { name: 'scimPreferredLanguage', value: 'en-US' },
    { name: 'scimAddressFormattedWork', value: '18/2111' },
    { name: 'costCode', value: 'kept' },
  ],
};

describe('mapping/attribute-table', () => {
  it("maps every row of JumpCloud's table and the beyond rows into the SCIM view", () => {
    expect(table.toScim(full)).to.deep.equal({
      userName: 'adelev',
      externalId: 'obj-1',
      name: { formatted: 'Adele Vance', givenName: 'Adele', middleName: 'M', familyName: 'Vance' },
      displayName: 'Adele Vance',
      title: 'Retail Manager',
      userType: 'Employee',
      locale: 'en-US',
      preferredLanguage: 'en-US',
      active: true,
      emails: [{ value: 'AdeleV@contoso.com', type: 'work', primary: true }],
      phoneNumbers: [{ value: '+1 (555) 555-5555', type: 'mobile' }],
      addresses: [
        {
          type: 'work',
          formatted: '18/2111',
          streetAddress: '1 Way',
          locality: 'Bellevue',
          region: 'WA',
          postalCode: '98004',
          country: 'US',
        },
      ],
      [ENT]: {
        employeeNumber: '701984',
        costCenter: 'CC1',
        organization: 'Contoso',
        department: 'Retail',
        manager: { value: MGR },
      },
      meta: { created: '2026-01-02T03:04:05.000Z' },
    });
  });

  it('round-trips: SCIM view → JumpCloud write → SCIM view is the identity (no re-PATCH every cycle)', () => {
    const doc = table.toScim(full);
    const write = table.toJumpCloud(doc);
    const stored: SystemUser = {
      ...full,
      ...write.fields,
      manager: write.fields.manager ?? undefined,
      attributes: [
        ...Object.entries(write.custom)
          .filter(([, v]) => v !== null)
          .map(([name, value]) => ({ name, value: String(value) })),
        { name: 'costCode', value: 'kept' },
      ],
    } as SystemUser;
    expect(table.toScim(stored)).to.deep.equal(doc);
  });

  it('active ⇄ !suspended, and a suspended state reads as inactive', () => {
    expect(table.toScim({ ...full, suspended: true }).active).to.equal(false);
    expect(table.toScim({ ...full, suspended: undefined, state: 'SUSPENDED' }).active).to.equal(false);
    expect(table.toJumpCloud({ userName: 'x', active: false }).fields.suspended).to.equal(true);
  });

  it('a new user gets state explicitly, no empty keys, custom attributes as an array', () => {
    const body = createBody(
      table.toJumpCloud({ userName: 'joy', emails: [{ value: 'j@c.com' }], externalId: 'e1', active: false }),
    );
    expect(body).to.deep.equal({
      username: 'joy',
      email: 'j@c.com',
      attributes: [{ name: 'scimExternalId', value: 'e1' }],
      state: 'SUSPENDED',
    });
  });

  it('an update carries only changed fields, with state kept consistent and foreign custom attributes preserved', () => {
    const before = table.toJumpCloud(table.toScim(full));
    const doc = table.toScim(full);
    const after = table.toJumpCloud({ ...doc, active: false, externalId: 'obj-2', title: 'Lead' });
    expect(updateBody(before, after, full)).to.deep.equal({
      suspended: true,
      state: 'SUSPENDED',
      jobTitle: 'Lead',
      attributes: [
        { name: 'scimNameFormatted', value: 'Adele Vance' },
        { name: 'scimPreferredLanguage', value: 'en-US' },
        { name: 'scimAddressFormattedWork', value: '18/2111' },
        { name: 'costCode', value: 'kept' },
        { name: 'scimExternalId', value: 'obj-2' },
      ],
    });
  });

  it('clearing: strings become "", manager null, arrays []', () => {
    const before = table.toJumpCloud(table.toScim(full));
    const { title: _t, phoneNumbers: _p, ...rest } = table.toScim(full);
    const after = table.toJumpCloud({
      ...rest,
      [ENT]: { department: 'Retail', costCenter: 'CC1', organization: 'Contoso', employeeNumber: '701984' },
    });
    expect(updateBody(before, after, full)).to.deep.equal({ jobTitle: '', phoneNumbers: [], manager: null });
  });

  it('DERIVE_USERNAME_FROM_EMAIL stores the local part and reads the original back exactly', () => {
    const write = derive.toJumpCloud({
      userName: 'Joy.Young@Contoso.com',
      emails: [{ value: 'Joy.Young@Contoso.com' }],
    });
    expect(write.fields.username).to.equal('Joy.Young');
    expect(write.custom).to.include({ scimUserName: 'Joy.Young@Contoso.com' });
    const stored = {
      ...full,
      username: 'Joy.Young',
      attributes: [{ name: 'scimUserName', value: 'Joy.Young@Contoso.com' }],
    };
    expect(derive.toScim(stored).userName).to.equal('Joy.Young@Contoso.com');
  });

  it('JumpCloud username rules name the rule and the fix', () => {
    expect(() => checkUsername('a@b.com', 'a@b.com')).to.throw(/must not contain "@".*mailNickname/);
    expect(() => checkUsername('a b', 'a b')).to.throw(/spaces/);
    expect(() => checkUsername('_ab', '_ab')).to.throw(/start with a letter/);
    expect(() => checkUsername('ab.c_d-1', 'ab.c_d-1')).to.not.throw();
  });

  it('generates /Schemas attributes from the rows (name as a complex attribute with its sub-attributes)', () => {
    const name = table.schema.core.attributes.find((a) => a.name === 'name');
    expect(name?.type).to.equal('complex');
    expect(name?.subAttributes?.map((s) => s.name)).to.deep.equal([
      'formatted',
      'givenName',
      'middleName',
      'familyName',
    ]);
    expect(table.schema.extensions.map((e) => e.id)).to.deep.equal([ENT]);
  });

  it('a custom extension row maps an Entra custom attribute to a JumpCloud custom attribute', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'map-'));
    const custom = path.join(dir, 'mapping.json');
    const urn = 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User';
    writeFileSync(
      custom,
      JSON.stringify({
        users: [
          { scim: 'userName', jumpcloud: 'username', codec: 'userName' },
          { scim: `${urn}:tag`, jumpcloud: 'attributes.tag' },
        ],
      }),
    );
    const t = loadAttributeTable(custom, { deriveUsernameFromEmail: false }).users;
    expect(t.schema.extensions.map((e) => e.id)).to.deep.equal([urn]);
    expect(t.toJumpCloud({ userName: 'u', [urn]: { tag: '701984' } }).custom).to.deep.equal({
      scimUserName: null,
      tag: '701984',
    });
  });

  it('a broken mapping file stops start-up with one line naming the problem', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'map-'));
    const bad = (rows: unknown): string => {
      const f = path.join(dir, `${Math.random()}.json`);
      writeFileSync(f, JSON.stringify({ users: rows }));
      return f;
    };
    expect(() =>
      loadAttributeTable(bad([{ scim: 'title', jumpcloud: 'nosuchfield' }]), { deriveUsernameFromEmail: false }),
    ).to.throw(ConfigError, /'nosuchfield' is neither/);
    expect(() =>
      loadAttributeTable(bad([{ scim: 'userName', jumpcloud: 'username', codec: 'magic' }]), {
        deriveUsernameFromEmail: false,
      }),
    ).to.throw(ConfigError, /unknown codec 'magic'/);
    expect(() =>
      loadAttributeTable(bad([{ scim: 'title', jumpcloud: 'jobTitle' }]), { deriveUsernameFromEmail: false }),
    ).to.throw(ConfigError, /'userName' row is required/);
    expect(() => loadAttributeTable(path.join(dir, 'missing.json'), { deriveUsernameFromEmail: false })).to.throw(
      ConfigError,
      /could not be read/,
    );
  });

  it('the manager codec takes the legacy one-element array (entra-quirks legacySingleValueArray) and refuses other arrays', () => {
    const write = table.toJumpCloud({
      userName: 'u',
      [ENT]: { manager: [{ $ref: `https://b/scim/v2/Users/${MGR}`, value: MGR }] },
    });
    expect(write.fields.manager).to.equal(MGR);
    expect(() => table.toJumpCloud({ userName: 'u', [ENT]: { manager: [{ value: MGR }, { value: MGR }] } })).to.throw(
      /must be the SCIM id/,
    );
  });

  it('names the rows the Users resource relies on by their codec, and their JumpCloud fields', () => {
    expect(table.userNameRow.scim).to.equal('userName');
    expect(table.emailsRow?.scim).to.equal('emails');
    expect(table.managerRow?.scim).to.equal(`${ENT}:manager`);
    expect(table.groupsRow?.scim).to.equal('groups');
    expect(
      [table.emailsRow, table.managerRow, table.groupsRow, table.rows.find((r) => r.scim === 'externalId')].map(
        fieldOf,
      ),
    ).to.deep.equal(['email', 'manager', undefined, undefined]);
  });

  it("a lost create's lookup adopts a user only when it holds the create's email (any case)", () => {
    expect(table.holdsCreate(full, { email: 'adelev@CONTOSO.com' })).to.equal(true);
    expect(table.holdsCreate(full, { email: 'other@contoso.com' })).to.equal(false);
    expect(
      table.holdsCreate({ ...full, email: undefined } as unknown as SystemUser, { email: 'adelev@contoso.com' }),
    ).to.equal(false);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'map-')), 'mapping.json');
    writeFileSync(file, JSON.stringify({ users: [{ scim: 'userName', jumpcloud: 'username', codec: 'userName' }] }));
    const noEmails = loadAttributeTable(file, { deriveUsernameFromEmail: false }).users;
    expect(noEmails.holdsCreate(full, { email: full.email })).to.equal(false);
  });

  it('withValueAt copies the containers on the way and leaves the original alone; stringAt reads strings only', () => {
    const doc = { userName: 'a', [ENT]: { department: 'D' } };
    const next = withValueAt(doc, { uri: ENT, name: 'manager', sub: 'value' }, MGR);
    expect(next).to.deep.equal({ userName: 'a', [ENT]: { department: 'D', manager: { value: MGR } } });
    expect(doc).to.deep.equal({ userName: 'a', [ENT]: { department: 'D' } });
    expect(withValueAt(doc, { name: 'userName' }, 'b').userName).to.equal('b');
    expect(stringAt(next, { uri: ENT, name: 'manager', sub: 'value' })).to.equal(MGR);
    expect(stringAt(next, { uri: ENT, name: 'manager' })).to.equal(undefined);
  });
});

describe('mapping/attribute-table: which PATCH operations stand alone (one PUT, no read)', () => {
  const standalone = (op: Record<string, unknown>): string | undefined => {
    const [parsed] = parsePatchRequest({ Operations: [op] }, table.schema);
    return parsed ? table.standaloneRow(parsed)?.scim : undefined;
  };

  it('plain systemuser fields, replaced, added or removed, stand alone; so does a manager named by its id', () => {
    expect(
      [
        { op: 'replace', path: 'title', value: 'Boss' },
        { op: 'add', path: 'displayName', value: 'B' },
        { op: 'remove', path: 'name.givenName' },
        { op: 'replace', path: `${ENT}:employeeNumber`, value: '7' },
        { op: 'add', path: `${ENT}:manager`, value: MGR },
        { op: 'add', path: `${ENT}:manager`, value: { value: MGR } },
        { op: 'replace', path: `${ENT}:manager`, value: { $ref: `https://b.example/Users/${MGR}` } },
        { op: 'remove', path: `${ENT}:manager` },
      ].map(standalone),
    ).to.deep.equal([
      'title',
      'displayName',
      'name.givenName',
      `${ENT}:employeeNumber`,
      `${ENT}:manager`,
      `${ENT}:manager`,
      `${ENT}:manager`,
      `${ENT}:manager`,
    ]);
  });

  it('what needs the current user does not: active (a STAGED user), the userName, arrays, custom attributes, sub-paths, an add that merges', () => {
    expect(
      [
        { op: 'replace', path: 'active', value: true },
        { op: 'replace', path: 'active', value: 'False' },
        { op: 'remove', path: 'active' },
        { op: 'replace', path: 'userName', value: 'b' },
        { op: 'replace', path: 'emails', value: [{ value: 'a@b.example' }] },
        { op: 'replace', path: 'emails[type eq "work"].value', value: 'a@b.example' },
        { op: 'add', path: 'phoneNumbers', value: [{ type: 'work', value: '1' }] },
        { op: 'replace', path: 'externalId', value: 'x' },
        { op: 'replace', path: 'name.formatted', value: 'B J' },
        { op: 'replace', path: 'name', value: { givenName: 'B' } },
        { op: 'replace', path: `${ENT}:manager.value`, value: MGR },
        { op: 'add', path: `${ENT}:manager`, value: { $ref: `https://b.example/Users/${MGR}` } },
      ].map(standalone),
    ).to.deep.equal(Array(12).fill(undefined));
  });

  it('the unique rows and the fields each is unique across come from the table: an email against every email and alternateEmail', () => {
    expect(table.uniqueRows.map((u) => [u.row.scim, u.fields])).to.deep.equal([
      ['userName', ['username']],
      ['emails', ['email', 'alternateEmail']],
      [`${ENT}:employeeNumber`, ['employeeIdentifier']],
    ]);
  });
});
