import { expect } from 'chai';
import { USER_FIELDS, jcUser, pinnedJumpCloud, type Harness } from '../helpers/bridge-harness.js';
import { forbidden, jc, total } from '../helpers/jumpcloud-calls.js';

/**
 * The search at the service root (RFC 7644 §3.4.3 `POST /.search`, §3.4.2.1 `GET /`): every JumpCloud call it makes,
 * pinned. Users come first (registry order), then groups; each type is asked through its own list.
 */

const USERS = ['5f1b2c3d4e5f6a7b8c9d0e01', '5f1b2c3d4e5f6a7b8c9d0e02', '5f1b2c3d4e5f6a7b8c9d0e03'];
const GROUPS = ['5f0c1e2d3c4b5a6978695a01', '5f0c1e2d3c4b5a6978695a02'];
const SEARCH = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

const user = (i: number, over: Record<string, unknown> = {}): Record<string, unknown> =>
  jcUser({ _id: USERS[i], username: `user${i}`, email: `user${i}@example.com`, displayname: `User ${i}`, ...over });
const group = (i: number, over: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: GROUPS[i],
  name: `Group ${i}`,
  type: 'user_group',
  membershipMethod: 'STATIC',
  attributes: {},
  ...over,
});

const ids = (body: { Resources: { id: string }[] }): string[] => body.Resources.map((r) => r.id);
const types = (body: { Resources: { meta?: { resourceType?: string } }[] }): (string | undefined)[] =>
  body.Resources.map((r) => r.meta?.resourceType);

describe('contract: root search across every resource type → JumpCloud', () => {
  const bridge = pinnedJumpCloud();
  let h: Harness;
  beforeEach(() => {
    h = bridge();
  });
  const search = (body: Record<string, unknown>): ReturnType<Harness['request']> =>
    h.request('POST', '/.search', { schemas: [SEARCH], ...body });

  describe('paging across the boundary between users and groups (3 users, then 2 groups)', () => {
    it('a page that starts in the users and ends in the groups: the rest of the users, then the first groups', async () => {
      jc.listUsers({ limit: 3, skip: 1, sort: '_id', fields: USER_FIELDS }).reply(200, {
        totalCount: 3,
        results: [user(1), user(2)],
      });
      jc.listGroups({ limit: 1, skip: 0, sort: '_id' }).reply(200, [group(0)], total(2));
      const res = await search({ startIndex: 2, count: 3, excludedAttributes: ['members'] });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body).to.include({ totalResults: 5, startIndex: 2, itemsPerPage: 3 });
      expect(res.body.schemas).to.deep.equal([LIST]);
      expect(ids(res.body)).to.deep.equal([USERS[1], USERS[2], GROUPS[0]]);
      expect(types(res.body)).to.deep.equal(['User', 'User', 'Group']);
    });

    it('a page past the users asks them only for their total, then pages the groups from where the users end', async () => {
      jc.listUsers({ limit: 2, skip: 3, sort: '_id', fields: USER_FIELDS }).reply(200, { totalCount: 3, results: [] });
      jc.listGroups({ limit: 2, skip: 0, sort: '_id' }).reply(200, [group(0), group(1)], total(2));
      const res = await h.request('GET', '/?startIndex=4&count=2&excludedAttributes=members');
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body).to.include({ totalResults: 5, startIndex: 4, itemsPerPage: 2 });
      expect(ids(res.body)).to.deep.equal(GROUPS);
    });

    it('a page within the users still counts the groups, with one call of one group', async () => {
      jc.listUsers({ limit: 2, skip: 0, sort: '_id', fields: USER_FIELDS }).reply(200, {
        totalCount: 3,
        results: [user(0), user(1)],
      });
      jc.listGroups({ limit: 1, skip: 0, sort: '_id' }).reply(200, [group(0)], total(2));
      const res = await search({ count: 2, excludedAttributes: 'members' });
      expect(res.body).to.include({ totalResults: 5, itemsPerPage: 2 });
      expect(ids(res.body)).to.deep.equal(USERS.slice(0, 2));
    });

    it('count 0 answers the totals of both types and no resources', async () => {
      jc.listUsers({ limit: 1, skip: 0, sort: '_id', fields: USER_FIELDS }).reply(200, {
        totalCount: 3,
        results: [user(0)],
      });
      jc.listGroups({ limit: 1, skip: 0, sort: '_id' }).reply(200, [group(0)], total(2));
      const res = await search({ count: 0, excludedAttributes: 'members' });
      expect(res.body).to.deep.equal({
        schemas: [LIST],
        totalResults: 5,
        startIndex: 1,
        itemsPerPage: 0,
        Resources: [],
      });
    });
  });

  describe('the filter goes to each type that has its attributes (RFC 7644 §3.4.2.1)', () => {
    it('userName eq: only users are asked; groups have no userName, so none of them can match', async () => {
      jc.searchUsers(
        { limit: 100, skip: 0, sort: '_id' },
        {
          filter: {
            or: [{ username: { $regex: '(?i)^user0$' } }, { 'attributes.value': { $regex: '(?i)^user0$' } }],
          },
          fields: USER_FIELDS,
        },
      ).reply(200, { totalCount: 1, results: [user(0)] });
      const groupCalls = forbidden('any', /^\/api\/v2\/usergroups/);
      const res = await search({ filter: 'userName eq "user0"' });
      expect(groupCalls()).to.equal(0);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body).to.include({ totalResults: 1, itemsPerPage: 1 });
      expect(ids(res.body)).to.deep.equal([USERS[0]]);
    });

    it('displayName eq: both types are asked, each pushing the filter down its own way', async () => {
      jc.searchUsers(
        { limit: 100, skip: 0, sort: '_id' },
        {
          filter: { and: [{ displayname: { $regex: '(?i)^ops$' } }] },
          fields: USER_FIELDS,
        },
      ).reply(200, { totalCount: 1, results: [user(2, { displayname: 'Ops' })] });
      jc.searchGroupsByName('ops').reply(200, [group(1, { name: 'OPS' }), group(0, { name: 'Ops team' })], total(2));
      const res = await search({ filter: 'displayName eq "ops"', excludedAttributes: 'members' });
      expect(res.body).to.include({ totalResults: 2 });
      expect(ids(res.body)).to.deep.equal([USERS[2], GROUPS[1]]);
    });

    it('meta.resourceType keeps the search to one type: the other is not asked at all', async () => {
      jc.searchGroupsByName('group').reply(200, [group(0), group(1)], total(2));
      const userCalls = forbidden('any', /^\/api\/(search\/)?systemusers/);
      const res = await h.request(
        'GET',
        `/?filter=${encodeURIComponent('meta.resourceType eq "Group" and displayName sw "group"')}&attributes=displayName`,
      );
      expect(userCalls()).to.equal(0);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.Resources).to.deep.equal([
        { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], id: GROUPS[0], displayName: 'Group 0' },
        { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], id: GROUPS[1], displayName: 'Group 1' },
      ]);
    });

    it('an enterprise extension attribute filters the users (the only type that has it)', async () => {
      jc.searchUsers(
        { limit: 100, skip: 0, sort: '_id' },
        {
          filter: { and: [{ department: { $regex: '(?i)^R&D$' } }] },
          fields: USER_FIELDS,
        },
      ).reply(200, { totalCount: 1, results: [user(1, { department: 'R&D' })] });
      const groupCalls = forbidden('any', /^\/api\/v2\/usergroups/);
      const res = await search({
        filter: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "R&D"',
      });
      expect(groupCalls()).to.equal(0);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(ids(res.body)).to.deep.equal([USERS[1]]);
    });

    it('an attribute no type has is a 400 invalidFilter, and nothing is asked', async () => {
      const calls = forbidden('any');
      const res = await search({ filter: 'shoeSize eq "9"' });
      expect(calls()).to.equal(0);
      expect(res.status).to.equal(400);
      expect(res.body.scimType).to.equal('invalidFilter');
      expect(res.body.detail).to.equal(
        "Filter attribute 'shoeSize' is not an attribute of any resource type this bridge serves (User, Group); /Schemas lists them",
      );
    });

    it("what a type refuses is refused, not left out: a filter on members is the groups' own 400", async () => {
      const calls = forbidden('any');
      const res = await search({ filter: `members[value eq "${USERS[0]}"]` });
      expect(calls()).to.equal(0);
      expect(res.status).to.equal(400);
      expect(res.body.scimType).to.equal('invalidFilter');
    });
  });

  describe('sortBy across the types', () => {
    it('merges both types by displayName, then pages the merged order', async () => {
      jc.listUsers({ limit: 100, skip: 0, sort: '_id', fields: '_id displayname' }).reply(200, {
        totalCount: 3,
        results: [user(0, { displayname: 'delta' }), user(1, { displayname: 'Alpha' }), user(2, { displayname: '' })],
      });
      jc.listGroups({ limit: 100, skip: 0, sort: '_id' }).reply(
        200,
        [group(0, { name: 'charlie' }), group(1, { name: 'Bravo' })],
        total(2),
      );
      const res = await search({ sortBy: 'displayName', startIndex: 2, count: 3, attributes: ['displayName'] });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body).to.include({ totalResults: 5, startIndex: 2, itemsPerPage: 3 });
      // Alpha, Bravo, charlie, delta, then the user without a displayName (last when ascending).
      expect(res.body.Resources.map((r: Record<string, unknown>) => r.displayName)).to.deep.equal([
        'Bravo',
        'charlie',
        'delta',
      ]);
    });

    it('descending puts resources without the value first; the projection drops the sort attribute it was not asked for', async () => {
      jc.listUsers({ limit: 100, skip: 0, sort: '_id', fields: '_id username attributes displayname' }).reply(200, {
        totalCount: 2,
        results: [user(0, { displayname: 'b' }), user(1, { displayname: '' })],
      });
      jc.listGroups({ limit: 100, skip: 0, sort: '_id' }).reply(200, [group(0, { name: 'a' })], total(1));
      const res = await search({ sortBy: 'displayName', sortOrder: 'descending', attributes: 'userName' });
      expect(res.body.Resources).to.deep.equal([
        { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id: USERS[1], userName: 'user1' },
        { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id: USERS[0], userName: 'user0' },
        { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], id: GROUPS[0] },
      ]);
    });

    it('excluding the sort attribute still sorts by it: each type is asked for it, the root drops it from the page', async () => {
      jc.listUsers({ limit: 100, skip: 0, sort: '_id', fields: USER_FIELDS }).reply(200, {
        totalCount: 2,
        results: [user(0, { displayname: 'c' }), user(1, { displayname: 'a' })],
      });
      jc.listGroups({ limit: 100, skip: 0, sort: '_id' }).reply(200, [group(0, { name: 'b' })], total(1));
      const res = await search({ sortBy: 'displayName', excludedAttributes: 'displayName,members' });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(ids(res.body)).to.deep.equal([USERS[1], GROUPS[0], USERS[0]]);
      expect(res.body.Resources.some((r: Record<string, unknown>) => 'displayName' in r)).to.equal(false);
    });

    it('a sorted window beyond MAX_FILTER_SCAN is refused with tooMany before anything is asked', async () => {
      const calls = forbidden('any');
      const res = await search({ sortBy: 'displayName', startIndex: 10_000, count: 2 });
      expect(calls()).to.equal(0);
      expect(res.status).to.equal(400);
      expect(res.body.scimType).to.equal('tooMany');
      expect(res.body.detail).to.contain('MAX_FILTER_SCAN=10000');
    });

    it('a sortBy no type has is a 400 naming it', async () => {
      const calls = forbidden('any');
      const res = await search({ sortBy: 'shoeSize' });
      expect(calls()).to.equal(0);
      expect(res.status).to.equal(400);
      expect(res.body.detail).to.equal(
        "'sortBy' names 'shoeSize', which is not an attribute of any resource type this bridge serves (User, Group); /Schemas lists them",
      );
    });
  });

  it('refuses a SearchRequest that is not an object, and the root answers only GET and POST /.search', async () => {
    expect((await h.request('POST', '/.search', '[1]')).status).to.equal(400);
    const put = await h.request('PUT', '/.search', {});
    expect(put.status).to.equal(405);
    expect(put.headers.get('allow')).to.equal('POST');
  });
});
