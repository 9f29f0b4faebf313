import { expect } from 'chai';
import nock from 'nock';
import { JumpCloudConnection } from '../../../src/jumpcloud/client.js';
import { groupsOfUser } from '../../../src/resources/memberships.js';

describe('memberships', () => {
  describe('groupsOfUser', () => {
    const JC = 'https://console.jumpcloud.com';
    const connection = new JumpCloudConnection({ baseUrl: JC, timeoutMs: 5000, retry: { retries: 0, minDelayMs: 1, maxDelayMs: 1, budgetMs: 1000 } });
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

    it('pages /users/{id}/memberof and names each direct user group', async () => {
      const user = '5f1b2c3d4e5f6a7b8c9d0e1f';
      const g1 = '5f0c1e2d3c4b5a6978695a4b';
      const g2 = '5f0c1e2d3c4b5a6978695a4c';
      const jc = (): nock.Scope => nock(JC, { reqheaders: { 'x-api-key': 'k' }, badheaders: ['content-type'] });
      jc()
        .get(`/api/v2/users/${user}/memberof`)
        .query({ limit: '100', skip: '0' })
        .reply(200, [{ id: g1, type: 'user_group', paths: [[{ to: { id: g1, type: 'user_group' } }]] }, { id: g2, type: 'user_group' }, { id: 'sys', type: 'system' }], { 'x-total-count': '3' });
      jc().get(`/api/v2/usergroups/${g1}`).reply(200, { id: g1, name: 'Sales' });
      jc().get(`/api/v2/usergroups/${g2}`).reply(200, { id: g2, name: 'Ops' });
      const groups = await groupsOfUser(connection.forKey('k'), user, 'https://b/scim/v2');
      expect(groups).to.deep.equal([
        { value: g1, display: 'Sales', $ref: `https://b/scim/v2/Groups/${g1}`, type: 'direct' },
        { value: g2, display: 'Ops', $ref: `https://b/scim/v2/Groups/${g2}`, type: 'direct' },
      ]);
    });
  });
});
