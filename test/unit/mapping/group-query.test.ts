import { expect } from 'chai';
import { loadConfig } from '../../../src/config.js';
import { ScimError } from '../../../src/scim/errors.js';
import { parseFilter } from '../../../src/scim/filter.js';
import { loadAttributeTable } from '../../../src/mapping/attribute-table.js';
import { loadGroupTable } from '../../../src/mapping/group-table.js';
import { planGroupQuery, searchable } from '../../../src/mapping/group-query.js';

const shipped = loadConfig({}).mappingFile;
const table = loadGroupTable(loadAttributeTable(shipped, { deriveUsernameFromEmail: false }).raw, shipped);
const plan = (f: string): string[] => planGroupQuery(parseFilter(f), table).terms;

describe('mapping/group-query', () => {
  it('scans every group when there is no filter', () => {
    expect(planGroupQuery(undefined, table)).to.deep.equal({ terms: [] });
  });

  it('pushes each of eq, co, sw and ew on displayName, and nothing for the ordering operators or pr', () => {
    for (const op of ['eq', 'co', 'sw', 'ew'])
      expect(plan(`displayName ${op} "Sales"`), op).to.deep.equal(['name:search:Sales']);
    for (const f of ['displayName gt "Sales"', 'displayName le "Sales"', 'displayName pr'])
      expect(plan(f), f).to.deep.equal([]);
  });

  it('pushes only string comparisons on the name row, never other attributes, sub-attributes or non-string values', () => {
    expect(plan('displayName eq null')).to.deep.equal([]);
    expect(plan('displayName eq true')).to.deep.equal([]);
    expect(plan('externalId eq "Sales" and displayName eq "Sales"')).to.deep.equal(['name:search:Sales']);
    expect(plan('urn:ietf:params:scim:schemas:core:2.0:Group:displayName eq "Sales"')).to.deep.equal([
      'name:search:Sales',
    ]);
  });

  it('sends nothing for a value with no searchable piece, instead of a term that matches no group', () => {
    expect(plan('displayName eq ","')).to.deep.equal([]);
    expect(plan('displayName co "*"')).to.deep.equal([]);
  });

  it('sends a repeated term once', () => {
    expect(plan('displayName eq "Sales" and displayName sw "Sales"')).to.deep.equal(['name:search:Sales']);
  });

  it('keeps the longest piece of a value cut by commas or wildcards (the first of equal ones), trimmed', () => {
    expect(searchable('ab,cd')).to.equal('ab');
    expect(searchable(' Sales , Team Leads*x')).to.equal('Team Leads');
    expect(searchable('Sales')).to.equal('Sales');
  });

  it('refuses a member condition anywhere in the filter: in an and, an or, or under not', () => {
    for (const f of [
      'displayName eq "a" and members eq "x"',
      'displayName eq "a" or members.value eq "x"',
      'not (members eq "x")',
    ]) {
      const run = (): unknown => plan(f);
      expect(run, f).to.throw(
        ScimError,
        "JumpCloud cannot search groups by member. Read /Groups/{id} or the User's groups instead.",
      );
    }
    try {
      plan('urn:ietf:params:scim:schemas:core:2.0:Group:members.value eq "x"');
      expect.fail('a qualified members filter was accepted');
    } catch (e) {
      expect((e as ScimError).scimType).to.equal('invalidFilter');
      expect((e as ScimError).detail).to.match(
        /^Filtering Groups on 'urn:ietf:params:scim:schemas:core:2\.0:Group:members\.value' is not supported/,
      );
    }
  });

  it('lets a condition on an attribute the schema does not know through to the local evaluation', () => {
    expect(plan('nickName eq "x"')).to.deep.equal([]);
  });
});
