import { expect } from 'chai';
import { jc, total } from '../../helpers/jumpcloud-calls.js';
import { GROUP_ID, OTHER_GROUP_ID, ext, group, groupsApp, rec } from './groups-contract.js';

/**
 * Fact `v2NameSearchCase`: whether `filter=name:search:` ignores case is unknown (the help says it does, the v2 spec
 * says filter values are case sensitive). Entra matches groups by `displayName eq`, and JumpCloud's name uniqueness
 * ignores case, so a search that compares case must not make the bridge miss `sales` for `Sales` and then create into
 * a clash every cycle. Each suite starts its own bridge: what one org answered does not leak into the next.
 */
const byName = (name: string): string =>
  `/Groups?excludedAttributes=members&filter=${encodeURIComponent(`displayName eq "${name}"`)}`;
const EVERY_GROUP = { limit: 100, skip: 0, sort: '_id' } as const;
const learned = (logs: readonly string[]) =>
  logs
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.kind === 'orgAnswerLearned')
    .map((l) => [l.answer, l.value]);

describe('contract: Groups in an org whose name search compares case', () => {
  const app = groupsApp();
  const sales = group({ name: 'sales', ...ext('') });

  it('displayName eq "Sales" finds "sales": a probe (a group\'s name with its case swapped) settles the org, logged once, and the missed search is answered again from every group', async () => {
    jc.searchGroupsByName('Sales').reply(200, [], total(0));
    const groups = [group({ id: OTHER_GROUP_ID, name: 'Support' }), sales];
    jc.listGroups(EVERY_GROUP).reply(200, groups, total(2));
    jc.searchGroupsByName('sUPPORT').reply(200, [], total(0));
    jc.listGroups(EVERY_GROUP).reply(200, groups, total(2));
    const res = await app.scim('GET', byName('Sales'));
    expect(res.status).to.equal(200);
    expect(rec(res.body).totalResults).to.equal(1);
    expect(rec(res.body).Resources).to.deep.equal([
      {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        id: GROUP_ID,
        displayName: 'sales',
        meta: { resourceType: 'Group', location: `${app.base}/Groups/${GROUP_ID}` },
      },
    ]);
    expect(learned(app.logs)).to.deep.equal([['nameSearchCase', 'sensitive']]);
  });

  it('once learned, a displayName filter reads every group straight away: no name search that could miss', async () => {
    // Only the read of every group is pinned: a name search would reach no interceptor and fail the request.
    jc.listGroups(EVERY_GROUP).reply(200, [sales], total(1));
    const res = await app.scim('GET', byName('SALES'));
    expect([res.status, rec(res.body).totalResults]).to.deep.equal([200, 1]);
    expect(learned(app.logs)).to.have.length(1);
  });
});

describe('contract: Groups create that collides with a name differing only in case', () => {
  const app = groupsApp();

  it('JumpCloud refuses the create (its uniqueness ignores case); the holder is found by reading every group and the 409 names it, so Entra matches instead of looping', async () => {
    jc.createGroup().reply(400, { message: 'Bad Request: name has already been taken' });
    jc.searchGroupsByName('Sales').reply(200, [], total(0));
    jc.listGroups(EVERY_GROUP).reply(200, [group({ name: 'sales', ...ext('') })], total(1));
    jc.searchGroupsByName('SALES').reply(200, [], total(0));
    jc.listGroups(EVERY_GROUP).reply(200, [group({ name: 'sales', ...ext('') })], total(1));
    const res = await app.scim('POST', '/Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: 'Sales',
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(409);
    expect(res.body).to.include({ scimType: 'uniqueness' });
    expect(res.body.detail).to.equal(
      `A JumpCloud user group (id ${GROUP_ID}) is already named "sales"; group names are unique ignoring case.`,
    );
    expect(learned(app.logs)).to.deep.equal([['nameSearchCase', 'sensitive']]);
  });
});

describe('contract: Groups in an org whose name search ignores case', () => {
  const app = groupsApp();

  it("an initial cycle's misses read every group once, not per miss: the probe finds the swapped-case name, and the next miss is the search alone", async () => {
    jc.searchGroupsByName('Finance').reply(200, [], total(0));
    jc.listGroups(EVERY_GROUP).reply(200, [group({ name: 'Sales', ...ext('') })], total(1));
    jc.searchGroupsByName('sALES').reply(200, [group({ name: 'Sales', ...ext('') })], total(1));
    const first = await app.scim('GET', byName('Finance'));
    expect([first.status, rec(first.body).totalResults]).to.deep.equal([200, 0]);
    expect(learned(app.logs)).to.deep.equal([['nameSearchCase', 'insensitive']]);

    // Only the name search is pinned: a read of every group would reach no interceptor and fail the request.
    jc.searchGroupsByName('Legal').reply(200, [], total(0));
    const next = await app.scim('GET', byName('Legal'));
    expect([next.status, rec(next.body).totalResults]).to.deep.equal([200, 0]);
  });
});

describe('contract: Groups in an org that has no groups yet', () => {
  const app = groupsApp();

  it('a miss reads the first page of groups once; empty, it is a miss, and nothing is learned', async () => {
    jc.searchGroupsByName('Finance').reply(200, [], total(0));
    jc.listGroups(EVERY_GROUP).reply(200, [], total(0));
    const res = await app.scim('GET', byName('Finance'));
    expect([res.status, rec(res.body).totalResults]).to.deep.equal([200, 0]);
    expect(learned(app.logs)).to.deep.equal([]);
  });
});

describe('contract: Groups in an org whose name search ignores case, learned from a hit', () => {
  const app = groupsApp();

  it('a search that returns a name differing in case shows it; a later miss is then answered by the search alone', async () => {
    jc.searchGroupsByName('SALES').reply(200, [group({ name: 'Sales', ...ext('') })], total(1));
    expect(rec((await app.scim('GET', byName('SALES'))).body).totalResults).to.equal(1);
    expect(learned(app.logs)).to.deep.equal([['nameSearchCase', 'insensitive']]);

    // Only the name search is pinned: a read of every group would reach no interceptor and fail the request.
    jc.searchGroupsByName('Marketing').reply(200, [], total(0));
    const miss = await app.scim('GET', byName('Marketing'));
    expect([miss.status, rec(miss.body).totalResults]).to.deep.equal([200, 0]);
  });
});
