import { expect } from 'chai';
import { loadConfig } from '../../../src/config.js';
import { loadAttributeTable } from '../../../src/mapping/attribute-table.js';
import { loadGroupTable } from '../../../src/mapping/group-table.js';
import { formatFilter, parseFilter } from '../../../src/scim/filter.js';
import {
  compareAcrossTypes,
  filterForType,
  parseRootFilter,
  parseRootSort,
  withSortAttribute,
  type Ranked,
} from '../../../src/scim/root-search.js';
import { scimErrorOf } from '../../helpers/scim-error.js';

const config = loadConfig({});
const loaded = loadAttributeTable(config.mappingFile, { deriveUsernameFromEmail: false });
const users = loaded.users.schema;
const groups = loadGroupTable(loaded.raw, config.mappingFile).schema;
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** What a type is asked: `true`, `false`, or the filter's canonical text. */
const asked = (text: string, schema = groups): boolean | string => {
  const out = filterForType(parseFilter(text), schema);
  return typeof out === 'boolean' ? out : formatFilter(out);
};

describe('scim/root-search', () => {
  describe('filterForType: an attribute a type does not have has no value there (RFC 7644 §3.4.2.1)', () => {
    const cases: [string, boolean | string][] = [
      ['userName eq "a"', false],
      ['userName pr', false],
      ['userName ne "a"', true],
      ['userName eq null', true],
      ['userName ne null', false],
      ['userName sw "a"', false],
      ['not (userName eq "a")', true],
      ['emails[type eq "work"]', false],
      [`${ENT}:department eq "R&D"`, false],
      ['userName eq "a" or displayName eq "b"', 'displayName eq "b"'],
      ['userName eq "a" and displayName eq "b"', false],
      ['userName ne "a" and displayName eq "b"', 'displayName eq "b"'],
      ['userName eq "a" or not (displayName eq "b")', 'not (displayName eq "b")'],
      ['userName eq "a" or displayName eq "b" or externalId eq "c"', 'displayName eq "b" or externalId eq "c"'],
      ['(userName eq "a" or displayName eq "b") and externalId pr', 'displayName eq "b" and externalId pr'],
      ['meta.resourceType eq "Group"', true],
      ['meta.resourceType eq "User"', false],
      ['meta.resourceType eq "User" or meta.resourceType eq "Group"', true],
      ['meta.resourceType eq "Group" and displayName sw "S"', 'displayName sw "S"'],
      ['meta.resourceType pr', true],
      ['displayName eq "x"', 'displayName eq "x"'],
    ];
    for (const [text, want] of cases) it(`${text} → ${String(want)}`, () => expect(asked(text)).to.deep.equal(want));

    it('a type that has every attribute gets the filter unchanged (only meta.resourceType is decided)', () => {
      expect(asked('userName eq "a" and emails[type eq "work"]', users)).to.equal(
        'userName eq "a" and emails[type eq "work"]',
      );
      expect(asked('meta.resourceType eq "User" and userName sw "a"', users)).to.equal('userName sw "a"');
    });
  });

  describe('parseRootFilter', () => {
    it('accepts an attribute one type has, and meta.resourceType', () => {
      expect(parseRootFilter('members.value eq "x" or userName eq "y"', [users, groups])).to.not.equal(undefined);
      expect(parseRootFilter('meta.resourceType eq "User"', [users, groups])).to.not.equal(undefined);
      expect(parseRootFilter(' ', [users, groups])).to.equal(undefined);
      expect(parseRootFilter(undefined, [users, groups])).to.equal(undefined);
    });
    it('refuses an attribute no type has, naming it and the types', () => {
      const e = scimErrorOf(() => parseRootFilter('userName eq "a" or shoeSize eq "9"', [users, groups]));
      expect([e.status, e.scimType, e.detail]).to.deep.equal([
        400,
        'invalidFilter',
        "Filter attribute 'shoeSize' is not an attribute of any resource type this bridge serves (User, Group); /Schemas lists them",
      ]);
      expect(scimErrorOf(() => parseRootFilter('userName eq', [users])).scimType).to.equal('invalidFilter');
    });
  });

  describe('parseRootSort and compareAcrossTypes', () => {
    it('sorts each type that has the attribute; the others have no value', () => {
      const sort = parseRootSort({ sortBy: 'userName', sortOrder: 'descending' }, [users, groups]);
      expect(sort?.descending).to.equal(true);
      expect(sort?.byType.map((s) => s?.path.text)).to.deep.equal(['userName', undefined]);
      expect(parseRootSort({ sortBy: '' }, [users, groups])).to.equal(undefined);
    });
    it('refuses a sortBy no type has, and a bad sortOrder with the type-level message', () => {
      expect(scimErrorOf(() => parseRootSort({ sortBy: 'shoeSize' }, [users, groups])).detail).to.contain(
        'not an attribute of any resource type this bridge serves (User, Group)',
      );
      expect(scimErrorOf(() => parseRootSort({ sortBy: 'userName', sortOrder: 'up' }, [users])).detail).to.equal(
        "'sortOrder' must be 'ascending' or 'descending'",
      );
    });
    it('orders by value across types, missing values last ascending and first descending, ties by type then position', () => {
      const r = (type: number, position: number, displayName?: string): Ranked<Record<string, unknown>> => ({
        doc: { id: `${type}-${position}`, ...(displayName !== undefined ? { displayName } : {}) },
        type,
        position,
      });
      const items = [r(0, 0, 'b'), r(0, 1), r(1, 0, 'A'), r(1, 1, 'b'), r(1, 2)];
      const order = (sortOrder: string): string[] => {
        const sort = parseRootSort({ sortBy: 'displayName', sortOrder }, [users, groups]);
        return [...items].sort(compareAcrossTypes(sort as NonNullable<typeof sort>)).map((i) => String(i.doc.id));
      };
      expect(order('ascending')).to.deep.equal(['1-0', '0-0', '1-1', '0-1', '1-2']);
      expect(order('descending')).to.deep.equal(['0-1', '1-2', '0-0', '1-1', '1-0']);
    });
  });

  describe('withSortAttribute', () => {
    it('adds the sort attribute to attributes and keeps it out of excludedAttributes', () => {
      expect(withSortAttribute({ attributes: 'userName' }, 'name.familyName', users)).to.deep.equal({
        attributes: 'userName,name.familyName',
      });
      expect(withSortAttribute({ excludedAttributes: 'name,emails' }, 'name.familyName', users)).to.deep.equal({
        excludedAttributes: 'emails',
      });
      expect(withSortAttribute({ excludedAttributes: 'name.givenName' }, 'name.familyName', users)).to.deep.equal({
        excludedAttributes: 'name.givenName',
      });
      expect(withSortAttribute({}, 'userName', users)).to.deep.equal({});
    });
  });
});
