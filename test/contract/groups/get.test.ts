import { expect } from 'chai';
import { jc, total } from '../../helpers/jumpcloud-calls.js';
import { GROUP_ID, OTHER_GROUP_ID, uid, group, member, rec, groupsApp } from './groups-contract.js';

describe('contract: SCIM /Groups on JumpCloud v2 user groups', () => {
  const app = groupsApp();

  describe('GET /Groups/{id}', () => {
    it('with excludedAttributes=members reads only the group', async () => {
      jc.getGroup(GROUP_ID).reply(200, group());
      const res = await app.scim('GET', `/Groups/${GROUP_ID}?excludedAttributes=members`);
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        id: GROUP_ID,
        externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
        displayName: 'Sales Team',
        meta: { resourceType: 'Group', location: `${app.base}/Groups/${GROUP_ID}` },
      });
    });

    it('reads a 5,000-member group 100 per page', async () => {
      jc.getGroup(GROUP_ID).reply(200, group());
      for (let skip = 0; skip < 5000; skip += 100) {
        const page = Array.from({ length: 100 }, (_, i) => member(uid(skip + i)));
        jc.membersOf(GROUP_ID, { limit: 100, skip }).reply(200, page, total(5000));
      }
      const res = await app.scim('GET', `/Groups/${GROUP_ID}`);
      expect(res.status).to.equal(200);
      const members = rec(res.body).members as { value: string }[];
      expect(members).to.have.length(5000);
      expect(new Set(members.map((m) => m.value)).size).to.equal(5000);
      expect(members[4999]).to.deep.equal({ value: uid(4999), $ref: `${app.base}/Users/${uid(4999)}`, type: 'User' });
    });

    it('answers 404 for an unknown group and for a malformed id (which never goes upstream)', async () => {
      jc.getGroup(OTHER_GROUP_ID).reply(404, { message: 'Not Found' });
      expect((await app.scim('GET', `/Groups/${OTHER_GROUP_ID}`)).status).to.equal(404);
      expect((await app.scim('GET', '/Groups/not-an-id')).status).to.equal(404);
    });
  });
});
