import { expect } from 'chai';
import { jc, total } from '../../helpers/jumpcloud-calls.js';
import {
  GROUP_ID,
  OTHER_GROUP_ID,
  uid,
  group,
  member,
  putBody,
  patchOp,
  rec,
  groupsApp,
  ext,
} from './groups-contract.js';

describe('contract: SCIM /Groups on JumpCloud v2 user groups', () => {
  const app = groupsApp();

  describe('PUT /Groups/{id} and nested groups', () => {
    const path = `/Groups/${GROUP_ID}`;

    it("PUT reads the group and its members, PUTs the group once with the admin's description and settings, and writes only the member difference", async () => {
      jc.getGroup(GROUP_ID).reply(200, group());
      // A new name is checked for uniqueness (ignoring case) before anything is written.
      jc.searchGroupsByName('Sales EMEA').reply(200, [group()], total(1));
      jc.membersOf(GROUP_ID, { limit: 100, skip: 0 }).reply(200, [member(uid(1)), member(uid(2))], total(2));
      jc.putGroup(GROUP_ID, putBody('Sales EMEA', 'okta-1')).reply(
        200,
        group({ name: 'Sales EMEA', ...ext('okta-1') }),
      );
      jc.removeMember(GROUP_ID, uid(1)).reply(204);
      jc.addMember(GROUP_ID, uid(3)).reply(204);
      jc.membersOf(GROUP_ID, { limit: 100, skip: 0 }).reply(200, [member(uid(2)), member(uid(3))], total(2));
      const res = await app.scim('PUT', path, {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: 'Sales EMEA',
        externalId: 'okta-1',
        members: [
          { value: uid(2), display: 'Two' },
          { value: uid(3), display: 'Three', type: 'User' },
        ],
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect((rec(res.body).members as { value: string }[]).map((m) => m.value)).to.deep.equal([uid(2), uid(3)]);
    });

    it('a member JumpCloud refuses is looked up as a group: a group is skipped (204), the users are still written', async () => {
      jc.getGroup(GROUP_ID).reply(200, group());
      jc.membersOf(GROUP_ID, { limit: 100, skip: 0 }).reply(200, [], total(0));
      jc.addMember(GROUP_ID, uid(1)).reply(204);
      jc.addMember(GROUP_ID, OTHER_GROUP_ID).reply(400, { message: 'Bad Request: not a user' });
      jc.getGroup(OTHER_GROUP_ID).reply(200, group({ id: OTHER_GROUP_ID, name: 'Nested' }));
      const res = await app.scim(
        'PATCH',
        path,
        patchOp({
          op: 'Add',
          path: 'members',
          value: [{ value: uid(1) }, { value: OTHER_GROUP_ID, display: 'Nested' }],
        }),
      );
      expect(res.status, JSON.stringify(res.body)).to.equal(204);
    });

    it('a refused member that is not a group either keeps the 400 naming it', async () => {
      jc.getGroup(GROUP_ID).reply(200, group());
      jc.addMember(GROUP_ID, uid(9)).reply(404, { message: 'user not found' });
      jc.getGroup(uid(9)).reply(404, { message: 'Not Found' });
      const res = await app.scim('PATCH', path, patchOp({ op: 'Add', path: 'members', value: [{ value: uid(9) }] }));
      expect(res.status).to.equal(400);
      expect(rec(res.body).detail).to.contain(`${uid(9)} (not a JumpCloud user)`);
    });
  });
});
