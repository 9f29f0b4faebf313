import { expect } from 'chai';
import { parseFilter } from '../../../src/scim/filter.js';
import { attribute } from '../../../src/scim/schema.js';
import {
  ENTRA_QUIRKS,
  bareValue,
  elementFromFilter,
  isClearingValue,
  isReadOnlyDecoration,
  memberIds,
  opName,
  removeListed,
  splitPathlessValue,
  stringBoolean,
  unqualifiedExtensionName,
  unwrapSingleValueArray,
} from '../../../src/scim/entra-quirks.js';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** One case per rule: what Entra sends (as its documentation or the cited thread shows) and what the rule makes of it. */
const CASES: Record<string, () => void> = {
  opCase: () => {
    expect(['Add', 'Replace', 'Remove', 'ADD', ' remove '].map(opName)).to.deep.equal([
      'add',
      'replace',
      'remove',
      'add',
      'remove',
    ]);
    expect(opName('Delete')).to.equal(undefined);
    expect(opName(1)).to.equal(undefined);
  },
  stringBooleans: () => {
    expect(['True', 'False', 'false', ' TRUE '].map(stringBoolean)).to.deep.equal([true, false, false, true]);
    expect(stringBoolean('yes')).to.equal('yes');
    expect(stringBoolean(false)).to.equal(false);
  },
  pathlessDottedKeys: () => {
    const isUrn = (k: string): boolean => k === ENT;
    expect(
      splitPathlessValue(
        { 'name.givenName': 'Barbara', [ENT]: { employeeNumber: '7', department: 'D' }, [`${ENT}:costCenter`]: 'C' },
        isUrn,
      ),
    ).to.deep.equal([
      ['name.givenName', 'Barbara'],
      [`${ENT}:employeeNumber`, '7'],
      [`${ENT}:department`, 'D'],
      [`${ENT}:costCenter`, 'C'],
    ]);
  },
  managerClearing: () => {
    for (const v of ['', null, undefined, { value: '' }, { value: null, $ref: 'x' }])
      expect(isClearingValue(v), JSON.stringify(v)).to.equal(true);
    for (const v of ['6a1b2c3d4e5f6a7b8c9d0e1f', { value: 'm' }, 0, { $ref: 'https://b/scim/v2/Users/m' }])
      expect(isClearingValue(v), JSON.stringify(v)).to.equal(false);
  },
  memberValueList: () => {
    expect(memberIds([{ value: 'a' }, { $ref: null, value: 'b' }, 'c'])).to.deep.equal(['a', 'b', 'c']);
    expect(memberIds({ value: 'a' })).to.deep.equal(['a']);
    expect(memberIds(null)).to.deep.equal([]);
    expect(memberIds([{ display: 'no id' }])).to.equal(undefined);
  },
  removeOnlyListedValues: () => {
    const members = [{ value: 'a' }, { value: 'b' }, { value: 'c' }];
    const byValue = (e: { value: string }, v: unknown): boolean =>
      typeof v === 'object' && v !== null && (v as { value?: unknown }).value === e.value;
    expect(removeListed(members, [{ value: 'b' }], byValue)).to.deep.equal([{ value: 'a' }, { value: 'c' }]);
    expect(removeListed(members, [{ value: 'x' }], byValue)).to.deep.equal(members);
    expect(removeListed(members, [], byValue)).to.deep.equal(members);
  },
  readOnlyDecorations: () => {
    expect(['$ref', 'display', 'displayName', 'DISPLAY'].map(isReadOnlyDecoration)).to.deep.equal([
      true,
      true,
      true,
      true,
    ]);
    expect(['value', 'type', 'primary'].map(isReadOnlyDecoration)).to.deep.equal([false, false, false]);
  },
  legacySingleValueArray: () => {
    expect(unwrapSingleValueArray([{ $ref: 'x', value: 'm' }])).to.deep.equal({ $ref: 'x', value: 'm' });
    expect(unwrapSingleValueArray(['a', 'b'])).to.deep.equal(['a', 'b']);
    expect(unwrapSingleValueArray('m')).to.equal('m');
  },
  filteredPathCreates: () => {
    const emails = attribute('emails', {
      type: 'complex',
      multiValued: true,
      subAttributes: [attribute('value'), attribute('type'), attribute('primary', { type: 'boolean' })],
    });
    expect(elementFromFilter(parseFilter('type eq "work" and Primary eq true'), emails)).to.deep.equal({
      type: 'work',
      primary: true,
    });
    expect(elementFromFilter(parseFilter('type eq "work" or type eq "home"'), emails)).to.deep.equal({});
    expect(elementFromFilter(parseFilter('type ne "work"'), emails)).to.deep.equal({});
    expect(elementFromFilter(parseFilter('display eq "x"'), emails)).to.deep.equal({});
  },
  managerBareId: () => {
    expect(bareValue('6a1b2c3d4e5f6a7b8c9d0e1f')).to.deep.equal({ value: '6a1b2c3d4e5f6a7b8c9d0e1f' });
    expect(bareValue('')).to.deep.equal({ value: '' });
    for (const v of [{ value: 'm' }, 7, null, undefined, ['m']])
      expect(bareValue(v), JSON.stringify(v)).to.equal(undefined);
  },
  unqualifiedExtensionName: () => {
    expect(unqualifiedExtensionName([`${ENT}:manager`])).to.equal(`${ENT}:manager`);
    expect(unqualifiedExtensionName([`${ENT}:manager`, 'urn:x:User:manager'])).to.equal(undefined);
    expect(unqualifiedExtensionName([])).to.equal(undefined);
  },
};

describe('scim/entra-quirks: every rule, with its source', () => {
  it('every rule in the list has a case here, and every case names a listed rule', () => {
    expect(ENTRA_QUIRKS.map((q) => q.name).sort()).to.deep.equal(Object.keys(CASES).sort());
  });
  for (const quirk of ENTRA_QUIRKS) {
    it(`${quirk.name} — ${quirk.source}`, () => {
      // Sources a reader can open: public Microsoft or GitHub addresses, not labels of a document outside the repo.
      expect(quirk.source).to.match(/https:\/\/(learn\.microsoft\.com|github\.com)\/\S+/);
      expect(quirk.source).not.to.match(/§|\b[SQRV]\d+\b|entra-facts/);
      CASES[quirk.name]?.();
    });
  }
});
