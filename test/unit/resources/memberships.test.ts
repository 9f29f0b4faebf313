import { expect } from 'chai';
import nock from 'nock';
import { JumpCloudConnection } from '../../../src/jumpcloud/client.js';
import { ScimError } from '../../../src/scim/errors.js';
import { groupsOfUser, readMembers } from '../../../src/resources/memberships.js';

describe('memberships', () => {
  const JC = 'https://console.jumpcloud.com';
  const connection = new JumpCloudConnection({
    baseUrl: JC,
    timeoutMs: 5000,
    retry: { retries: 0, minDelayMs: 1, maxDelayMs: 1, budgetMs: 1000 },
  });
  before(() => {
    nock.disableNetConnect();
  });
  after(() => {
    connection.close();
    nock.enableNetConnect();
  });
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending).to.deep.equal([]);
  });

  describe('groupsOfUser', () => {
    it('pages /users/{id}/memberof and names each direct user group', async () => {
      const user = '5f1b2c3d4e5f6a7b8c9d0e1f';
      const g1 = '5f0c1e2d3c4b5a6978695a4b';
      const g2 = '5f0c1e2d3c4b5a6978695a4c';
      const jc = (): nock.Scope => nock(JC, { reqheaders: { 'x-api-key': 'k' }, badheaders: ['content-type'] });
      jc()
        .get(`/api/v2/users/${user}/memberof`)
        .query({ limit: '100', skip: '0' })
        .reply(
          200,
          [
            { id: g1, type: 'user_group', paths: [[{ to: { id: g1, type: 'user_group' } }]] },
            { id: g2, type: 'user_group' },
            { id: 'sys', type: 'system' },
          ],
          { 'x-total-count': '3' },
        );
      jc().get(`/api/v2/usergroups/${g1}`).reply(200, { id: g1, name: 'Sales' });
      jc().get(`/api/v2/usergroups/${g2}`).reply(200, { id: g2, name: 'Ops' });
      const groups = await groupsOfUser(connection.forKey('k'), user, 'https://b/scim/v2');
      expect(groups).to.deep.equal([
        { value: g1, display: 'Sales', $ref: `https://b/scim/v2/Groups/${g1}`, type: 'direct' },
        { value: g2, display: 'Ops', $ref: `https://b/scim/v2/Groups/${g2}`, type: 'direct' },
      ]);
    });

    const user = '5f1b2c3d4e5f6a7b8c9d0e1f';
    const g = (n: number): string => `5f0c1e2d3c4b5a6978695a${n.toString(16).padStart(2, '0')}`;
    const jc = (): nock.Scope => nock(JC, { reqheaders: { 'x-api-key': 'k' }, badheaders: ['content-type'] });
    const memberOf = (body: unknown[], status = 200): nock.Scope =>
      jc()
        .get(`/api/v2/users/${user}/memberof`)
        .query({ limit: '100', skip: '0' })
        .reply(status, body, { 'x-total-count': String(body.length) });

    it('names only direct user groups, each once: an inherited membership (a path of two hops) is not a group of the user', async () => {
      memberOf([
        {
          id: g(1),
          type: 'user_group',
          paths: [[{ to: { id: g(9), type: 'user_group' } }, { to: { id: g(1), type: 'user_group' } }]],
        },
        { id: g(2), type: 'user_group', paths: [[{ to: { id: g(2), type: 'user_group' } }]] },
        { id: g(2), type: 'user_group', paths: [[{ to: { id: g(2), type: 'user_group' } }]] },
        { id: g(3), type: 'system_group' },
      ]);
      jc()
        .get(`/api/v2/usergroups/${g(2)}`)
        .reply(200, { id: g(2), name: 'Ops' });
      expect(await groupsOfUser(connection.forKey('k'), user, 'https://b/scim/v2')).to.deep.equal([
        { value: g(2), display: 'Ops', $ref: `https://b/scim/v2/Groups/${g(2)}`, type: 'direct' },
      ]);
    });

    it('leaves out a group deleted between the two reads', async () => {
      memberOf([
        { id: g(1), type: 'user_group' },
        { id: g(2), type: 'user_group' },
      ]);
      jc()
        .get(`/api/v2/usergroups/${g(1)}`)
        .reply(404, { message: 'Not Found' });
      jc()
        .get(`/api/v2/usergroups/${g(2)}`)
        .reply(200, { id: g(2), name: 'Ops' });
      expect(
        (await groupsOfUser(connection.forKey('k'), user, 'https://b/scim/v2')).map((r) => r.display),
      ).to.deep.equal(['Ops']);
    });

    it('answers a failed group read with its SCIM error, naming the group', async () => {
      memberOf([{ id: g(1), type: 'user_group' }]);
      jc()
        .get(`/api/v2/usergroups/${g(1)}`)
        .reply(403, { message: 'Forbidden' });
      const e = (await groupsOfUser(connection.forKey('k'), user, 'https://b/scim/v2').catch(
        (x: unknown) => x,
      )) as ScimError;
      expect(e).to.be.instanceOf(ScimError);
      expect(e.status).to.equal(403);
      expect(e.detail).to.match(/^The JumpCloud API key is not allowed to do this/);
    });

    it('answers a failed membership read with its SCIM error, naming the user', async () => {
      memberOf([], 404);
      const e = (await groupsOfUser(connection.forKey('k'), user, 'https://b/scim/v2').catch(
        (x: unknown) => x,
      )) as ScimError;
      expect(e).to.be.instanceOf(ScimError);
      expect([e.status, e.detail]).to.deep.equal([404, `User ${user} not found`]);
    });
  });

  describe('readMembers', () => {
    it("pages a group's members and returns each user once, with its $ref", async () => {
      const group = '5f0c1e2d3c4b5a6978695a4b';
      const u = (n: number): string => `6a${n.toString(16).padStart(22, '0')}`;
      nock(JC, { reqheaders: { 'x-api-key': 'k' } })
        .get(`/api/v2/usergroups/${group}/members`)
        .query({ limit: '100', skip: '0' })
        .reply(200, [{ to: { id: u(1), type: 'user' } }, { to: { id: u(2), type: 'user' } }], { 'x-total-count': '2' });
      expect(await readMembers(connection.forKey('k'), group, 'https://b/scim/v2', 2)).to.deep.equal([
        { value: u(1), $ref: `https://b/scim/v2/Users/${u(1)}`, type: 'User' },
        { value: u(2), $ref: `https://b/scim/v2/Users/${u(2)}`, type: 'User' },
      ]);
    });
  });
});
