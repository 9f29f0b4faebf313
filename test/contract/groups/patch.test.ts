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

  describe('PATCH /Groups/{id}', () => {
    const path = `/Groups/${GROUP_ID}`;
    const addMember = (
      id: string,
      reply: number,
      body: unknown = reply === 409 ? { message: 'Already Exists' } : undefined,
    ): nock.Scope => jc.memberEdits(GROUP_ID, { op: 'add', type: 'user', id }).reply(reply, body as nock.Body);
    const removeMember = (id: string, reply: number): nock.Scope =>
      jc
        .memberEdits(GROUP_ID, { op: 'remove', type: 'user', id })
        .reply(reply, reply === 404 ? { message: 'Not Found' } : undefined);

    it('adds several members in one op and treats a re-add (409) as success (the members page did not list it)', async () => {
      jc.getGroup(GROUP_ID).reply(200, group());
      jc.membersOf(GROUP_ID, { limit: 100, skip: 0 }).reply(200, [], total(0));
      addMember(uid(1), 204);
      addMember(uid(2), 409);
      const res = await app.scim(
        'PATCH',
        path,
        patchOp({ op: 'Add', path: 'members', value: [{ value: uid(1) }, { $ref: null, value: uid(2) }] }),
      );
      expect(res.status).to.equal(204);
      expect(res.body).to.equal(undefined);
    });

    it('default-mode Remove with a value list removes only those, and a re-remove (404) is success', async () => {
      jc.getGroup(GROUP_ID).reply(200, group());
      removeMember(uid(1), 204);
      removeMember(uid(2), 404);
      const res = await app.scim(
        'PATCH',
        path,
        patchOp({ op: 'Remove', path: 'members', value: [{ value: uid(1) }, { value: uid(2) }] }),
      );
      expect(res.status).to.equal(204);
    });

    it('replace of members sends only the difference from the current members', async () => {
      jc.getGroup(GROUP_ID).reply(200, group());
      jc.membersOf(GROUP_ID, { limit: 100, skip: 0 }).reply(200, [member(uid(1)), member(uid(2))], total(2));
      removeMember(uid(1), 204);
      addMember(uid(3), 204);
      const res = await app.scim(
        'PATCH',
        path,
        patchOp({ op: 'replace', path: 'members', value: [{ value: uid(2) }, { value: uid(3) }] }),
      );
      expect(res.status).to.equal(204);
    });

    it('add then flag-mode remove of the same member in one request ends with it removed', async () => {
      jc.getGroup(GROUP_ID).reply(200, group());
      removeMember(uid(1), 404);
      addMember(uid(2), 204);
      const res = await app.scim(
        'PATCH',
        path,
        patchOp(
          { op: 'add', path: 'members', value: [{ value: uid(1) }, { value: uid(2) }] },
          { op: 'remove', path: `members[value eq "${uid(1)}"]` },
        ),
      );
      expect(res.status).to.equal(204);
    });

    it('replaces displayName: uniqueness pre-check, then a full-update PUT that keeps the fields it does not own', async () => {
      jc.getGroup(GROUP_ID).reply(200, group());
      jc.searchGroupsByName('Renamed').reply(200, [group({ name: 'Renamed' })], total(1));
      jc.putGroup(GROUP_ID, putBody('Renamed', '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159')).reply(
        200,
        group({ name: 'Renamed' }),
      );
      const res = await app.scim('PATCH', path, patchOp({ op: 'Replace', path: 'displayName', value: 'Renamed' }));
      // The only 'Renamed' JumpCloud found is this group itself, so it is not a clash.
      expect(res.status).to.equal(204);
    });

    it('refuses a rename onto another group’s name (any case) with 409 and writes nothing', async () => {
      jc.getGroup(GROUP_ID).reply(200, group());
      jc.searchGroupsByName('Support').reply(200, [group({ id: OTHER_GROUP_ID, name: 'SUPPORT' })], total(1));
      const writes = forbidden(['PUT', 'POST', 'DELETE']);
      const res = await app.scim(
        'PATCH',
        path,
        patchOp(
          { op: 'replace', path: 'displayName', value: 'Support' },
          { op: 'add', path: 'members', value: [{ value: uid(1) }] },
        ),
      );
      expect(writes(), 'writes sent').to.equal(0);
      expect(res.status).to.equal(409);
    });

    it('replaces externalId path-less and answers 200 with the resource when the request asks for attributes', async () => {
      jc.getGroup(GROUP_ID).reply(200, group());
      jc.putGroup(GROUP_ID, putBody('Sales Team', 'new-ext')).reply(200, group({ ...ext('new-ext') }));
      const res = await app.scim(
        'PATCH',
        `${path}?excludedAttributes=members`,
        patchOp({ op: 'replace', value: { externalId: 'new-ext' } }),
      );
      expect(res.status).to.equal(200);
      expect(rec(res.body).externalId).to.equal('new-ext');
      expect(rec(res.body)).to.not.have.property('members');
    });

    it('refuses a member id that is not 24-hex with invalidValue naming it, before any JumpCloud call', async () => {
      const calls = forbidden('any');
      const res = await app.scim(
        'PATCH',
        path,
        patchOp({ op: 'add', path: 'members', value: [{ value: uid(1) }, { value: 'not-a-user' }] }),
      );
      expect(calls(), 'JumpCloud calls').to.equal(0);
      expect(res.status).to.equal(400);
      expect(rec(res.body).scimType).to.equal('invalidValue');
      expect(String(rec(res.body).detail)).to.contain('"not-a-user"');
    });

    it('reports an unknown user (JumpCloud 404 on add) as invalidValue naming it and which ids did succeed', async () => {
      jc.getGroup(GROUP_ID).reply(200, group());
      jc.membersOf(GROUP_ID, { limit: 100, skip: 0 }).reply(200, [], total(0));
      addMember(uid(1), 204);
      addMember(uid(9), 404, { message: 'user not found' });
      const res = await app.scim(
        'PATCH',
        path,
        patchOp({ op: 'add', path: 'members', value: [{ value: uid(1) }, { value: uid(9) }] }),
      );
      expect(res.status).to.equal(400);
      expect(rec(res.body).scimType).to.equal('invalidValue');
      const detail = String(rec(res.body).detail);
      expect(detail).to.contain(`added: ${uid(1)}`);
      expect(detail).to.contain(`failed: ${uid(9)} (not a JumpCloud user)`);
    });

    it('on an upstream failure mid-batch says which ids succeeded, which failed and which were not attempted', async () => {
      jc.getGroup(GROUP_ID).reply(200, group());
      jc.membersOf(GROUP_ID, { limit: 100, skip: 0 }).reply(200, [member(uid(1))], total(1));
      // Four lanes: the remove and the adds of 3 and 4 answer late, so the lane whose add of 2 fails at once is the
      // first free one and meets the add of 5 after the failure: a systemic failure (a 500) stops it being sent.
      const late = (op: 'add' | 'remove', id: string): nock.Scope =>
        jc.memberEdits(GROUP_ID, { op, type: 'user', id }).delay(100).reply(204);
      late('remove', uid(1));
      jc.addMember(GROUP_ID, uid(2)).reply(500, { message: 'boom' });
      late('add', uid(3));
      late('add', uid(4));
      const started = await app.scim(
        'PATCH',
        path,
        patchOp(
          { op: 'remove', path: 'members', value: [{ value: uid(1) }] },
          { op: 'add', path: 'members', value: [2, 3, 4, 5].map((n) => ({ value: uid(n) })) },
        ),
      );
      expect(started.status).to.equal(502);
      const detail = String(rec(started.body).detail);
      expect(detail).to.contain(
        `added: ${uid(3)}, ${uid(4)}; removed: ${uid(1)}; failed: ${uid(2)} (add: JumpCloud said: boom); not attempted: ${uid(5)} (add).`,
      );
    });

    it('retries a throttled member write through the client retry policy', async () => {
      jc.getGroup(GROUP_ID).reply(200, group());
      addMember(uid(1), 503, { message: 'busy' });
      addMember(uid(1), 204);
      const res = await app.scim('PATCH', path, patchOp({ op: 'add', path: 'members', value: [{ value: uid(1) }] }));
      expect(res.status).to.equal(204);
    });

    it('refuses member writes to a dynamic group with a clear 400', async () => {
      jc.getGroup(GROUP_ID).reply(200, group({ membershipMethod: 'DYNAMIC_AUTOMATED' }));
      const res = await app.scim('PATCH', path, patchOp({ op: 'add', path: 'members', value: [{ value: uid(1) }] }));
      expect(res.status).to.equal(400);
      expect(String(rec(res.body).detail)).to.contain('dynamic membership (DYNAMIC_AUTOMATED)');
    });

    it('answers 404 for PATCH of an unknown group', async () => {
      jc.getGroup(OTHER_GROUP_ID).reply(404, { message: 'Not Found' });
      const res = await app.scim(
        'PATCH',
        `/Groups/${OTHER_GROUP_ID}`,
        patchOp({ op: 'add', path: 'members', value: [{ value: uid(1) }] }),
      );
      expect(res.status).to.equal(404);
    });

    it('adds 1,000 members with at most MEMBER_CONCURRENCY (4) writes in flight', async () => {
      jc.getGroup(GROUP_ID).reply(200, group());
      jc.membersOf(GROUP_ID, { limit: 100, skip: 0 }).reply(200, [], total(0));
      let inFlight = 0;
      let peak = 0;
      const seen = new Set<string>();
      jc.memberEdits(
        GROUP_ID,
        (b: { op?: string; type?: string; id?: string }) =>
          b.op === 'add' && b.type === 'user' && typeof b.id === 'string' && Object.keys(b).length === 3,
      )
        .times(1000)
        .reply((_uri, body, cb) => {
          inFlight += 1;
          peak = Math.max(peak, inFlight);
          seen.add((body as { id: string }).id);
          setImmediate(() => {
            inFlight -= 1;
            cb(null, [204, '']);
          });
        });
      const value = Array.from({ length: 1000 }, (_, i) => ({ value: uid(i) }));
      const res = await app.scim('PATCH', path, patchOp({ op: 'Add', path: 'members', value }));
      expect(res.status).to.equal(204);
      expect(seen.size).to.equal(1000);
      expect(peak).to.be.at.most(4);
      expect(peak).to.be.at.least(2);
    });
  });
});
