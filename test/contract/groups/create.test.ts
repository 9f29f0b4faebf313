import { expect } from 'chai';
import { jc, total, forbidden } from '../../helpers/jumpcloud-calls.js';
import { GROUP_ID, uid, group, fixture, rec, groupsApp, ext } from './groups-contract.js';

describe('contract: SCIM /Groups on JumpCloud v2 user groups', () => {
  const app = groupsApp();

  describe('POST /Groups', () => {
    it("creates Entra's group (no members, extra URN, meta) in one call → 201 with Location and members: []", async () => {
      jc.createGroup({
        name: 'displayName',
        description: '[scim-bridge externalId=8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159]',
      }).reply(201, group({ name: 'displayName' }));
      const others = forbidden('any');
      const res = await app.scim('POST', '/Groups', fixture('create-group.json'));
      expect(others(), 'JumpCloud calls besides the create').to.equal(0);
      expect(res.status).to.equal(201);
      expect(res.headers.get('location')).to.equal(`${app.base}/Groups/${GROUP_ID}`);
      expect(res.body).to.deep.equal({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        id: GROUP_ID,
        externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
        displayName: 'displayName',
        members: [],
        meta: { resourceType: 'Group', location: `${app.base}/Groups/${GROUP_ID}` },
      });
    });

    it('a displayName that differs only in case: JumpCloud refuses the create, and only then is the holder read for the 409', async () => {
      jc.createGroup({
        name: 'displayName',
        description: '[scim-bridge externalId=8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159]',
      }).reply(409, { message: 'Already Exists' });
      jc.searchGroupsByName('displayName').reply(200, [group({ name: 'DISPLAYNAME' })], total(1));
      const creates = forbidden(['POST']);
      const res = await app.scim('POST', '/Groups', fixture('create-group.json'));
      expect(creates(), 'creates re-sent').to.equal(0);
      expect(res.status).to.equal(409);
      expect(rec(res.body).scimType).to.equal('uniqueness');
      expect(rec(res.body).detail).to.equal(
        `A JumpCloud user group (id ${GROUP_ID}) is already named "DISPLAYNAME"; group names are unique ignoring case.`,
      );
    });

    it("an unclassified 400 for a create is a clash when the holder read finds one, else JumpCloud's 400", async () => {
      jc.createGroup({ name: 'Team' }).reply(400, { message: 'Bad Request: has already been registered' });
      jc.searchGroupsByName('Team').reply(200, [group({ name: 'team' })], total(1));
      const clash = await app.scim('POST', '/Groups', { displayName: 'Team' });
      expect([clash.status, rec(clash.body).scimType]).to.deep.equal([409, 'uniqueness']);
      jc.createGroup({ name: 'Team' }).reply(400, { message: 'Bad Request: name too odd' });
      jc.searchGroupsByName('Team').reply(200, [], total(0));
      const other = await app.scim('POST', '/Groups', { displayName: 'Team' });
      expect([other.status, rec(other.body).detail]).to.deep.equal([
        400,
        'JumpCloud rejected the change. JumpCloud said: Bad Request: name too odd',
      ]);
    });

    it('a name JumpCloud stores differently (trimmed) is a drift warning, and the answer shows what it stored', async () => {
      jc.createGroup({ name: 'Team ' }).reply(201, group({ name: 'Team', description: '' }));
      const res = await app.scim('POST', '/Groups', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: 'Team ',
      });
      expect(res.status).to.equal(201);
      expect(rec(res.body).displayName).to.equal('Team');
      const warn = app.logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.kind === 'drift');
      expect(warn).to.include({
        level: 'warn',
        resource: 'Group',
        id: GROUP_ID,
        attribute: 'displayName',
        sent: 'Team ',
        stored: 'Team',
      });
    });

    it("maps JumpCloud's own 'Already Exists' to 409 uniqueness, also when the holder read finds none", async () => {
      jc.createGroup({
        name: 'displayName',
        description: '[scim-bridge externalId=8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159]',
      }).reply(409, { message: 'Already Exists' });
      jc.searchGroupsByName('displayName').reply(200, [], total(0));
      const res = await app.scim('POST', '/Groups', fixture('create-group.json'));
      expect(res.status).to.equal(409);
      expect(rec(res.body).scimType).to.equal('uniqueness');
    });

    it('a lost create adopts only a group with the same name and externalId, and never re-sends the POST', async () => {
      const extId = '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159';
      let posts = 0;
      jc.persist.createGroup().reply(() => {
        posts += 1;
        return [502, { message: 'bad gateway' }];
      });
      // Someone else's group of that name (another externalId) is not the one this create made.
      jc.searchGroupsByName('displayName').reply(
        200,
        [group({ name: 'displayName', ...ext('another-anchor') })],
        total(1),
      );
      const refused = await app.scim('POST', '/Groups', fixture('create-group.json'));
      expect(refused.status).to.equal(502);
      expect(posts).to.equal(1);

      jc.searchGroupsByName('displayName').reply(200, [], total(0));
      jc.searchGroupsByName('displayName').reply(200, [group({ name: 'displayName', ...ext(extId) })], total(1));
      const adopted = await app.scim('POST', '/Groups', fixture('create-group.json'));
      expect(adopted.status).to.equal(201);
      expect(rec(adopted.body).id).to.equal(GROUP_ID);
      expect(posts).to.equal(2);
    });

    it('adds the members a POST carries after creating the group', async () => {
      jc.createGroup({ name: 'Team' }).reply(201, group({ name: 'Team', ...ext('') }));
      jc.addMember(GROUP_ID, uid(1)).reply(204);
      jc.addMember(GROUP_ID, uid(2)).reply(204);
      const res = await app.scim('POST', '/Groups', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: 'Team',
        members: [{ value: uid(1) }, { value: uid(2), $ref: null }],
      });
      expect(res.status).to.equal(201);
      expect((rec(res.body).members as { value: string }[]).map((m) => m.value)).to.deep.equal([uid(1), uid(2)]);
    });

    it('refuses a POST without displayName', async () => {
      const calls = forbidden('any');
      const res = await app.scim('POST', '/Groups', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        externalId: 'x',
      });
      expect(calls(), 'JumpCloud calls').to.equal(0);
      expect(res.status).to.equal(400);
    });
  });
});
