import { expect } from 'chai';
import { jc, total, forbidden } from '../../helpers/jumpcloud-calls.js';
import { GROUP_ID, OTHER_GROUP_ID, uid, ext, group, member, rec, groupsApp } from './groups-contract.js';

describe('contract: SCIM /Groups on JumpCloud v2 user groups', () => {
  const app = groupsApp();

  describe('matching and listing', () => {
    it("answers the random-GUID canary with an empty ListResponse, never 404 (the org's name-search case is settled by one probe: a group's name with its case swapped)", async () => {
      const guid = '3f1c2a4e-8b7d-4c6e-9a1b-0d2e3f4a5b6c';
      jc.searchGroupsByName(`${guid}`).reply(200, [], total(0));
      jc.listGroups({ limit: 100, skip: 0, sort: '_id' }).reply(200, [group()], total(1));
      jc.searchGroupsByName('sALES tEAM').reply(200, [group()], total(1));
      const res = await app.scim(
        'GET',
        `/Groups?excludedAttributes=members&filter=${encodeURIComponent(`displayName eq "${guid}"`)}`,
      );
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
        totalResults: 0,
        startIndex: 1,
        itemsPerPage: 0,
        Resources: [],
      });
    });

    it('matches displayName ignoring case: pushes down name:search, re-checks exactly, reads no members', async () => {
      jc.searchGroupsByName('SALES TEAM').reply(
        200,
        [group(), group({ id: OTHER_GROUP_ID, name: 'Sales Team EMEA', ...ext('') })],
        total(2),
      );
      const res = await app.scim(
        'GET',
        `/Groups?excludedAttributes=members&filter=${encodeURIComponent('displayName eq "SALES TEAM"')}`,
      );
      expect(res.status).to.equal(200);
      const body = rec(res.body);
      expect(body.totalResults).to.equal(1);
      expect(body.Resources).to.deep.equal([
        {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
          id: GROUP_ID,
          externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
          displayName: 'Sales Team',
          meta: { resourceType: 'Group', location: `${app.base}/Groups/${GROUP_ID}` },
        },
      ]);
    });

    it('pushes only the comma-free part of a displayName into the v2 filter', async () => {
      jc.searchGroupsByName('finance ops').reply(200, [group({ name: 'Paris, Finance Ops' })], total(1));
      const res = await app.scim(
        'GET',
        `/Groups?excludedAttributes=members&filter=${encodeURIComponent('displayName eq "paris, finance ops"')}`,
      );
      expect(rec(res.body).totalResults).to.equal(1);
    });

    it('pages GET /Groups upstream with startIndex/count and reports x-total-count', async () => {
      jc.listGroups({ limit: '2', skip: '2', sort: '_id' }).reply(
        200,
        [group(), group({ id: OTHER_GROUP_ID, name: 'B' })],
        total(7),
      );
      const res = await app.scim('GET', '/Groups?startIndex=3&count=2&attributes=displayName');
      const body = rec(res.body);
      expect(res.status).to.equal(200);
      expect(body.totalResults).to.equal(7);
      expect(body.startIndex).to.equal(3);
      expect(body.itemsPerPage).to.equal(2);
      expect(body.Resources).to.deep.equal([
        { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], id: GROUP_ID, displayName: 'Sales Team' },
        { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], id: OTHER_GROUP_ID, displayName: 'B' },
      ]);
    });

    it('reads members for each listed group when they are not excluded', async () => {
      jc.listGroups({ limit: '1', skip: '0', sort: '_id' }).reply(200, [group()], total(1));
      jc.membersOf(GROUP_ID, { limit: 100, skip: 0 }).reply(200, [member(uid(1))], total(1));
      const res = await app.scim('GET', '/Groups?count=1');
      const [first] = rec(res.body).Resources as Record<string, unknown>[];
      expect(first?.members).to.deep.equal([{ value: uid(1), $ref: `${app.base}/Users/${uid(1)}`, type: 'User' }]);
    });

    it('filters on externalId locally over every page (externalId is not a v2 filter field)', async () => {
      const many = Array.from({ length: 100 }, (_, i) =>
        group({ id: `5f${i.toString(16).padStart(22, '0')}`, name: `g${i}`, ...ext(`ext-${i}`) }),
      );
      jc.listGroups({ limit: '100', skip: '0', sort: '_id' }).reply(200, many, total(150));
      jc.listGroups({ limit: '100', skip: '100', sort: '_id' }).reply(
        200,
        [
          ...Array.from({ length: 49 }, (_, i) =>
            group({ id: `5e${i.toString(16).padStart(22, '0')}`, name: `h${i}`, ...ext(`x-${i}`) }),
          ),
          group({ ...ext('Ext-7') }),
        ],
        total(150),
      );
      const res = await app.scim(
        'GET',
        `/Groups?excludedAttributes=members&filter=${encodeURIComponent('externalId eq "ext-7"')}`,
      );
      const body = rec(res.body);
      // externalId is caseExact: 'Ext-7' does not match.
      expect(body.totalResults).to.equal(1);
      expect((body.Resources as Record<string, unknown>[])[0]?.displayName).to.equal('g7');
    });

    it('evaluates or/not/co/sw/ew/pr locally and pages the matches', async () => {
      const groups = [
        group({ id: uid(1).replace(/^6a/, '5f'), name: 'Alpha', ...ext('') }),
        group({ id: uid(2).replace(/^6a/, '5f'), name: 'beta-x', ...ext('e1') }),
        group({ id: uid(3).replace(/^6a/, '5f'), name: 'Gamma', ...ext('e2') }),
      ];
      const f = '(displayName sw "AL" or displayName ew "X") and not (displayName co "zzz") and externalId pr';
      jc.listGroups({ limit: '100', skip: '0', sort: '_id' }).reply(200, groups, total(3));
      const res = await app.scim('GET', `/Groups?excludedAttributes=members&filter=${encodeURIComponent(f)}`);
      expect((rec(res.body).Resources as Record<string, unknown>[]).map((r) => r.displayName)).to.deep.equal([
        'beta-x',
      ]);
    });

    it('answers tooMany when a residual filter would scan beyond MAX_FILTER_SCAN', async () => {
      jc.listGroups({ limit: '100', skip: '0', sort: '_id' }).reply(200, [group()], total(20_000));
      const res = await app.scim('GET', `/Groups?filter=${encodeURIComponent('externalId eq "x"')}`);
      expect(res.status).to.equal(400);
      expect(rec(res.body).scimType).to.equal('tooMany');
    });

    it('refuses a filter on members with invalidFilter and calls nothing', async () => {
      const calls = forbidden('any');
      const res = await app.scim('GET', `/Groups?filter=${encodeURIComponent(`members[value eq "${uid(1)}"]`)}`);
      expect(calls(), 'JumpCloud calls').to.equal(0);
      expect(res.status).to.equal(400);
      expect(rec(res.body).scimType).to.equal('invalidFilter');
    });

    it('serves POST /Groups/.search like GET', async () => {
      jc.searchGroupsByName('sales team').reply(200, [group()], total(1));
      const res = await app.scim('POST', '/Groups/.search', {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
        filter: 'displayName eq "sales team"',
        excludedAttributes: ['members'],
        startIndex: 1,
        count: 10,
      });
      expect(res.status).to.equal(200);
      expect(rec(res.body).totalResults).to.equal(1);
      expect((rec(res.body).Resources as Record<string, unknown>[])[0]).to.not.have.property('members');
    });
  });
});
