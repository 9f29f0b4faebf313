import { expect } from 'chai';
import type nock from 'nock';
import { jc, total, forbidden } from '../../helpers/jumpcloud-calls.js';
import {
  GROUP_ID,
  OTHER_GROUP_ID,
  uid,
  ext,
  group,
  member,
  putBody,
  patchOp,
  rec,
  groupsApp,
} from './groups-contract.js';

describe('contract: SCIM /Groups on JumpCloud v2 user groups', () => {
  const app = groupsApp();

  describe('edges of PUT, PATCH and POST (what each answer says, and what is never written)', () => {
    const path = `/Groups/${GROUP_ID}`;
    const SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
    const EXTERNAL = '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159';
    const membersPage = (...ids: string[]): nock.Scope =>
      jc.membersOf(GROUP_ID, { limit: 100, skip: 0 }).reply(200, ids.map(member), total(ids.length));
    const logged = (kind: string): Record<string, unknown>[] =>
      app.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.kind === kind);

    it('a PUT without members leaves the membership alone, and one without externalId removes it from the group', async () => {
      jc.getGroup(GROUP_ID).reply(200, group());
      jc.putGroup(GROUP_ID, putBody('Sales Team', '')).reply(200, group(ext('')));
      membersPage(uid(1));
      const res = await app.scim('PUT', path, { schemas: [SCHEMA], displayName: 'Sales Team' });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(rec(res.body)).to.not.have.property('externalId');
      expect((rec(res.body).members as { value: string }[]).map((m) => m.value)).to.deep.equal([uid(1)]);
    });

    it('a PUT with members: [] removes every member and sends no group PUT when the fields are unchanged', async () => {
      jc.getGroup(GROUP_ID).reply(200, group());
      membersPage(uid(1), uid(2));
      jc.removeMember(GROUP_ID, uid(1)).reply(204);
      jc.removeMember(GROUP_ID, uid(2)).reply(204);
      membersPage();
      const groupPuts = forbidden(['PUT']);
      const res = await app.scim('PUT', path, {
        schemas: [SCHEMA],
        displayName: 'Sales Team',
        externalId: EXTERNAL,
        Members: [],
      });
      expect(groupPuts(), 'group PUTs sent').to.equal(0);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(rec(res.body).members).to.deep.equal([]);
    });

    it("a group PUT JumpCloud refuses as a duplicate is a 409 naming the name, and other refusals keep JumpCloud's reason", async () => {
      jc.getGroup(GROUP_ID).reply(200, group());
      jc.searchGroupsByName('Ops').reply(200, [], total(0));
      jc.putGroup(GROUP_ID, putBody('Ops', EXTERNAL)).reply(409, { message: 'Conflict: name taken' });
      const dup = await app.scim('PATCH', path, patchOp({ op: 'replace', path: 'displayName', value: 'Ops' }));
      expect(dup.status).to.equal(409);
      expect(rec(dup.body)).to.include({
        scimType: 'uniqueness',
        detail: 'JumpCloud already has a user group named "Ops". JumpCloud said: Conflict: name taken',
      });

      jc.getGroup(GROUP_ID).reply(200, group());
      jc.searchGroupsByName('Ops').reply(200, [], total(0));
      jc.putGroup(GROUP_ID, putBody('Ops', EXTERNAL)).reply(404, { message: 'Not Found' });
      const gone = await app.scim('PATCH', path, patchOp({ op: 'replace', path: 'displayName', value: 'Ops' }));
      expect([gone.status, rec(gone.body).detail]).to.deep.equal([404, `Group ${GROUP_ID} not found`]);
    });

    it('refuses a rename to blanks before any write, and a create without a usable name', async () => {
      jc.getGroup(GROUP_ID).reply(200, group());
      const writes = forbidden(['PUT', 'POST', 'DELETE']);
      const renamed = await app.scim('PATCH', path, patchOp({ op: 'replace', path: 'displayName', value: '   ' }));
      expect(writes(), 'writes sent').to.equal(0);
      expect(renamed.status).to.equal(400);
      expect(rec(renamed.body)).to.include({
        scimType: 'invalidValue',
        detail: "'displayName' cannot be empty: JumpCloud requires a group name",
      });
      const created = await app.scim('POST', '/Groups', { schemas: [SCHEMA], displayName: '  ' });
      expect(created.status).to.equal(400);
      expect(rec(created.body)).to.include({
        scimType: 'invalidValue',
        detail: "'displayName' is required: JumpCloud cannot store a group without a name",
      });
    });

    it('sorts by displayName here (ignoring case) over every group, and pages the sorted list', async () => {
      const named = (n: number, name: string): Record<string, unknown> => group({ id: uid(n), name });
      const all = [named(1, 'beta'), named(2, 'Alpha'), named(3, 'gamma')];
      jc.listGroups({ limit: '100', skip: '0', sort: '_id' }).reply(200, all, total(3));
      const desc = await app.scim('GET', '/Groups?sortBy=displayName&sortOrder=descending&excludedAttributes=members');
      expect(desc.status).to.equal(200);
      expect((rec(desc.body).Resources as { displayName: string }[]).map((g) => g.displayName)).to.deep.equal([
        'gamma',
        'beta',
        'Alpha',
      ]);
      jc.listGroups({ limit: '100', skip: '0', sort: '_id' }).reply(200, all, total(3));
      const second = await app.scim(
        'GET',
        '/Groups?sortBy=displayName&startIndex=2&count=1&excludedAttributes=members',
      );
      expect(rec(second.body)).to.include({ totalResults: 3, startIndex: 2, itemsPerPage: 1 });
      expect((rec(second.body).Resources as { displayName: string }[]).map((g) => g.displayName)).to.deep.equal([
        'beta',
      ]);
    });

    it('skips a nested group with a warning that tells the admin what to do instead', async () => {
      jc.getGroup(GROUP_ID).reply(200, group());
      jc.addMember(GROUP_ID, OTHER_GROUP_ID).reply(400, { message: 'Bad Request: not a user' });
      jc.getGroup(OTHER_GROUP_ID).reply(200, group({ id: OTHER_GROUP_ID, name: 'Nested' }));
      const res = await app.scim(
        'PATCH',
        path,
        patchOp({ op: 'Add', path: 'members', value: [{ value: OTHER_GROUP_ID }] }),
      );
      expect(res.status).to.equal(204);
      const warn = logged('memberSkipped').at(-1);
      expect(warn).to.include({
        level: 'warn',
        message:
          `Group ${GROUP_ID}: skipped member ${OTHER_GROUP_ID} (add): it is a JumpCloud user group, and JumpCloud user groups hold users only. ` +
          "Entra sends this for nested groups; assign the nested group's users to the app directly if they need this group.",
      });
    });

    it('a refused member write that is not systemic is a 400 listing what was and was not changed', async () => {
      jc.getGroup(GROUP_ID).reply(200, group());
      jc.removeMember(GROUP_ID, uid(2)).reply(400, { message: 'bad edge' });
      jc.getGroup(uid(2)).reply(404, { message: 'Not Found' });
      jc.addMember(GROUP_ID, uid(1)).reply(204);
      const res = await app.scim(
        'PATCH',
        path,
        patchOp(
          { op: 'remove', path: 'members', value: [{ value: uid(2) }] },
          { op: 'add', path: 'members', value: [{ value: uid(1) }] },
        ),
      );
      expect(res.status).to.equal(400);
      expect(rec(res.body)).to.include({
        scimType: 'invalidValue',
        detail: `In group ${GROUP_ID} some members could not be changed: added: ${uid(1)}; removed: none; failed: ${uid(2)} (remove: JumpCloud said: bad edge); not attempted: none. Provision those users through /Users first.`,
      });
    });
  });
});
