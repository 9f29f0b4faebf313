import path from 'node:path';
import { expect } from 'chai';
import { packageRoot } from '../../../src/config.js';
import { ScimError } from '../../../src/scim/errors.js';
import { parseFilter, type Filter } from '../../../src/scim/filter.js';
import { loadAttributeTable } from '../../../src/mapping/attribute-table.js';
import { planUserQuery } from '../../../src/mapping/user-query.js';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const plan = (text: string): ReturnType<typeof planUserQuery> =>
  planUserQuery(
    parseFilter(text),
    loadAttributeTable(path.join(packageRoot(), 'config', 'mapping.json'), { deriveUsernameFromEmail: false }).users,
  );
const ci = (v: string): { $regex: string } => ({ $regex: `(?i)^${v}$` });
const cmp = (name: string, op: string, value: unknown, uri?: string): Filter =>
  ({ kind: 'compare', op, path: { ...(uri ? { uri } : {}), name }, value }) as Filter;

/**
 * The search JumpCloud receives for a filter, and what the bridge re-checks itself (`residual`): pinned case by case,
 * since a wrong push-down either loses users (a search narrower than the filter) or scans the directory.
 */
describe('mapping/user-query: the plan of each kind of condition', () => {
  it('`id eq` (any case of "id", anywhere in an and) becomes one read by id, with the whole filter re-checked', () => {
    expect(plan('id eq "abc"')).to.deep.equal({ id: 'abc', residual: cmp('id', 'eq', 'abc') });
    expect(plan('title eq "x" and ID eq "abc"')).to.deep.equal({
      id: 'abc',
      residual: { kind: 'and', filters: [cmp('title', 'eq', 'x'), cmp('ID', 'eq', 'abc')] },
    });
    expect(plan('id ne "abc"')).to.deep.equal({ residual: cmp('id', 'ne', 'abc') });
    expect(plan('id eq null')).to.deep.equal({ residual: cmp('id', 'eq', null) });
    expect(plan('id pr')).to.deep.equal({ residual: { kind: 'present', path: { name: 'id' } } });
  });

  it('`active` searches the suspended flag; "active" re-checks (STAGED users are not suspended but inactive), "inactive" is exact', () => {
    expect(plan('active eq true')).to.deep.equal({
      search: { and: [{ suspended: { $ne: true } }] },
      residual: cmp('active', 'eq', true),
    });
    expect(plan('active ne true')).to.deep.equal({ search: { or: [{ suspended: true }, { state: 'STAGED' }] } });
    expect(plan('active eq false')).to.deep.equal({ search: { or: [{ suspended: true }, { state: 'STAGED' }] } });
    expect(plan('not (active eq true)')).to.deep.equal({ search: { or: [{ suspended: true }, { state: 'STAGED' }] } });
    expect(plan('active gt true')).to.deep.equal({ residual: cmp('active', 'gt', true) });
    expect(plan('active eq "true"')).to.deep.equal({ residual: cmp('active', 'eq', 'true') });
  });

  it('`not` pushes only a negated eq/ne; anything else under not is decided here', () => {
    expect(plan('not (title ne "x")')).to.deep.equal({ search: { and: [{ jobTitle: ci('x') }] } });
    expect(plan('not (title eq "x")')).to.deep.equal({ residual: { kind: 'not', filter: cmp('title', 'eq', 'x') } });
    expect(plan('not (title co "x")')).to.deep.equal({ residual: { kind: 'not', filter: cmp('title', 'co', 'x') } });
    expect(plan('title eq "x" and not (userName eq "u")')).to.deep.equal({
      search: { and: [{ jobTitle: ci('x') }] },
      residual: { kind: 'not', filter: cmp('userName', 'eq', 'u') },
    });
  });

  it('a case-insensitive attribute is never searched with ne or an ordering (JumpCloud compares case-sensitively)', () => {
    expect(plan('title ne "x"')).to.deep.equal({ residual: cmp('title', 'ne', 'x') });
    expect(plan('title gt "a"')).to.deep.equal({ residual: cmp('title', 'gt', 'a') });
    expect(plan(`${ENT}:employeeNumber ne "1"`)).to.deep.equal({ residual: cmp('employeeNumber', 'ne', '1', ENT) });
  });

  it('emails search email or alternateEmail: alone the or is the whole search; with another condition it is re-checked', () => {
    const either = { or: [{ email: ci('a@b\\.c') }, { alternateEmail: ci('a@b\\.c') }] };
    expect(plan('emails eq "a@b.c"')).to.deep.equal({ search: either });
    expect(plan('emails.value eq "a@b.c"')).to.deep.equal({ search: either });
    expect(plan('emails eq "a@b.c" and title eq "x"')).to.deep.equal({
      search: either,
      residual: { kind: 'and', filters: [cmp('emails', 'eq', 'a@b.c'), cmp('title', 'eq', 'x')] },
    });
    expect(plan('emails[type eq "work"]')).to.deep.equal({
      residual: { kind: 'valuePath', path: { name: 'emails' }, filter: cmp('type', 'eq', 'work') },
    });
  });

  it('an or of pushable conditions is one or search, exact unless a part needs a re-check', () => {
    expect(plan(`${ENT}:employeeNumber eq "1" or title eq "x"`)).to.deep.equal({
      search: { or: [{ employeeIdentifier: ci('1') }, { jobTitle: ci('x') }] },
    });
    expect(plan('title eq "x" or userName eq "y"')).to.deep.equal({
      search: { or: [{ jobTitle: ci('x') }, { username: ci('y') }, { 'attributes.value': ci('y') }] },
      residual: { kind: 'or', filters: [cmp('title', 'eq', 'x'), cmp('userName', 'eq', 'y')] },
    });
    expect(plan('title eq "x" or title ne "y"')).to.deep.equal({
      residual: { kind: 'or', filters: [cmp('title', 'eq', 'x'), cmp('title', 'ne', 'y')] },
    });
  });

  it('a custom attribute only narrows (any custom attribute may hold the value), so it is re-checked', () => {
    expect(plan('externalId eq "x" and title eq "y"')).to.deep.equal({
      search: { and: [{ 'attributes.value': 'x' }, { jobTitle: ci('y') }] },
      residual: cmp('externalId', 'eq', 'x'),
    });
    expect(plan('externalId ne "x"')).to.deep.equal({ residual: cmp('externalId', 'ne', 'x') });
  });

  it('sends nothing for "" (JumpCloud stores unset as ""), null, dates, or a type only the bridge can compare', () => {
    expect(plan('title eq ""')).to.deep.equal({ residual: cmp('title', 'eq', '') });
    expect(plan('title eq null')).to.deep.equal({ residual: cmp('title', 'eq', null) });
    expect(plan('meta.created gt "2020"')).to.deep.equal({
      residual: { kind: 'compare', op: 'gt', path: { name: 'meta', sub: 'created' }, value: '2020' },
    });
    expect(plan('phoneNumbers[type eq "fax" and value eq "1"]')).to.deep.equal({
      search: { and: [{ 'phoneNumbers.number': ci('1') }] },
      residual: {
        kind: 'valuePath',
        path: { name: 'phoneNumbers' },
        filter: { kind: 'and', filters: [cmp('type', 'eq', 'fax'), cmp('value', 'eq', '1')] },
      },
    });
  });

  it('the manager is searched exactly by its value, a sub-attribute row by its own field', () => {
    expect(plan(`${ENT}:manager.value eq "ab"`)).to.deep.equal({ search: { and: [{ manager: 'ab' }] } });
    expect(plan('name.givenName eq "A"')).to.deep.equal({ search: { and: [{ firstname: ci('A') }] } });
  });

  it('refuses an attribute the bridge does not store, and an unquoted value for a string attribute, as invalidFilter', () => {
    const refusal = (text: string): ScimError => {
      try {
        plan(text);
      } catch (e) {
        expect(e).to.be.instanceOf(ScimError);
        return e as ScimError;
      }
      throw new Error(`${text} was planned`);
    };
    expect([refusal('nickName eq "x"').scimType, refusal('nickName eq "x"').detail]).to.deep.equal([
      'invalidFilter',
      "Filter attribute 'nickName' is not supported by this bridge; /Schemas lists what it stores",
    ]);
    expect([refusal('title eq 5').scimType, refusal('title eq 5').detail]).to.deep.equal([
      'invalidFilter',
      "'title' is a string attribute; quote the value (got 5)",
    ]);
    expect(refusal('emails[nickName eq "x"]').detail).to.equal(
      "Filter attribute 'nickName' is not supported by this bridge; /Schemas lists what it stores",
    );
  });
});
