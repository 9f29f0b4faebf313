import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { pinnedJumpCloud } from '../../helpers/bridge-harness.js';
import { jc, total, forbidden } from '../../helpers/jumpcloud-calls.js';
import { OTHER_GROUP_ID, group, rec } from './groups-contract.js';

/** The group name's case rule and uniqueness come from the mapping file's name row, not from code. */
describe('contract: the group name row decides how names are compared', () => {
  const mappingWith = (over: Record<string, unknown>): string => {
    const shipped = JSON.parse(readFileSync('config/mapping.json', 'utf8')) as {
      users: unknown[];
      groups: Record<string, unknown>[];
    };
    const dir = mkdtempSync(path.join(tmpdir(), 'group-name-row-'));
    const file = path.join(dir, 'mapping.json');
    writeFileSync(
      file,
      JSON.stringify({
        ...shipped,
        groups: shipped.groups.map((r) => (r.scim === 'displayName' ? { ...r, ...over } : r)),
      }),
    );
    return file;
  };

  describe('caseExact: true', () => {
    const bridge = pinnedJumpCloud({ MAPPING_FILE: mappingWith({ caseExact: true }) });
    it('a name that differs only in case is another name: the create is sent as it is (JumpCloud judges it)', async () => {
      jc.createGroup({ name: 'Sales' }).reply(201, group({ name: 'Sales' }));
      const res = await bridge().request('POST', '/Groups', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: 'Sales',
      });
      expect(res.status, res.text).to.equal(201);
    });
    it('the same name in the same case is still refused, and the detail does not claim case is ignored', async () => {
      jc.createGroup({ name: 'Sales' }).reply(409, { message: 'Already Exists' });
      jc.searchGroupsByName('Sales').reply(200, [group({ id: OTHER_GROUP_ID, name: 'Sales' })], total(1));
      const res = await bridge().request('POST', '/Groups', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: 'Sales',
      });
      expect([res.status, rec(res.body).scimType]).to.deep.equal([409, 'uniqueness']);
      expect(rec(res.body).detail).to.equal(
        `A JumpCloud user group (id ${OTHER_GROUP_ID}) is already named "Sales"; group names are unique.`,
      );
    });
  });

  describe("uniqueness: 'none'", () => {
    const bridge = pinnedJumpCloud({ MAPPING_FILE: mappingWith({ uniqueness: 'none' }) });
    it('no name search before the create: JumpCloud is the only judge', async () => {
      jc.createGroup({ name: 'Sales' }).reply(201, group({ name: 'Sales' }));
      const searches = forbidden(['GET']);
      const res = await bridge().request('POST', '/Groups', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: 'Sales',
      });
      expect(searches(), 'name searches sent').to.equal(0);
      expect(res.status, res.text).to.equal(201);
    });
  });
});
