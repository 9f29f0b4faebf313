import { expect } from 'chai';
import { jcUser, pinnedJumpCloud, USER_FIELDS, type Harness } from '../../helpers/bridge-harness.js';
import { jc, forbidden } from '../../helpers/jumpcloud-calls.js';
import { ID, MANAGER, everyCreatePost } from './users-contract.js';

/**
 * POST /Users: one call when nothing clashes (the create itself), the clash read only after JumpCloud refuses, and
 * what a lost or refused create does.
 */
describe('contract: Users → JumpCloud systemusers: creates', () => {
  const bridge = pinnedJumpCloud();
  let h: Harness;
  beforeEach(() => {
    h = bridge();
  });

  it('POST /Users is one call: the create, with state explicit, answers 201 + Location (no search first)', async () => {
    const created = jcUser({
      _id: ID,
      username: 'jyoung',
      email: 'jyoung@Contoso.com',
      firstname: 'Joy',
      lastname: 'Young',
      displayname: 'Joy Young',
      employeeIdentifier: '701984',
      attributes: [{ name: 'scimExternalId', value: 'jyoung' }],
    });
    jc.createUser({
      username: 'jyoung',
      displayname: 'Joy Young',
      email: 'jyoung@Contoso.com',
      firstname: 'Joy',
      lastname: 'Young',
      employeeIdentifier: '701984',
      attributes: [{ name: 'scimExternalId', value: 'jyoung' }],
      state: 'ACTIVATED',
    }).reply(200, created);
    const others = forbidden('any');
    const res = await h.request('POST', '/Users', {
      schemas: [
        'urn:ietf:params:scim:schemas:core:2.0:User',
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
      ],
      externalId: 'jyoung',
      userName: 'jyoung',
      active: true,
      addresses: null,
      displayName: 'Joy Young',
      emails: [{ type: 'work', value: 'jyoung@Contoso.com', primary: true }],
      meta: { resourceType: 'User' },
      name: { familyName: 'Young', givenName: 'Joy' },
      roles: [],
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { employeeNumber: '701984', manager: null },
    });
    expect(res.status).to.equal(201);
    expect(res.headers.get('location')).to.equal(`${h.base}/Users/${ID}`);
    expect(res.body.userName).to.equal('jyoung');
    expect(res.body.emails).to.deep.equal([{ value: 'jyoung@Contoso.com', type: 'work', primary: true }]);
    expect(others(), 'JumpCloud calls besides the create').to.equal(0);
  });

  it('POST with active=false creates the user SUSPENDED', async () => {
    jc.createUser({ username: 'sus', email: 'sus@example.com', state: 'SUSPENDED' }).reply(
      200,
      jcUser({ username: 'sus', email: 'sus@example.com', suspended: true, state: 'SUSPENDED', attributes: [] }),
    );
    const res = await h.request('POST', '/Users', {
      userName: 'sus',
      active: 'False',
      emails: [{ value: 'sus@example.com' }],
    });
    expect(res.status).to.equal(201);
    expect(res.body.active).to.equal(false);
  });

  it('a create JumpCloud refuses as a duplicate: the clash is read only then, and the 409 names the holder', async () => {
    jc.createUser({ username: 'jyoung', email: 'other@example.com', state: 'ACTIVATED' }).reply(400, {
      code: 400,
      message: 'Bad Request: User already exists',
      status: 'ALREADY_EXISTS',
    });
    jc.searchUsers(
      { limit: 10, skip: 0 },
      {
        filter: {
          or: [
            { username: { $regex: '(?i)^jyoung$' } },
            { email: { $regex: '(?i)^other@example\\.com$' } },
            { alternateEmail: { $regex: '(?i)^other@example\\.com$' } },
          ],
        },
        fields: USER_FIELDS,
      },
    ).reply(200, { totalCount: 1, results: [jcUser({ username: 'JYoung' })] });
    const creates = forbidden(['POST'], /^\/api\/systemusers$/);
    const res = await h.request('POST', '/Users', { userName: 'jyoung', emails: [{ value: 'other@example.com' }] });
    expect(creates(), 'creates re-sent').to.equal(0);
    expect(res.status).to.equal(409);
    expect(res.body).to.include({ status: '409', scimType: 'uniqueness' });
    expect(res.body.detail).to.contain(
      'JumpCloud user "JYoung" (id 5f1b2c3d4e5f6a7b8c9d0e1f, SCIM userName "JYoung") already holds the username "jyoung"',
    );
  });

  it('JumpCloud\'s own 400 "already exists" with no holder found by the clash read (deleted meanwhile) is still 409 uniqueness', async () => {
    jc.createUser().reply(400, { code: 400, message: 'Bad Request: User already exists', status: 'ALREADY_EXISTS' });
    jc.searchUsers({ limit: 10, skip: 0 }).reply(200, { totalCount: 0, results: [] });
    const res = await h.request('POST', '/Users', { userName: 'jyoung', emails: [{ value: 'jyoung@example.com' }] });
    expect(res.status).to.equal(409);
    expect(res.body.scimType).to.equal('uniqueness');
    expect(res.body.detail).to.contain('User already exists');
  });

  it('a refusal whose text names no duplicate (an unclassified 400) is a clash when the clash read finds a holder', async () => {
    jc.createUser().reply(400, { message: 'Bad Request: has already been registered' });
    jc.searchUsers({ limit: 10, skip: 0 }).reply(200, {
      totalCount: 1,
      results: [jcUser({ _id: MANAGER, username: 'jane', email: 'JYoung@example.com' })],
    });
    const res = await h.request('POST', '/Users', { userName: 'jyoung', emails: [{ value: 'jyoung@example.com' }] });
    expect(res.status).to.equal(409);
    expect(res.body).to.include({ status: '409', scimType: 'uniqueness' });
    expect(res.body.detail).to.equal(
      `A JumpCloud user (id ${MANAGER}) already has emails "jyoung@example.com". If it is the same person, set Entra's matching attribute so it finds that user.`,
    );
  });

  it("an unclassified 400 with no holder found stays JumpCloud's 400", async () => {
    jc.createUser().reply(400, { message: 'Bad Request: something else' });
    jc.searchUsers({ limit: 10, skip: 0 }).reply(200, { totalCount: 0, results: [] });
    const res = await h.request('POST', '/Users', { userName: 'jyoung', emails: [{ value: 'jyoung@example.com' }] });
    expect(res.status).to.equal(400);
    expect(res.body).to.include({ scimType: 'invalidValue' });
    expect(res.body.detail).to.equal('JumpCloud rejected the change. JumpCloud said: Bad Request: something else');
  });

  it('a second email another user holds (as email or alternateEmail) is a 409 naming alternateEmail, the holder and the fix', async () => {
    jc.createUser({
      username: 'jyoung',
      email: 'jyoung@example.com',
      alternateEmail: 'shared@home.example',
      state: 'ACTIVATED',
    }).reply(400, { message: 'Bad Request: User already exists' });
    jc.searchUsers(
      { limit: 10, skip: 0 },
      {
        filter: {
          or: [
            { username: { $regex: '(?i)^jyoung$' } },
            { email: { $regex: '(?i)^jyoung@example\\.com$' } },
            { alternateEmail: { $regex: '(?i)^jyoung@example\\.com$' } },
            { email: { $regex: '(?i)^shared@home\\.example$' } },
            { alternateEmail: { $regex: '(?i)^shared@home\\.example$' } },
          ],
        },
        fields: USER_FIELDS,
      },
    ).reply(200, {
      totalCount: 1,
      results: [
        jcUser({ _id: MANAGER, username: 'sam', email: 'sam@example.com', alternateEmail: 'Shared@home.example' }),
      ],
    });
    const res = await h.request('POST', '/Users', {
      userName: 'jyoung',
      emails: [
        { value: 'jyoung@example.com', type: 'work', primary: true },
        { value: 'shared@home.example', type: 'other' },
      ],
    });
    expect(res.status).to.equal(409);
    expect(res.body).to.include({ status: '409', scimType: 'uniqueness' });
    expect(res.body.detail).to.equal(
      `JumpCloud user "sam" (id ${MANAGER}) already has "shared@home.example" as its alternateEmail, and JumpCloud requires an alternate email to be unique across all of JumpCloud: no other user may hold it as email or alternateEmail. ` +
        'This request sends it as alternateEmail (the second address of emails). To resolve: if it is the same person, let Entra match this user to that one; otherwise remove the address from one of them (in Entra, from the attribute mapped to the second email address), or change it in JumpCloud.',
    );
  });

  it('a create whose answer is lost is never re-sent: the bridge finds the user it made', async () => {
    jc.createUser().replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    jc.searchUsers(
      { limit: 2, skip: 0 },
      {
        filter: { and: [{ username: { $regex: '(?i)^jyoung$' } }] },
        fields: USER_FIELDS,
      },
    ).reply(200, { totalCount: 1, results: [jcUser({ username: 'jyoung', email: 'jyoung@example.com' })] });
    const res = await h.request('POST', '/Users', { userName: 'jyoung', emails: [{ value: 'jyoung@example.com' }] });
    expect(res.status).to.equal(201);
    expect(res.body.id).to.equal(ID);
  });

  it('a lost create that did not land answers 502 and still sends the POST only once', async () => {
    jc.createUser().replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    jc.searchUsers({ limit: 2, skip: 0 }).reply(200, { totalCount: 0, results: [] });
    const res = await h.request('POST', '/Users', { userName: 'jyoung', emails: [{ value: 'jyoung@example.com' }] });
    expect(res.status).to.equal(502);
    expect(res.body.detail).to.contain('Entra will retry');
  });

  it('POST with a manager makes one call, the create: JumpCloud itself checks the manager', async () => {
    jc.createUser({ username: 'rep', email: 'rep@example.com', manager: MANAGER, state: 'ACTIVATED' }).reply(
      200,
      jcUser({ username: 'rep', email: 'rep@example.com', manager: MANAGER, attributes: [] }),
    );
    const others = forbidden('any');
    const res = await h.request('POST', '/Users', {
      userName: 'rep',
      emails: [{ value: 'rep@example.com' }],
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { manager: MANAGER },
    });
    expect(res.status).to.equal(201);
    expect(res.body['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'].manager).to.deep.equal({
      value: MANAGER,
      $ref: `${h.base}/Users/${MANAGER}`,
    });
    expect(others(), 'JumpCloud calls besides the create').to.equal(0);
  });

  it('POST whose manager JumpCloud refuses: the clash and the manager are looked up only then, and Entra is told to provision the manager first', async () => {
    jc.createUser({ username: 'rep', email: 'rep@example.com', manager: MANAGER, state: 'ACTIVATED' }).reply(400, {
      message: 'invalid manager',
    });
    jc.searchUsers({ limit: 10, skip: 0 }).reply(200, { totalCount: 0, results: [] });
    jc.getUser(MANAGER).reply(404, { message: 'Not Found' });
    const res = await h.request('POST', '/Users', {
      userName: 'rep',
      emails: [{ value: 'rep@example.com' }],
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { manager: MANAGER },
    });
    expect(res.status).to.equal(400);
    expect(res.body).to.deep.equal({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '400',
      scimType: 'invalidValue',
      detail: `manager ${MANAGER} is not a JumpCloud user; Entra links the manager after provisioning them, so provision the manager first`,
    });
  });

  it('never retries a create on 503: one POST, then 502 to Entra', async () => {
    const posts = everyCreatePost(503, { message: 'unavailable' });
    const res = await h.request('POST', '/Users', { userName: 'once', emails: [{ value: 'once@example.com' }] });
    expect(res.status).to.equal(502);
    expect(posts()).to.equal(1);
  });

  it('a lost create finding a user with that username but another email does not adopt it: 502, one POST', async () => {
    const posts = everyCreatePost(504, { message: 'gateway timeout' });
    jc.searchUsers(
      { limit: 2, skip: 0 },
      {
        filter: { and: [{ username: { $regex: '(?i)^jyoung$' } }] },
        fields: USER_FIELDS,
      },
    ).reply(200, { totalCount: 1, results: [jcUser({ username: 'jyoung', email: 'someone.else@example.com' })] });
    const res = await h.request('POST', '/Users', { userName: 'jyoung', emails: [{ value: 'jyoung@example.com' }] });
    expect(res.status).to.equal(502);
    expect(posts()).to.equal(1);
  });
});
