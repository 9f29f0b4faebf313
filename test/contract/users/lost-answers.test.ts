import { expect } from 'chai';
import { jcUser, pinnedJumpCloud, USER_FIELDS } from '../../helpers/bridge-harness.js';
import { jc, forbidden } from '../../helpers/jumpcloud-calls.js';
import { ID, MANAGER, PATCH_OP, logsOfKind } from './users-contract.js';

describe('contract: Users → JumpCloud systemusers: lost answers, activation and the messages an admin reads', () => {
  // No retries and a single lookup: each test pins exactly the calls of one path.
  const once = pinnedJumpCloud({ RETRY_MAX_RETRIES: '0', CREATE_LOOKUP_WINDOW_MS: '0' });

  it('a DELETE whose answer was lost is done when the user is gone', async () => {
    jc.deleteUser(ID).replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    jc.getUser(ID).reply(404, { message: 'Not Found' });
    const res = await once().request('DELETE', `/Users/${ID}`);
    expect(res.status).to.equal(204);
  });

  it('a DELETE whose answer was lost fails as it failed when the user is still there, or the lookup fails', async () => {
    jc.deleteUser(ID).replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    jc.getUser(ID).reply(200, jcUser());
    const there = await once().request('DELETE', `/Users/${ID}`);
    expect([there.status, there.body.detail]).to.deep.equal([502, 'JumpCloud could not be reached; Entra will retry.']);
    jc.deleteUser(ID).replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    jc.getUser(ID).reply(403, { message: 'Forbidden' });
    expect((await once().request('DELETE', `/Users/${ID}`)).status).to.equal(502);
  });

  it('a DELETE JumpCloud answers is not looked up again: a 403 stays a 403', async () => {
    jc.deleteUser(ID).reply(403, { message: 'Forbidden' });
    expect((await once().request('DELETE', `/Users/${ID}`)).status).to.equal(403);
  });

  it('a PUT whose answer was lost is done when the user now holds every field of it, and fails otherwise (a scalar PATCH: no read before the PUT)', async () => {
    jc.putUser(ID, { jobTitle: 'Boss' }).replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    jc.getUser(ID).reply(200, jcUser({ jobTitle: 'Boss' }));
    const landed = await once().request('PATCH', `/Users/${ID}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', path: 'title', value: 'Boss' }],
    });
    expect(landed.status).to.equal(200);
    expect(landed.body.title).to.equal('Boss');

    jc.putUser(ID, { jobTitle: 'Boss' }).replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    jc.getUser(ID).reply(200, jcUser({ jobTitle: 'Clerk' }));
    const lost = await once().request('PATCH', `/Users/${ID}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', path: 'title', value: 'Boss' }],
    });
    expect([lost.status, lost.body.detail]).to.deep.equal([502, 'JumpCloud could not be reached; Entra will retry.']);
  });

  it('a failed activation whose user reads back ACTIVATED is success (noted); one still STAGED fails', async () => {
    const h = once();
    jc.getUser(ID).reply(200, jcUser({ state: 'STAGED' }));
    jc.activateUser(ID).replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    jc.getUser(ID).reply(200, jcUser({ state: 'ACTIVATED' }));
    jc.getUser(ID).reply(200, jcUser({ state: 'ACTIVATED' }));
    const ok = await h.request('PATCH', `/Users/${ID}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', path: 'active', value: true }],
    });
    expect([ok.status, ok.body.active]).to.deep.equal([200, true]);
    expect(logsOfKind(h, 'userActivated').map((l) => [l.level, l.message])).to.deep.include([
      'info',
      `User ${ID} (bjensen) was STAGED; activated through POST /api/systemusers/{id}/state/activate with JumpCloud's default e-mail behaviour`,
    ]);

    jc.getUser(ID).reply(200, jcUser({ state: 'STAGED' }));
    jc.activateUser(ID).reply(500, { message: 'activation broke' });
    jc.getUser(ID).reply(200, jcUser({ state: 'STAGED' }));
    const failed = await h.request('PATCH', `/Users/${ID}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', path: 'active', value: true }],
    });
    expect([failed.status, failed.body.detail]).to.deep.equal([
      502,
      'JumpCloud answered 500; Entra will retry. JumpCloud said: activation broke',
    ]);
  });

  it('refuses to make a user their own manager, before any write (a manager-only PATCH: before any call at all)', async () => {
    const writes = forbidden('any');
    const res = await once().request('PATCH', `/Users/${ID}`, {
      schemas: [PATCH_OP],
      Operations: [
        { op: 'replace', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager', value: ID },
      ],
    });
    expect(writes(), 'writes sent').to.equal(0);
    expect(res.status).to.equal(400);
    expect(res.body).to.include({ scimType: 'invalidValue', detail: 'A user cannot be their own manager' });
  });

  it("an email another user holds (any case) is a 409 naming that user, read after JumpCloud refuses; the user's own record is no clash", async () => {
    jc.getUser(ID).reply(200, jcUser());
    jc.putUser(ID, { email: 'taken@example.com' }).reply(400, { message: 'Bad Request: User already exists' });
    jc.searchUsers(
      { limit: 10, skip: 0 },
      {
        filter: {
          or: [
            { email: { $regex: '(?i)^taken@example\\.com$' } },
            { alternateEmail: { $regex: '(?i)^taken@example\\.com$' } },
          ],
        },
        fields: USER_FIELDS,
      },
    ).reply(200, {
      totalCount: 2,
      results: [
        jcUser({ email: 'taken@example.com' }),
        jcUser({ _id: MANAGER, username: 'other', email: 'TAKEN@example.com' }),
      ],
    });
    const res = await once().request('PATCH', `/Users/${ID}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', path: 'emails[type eq "work"].value', value: 'taken@example.com' }],
    });
    expect(res.status).to.equal(409);
    expect(res.body).to.include({
      scimType: 'uniqueness',
      detail: `A JumpCloud user (id ${MANAGER}) already has emails "taken@example.com". If it is the same person, set Entra's matching attribute so it finds that user.`,
    });
  });

  it('a username another user holds is a 409 that says who holds it, why (derive mode, the default) and the ways out', async () => {
    jc.createUser().reply(400, { message: 'Bad Request: User already exists' });
    jc.searchUsers({ limit: 10, skip: 0 }).reply(200, {
      totalCount: 1,
      results: [
        jcUser({
          _id: MANAGER,
          username: 'jyoung',
          attributes: [{ name: 'scimUserName', value: 'jyoung@contoso.com' }],
        }),
      ],
    });
    const res = await once().request('POST', '/Users', { userName: 'jyoung', emails: [{ value: 'jy@example.com' }] });
    expect(res.status).to.equal(409);
    expect(res.body.detail).to.equal(
      `JumpCloud user "jyoung" (id ${MANAGER}, SCIM userName "jyoung@contoso.com") already holds the username "jyoung". DERIVE_USERNAME_FROM_EMAIL stores only the part before "@" as the JumpCloud username, and usernames are unique, so two userNames with the same local part cannot both be provisioned. To resolve: if it is the same person, unassign the other Entra user or let Entra match this one to it (userName eq); ` +
        'if they are different people, map userName in Entra from an attribute that is unique without its domain (for example mailNickname, or an expression that adds a suffix), or rename one of the JumpCloud users.',
    );
  });

  it('a userName change that keeps the username says so in the log', async () => {
    const h = once();
    jc.getUser(ID).reply(200, jcUser());
    const attributes = [
      { name: 'scimExternalId', value: 'ext-1' },
      { name: 'scimUserName', value: 'babs' },
    ];
    jc.putUser(ID, { attributes }).reply(200, jcUser({ attributes }));
    const res = await h.request('PATCH', `/Users/${ID}`, {
      Operations: [{ op: 'Replace', path: 'userName', value: 'babs' }],
    });
    expect(res.status).to.equal(200);
    expect(
      logsOfKind(h, 'usernameKept')
        .map((l) => [l.level, l.message])
        .at(-1),
    ).to.deep.equal([
      'info',
      `User ${ID}: userName changed to "babs"; the JumpCloud username stays "bjensen" (it is the login name on bound devices) and the new userName is recorded in the custom attribute scimUserName. Set ALLOW_USERNAME_RENAME=true to rename instead.`,
    ]);
  });

  it('`id eq` reads that one user and applies the rest of the filter; an unknown id matches nothing', async () => {
    jc.getUser(ID).reply(200, jcUser({ jobTitle: 'Clerk' }));
    const miss = await once().request(
      'GET',
      `/Users?filter=${encodeURIComponent(`id eq "${ID}" and title eq "Boss"`)}`,
    );
    expect([miss.status, miss.body.totalResults]).to.deep.equal([200, 0]);
    jc.getUser(ID).reply(200, jcUser({ jobTitle: 'Boss' }));
    const hit = await once().request('GET', `/Users?filter=${encodeURIComponent(`id eq "${ID}" and title eq "Boss"`)}`);
    expect(hit.body.Resources.map((r: { id: string }) => r.id)).to.deep.equal([ID]);
    jc.getUser(MANAGER).reply(404, { message: 'Not Found' });
    const none = await once().request('GET', `/Users?filter=${encodeURIComponent(`id eq "${MANAGER}"`)}`);
    expect([none.status, none.body.totalResults]).to.deep.equal([200, 0]);
    jc.getUser(MANAGER).reply(403, { message: 'Forbidden' });
    expect((await once().request('GET', `/Users?filter=${encodeURIComponent(`id eq "${MANAGER}"`)}`)).status).to.equal(
      403,
    );
  });
});
