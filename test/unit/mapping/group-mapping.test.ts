import { expect } from 'chai';
import { ConfigError } from '../../../src/config.js';
import { parseFilter } from '../../../src/scim/filter.js';
import { parsePatchRequest } from '../../../src/scim/patch.js';
import { ScimError } from '../../../src/scim/errors.js';
import { DEFAULT_GROUP_ROWS, loadGroupTable } from '../../../src/mapping/group-table.js';
import { planGroupQuery, searchable } from '../../../src/mapping/group-query.js';
import { memberChanges, memberSteps, needsCurrent, type MemberRef } from '../../../src/mapping/group-members.js';

const table = loadGroupTable({ groups: DEFAULT_GROUP_ROWS }, 'mapping.json');
const schema = table.schema;
const id = (n: number): string => `6a${n.toString(16).padStart(22, '0')}`;
const ref = (n: number): MemberRef => ({ value: id(n), $ref: `x/Users/${id(n)}`, type: 'User' });
const patch = (...ops: unknown[]): ReturnType<typeof parsePatchRequest> => parsePatchRequest({ Operations: ops }, schema);

describe('group mapping', () => {
  describe('group table', () => {
    it('round-trips externalId through the description verbatim and reads an empty description as no externalId', () => {
      expect(table.toScim({ id: 'g', name: 'Sales', description: ' Ext-1 ' })).to.deep.equal({ displayName: 'Sales', externalId: ' Ext-1 ' });
      expect(table.toScim({ id: 'g', name: 'Sales', description: '' })).to.deep.equal({ displayName: 'Sales' });
      expect(table.toJumpCloud({ displayName: 'Sales' })).to.deep.equal({ name: 'Sales', description: '' });
    });

    it('uses the default rows when the mapping file has no groups section, and rejects rows it cannot store', () => {
      expect(loadGroupTable({}, 'f').schema.core.attributes.map((a) => a.name)).to.deep.equal(['externalId', 'displayName', 'members']);
      expect(() => loadGroupTable({ groups: [{ scim: 'externalId', jumpcloud: 'email' }] }, 'f')).to.throw(ConfigError, "'externalId' can only be stored in the group's 'description'");
      expect(() => loadGroupTable({ groups: [{ scim: 'members', jumpcloud: 'members' }] }, 'f')).to.throw(ConfigError, "'displayName' row is required");
    });
  });

  describe('filter push-down', () => {
    const plan = (f: string): string[] => planGroupQuery(parseFilter(f), schema).terms;
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
      const steps = memberSteps(patch({ op: 'add', path: 'members', value: [{ value: id(1) }] }, { op: 'remove', path: `members[value eq "${id(1)}"]` }));
      expect(memberChanges(steps)).to.deep.equal({ add: [], remove: [id(1)] });
    });

    it('diffs replace, remove-all and filtered removes against the current members', () => {
      const current = [ref(1), ref(2)];
      expect(memberChanges(memberSteps(patch({ op: 'replace', path: 'members', value: [{ value: id(2) }, { value: id(3) }] })), current)).to.deep.equal({ add: [id(3)], remove: [id(1)] });
      expect(memberChanges(memberSteps(patch({ op: 'remove', path: 'members' })), current)).to.deep.equal({ add: [], remove: [id(1), id(2)] });
      const filtered = memberSteps(patch({ op: 'remove', path: `members[value ew "01"]` }));
      expect(needsCurrent(filtered)).to.equal(true);
      expect(memberChanges(filtered, current)).to.deep.equal({ add: [], remove: [id(1)] });
    });

    it('rejects a non-JumpCloud id, a bare $ref and member sub-paths before anything is written', () => {
      expect(() => memberSteps(patch({ op: 'add', path: 'members', value: [{ value: 'u1091' }] }))).to.throw(ScimError, '"u1091" is not a JumpCloud user id');
      expect(() => memberSteps(patch({ op: 'add', path: 'members', value: [{ $ref: 'https://x/Users/1' }] }))).to.throw(ScimError, 'members must be given as');
      expect(() => memberSteps(patch({ op: 'replace', path: `members[value eq "${id(1)}"].display`, value: 'x' }))).to.throw(ScimError);
    });
  });
});
