import { expect } from 'chai';
import {} from '../../helpers/jumpcloud-calls.js';
import { rec, groupsApp } from './groups-contract.js';

describe('contract: SCIM /Groups on JumpCloud v2 user groups', () => {
  const app = groupsApp();

  describe('discovery', () => {
    it('/ResourceTypes and /Schemas describe Group from the mapping rows', async () => {
      const types = rec((await app.scim('GET', '/ResourceTypes')).body);
      expect((types.Resources as Record<string, unknown>[]).map((r) => r.id)).to.include('Group');
      const schema = rec((await app.scim('GET', '/Schemas/urn:ietf:params:scim:schemas:core:2.0:Group')).body);
      const attrs = schema.attributes as Record<string, unknown>[];
      expect(attrs.map((a) => a.name)).to.deep.equal(['externalId', 'displayName', 'members']);
      expect(attrs[1]).to.include({ required: true, uniqueness: 'server', caseExact: false });
      expect(attrs[0]).to.include({ caseExact: true });
      const members = attrs[2] as { multiValued: boolean; type: string; subAttributes: { name: string }[] };
      expect(members.multiValued).to.equal(true);
      expect(members.type).to.equal('complex');
      expect(members.subAttributes.map((s) => s.name)).to.deep.equal(['value', '$ref', 'type', 'display', 'primary']);
    });
  });
});
