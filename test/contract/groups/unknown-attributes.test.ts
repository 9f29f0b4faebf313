import { expect } from 'chai';
import { pinnedJumpCloud } from '../../helpers/bridge-harness.js';
import { jc } from '../../helpers/jumpcloud-calls.js';
import { group, ext } from './groups-contract.js';

describe('contract: SCIM /Groups on JumpCloud v2 user groups', () => {
  describe('UNKNOWN_ATTRIBUTES=ignore', () => {
    const lenient = pinnedJumpCloud({ UNKNOWN_ATTRIBUTES: 'ignore' });

    it('creates the group without the unknown attribute and warns once, naming it', async () => {
      jc.createGroup({ name: 'Team' }).reply(201, group({ name: 'Team', ...ext('') }));
      const h = lenient();
      const res = await h.request('POST', '/Groups', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: 'Team',
        nickName: 'T',
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      const warn = h.logs
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((l) => l.kind === 'attributeIgnored');
      expect(warn.map((w) => [w.level, w.message])).to.deep.equal([
        ['warn', "Ignored attribute 'nickName': it is not in the groups mapping (UNKNOWN_ATTRIBUTES=ignore)."],
      ]);
    });
  });
});
