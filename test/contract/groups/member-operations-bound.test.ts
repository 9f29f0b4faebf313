import { expect } from 'chai';
import { pinnedJumpCloud } from '../../helpers/bridge-harness.js';
import { jc, forbidden, total } from '../../helpers/jumpcloud-calls.js';
import { GROUP_ID, uid, group, patchOp } from './groups-contract.js';

describe('contract: SCIM /Groups on JumpCloud v2 user groups', () => {
  describe('MAX_MEMBER_OPERATIONS', () => {
    const small = pinnedJumpCloud({ MAX_MEMBER_OPERATIONS: '2' });
    const body = (n: number): unknown =>
      patchOp({ op: 'add', path: 'members', value: [1, 2, 3].slice(0, n).map((i) => ({ value: uid(i) })) });

    it('refuses a request with more member operations than the bound before any JumpCloud call, saying how to batch', async () => {
      const calls = forbidden('any');
      const res = await small().request('PATCH', `/Groups/${GROUP_ID}`, body(3));
      expect(calls(), 'JumpCloud calls').to.equal(0);
      expect(res.status).to.equal(413);
      expect(res.body.detail).to.equal(
        'This request carries 3 member operations; the bridge takes at most 2 per request (MAX_MEMBER_OPERATIONS), each being one JumpCloud call. Send the members in smaller batches.',
      );
      const created = await small().request('POST', '/Groups', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: 'Team',
        members: [1, 2, 3].map((i) => ({ value: uid(i) })),
      });
      expect(created.status).to.equal(413);
    });

    it('takes a request at the bound', async () => {
      jc.getGroup(GROUP_ID).reply(200, group());
      jc.membersOf(GROUP_ID, { limit: 100, skip: 0 }).reply(200, [], total(0));
      jc.addMember(GROUP_ID, uid(1)).reply(204);
      jc.addMember(GROUP_ID, uid(2)).reply(204);
      expect((await small().request('PATCH', `/Groups/${GROUP_ID}`, body(2))).status).to.equal(204);
    });
  });
});
