import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../../src/config.js';
import { ScimError } from '../../../src/scim/errors.js';
import type { AttributeDef } from '../../../src/scim/attribute-def.js';
import type { SystemUser } from '../../../src/jumpcloud/types.js';
import { loadAttributeTable, type UserTable } from '../../../src/mapping/attribute-table.js';
import { loadGroupTable } from '../../../src/mapping/group-table.js';

/**
 * config/mapping.json as an admin edits it: what a broken file says at start-up, and the /Schemas a file produces
 * (discovery must advertise exactly what the rows store).
 */
const dir = mkdtempSync(path.join(tmpdir(), 'mapping-file-'));
let n = 0;
const fileWith = (content: unknown): string => {
  const f = path.join(dir, `m${n++}.json`);
  writeFileSync(f, typeof content === 'string' ? content : JSON.stringify(content));
  return f;
};
const USER_NAME = { scim: 'userName', jumpcloud: 'username', codec: 'userName' };
const load = (rows: unknown[]) =>
  loadAttributeTable(fileWith({ users: rows }), { deriveUsernameFromEmail: false }).users;
const startupError = (content: unknown): string => {
  const f = fileWith(content);
  try {
    loadAttributeTable(f, { deriveUsernameFromEmail: false });
  } catch (e) {
    expect(e).to.be.instanceOf(ConfigError);
    return (e as Error).message.replace(f, '<file>');
  }
  throw new Error('the mapping file was accepted');
};
const attr = (attrs: AttributeDef[], name: string): AttributeDef => {
  const a = attrs.find((x) => x.name === name);
  if (!a) throw new Error(`no attribute ${name}`);
  return a;
};

describe('mapping/attribute-table: the mapping file', () => {
  describe('a broken file stops start-up with one line naming the row and the problem', () => {
    it('a file that is not an object with a users array', () => {
      expect(startupError('{"users": ')).to.match(/^MAPPING_FILE <file> could not be read as JSON: /);
      expect(startupError({ groups: [] })).to.equal("MAPPING_FILE <file> must be an object with a 'users' array");
      expect(startupError([USER_NAME])).to.equal("MAPPING_FILE <file> must be an object with a 'users' array");
      expect(startupError({ users: { userName: 'username' } })).to.equal(
        "MAPPING_FILE <file> must be an object with a 'users' array",
      );
    });

    it('a row without string scim and jumpcloud keys, counted from 1', () => {
      expect(startupError({ users: [USER_NAME, 'title'] })).to.equal(
        "MAPPING_FILE <file>: mapping row 2 needs string 'scim' and 'jumpcloud' keys",
      );
      expect(startupError({ users: [USER_NAME, { scim: 'title' }] })).to.equal(
        "MAPPING_FILE <file>: mapping row 2 needs string 'scim' and 'jumpcloud' keys",
      );
      expect(startupError({ users: [{ jumpcloud: 'username' }] })).to.equal(
        "MAPPING_FILE <file>: mapping row 1 needs string 'scim' and 'jumpcloud' keys",
      );
      expect(startupError({ users: [USER_NAME, { scim: 'title', jumpcloud: 7 }] })).to.equal(
        "MAPPING_FILE <file>: mapping row 2 needs string 'scim' and 'jumpcloud' keys",
      );
    });

    it('a scim key that is not an attribute path', () => {
      for (const bad of ['name.givenName.x', '1title', 'name.1x', 'title ', 'xurn:a:title']) {
        expect(startupError({ users: [USER_NAME, { scim: bad, jumpcloud: 'jobTitle' }] }), bad).to.equal(
          `MAPPING_FILE <file>: '${bad}' is not a SCIM attribute path`,
        );
      }
      expect(load([USER_NAME, { scim: 'name.$x', jumpcloud: 'jobTitle' }]).rows[1]?.path).to.deep.equal({
        name: 'name',
        sub: '$x',
      });
      expect(load([USER_NAME, { scim: 'URN:x:y:title', jumpcloud: 'jobTitle' }]).rows[1]?.path).to.deep.equal({
        uri: 'URN:x:y',
        name: 'title',
      });
    });

    it('an unknown codec, listing the known ones', () => {
      expect(startupError({ users: [USER_NAME, { scim: 'title', jumpcloud: 'jobTitle', codec: 'magic' }] })).to.equal(
        "MAPPING_FILE <file>: mapping row 2: unknown codec 'magic' (known: plain, dateTime, notSuspended, userName, email, phoneNumbers, addresses, manager, memberOf)",
      );
    });

    it('a uniqueness, mutability or returned outside its RFC 7643 values', () => {
      expect(
        startupError({ users: [USER_NAME, { scim: 'title', jumpcloud: 'jobTitle', uniqueness: 'unique' }] }),
      ).to.equal("MAPPING_FILE <file>: mapping row 2: 'uniqueness' must be one of none, server, global");
      expect(
        startupError({ users: [USER_NAME, { scim: 'title', jumpcloud: 'jobTitle', mutability: 'readonly' }] }),
      ).to.equal(
        "MAPPING_FILE <file>: mapping row 2: 'mutability' must be one of readOnly, readWrite, immutable, writeOnly",
      );
      expect(
        startupError({ users: [USER_NAME, { scim: 'title', jumpcloud: 'jobTitle', returned: 'sometimes' }] }),
      ).to.equal("MAPPING_FILE <file>: mapping row 2: 'returned' must be one of always, never, default, request");
    });

    it('an attribute mapped twice, whatever its case', () => {
      expect(
        startupError({
          users: [USER_NAME, { scim: 'title', jumpcloud: 'jobTitle' }, { scim: 'Title', jumpcloud: 'department' }],
        }),
      ).to.equal("MAPPING_FILE <file>: 'Title' is mapped twice");
    });
  });

  describe('what a row means', () => {
    it("takes each key's default when it is left out, and its value when given", () => {
      const [, title, created, dept] = load([
        USER_NAME,
        { scim: 'title', jumpcloud: 'jobTitle' },
        { scim: 'meta.created', jumpcloud: 'created', type: 'dateTime', mutability: 'readOnly', returned: 'always' },
        {
          scim: 'urn:x:ext:2.0:User:dept',
          jumpcloud: 'department',
          codec: 'plain',
          maxLength: 5,
          required: true,
          caseExact: true,
          uniqueness: 'global',
          mutability: 'immutable',
          returned: 'request',
          description: 'Dept.',
        },
      ]).rows;
      expect(title).to.include({
        codecName: 'plain',
        required: false,
        caseExact: false,
        uniqueness: 'none',
        mutability: 'readWrite',
        returned: 'default',
        description: '',
      });
      expect(title).to.not.have.property('maxLength');
      expect(created).to.include({ codecName: 'dateTime', mutability: 'readOnly', returned: 'always' });
      expect(dept).to.include({
        codecName: 'plain',
        maxLength: 5,
        required: true,
        caseExact: true,
        uniqueness: 'global',
        mutability: 'immutable',
        returned: 'request',
        description: 'Dept.',
      });
    });

    it("enforces a row's maxLength on writes", () => {
      const t = load([USER_NAME, { scim: 'title', jumpcloud: 'jobTitle', maxLength: 3 }]);
      expect(() => t.toJumpCloud({ userName: 'u', title: 'abcd' })).to.throw(
        ScimError,
        "'title' is 4 characters; JumpCloud accepts at most 3",
      );
      expect(t.toJumpCloud({ userName: 'u', title: 'abc' }).fields).to.include({ jobTitle: 'abc' });
    });

    it('writes no read-only row, and a lenient write skips a row whose value breaks a rule instead of refusing', () => {
      const t = load([
        USER_NAME,
        { scim: 'title', jumpcloud: 'jobTitle', maxLength: 3 },
        { scim: 'displayName', jumpcloud: 'displayname', mutability: 'readOnly' },
      ]);
      expect(
        t.toJumpCloud({ userName: 'u', title: 'abcd', displayName: 'D' }, t.rows, { lenient: true }).fields,
      ).to.deep.equal({ username: 'u' });
      expect(() => t.toJumpCloud({ userName: 'u', title: 'abcd' }, t.rows, { lenient: false })).to.throw(ScimError);
    });

    it('reads custom attributes by name, skipping malformed entries, and a missing value as empty', () => {
      const t = load([
        USER_NAME,
        { scim: 'externalId', jumpcloud: 'attributes.ext' },
        { scim: 'title', jumpcloud: 'attributes.job' },
      ]);
      const u = {
        _id: 'x',
        username: 'u',
        attributes: [null, { value: 'no name' }, { name: 'ext', value: 'E-1' }, { name: 'job' }],
      } as unknown as SystemUser;
      expect(t.toScim(u)).to.deep.equal({ userName: 'u', externalId: 'E-1' });
      expect(t.toScim({ _id: 'x', username: 'u' } as SystemUser)).to.deep.equal({ userName: 'u' });
    });
  });

  describe('the /Schemas a file produces', () => {
    const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
    const CUSTOM = 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User';
    // Built inside each test, not when the suite is defined: the mutation run counts only what a test executes.
    const table = (): UserTable =>
      load([
        { scim: 'title', jumpcloud: 'jobTitle', description: 'Job title.' },
        USER_NAME,
        { scim: 'id', jumpcloud: '_id' },
        { scim: 'meta.created', jumpcloud: 'created', type: 'dateTime' },
        { scim: 'externalId', jumpcloud: 'attributes.ext', caseExact: true },
        { scim: 'name.givenName', jumpcloud: 'firstname' },
        { scim: `${ENT}:department`, jumpcloud: 'department' },
        { scim: `${CUSTOM}:tag`, jumpcloud: 'attributes.tag' },
        { scim: 'urn:acme:tag', jumpcloud: 'attributes.acme' },
      ]);

    it('the core User schema: externalId first, then the rows in file order; id and meta are common attributes, not listed', () => {
      expect(table().schema.core).to.include({
        id: 'urn:ietf:params:scim:schemas:core:2.0:User',
        name: 'User',
        description: 'User Account',
      });
      expect(table().schema.core.attributes.map((a) => a.name)).to.deep.equal([
        'externalId',
        'title',
        'userName',
        'name',
      ]);
      expect(attr(table().schema.core.attributes, 'externalId')).to.include({ caseExact: true });
      expect(attr(table().schema.core.attributes, 'title')).to.include({
        type: 'string',
        description: 'Job title.',
        mutability: 'readWrite',
        returned: 'default',
      });
    });

    it('a sub-attribute row makes its parent a complex attribute that lists it', () => {
      const name = attr(table().schema.core.attributes, 'name');
      expect(name).to.include({ type: 'complex', description: '' });
      expect(name.subAttributes?.map((s) => s.name)).to.deep.equal(['givenName']);
    });

    it('one extension schema per URN, named by its last segment (the enterprise one by its RFC name)', () => {
      expect(
        table().schema.extensions.map((e) => [e.id, e.name, e.description, e.attributes.map((a) => a.name)]),
      ).to.deep.equal([
        [ENT, 'EnterpriseUser', 'Enterprise User', ['department']],
        [CUSTOM, 'User', 'Custom extension mapped to JumpCloud custom attributes', ['tag']],
        ['urn:acme', 'acme', 'Custom extension mapped to JumpCloud custom attributes', ['tag']],
      ]);
    });
  });

  describe('the groups section', () => {
    const shipped = (): string => loadConfig({}).mappingFile;
    const groups = () =>
      loadGroupTable(loadAttributeTable(shipped(), { deriveUsernameFromEmail: false }).raw, shipped());

    it('advertises members exactly as the bridge serves them: user ids, immutable values, no display', () => {
      const members = attr(groups().schema.core.attributes, 'members');
      expect(members).to.include({ type: 'complex', multiValued: true });
      expect(members.description).to.be.a('string').and.not.equal('');
      const subs = Object.fromEntries((members.subAttributes ?? []).map((s) => [s.name, s]));
      expect(Object.keys(subs)).to.deep.equal(['value', '$ref', 'type', 'display', 'primary']);
      expect(subs.value).to.include({ type: 'string', caseExact: true, mutability: 'immutable' });
      expect(subs.$ref).to.include({ type: 'reference', caseExact: true, mutability: 'immutable' });
      expect(subs.$ref?.referenceTypes).to.deep.equal(['User']);
      expect(subs.type).to.include({ caseExact: false, mutability: 'immutable' });
      expect(subs.type?.canonicalValues).to.deep.equal(['User']);
      expect(subs.display).to.include({ mutability: 'readOnly' });
      expect(subs.primary).to.include({ type: 'boolean' });
      for (const s of Object.values(subs)) expect(s.description, s.name).to.be.a('string').and.not.equal('');
    });

    it('lists externalId first and describes the Group schema', () => {
      const custom = loadGroupTable(
        {
          groups: [
            { scim: 'displayName', jumpcloud: 'name', required: true },
            { scim: 'members', jumpcloud: 'members' },
            { scim: 'externalId', jumpcloud: 'attributes.ext' },
          ],
        },
        'f',
      );
      expect(custom.schema.core).to.include({
        id: 'urn:ietf:params:scim:schemas:core:2.0:Group',
        name: 'Group',
        description: 'Group',
      });
      expect(custom.schema.resourceType).to.equal('Group');
      expect(custom.schema.core.attributes.map((a) => a.name)).to.deep.equal(['externalId', 'displayName', 'members']);
      expect(attr(custom.schema.core.attributes, 'displayName').description).to.equal('');
    });

    it('refuses a groups section that is not a list, or a row without string keys', () => {
      expect(() => loadGroupTable({ groups: { displayName: 'name' } }, 'f.json')).to.throw(
        ConfigError,
        "MAPPING_FILE f.json: 'groups' must be an array",
      );
      expect(() =>
        loadGroupTable(
          { groups: [{ scim: 'displayName', jumpcloud: 'name', required: true }, { scim: 'externalId' }] },
          'f.json',
        ),
      ).to.throw(ConfigError, "groups row 2 needs string 'scim' and 'jumpcloud' keys");
      expect(() => loadGroupTable({ groups: ['displayName'] }, 'f.json')).to.throw(
        ConfigError,
        "groups row 1 needs string 'scim' and 'jumpcloud' keys",
      );
      expect(() => loadGroupTable({ groups: [{ jumpcloud: 'name' }] }, 'f.json')).to.throw(
        ConfigError,
        "groups row 1 needs string 'scim' and 'jumpcloud' keys",
      );
      expect(() =>
        loadGroupTable(
          {
            groups: [
              { scim: 'displayName', jumpcloud: 'name', required: true },
              { scim: 'externalId', jumpcloud: 'attributes.e', uniqueness: 'unique' },
            ],
          },
          'f.json',
        ),
      ).to.throw(ConfigError, "groups row 2: 'uniqueness' must be none, server or global");
      expect(() =>
        loadGroupTable(
          {
            groups: [
              { scim: 'DisplayName', jumpcloud: 'name', required: true },
              { scim: 'displayname', jumpcloud: 'description' },
            ],
          },
          'f.json',
        ),
      ).to.throw(ConfigError, 'mapped twice');
    });

    it("stores a 'Members' row under the canonical name members, and reads a group without attributes", () => {
      const custom = loadGroupTable(
        {
          groups: [
            { scim: 'displayName', jumpcloud: 'name', required: true },
            { scim: 'Members', jumpcloud: 'members' },
            { scim: 'externalId', jumpcloud: 'attributes.ext' },
          ],
        },
        'f',
      );
      expect(custom.membersRow?.scim).to.equal('members');
      expect(custom.schema.core.attributes.map((a) => a.name)).to.include('members');
      expect(custom.toScim({ id: 'g', name: 'Sales', attributes: null } as never)).to.deep.equal({
        displayName: 'Sales',
      });
    });

    it('refuses a non-string value for a group text row', () => {
      expect(() => groups().toJumpCloud({ displayName: 42 })).to.throw(ScimError, "'displayName' must be a string");
    });
  });
});
