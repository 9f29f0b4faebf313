import { expect } from 'chai';
import { ConfigError } from '../../../src/config.js';
import { parseFilter } from '../../../src/scim/filter.js';
import { parsePatchRequest } from '../../../src/scim/patch.js';
import { ScimError } from '../../../src/scim/errors.js';
import { loadGroupTable } from '../../../src/mapping/group-table.js';
import { loadAttributeTable } from '../../../src/mapping/attribute-table.js';
import { loadConfig } from '../../../src/config.js';
import { planGroupQuery, searchable } from '../../../src/mapping/group-query.js';
import { memberChanges, memberSteps, needsCurrent, type MemberRef } from '../../../src/mapping/group-members.js';

// The shipped config/mapping.json, as the bridge loads it by default.
const shipped = loadConfig({}).mappingFile;
const table = loadGroupTable(loadAttributeTable(shipped, { deriveUsernameFromEmail: false }).raw, shipped);
const schema = table.schema;
const id = (n: number): string => `6a${n.toString(16).padStart(22, '0')}`;
const ref = (n: number): MemberRef => ({ value: id(n), $ref: `x/Users/${id(n)}`, type: 'User' });
const patch = (...ops: unknown[]): ReturnType<typeof parsePatchRequest> =>
  parsePatchRequest({ Operations: ops }, schema);

describe('group mapping', () => {
  describe('group table', () => {
    it("round-trips externalId through the description's trailer verbatim, keeping the admin's text, and still reads the previous layout", () => {
      expect(
        table.toScim({ id: 'g', name: 'Sales', description: 'admin text [scim-bridge externalId=%20Ext-1%20]' }),
      ).to.deep.equal({ displayName: 'Sales', externalId: ' Ext-1 ' });
      // The previous layout (the group's attributes object) is read until the next write moves it.
      expect(
        table.toScim({
          id: 'g',
          name: 'Sales',
          description: 'admin text',
          attributes: { scimExternalId: ' Ext-1 ', sudo: { enabled: true } },
        }),
      ).to.deep.equal({ displayName: 'Sales', externalId: ' Ext-1 ' });
      expect(table.toScim({ id: 'g', name: 'Sales', description: 'admin text' })).to.deep.equal({
        displayName: 'Sales',
      });
      expect(table.toJumpCloud({ displayName: 'Sales', externalId: 'x' })).to.deep.equal({
        name: 'Sales',
        trailer: { externalId: 'x' },
      });
      expect(table.toJumpCloud({ displayName: 'Sales' })).to.deep.equal({ name: 'Sales', trailer: { externalId: '' } });
    });

    it('uses the shipped rows when the mapping file has no groups section', () => {
      expect(loadGroupTable({}, 'f').rows).to.deep.equal(table.rows);
      expect(table.schema.core.attributes.map((a) => a.name)).to.deep.equal(['externalId', 'displayName', 'members']);
    });

    it('takes rows as data: any user group text field can store a SCIM attribute', () => {
      const custom = loadGroupTable(
        {
          groups: [
            { scim: 'displayName', jumpcloud: 'name', required: true },
            { scim: 'externalId', jumpcloud: 'email' },
          ],
        },
        'f',
      );
      expect(custom.toScim({ id: 'g', name: 'Sales', email: 'ext-1', description: 'kept' })).to.deep.equal({
        displayName: 'Sales',
        externalId: 'ext-1',
      });
      expect(custom.toJumpCloud({ displayName: 'Sales' })).to.deep.equal({ name: 'Sales', email: '' });
    });

    it('rejects rows it cannot store, naming the row and the reason', () => {
      const bad =
        (groups: unknown[]): (() => unknown) =>
        () =>
          loadGroupTable({ groups }, 'f');
      expect(bad([{ scim: 'externalId', jumpcloud: 'memberQuery' }])).to.throw(
        ConfigError,
        "groups row 1: 'memberQuery' is not a JumpCloud user group field the bridge can write (name, description, email, members, description.<key> or attributes.<key>)",
      );
      expect(bad([{ scim: 'members', jumpcloud: 'members' }])).to.throw(
        ConfigError,
        "a row must map to the group's 'name'",
      );
      expect(bad([{ scim: 'displayName', jumpcloud: 'name' }])).to.throw(ConfigError, "'displayName' must be required");
      expect(
        bad([
          { scim: 'displayName', jumpcloud: 'name', required: true },
          { scim: 'externalId', jumpcloud: 'name' },
        ]),
      ).to.throw(ConfigError, "'name' is mapped twice");
      expect(
        bad([
          { scim: 'displayName', jumpcloud: 'name', required: true },
          { scim: 'owners', jumpcloud: 'members' },
        ]),
      ).to.throw(ConfigError, "groups row 2: the SCIM 'members' attribute");
      expect(bad([{ scim: 'name.x', jumpcloud: 'name', required: true }])).to.throw(
        ConfigError,
        "'name.x' is not a top-level SCIM Group attribute name",
      );
    });
  });

  describe('filter push-down', () => {
    const plan = (f: string): string[] => planGroupQuery(parseFilter(f), table).terms;
    it('pushes displayName eq/co/sw/ew as a case-insensitive name:search superset', () => {
      expect(plan('displayName eq "Sales Team"')).to.deep.equal(['name:search:Sales Team']);
      expect(plan('DisplayName sw "Sa" and displayName ew "am"')).to.deep.equal(['name:search:Sa', 'name:search:am']);
    });
    it('pushes nothing for externalId, or, not and ne (decided locally)', () => {
      expect(plan('externalId eq "x"')).to.deep.equal([]);
      expect(plan('displayName eq "a" or displayName eq "b"')).to.deep.equal([]);
      expect(plan('not (displayName eq "a")')).to.deep.equal([]);
      expect(plan('displayName ne "a"')).to.deep.equal([]);
    });
    it('keeps only a comma- and wildcard-free piece of the value', () => {
      expect(searchable('a,bcd*ef')).to.equal('bcd');
      expect(searchable(',*')).to.equal(undefined);
    });
    it('refuses filters on members', () => {
      expect(() => plan('members.value eq "x"')).to.throw(ScimError, 'not supported');
    });
  });

  describe('member steps', () => {
    it('reads every Entra shape and lowercases ids', () => {
      const steps = memberSteps(
        patch(
          { op: 'Add', path: 'members', value: [{ $ref: null, value: id(1).toUpperCase() }, { value: id(2) }] },
          { op: 'Remove', path: 'members', value: [{ value: id(3) }] },
          { op: 'remove', path: `members[value eq "${id(4)}"]` },
        ),
      );
      expect(steps).to.deep.equal([
        { kind: 'add', ids: [id(1), id(2)] },
        { kind: 'remove', ids: [id(3)] },
        { kind: 'remove', ids: [id(4)] },
      ]);
      expect(needsCurrent(steps)).to.equal(false);
      expect(memberChanges(steps)).to.deep.equal({ add: [id(1), id(2)], remove: [id(3), id(4)] });
    });

    it('lets the last step naming an id win without reading the group', () => {
      const steps = memberSteps(
        patch(
          { op: 'add', path: 'members', value: [{ value: id(1) }] },
          { op: 'remove', path: `members[value eq "${id(1)}"]` },
        ),
      );
      expect(memberChanges(steps)).to.deep.equal({ add: [], remove: [id(1)] });
    });

    it('diffs replace, remove-all and filtered removes against the current members', () => {
      const current = [ref(1), ref(2)];
      expect(
        memberChanges(
          memberSteps(patch({ op: 'replace', path: 'members', value: [{ value: id(2) }, { value: id(3) }] })),
          current,
        ),
      ).to.deep.equal({ add: [id(3)], remove: [id(1)] });
      expect(memberChanges(memberSteps(patch({ op: 'remove', path: 'members' })), current)).to.deep.equal({
        add: [],
        remove: [id(1), id(2)],
      });
      const filtered = memberSteps(patch({ op: 'remove', path: `members[value ew "01"]` }));
      expect(needsCurrent(filtered)).to.equal(true);
      expect(memberChanges(filtered, current)).to.deep.equal({ add: [], remove: [id(1)] });
    });

    it('rejects a non-JumpCloud id, a bare $ref and member sub-paths before anything is written', () => {
      expect(() => memberSteps(patch({ op: 'add', path: 'members', value: [{ value: 'u1091' }] }))).to.throw(
        ScimError,
        '"u1091" is not a JumpCloud user id',
      );
      expect(() => memberSteps(patch({ op: 'add', path: 'members', value: [{ $ref: 'https://x/Users/1' }] }))).to.throw(
        ScimError,
        'members must be given as',
      );
      expect(() =>
        memberSteps(patch({ op: 'replace', path: `members[value eq "${id(1)}"].display`, value: 'x' })),
      ).to.throw(ScimError);
    });
  });
});
