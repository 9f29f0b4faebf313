import { expect } from 'chai';
import { jc } from '../../helpers/jumpcloud-calls.js';
import { GROUP_ID, OTHER_GROUP_ID, groupsApp } from './groups-contract.js';

describe('contract: SCIM /Groups on JumpCloud v2 user groups', () => {
  const app = groupsApp();

  describe('DELETE /Groups/{id}', () => {
    it('answers 204, then GET answers 404', async () => {
      jc.deleteGroup(GROUP_ID).reply(204);
      jc.getGroup(GROUP_ID).reply(404, { message: 'Not Found' });
      expect((await app.scim('DELETE', `/Groups/${GROUP_ID}`)).status).to.equal(204);
      expect((await app.scim('GET', `/Groups/${GROUP_ID}?excludedAttributes=members`)).status).to.equal(404);
    });

    it('answers 404 for an unknown group', async () => {
      jc.deleteGroup(OTHER_GROUP_ID).reply(404, { message: 'Not Found' });
      expect((await app.scim('DELETE', `/Groups/${OTHER_GROUP_ID}`)).status).to.equal(404);
    });
  });
});
