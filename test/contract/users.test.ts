import { expect } from 'chai';
import nock from 'nock';
import { JC, KEY, jcUser, pinnedJumpCloud, startBridge, type Harness, USER_FIELDS } from '../helpers/bridge-harness.js';

/**
 * Every JumpCloud call the Users resource makes, pinned: method, path, query, headers and body.
 * nock stands in for JumpCloud; the bridge runs its real HTTP stack.
 */

const ID = '5f1b2c3d4e5f6a7b8c9d0e1f';
const MANAGER = '6a1b2c3d4e5f6a7b8c9d0e1f';
const jc = (): nock.Scope =>
  nock(JC, { reqheaders: { 'x-api-key': KEY, accept: 'application/json' } }).matchHeader(
    'authorization',
    (v) => v === undefined,
  );

/**
 * Answers every POST /api/systemusers with `status` and counts them: persisted, so a re-sent create would be
 * answered too and only the count can show that it was not sent.
 */
function everyCreatePost(status: number, body: Record<string, unknown>): () => number {
  let posts = 0;
  jc()
    .persist()
    .post('/api/systemusers')
    .reply(() => {
      posts += 1;
      return [status, body];
    });
  return () => posts;
}

describe('contract: Users → JumpCloud systemusers', () => {
  const bridge = pinnedJumpCloud();
  let h: Harness;
  beforeEach(() => {
    h = bridge();
  });

  it('Test Connection canary: case-insensitive exact search of the username or a recorded userName, 200 with an empty ListResponse', async () => {
    const canary = { $regex: '(?i)^cf4d78e8\\-cc4f\\-4d5d\\-b8b9\\-183561c0104a$' };
    jc()
      .post('/api/search/systemusers', {
        filter: { or: [{ username: canary }, { 'attributes.value': canary }] },
        fields: USER_FIELDS,
      })
      .query({ limit: '100', skip: '0' })
      .matchHeader('content-type', 'application/json')
      .reply(200, { totalCount: 0, results: [] });
    const res = await h.request('GET', '/Users?filter=userName+eq+%22cf4d78e8-cc4f-4d5d-b8b9-183561c0104a%22');
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/^application\/scim\+json/);
    expect(res.body).to.deep.equal({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 0,
      startIndex: 1,
      itemsPerPage: 0,
      Resources: [],
    });
  });

  it('matches by externalId through the custom attribute, re-checking it exactly', async () => {
    jc()
      .post('/api/search/systemusers', { filter: { and: [{ 'attributes.value': 'ext-1' }] }, fields: USER_FIELDS })
      .query({ limit: '100', skip: '0' })
      .reply(200, {
        totalCount: 2,
        results: [
          jcUser(),
          jcUser({ _id: MANAGER, username: 'other', attributes: [{ name: 'costCode', value: 'ext-1' }] }),
        ],
      });
    const res = await h.request('GET', '/Users?filter=externalId+eq+%22ext-1%22');
    expect(res.status).to.equal(200);
    expect(res.body.totalResults).to.equal(1);
    expect(res.body.Resources[0].id).to.equal(ID);
  });

  it('lists without a filter through GET /systemusers sorted by _id, paging upstream', async () => {
    jc()
      .get('/api/systemusers')
      .query({ limit: '2', skip: '4', sort: '_id', fields: USER_FIELDS })
      .reply(200, { totalCount: 9, results: [jcUser(), jcUser({ _id: MANAGER, username: 'x' })] });
    const res = await h.request('GET', '/Users?startIndex=5&count=2');
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ totalResults: 9, startIndex: 5, itemsPerPage: 2 });
  });

  describe('fields: JumpCloud is asked for exactly what the answer needs, never its default list', () => {
    it('attributes=userName asks for the username (and the custom attributes where a recorded userName lives) only', async () => {
      jc()
        .get('/api/systemusers')
        .query({ limit: '1', skip: '0', sort: '_id', fields: '_id username attributes' })
        .reply(200, { totalCount: 1, results: [{ _id: ID, username: 'bjensen', attributes: [] }] });
      const res = await h.request('GET', '/Users?count=1&attributes=userName');
      expect(res.status).to.equal(200);
      expect(res.body.Resources).to.deep.equal([
        { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id: ID, userName: 'bjensen' },
      ]);
    });

    it('attributes=emails,name.givenName asks for the email fields and firstname', async () => {
      jc()
        .post('/api/search/systemusers', {
          filter: {
            or: [{ username: { $regex: '(?i)^bjensen$' } }, { 'attributes.value': { $regex: '(?i)^bjensen$' } }],
          },
          fields: '_id username attributes firstname email alternateEmail',
        })
        .query({ limit: '100', skip: '0' })
        .reply(200, { totalCount: 1, results: [jcUser()] });
      const res = await h.request(
        'GET',
        `/Users?filter=${encodeURIComponent('userName eq "bjensen"')}&attributes=emails,name.givenName`,
      );
      expect(res.status).to.equal(200);
      expect(res.body.Resources[0]).to.deep.equal({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        id: ID,
        name: { givenName: 'Barbara' },
        emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }],
      });
    });

    it('a residual filter and a sort add the fields the bridge evaluates itself', async () => {
      jc()
        .get('/api/systemusers')
        .query({ limit: '100', skip: '0', sort: '_id', fields: '_id username attributes displayname jobTitle' })
        .reply(200, { totalCount: 1, results: [jcUser({ jobTitle: 'Engineer' })] });
      const res = await h.request(
        'GET',
        `/Users?filter=${encodeURIComponent('title pr')}&sortBy=displayName&attributes=userName`,
      );
      expect(res.status).to.equal(200);
      expect(res.body.Resources.map((r: { userName: string }) => r.userName)).to.deep.equal(['bjensen']);
    });

    it('excludedAttributes drops only the rows it names whole', async () => {
      const without = USER_FIELDS.split(' ')
        .filter((f) => f !== 'phoneNumbers')
        .join(' ');
      jc()
        .get('/api/systemusers')
        .query({ limit: '1', skip: '0', sort: '_id', fields: without })
        .reply(200, { totalCount: 1, results: [jcUser()] });
      const res = await h.request('GET', '/Users?count=1&excludedAttributes=phoneNumbers');
      expect(res.status).to.equal(200);
      expect(res.body.Resources[0].userName).to.equal('bjensen');
    });
  });

  it('GET /Users/{id} reads one systemuser and maps it', async () => {
    jc()
      .get(`/api/systemusers/${ID}`)
      .reply(
        200,
        jcUser({
          manager: MANAGER,
          department: 'IT',
          phoneNumbers: [{ id: 'p1', type: 'mobile', number: '555-0100' }],
        }),
      );
    const res = await h.request('GET', `/Users/${ID}`);
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({
      schemas: [
        'urn:ietf:params:scim:schemas:core:2.0:User',
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
      ],
      id: ID,
      userName: 'bjensen',
      externalId: 'ext-1',
      name: { givenName: 'Barbara', familyName: 'Jensen' },
      displayName: 'Babs Jensen',
      active: true,
      emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }],
      phoneNumbers: [{ value: '555-0100', type: 'mobile' }],
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': {
        department: 'IT',
        manager: { value: MANAGER, $ref: `${h.base}/Users/${MANAGER}` },
      },
      meta: { resourceType: 'User', created: '2026-01-02T03:04:05.000Z', location: `${h.base}/Users/${ID}` },
    });
  });

  it('GET of an unknown or malformed id is a SCIM 404', async () => {
    jc().get(`/api/systemusers/${MANAGER}`).reply(404, { message: 'Not Found' });
    const res = await h.request('GET', `/Users/${MANAGER}`);
    expect(res.status).to.equal(404);
    expect(res.body).to.deep.equal({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '404',
      detail: `User ${MANAGER} not found`,
    });
    const bad = await h.request('GET', '/Users/..%2F..%2Forganizations');
    expect(bad.status).to.equal(404);
  });

  it('POST /Users pre-checks uniqueness, then creates with state explicit and answers 201 + Location', async () => {
    jc()
      .post('/api/search/systemusers', {
        filter: {
          or: [
            { username: { $regex: '(?i)^jyoung$' } },
            { email: { $regex: '(?i)^jyoung@Contoso\\.com$' } },
            { employeeIdentifier: { $regex: '(?i)^701984$' } },
          ],
        },
        fields: USER_FIELDS,
      })
      .query({ limit: '10', skip: '0' })
      .reply(200, { totalCount: 0, results: [] });
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
    jc()
      .post('/api/systemusers', {
        username: 'jyoung',
        displayname: 'Joy Young',
        email: 'jyoung@Contoso.com',
        firstname: 'Joy',
        lastname: 'Young',
        employeeIdentifier: '701984',
        attributes: [{ name: 'scimExternalId', value: 'jyoung' }],
        state: 'ACTIVATED',
      })
      .matchHeader('content-type', 'application/json')
      .reply(200, created);
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
  });

  it('POST with active=false creates the user SUSPENDED', async () => {
    jc().post('/api/search/systemusers').query(true).reply(200, { totalCount: 0, results: [] });
    jc()
      .post('/api/systemusers', { username: 'sus', email: 'sus@example.com', state: 'SUSPENDED' })
      .reply(
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

  it('a duplicate found by the pre-check answers 409 uniqueness and creates nothing', async () => {
    jc()
      .post('/api/search/systemusers')
      .query(true)
      .reply(200, { totalCount: 1, results: [jcUser({ username: 'JYoung' })] });
    const res = await h.request('POST', '/Users', { userName: 'jyoung', emails: [{ value: 'other@example.com' }] });
    expect(res.status).to.equal(409);
    expect(res.body).to.include({ status: '409', scimType: 'uniqueness' });
    expect(res.body.detail).to.contain(
      'JumpCloud user "JYoung" (id 5f1b2c3d4e5f6a7b8c9d0e1f, SCIM userName "JYoung") already holds the username "jyoung"',
    );
  });

  it('JumpCloud\'s own 400 "already exists" (a race past the pre-check) also becomes 409 uniqueness', async () => {
    jc().post('/api/search/systemusers').query(true).reply(200, { totalCount: 0, results: [] });
    jc()
      .post('/api/systemusers')
      .reply(400, { code: 400, message: 'Bad Request: User already exists', status: 'ALREADY_EXISTS' });
    const res = await h.request('POST', '/Users', { userName: 'jyoung', emails: [{ value: 'jyoung@example.com' }] });
    expect(res.status).to.equal(409);
    expect(res.body.scimType).to.equal('uniqueness');
    expect(res.body.detail).to.contain('User already exists');
  });

  it('a create whose answer is lost is never re-sent: the bridge finds the user it made', async () => {
    jc().post('/api/search/systemusers').query({ limit: '10', skip: '0' }).reply(200, { totalCount: 0, results: [] });
    jc().post('/api/systemusers').replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    jc()
      .post('/api/search/systemusers', {
        filter: { and: [{ username: { $regex: '(?i)^jyoung$' } }] },
        fields: USER_FIELDS,
      })
      .query({ limit: '2', skip: '0' })
      .reply(200, { totalCount: 1, results: [jcUser({ username: 'jyoung', email: 'jyoung@example.com' })] });
    const res = await h.request('POST', '/Users', { userName: 'jyoung', emails: [{ value: 'jyoung@example.com' }] });
    expect(res.status).to.equal(201);
    expect(res.body.id).to.equal(ID);
  });

  it('a lost create that did not land answers 502 and still sends the POST only once', async () => {
    jc().post('/api/search/systemusers').query({ limit: '10', skip: '0' }).reply(200, { totalCount: 0, results: [] });
    jc().post('/api/systemusers').replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    jc().post('/api/search/systemusers').query({ limit: '2', skip: '0' }).reply(200, { totalCount: 0, results: [] });
    const res = await h.request('POST', '/Users', { userName: 'jyoung', emails: [{ value: 'jyoung@example.com' }] });
    expect(res.status).to.equal(502);
    expect(res.body.detail).to.contain('Entra will retry');
  });

  it('PATCH reads the user, pre-checks a changed email, and PUTs only what changed (default-mode Entra body)', async () => {
    jc().get(`/api/systemusers/${ID}`).reply(200, jcUser());
    jc()
      .post('/api/search/systemusers', {
        filter: { or: [{ email: { $regex: '(?i)^new@example\\.com$' } }] },
        fields: USER_FIELDS,
      })
      .query({ limit: '10', skip: '0' })
      .reply(200, { totalCount: 0, results: [] });
    jc()
      .put(`/api/systemusers/${ID}`, {
        suspended: true,
        state: 'SUSPENDED',
        email: 'new@example.com',
        department: 'Retail',
      })
      .matchHeader('content-type', 'application/json')
      .reply(200, jcUser({ suspended: true, state: 'SUSPENDED', email: 'new@example.com', department: 'Retail' }));
    const res = await h.request('PATCH', `/Users/${ID}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        { op: 'Replace', path: 'active', value: 'False' },
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'new@example.com' },
        { op: 'Add', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department', value: 'Retail' },
      ],
    });
    expect(res.status).to.equal(200);
    expect(res.body.active).to.equal(false);
  });

  it('PATCH of a custom-attribute-backed value sends the whole attributes list with others preserved', async () => {
    jc()
      .get(`/api/systemusers/${ID}`)
      .reply(
        200,
        jcUser({
          attributes: [
            { name: 'costCode', value: '42' },
            { name: 'scimExternalId', value: 'ext-1' },
          ],
        }),
      );
    jc()
      .put(`/api/systemusers/${ID}`, {
        attributes: [
          { name: 'costCode', value: '42' },
          { name: 'scimExternalId', value: 'ext-2' },
        ],
      })
      .reply(
        200,
        jcUser({
          attributes: [
            { name: 'costCode', value: '42' },
            { name: 'scimExternalId', value: 'ext-2' },
          ],
        }),
      );
    const res = await h.request('PATCH', `/Users/${ID}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', value: { externalId: 'ext-2' } }],
    });
    expect(res.status).to.equal(200);
    expect(res.body.externalId).to.equal('ext-2');
  });

  it('PATCH that changes nothing sends no PUT', async () => {
    jc().get(`/api/systemusers/${ID}`).reply(200, jcUser());
    const res = await h.request('PATCH', `/Users/${ID}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', path: 'active', value: true }],
    });
    expect(res.status).to.equal(200);
  });

  it('manager: a bare id is stored as manager (JumpCloud checks it: no extra read), read back as {value, $ref}; "" clears it to null', async () => {
    jc().get(`/api/systemusers/${ID}`).reply(200, jcUser());
    jc()
      .put(`/api/systemusers/${ID}`, { manager: MANAGER })
      .reply(200, jcUser({ manager: MANAGER }));
    const set = await h.request('PATCH', `/Users/${ID}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        { op: 'Add', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager', value: MANAGER },
      ],
    });
    expect(set.status).to.equal(200);
    expect(set.body['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'].manager).to.deep.equal({
      value: MANAGER,
      $ref: `${h.base}/Users/${MANAGER}`,
    });

    jc()
      .get(`/api/systemusers/${ID}`)
      .reply(200, jcUser({ manager: MANAGER }));
    jc().put(`/api/systemusers/${ID}`, { manager: null }).reply(200, jcUser());
    const clear = await h.request('PATCH', `/Users/${ID}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        { op: 'replace', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager', value: '' },
      ],
    });
    expect(clear.status).to.equal(200);
    expect(clear.body).to.not.have.property('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User');
  });

  it('POST with a manager makes two calls, the uniqueness search and the create: JumpCloud itself checks the manager', async () => {
    jc().post('/api/search/systemusers').query({ limit: '10', skip: '0' }).reply(200, { totalCount: 0, results: [] });
    jc()
      .post('/api/systemusers', { username: 'rep', email: 'rep@example.com', manager: MANAGER, state: 'ACTIVATED' })
      .reply(200, jcUser({ username: 'rep', email: 'rep@example.com', manager: MANAGER, attributes: [] }));
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
  });

  it('POST whose manager JumpCloud refuses: the manager is looked up only then, and Entra is told to provision the manager first', async () => {
    jc().post('/api/search/systemusers').query({ limit: '10', skip: '0' }).reply(200, { totalCount: 0, results: [] });
    jc()
      .post('/api/systemusers', { username: 'rep', email: 'rep@example.com', manager: MANAGER, state: 'ACTIVATED' })
      .reply(400, { message: 'invalid manager' });
    jc().get(`/api/systemusers/${MANAGER}`).reply(404, { message: 'Not Found' });
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

  it("PATCH whose manager exists but JumpCloud still refuses the PUT passes JumpCloud's own reason on", async () => {
    jc().get(`/api/systemusers/${ID}`).reply(200, jcUser());
    jc().put(`/api/systemusers/${ID}`, { manager: MANAGER }).reply(400, { message: 'manager is locked' });
    jc()
      .get(`/api/systemusers/${MANAGER}`)
      .reply(200, jcUser({ _id: MANAGER, username: 'boss' }));
    const res = await h.request('PATCH', `/Users/${ID}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        { op: 'Add', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager', value: MANAGER },
      ],
    });
    expect(res.status).to.equal(400);
    expect(res.body.scimType).to.equal('invalidValue');
    expect(res.body.detail).to.equal('JumpCloud rejected the change. JumpCloud said: manager is locked');
  });

  it('PUT /Users/{id} replaces: attributes absent from the body are cleared', async () => {
    jc()
      .get(`/api/systemusers/${ID}`)
      .reply(200, jcUser({ jobTitle: 'Engineer' }));
    jc()
      .put(`/api/systemusers/${ID}`, { firstname: 'Barb', lastname: '', displayname: '', jobTitle: '', attributes: [] })
      .reply(200, jcUser({ firstname: 'Barb', lastname: '', displayname: '', jobTitle: '', attributes: [] }));
    const res = await h.request('PUT', `/Users/${ID}`, {
      userName: 'bjensen',
      emails: [{ value: 'bjensen@example.com' }],
      name: { givenName: 'Barb' },
    });
    expect(res.status).to.equal(200);
    expect(res.body.name).to.deep.equal({ givenName: 'Barb' });
  });

  it('a STAGED user set active is activated through POST /state/activate {} (not a PUT), then read back', async () => {
    jc()
      .get(`/api/systemusers/${ID}`)
      .reply(200, jcUser({ state: 'STAGED' }));
    jc()
      .post(`/api/systemusers/${ID}/state/activate`, {})
      .matchHeader('content-type', 'application/json')
      .reply(200, '"OK"');
    jc()
      .get(`/api/systemusers/${ID}`)
      .reply(200, jcUser({ state: 'ACTIVATED' }));
    const res = await h.request('PATCH', `/Users/${ID}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'Replace', path: 'active', value: 'True' }],
    });
    expect(res.status).to.equal(200);
    expect(res.body.active).to.equal(true);
  });

  it('a second email is PUT as alternateEmail, with its type recorded when it is not "other"', async () => {
    jc().get(`/api/systemusers/${ID}`).reply(200, jcUser());
    jc()
      .put(`/api/systemusers/${ID}`, {
        alternateEmail: 'babs@home.example',
        attributes: [
          { name: 'scimExternalId', value: 'ext-1' },
          { name: 'scimAlternateEmailType', value: 'home' },
        ],
      })
      .reply(
        200,
        jcUser({
          alternateEmail: 'babs@home.example',
          attributes: [
            { name: 'scimExternalId', value: 'ext-1' },
            { name: 'scimAlternateEmailType', value: 'home' },
          ],
        }),
      );
    const res = await h.request('PATCH', `/Users/${ID}`, {
      Operations: [{ op: 'add', path: 'emails[type eq "home"].value', value: 'babs@home.example' }],
    });
    expect(res.status).to.equal(200);
    expect(res.body.emails).to.deep.equal([
      { value: 'bjensen@example.com', type: 'work', primary: true },
      { value: 'babs@home.example', type: 'home' },
    ]);
  });

  it("a phone write sends the whole array back: the element's id, an admin's second mobile and an empty number kept; fax as work_fax", async () => {
    const phones = [
      { id: 'p1', type: 'mobile', number: '555-0001' },
      { id: 'p2', type: 'mobile', number: '555-0002' },
      { id: 'p3', type: 'home', number: '' },
    ];
    jc()
      .get(`/api/systemusers/${ID}`)
      .reply(200, jcUser({ phoneNumbers: phones }));
    const sent = [
      { id: 'p1', type: 'mobile', number: '555-0099' },
      phones[1],
      phones[2],
      { type: 'work_fax', number: '555-0100' },
    ];
    jc()
      .put(`/api/systemusers/${ID}`, { phoneNumbers: sent })
      .reply(200, jcUser({ phoneNumbers: sent }));
    const res = await h.request('PATCH', `/Users/${ID}`, {
      Operations: [
        { op: 'replace', path: 'phoneNumbers[type eq "mobile"].value', value: '555-0099' },
        { op: 'add', path: 'phoneNumbers[type eq "fax"].value', value: '555-0100' },
      ],
    });
    expect(res.status).to.equal(200);
    expect(res.body.phoneNumbers).to.deep.equal([
      { value: '555-0099', type: 'mobile' },
      { value: '555-0100', type: 'fax' },
    ]);
  });

  it('a userName change keeps the JumpCloud username: only the recorded userName is PUT', async () => {
    jc().get(`/api/systemusers/${ID}`).reply(200, jcUser());
    const attributes = [
      { name: 'scimExternalId', value: 'ext-1' },
      { name: 'scimUserName', value: 'babs@example.com' },
    ];
    jc().put(`/api/systemusers/${ID}`, { attributes }).reply(200, jcUser({ attributes }));
    const res = await h.request('PATCH', `/Users/${ID}`, {
      Operations: [{ op: 'Replace', path: 'userName', value: 'babs@example.com' }],
    });
    expect(res.status).to.equal(200);
    expect(res.body.userName).to.equal('babs@example.com');
  });

  it("DELETE clears direct reports' manager link and answers 204", async () => {
    jc().delete(`/api/systemusers/${ID}`).query({ cascade_manager: 'null' }).reply(200, jcUser());
    const res = await h.request('DELETE', `/Users/${ID}`);
    expect(res.status).to.equal(204);
    expect(res.text).to.equal('');
  });

  it('retries idempotent calls on 503 and on 429 with Retry-After, and logs the retries', async () => {
    jc().get(`/api/systemusers/${ID}`).reply(503, { message: 'unavailable' });
    jc().get(`/api/systemusers/${ID}`).reply(429, { message: 'slow down' }, { 'Retry-After': '0' });
    jc().get(`/api/systemusers/${ID}`).reply(200, jcUser());
    const res = await h.request('GET', `/Users/${ID}`);
    expect(res.status).to.equal(200);
    const line = h.logs
      .map((l) => JSON.parse(l))
      .reverse()
      .find((l) => l.message === 'scim request' && l.path === `/scim/v2/Users/${ID}`);
    expect(line.upstream).to.deep.equal([
      {
        method: 'GET',
        path: `/api/systemusers/${ID}`,
        status: 200,
        durationMs: line.upstream[0].durationMs,
        retries: 2,
      },
    ]);
  });

  it('never retries a create on 503: one POST, then 502 to Entra', async () => {
    jc().post('/api/search/systemusers').query({ limit: '10', skip: '0' }).reply(200, { totalCount: 0, results: [] });
    const posts = everyCreatePost(503, { message: 'unavailable' });
    const res = await h.request('POST', '/Users', { userName: 'once', emails: [{ value: 'once@example.com' }] });
    expect(res.status).to.equal(502);
    expect(posts()).to.equal(1);
  });

  it('a lost create finding a user with that username but another email does not adopt it: 502, one POST', async () => {
    jc().post('/api/search/systemusers').query({ limit: '10', skip: '0' }).reply(200, { totalCount: 0, results: [] });
    const posts = everyCreatePost(504, { message: 'gateway timeout' });
    jc()
      .post('/api/search/systemusers', {
        filter: { and: [{ username: { $regex: '(?i)^jyoung$' } }] },
        fields: USER_FIELDS,
      })
      .query({ limit: '2', skip: '0' })
      .reply(200, { totalCount: 1, results: [jcUser({ username: 'jyoung', email: 'someone.else@example.com' })] });
    const res = await h.request('POST', '/Users', { userName: 'jyoung', emails: [{ value: 'jyoung@example.com' }] });
    expect(res.status).to.equal(502);
    expect(posts()).to.equal(1);
  });

  it('JumpCloud 401 and a 302 login redirect both become SCIM 401', async () => {
    jc()
      .get(`/api/systemusers/${ID}`)
      .reply(401, { error: 'Unauthorized', message: 'Unauthorized: api key user not found' });
    const a = await h.request('GET', `/Users/${ID}`);
    expect(a.status).to.equal(401);
    expect(a.body.detail).to.contain('api key user not found');
    jc().get(`/api/systemusers/${ID}`).reply(302, '<html>login</html>', { Location: '/login' });
    const b = await h.request('GET', `/Users/${ID}`);
    expect(b.status).to.equal(401);
  });

  it('groups is read from the v2 graph only when asked for with attributes=groups', async () => {
    const GROUP = '7a1b2c3d4e5f6a7b8c9d0e1f';
    jc().get(`/api/systemusers/${ID}`).reply(200, jcUser());
    const plain = await h.request('GET', `/Users/${ID}`);
    expect(plain.body).to.not.have.property('groups');

    jc().get(`/api/systemusers/${ID}`).reply(200, jcUser());
    jc()
      .get(`/api/v2/users/${ID}/memberof`)
      .query({ limit: '100', skip: '0' })
      .reply(200, [{ id: GROUP, type: 'user_group', paths: [[{ to: { id: GROUP, type: 'user_group' } }]] }], {
        'x-total-count': '1',
      });
    jc().get(`/api/v2/usergroups/${GROUP}`).reply(200, { id: GROUP, name: 'Engineering', type: 'user_group' });
    const res = await h.request('GET', `/Users/${ID}?attributes=userName,groups`);
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      id: ID,
      userName: 'bjensen',
      groups: [{ value: GROUP, display: 'Engineering', $ref: `${h.base}/Groups/${GROUP}`, type: 'direct' }],
    });
  });

  it('filtering users by groups is refused with a pointer to /Groups', async () => {
    const res = await h.request('GET', '/Users?filter=groups.value+eq+%227a1b2c3d4e5f6a7b8c9d0e1f%22');
    expect(res.status).to.equal(400);
    expect(res.body.scimType).to.equal('invalidFilter');
    expect(res.body.detail).to.contain('/Groups/{id}');
  });

  it("a wrong key during a search (Entra's Test Connection) is a SCIM 401, not a 500", async () => {
    jc()
      .post('/api/search/systemusers')
      .query(true)
      .reply(401, { error: 'Unauthorized', message: 'Unauthorized: api key user not found' });
    const res = await h.request('GET', '/Users?filter=userName+eq+%22alice%22');
    expect(res.status).to.equal(401);
    expect(res.body.detail).to.contain('Secret Token');
    let lists = 0;
    jc()
      .persist()
      .get('/api/systemusers')
      .query(true)
      .reply(() => {
        lists += 1;
        return [503, { message: 'down' }];
      });
    const list = await h.request('GET', '/Users');
    expect(list.status).to.equal(502);
    // 1 + RETRY_MAX_RETRIES (4): a list is idempotent, so it is retried, and then given up.
    expect(lists).to.equal(5);
  });

  it('sends x-org-id when JUMPCLOUD_ORG_ID is configured', async () => {
    const org = '0123456789abcdef01234567';
    const withOrg = await startBridge({ JUMPCLOUD_ORG_ID: org });
    try {
      nock(JC, { reqheaders: { 'x-api-key': KEY, 'x-org-id': org } })
        .get(`/api/systemusers/${ID}`)
        .reply(200, jcUser());
      const res = await withOrg.request('GET', `/Users/${ID}`);
      expect(res.status).to.equal(200);
    } finally {
      await withOrg.close();
    }
  });

  describe('lost answers, activation and the messages an admin reads', () => {
    // No retries and a single lookup: each test pins exactly the calls of one path.
    const once = pinnedJumpCloud({ RETRY_MAX_RETRIES: '0', CREATE_LOOKUP_WINDOW_MS: '0' });
    const kinds = (h: Harness, kind: string): Record<string, unknown>[] =>
      h.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.kind === kind);
    const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

    it('a DELETE whose answer was lost is done when the user is gone', async () => {
      jc()
        .delete(`/api/systemusers/${ID}`)
        .query({ cascade_manager: 'null' })
        .replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
      jc().get(`/api/systemusers/${ID}`).reply(404, { message: 'Not Found' });
      const res = await once().request('DELETE', `/Users/${ID}`);
      expect(res.status).to.equal(204);
    });

    it('a DELETE whose answer was lost fails as it failed when the user is still there, or the lookup fails', async () => {
      jc()
        .delete(`/api/systemusers/${ID}`)
        .query({ cascade_manager: 'null' })
        .replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
      jc().get(`/api/systemusers/${ID}`).reply(200, jcUser());
      const there = await once().request('DELETE', `/Users/${ID}`);
      expect([there.status, there.body.detail]).to.deep.equal([
        502,
        'JumpCloud could not be reached; Entra will retry.',
      ]);
      jc()
        .delete(`/api/systemusers/${ID}`)
        .query({ cascade_manager: 'null' })
        .replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
      jc().get(`/api/systemusers/${ID}`).reply(403, { message: 'Forbidden' });
      expect((await once().request('DELETE', `/Users/${ID}`)).status).to.equal(502);
    });

    it('a DELETE JumpCloud answers is not looked up again: a 403 stays a 403', async () => {
      jc().delete(`/api/systemusers/${ID}`).query({ cascade_manager: 'null' }).reply(403, { message: 'Forbidden' });
      expect((await once().request('DELETE', `/Users/${ID}`)).status).to.equal(403);
    });

    it('a PUT whose answer was lost is done when the user now holds every field of it, and fails otherwise', async () => {
      jc().get(`/api/systemusers/${ID}`).reply(200, jcUser());
      jc()
        .put(`/api/systemusers/${ID}`, { jobTitle: 'Boss' })
        .replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
      jc()
        .get(`/api/systemusers/${ID}`)
        .reply(200, jcUser({ jobTitle: 'Boss' }));
      const landed = await once().request('PATCH', `/Users/${ID}`, {
        schemas: [PATCH],
        Operations: [{ op: 'replace', path: 'title', value: 'Boss' }],
      });
      expect(landed.status).to.equal(200);
      expect(landed.body.title).to.equal('Boss');

      jc().get(`/api/systemusers/${ID}`).reply(200, jcUser());
      jc()
        .put(`/api/systemusers/${ID}`, { jobTitle: 'Boss' })
        .replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
      jc()
        .get(`/api/systemusers/${ID}`)
        .reply(200, jcUser({ jobTitle: 'Clerk' }));
      const lost = await once().request('PATCH', `/Users/${ID}`, {
        schemas: [PATCH],
        Operations: [{ op: 'replace', path: 'title', value: 'Boss' }],
      });
      expect([lost.status, lost.body.detail]).to.deep.equal([502, 'JumpCloud could not be reached; Entra will retry.']);
    });

    it('a failed activation whose user reads back ACTIVATED is success (noted); one still STAGED fails', async () => {
      const h = once();
      jc()
        .get(`/api/systemusers/${ID}`)
        .reply(200, jcUser({ state: 'STAGED' }));
      jc()
        .post(`/api/systemusers/${ID}/state/activate`, {})
        .replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
      jc()
        .get(`/api/systemusers/${ID}`)
        .reply(200, jcUser({ state: 'ACTIVATED' }));
      jc()
        .get(`/api/systemusers/${ID}`)
        .reply(200, jcUser({ state: 'ACTIVATED' }));
      const ok = await h.request('PATCH', `/Users/${ID}`, {
        schemas: [PATCH],
        Operations: [{ op: 'replace', path: 'active', value: true }],
      });
      expect([ok.status, ok.body.active]).to.deep.equal([200, true]);
      expect(kinds(h, 'userActivated').map((l) => [l.level, l.message])).to.deep.include([
        'info',
        `User ${ID} (bjensen) was STAGED; activated through POST /api/systemusers/{id}/state/activate with JumpCloud's default e-mail behaviour`,
      ]);

      jc()
        .get(`/api/systemusers/${ID}`)
        .reply(200, jcUser({ state: 'STAGED' }));
      jc().post(`/api/systemusers/${ID}/state/activate`, {}).reply(500, { message: 'activation broke' });
      jc()
        .get(`/api/systemusers/${ID}`)
        .reply(200, jcUser({ state: 'STAGED' }));
      const failed = await h.request('PATCH', `/Users/${ID}`, {
        schemas: [PATCH],
        Operations: [{ op: 'replace', path: 'active', value: true }],
      });
      expect([failed.status, failed.body.detail]).to.deep.equal([
        502,
        'JumpCloud answered 500; Entra will retry. JumpCloud said: activation broke',
      ]);
    });

    it('refuses to make a user their own manager, before any write', async () => {
      jc().get(`/api/systemusers/${ID}`).reply(200, jcUser());
      const res = await once().request('PATCH', `/Users/${ID}`, {
        schemas: [PATCH],
        Operations: [
          { op: 'replace', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager', value: ID },
        ],
      });
      expect(res.status).to.equal(400);
      expect(res.body).to.include({ scimType: 'invalidValue', detail: 'A user cannot be their own manager' });
    });

    it("an email another user holds (any case) is a 409 naming that user; the user's own record is no clash", async () => {
      jc().get(`/api/systemusers/${ID}`).reply(200, jcUser());
      jc()
        .post('/api/search/systemusers', {
          filter: { or: [{ email: { $regex: '(?i)^taken@example\\.com$' } }] },
          fields: USER_FIELDS,
        })
        .query({ limit: '10', skip: '0' })
        .reply(200, {
          totalCount: 2,
          results: [
            jcUser({ email: 'taken@example.com' }),
            jcUser({ _id: MANAGER, username: 'other', email: 'TAKEN@example.com' }),
          ],
        });
      const res = await once().request('PATCH', `/Users/${ID}`, {
        schemas: [PATCH],
        Operations: [{ op: 'replace', path: 'emails[type eq "work"].value', value: 'taken@example.com' }],
      });
      expect(res.status).to.equal(409);
      expect(res.body).to.include({
        scimType: 'uniqueness',
        detail: `A JumpCloud user (id ${MANAGER}) already has emails "taken@example.com". If it is the same person, set Entra's matching attribute so it finds that user.`,
      });
    });

    it('a username another user holds is a 409 that says who holds it, why (derive mode, the default) and the ways out', async () => {
      jc()
        .post('/api/search/systemusers')
        .query({ limit: '10', skip: '0' })
        .reply(200, {
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
      jc().get(`/api/systemusers/${ID}`).reply(200, jcUser());
      const attributes = [
        { name: 'scimExternalId', value: 'ext-1' },
        { name: 'scimUserName', value: 'babs' },
      ];
      jc().put(`/api/systemusers/${ID}`, { attributes }).reply(200, jcUser({ attributes }));
      const res = await h.request('PATCH', `/Users/${ID}`, {
        Operations: [{ op: 'Replace', path: 'userName', value: 'babs' }],
      });
      expect(res.status).to.equal(200);
      expect(
        kinds(h, 'usernameKept')
          .map((l) => [l.level, l.message])
          .at(-1),
      ).to.deep.equal([
        'info',
        `User ${ID}: userName changed to "babs"; the JumpCloud username stays "bjensen" (it is the login name on bound devices) and the new userName is recorded in the custom attribute scimUserName. Set ALLOW_USERNAME_RENAME=true to rename instead.`,
      ]);
    });

    it('`id eq` reads that one user and applies the rest of the filter; an unknown id matches nothing', async () => {
      jc()
        .get(`/api/systemusers/${ID}`)
        .reply(200, jcUser({ jobTitle: 'Clerk' }));
      const miss = await once().request(
        'GET',
        `/Users?filter=${encodeURIComponent(`id eq "${ID}" and title eq "Boss"`)}`,
      );
      expect([miss.status, miss.body.totalResults]).to.deep.equal([200, 0]);
      jc()
        .get(`/api/systemusers/${ID}`)
        .reply(200, jcUser({ jobTitle: 'Boss' }));
      const hit = await once().request(
        'GET',
        `/Users?filter=${encodeURIComponent(`id eq "${ID}" and title eq "Boss"`)}`,
      );
      expect(hit.body.Resources.map((r: { id: string }) => r.id)).to.deep.equal([ID]);
      jc().get(`/api/systemusers/${MANAGER}`).reply(404, { message: 'Not Found' });
      const none = await once().request('GET', `/Users?filter=${encodeURIComponent(`id eq "${MANAGER}"`)}`);
      expect([none.status, none.body.totalResults]).to.deep.equal([200, 0]);
      jc().get(`/api/systemusers/${MANAGER}`).reply(403, { message: 'Forbidden' });
      expect(
        (await once().request('GET', `/Users?filter=${encodeURIComponent(`id eq "${MANAGER}"`)}`)).status,
      ).to.equal(403);
    });
  });

  describe('derive mode adopts what existed before Entra, and a re-sent create never duplicates', () => {
    const once = pinnedJumpCloud({
      RETRY_MAX_RETRIES: '0',
      CREATE_LOOKUP_WINDOW_MS: '0',
      DERIVE_USERNAME_FROM_EMAIL: 'true',
    });
    const byUsername = (username: string): nock.Interceptor =>
      jc()
        .post('/api/search/systemusers', {
          filter: { and: [{ username: { $regex: `(?i)^${username}$` } }] },
          fields: USER_FIELDS,
        })
        .query({ limit: '2', skip: '0' });

    it('userName eq an e-mail finds the JumpCloud user whose username is its local part, if no userName was recorded on it', async () => {
      const search = {
        filter: {
          or: [{ username: { $regex: '(?i)^jane$' } }, { 'attributes.value': { $regex: '(?i)^jane@contoso\\.com$' } }],
        },
        fields: USER_FIELDS,
      };
      jc()
        .post('/api/search/systemusers', search)
        .query({ limit: '100', skip: '0' })
        .reply(200, {
          totalCount: 2,
          results: [
            jcUser({ username: 'Jane', attributes: [] }),
            jcUser({
              _id: MANAGER,
              username: 'jane',
              attributes: [{ name: 'scimUserName', value: 'jane@fabrikam.com' }],
            }),
          ],
        });
      const res = await once().request('GET', `/Users?filter=${encodeURIComponent('userName eq "jane@contoso.com"')}`);
      expect(res.status).to.equal(200);
      expect(res.body.Resources.map((r: { id: string; userName: string }) => [r.id, r.userName])).to.deep.equal([
        [ID, 'Jane'],
      ]);
    });

    it('a residual filter in derive mode also reads the userName fields, to re-check the derived match', async () => {
      jc()
        .get('/api/systemusers')
        .query({ limit: '100', skip: '0', sort: '_id', fields: '_id username attributes jobTitle' })
        .reply(200, { totalCount: 1, results: [jcUser({ jobTitle: 'Boss' })] });
      const res = await once().request('GET', `/Users?filter=${encodeURIComponent('title pr')}&attributes=title`);
      expect(res.status).to.equal(200);
      expect(res.body.Resources.map((r: { title: string }) => r.title)).to.deep.equal(['Boss']);
    });

    /**
     * A create whose answer is lost (502), which no lookup finds, is sent once more and refused as a duplicate;
     * the second lookup then finds `found`. Returns how many POSTs were made (the interceptor answers two).
     */
    const lostThenDuplicate = (found: Record<string, unknown>): (() => number) => {
      jc().post('/api/search/systemusers').query({ limit: '10', skip: '0' }).reply(200, { totalCount: 0, results: [] });
      let posts = 0;
      jc()
        .post('/api/systemusers')
        .times(2)
        .reply(() => {
          posts += 1;
          return posts === 1
            ? [502, { message: 'bad gateway' }]
            : [400, { code: 400, message: 'Bad Request: User already exists', status: 'ALREADY_EXISTS' }];
        });
      byUsername('jyoung').reply(200, { totalCount: 0, results: [] });
      byUsername('jyoung').reply(200, { totalCount: 1, results: [found] });
      return () => posts;
    };

    it('a lost create that did not land is sent once more; JumpCloud refusing it as a duplicate means the first landed: it is adopted', async () => {
      const posts = lostThenDuplicate(jcUser({ username: 'jyoung', email: 'JYoung@example.com' }));
      const res = await once().request('POST', '/Users', {
        userName: 'jyoung',
        emails: [{ value: 'jyoung@example.com' }],
      });
      expect([res.status, res.body.id, posts()]).to.deep.equal([201, ID, 2]);
    });

    it('the duplicate is not adopted when the user found holds another e-mail: 409, never a third POST', async () => {
      const posts = lostThenDuplicate(jcUser({ username: 'jyoung', email: 'someone.else@example.com' }));
      const res = await once().request('POST', '/Users', {
        userName: 'jyoung',
        emails: [{ value: 'jyoung@example.com' }],
      });
      expect([res.status, res.body.scimType, posts()]).to.deep.equal([409, 'uniqueness', 2]);
    });

    it('a re-sent create that fails otherwise is not looked up again: its own error', async () => {
      jc().post('/api/search/systemusers').query({ limit: '10', skip: '0' }).reply(200, { totalCount: 0, results: [] });
      jc().post('/api/systemusers').reply(502, { message: 'bad gateway' });
      jc().post('/api/systemusers').reply(403, { message: 'Forbidden' });
      byUsername('jyoung').reply(200, { totalCount: 0, results: [] });
      const res = await once().request('POST', '/Users', {
        userName: 'jyoung',
        emails: [{ value: 'jyoung@example.com' }],
      });
      expect(res.status).to.equal(403);
    });
  });

  describe('ALLOW_USERNAME_RENAME=true and UNKNOWN_ATTRIBUTES=ignore', () => {
    const renaming = pinnedJumpCloud({ ALLOW_USERNAME_RENAME: 'true', UNKNOWN_ATTRIBUTES: 'ignore' });
    const kinds = (h: Harness, kind: string): Record<string, unknown>[] =>
      h.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.kind === kind);

    it('renames the JumpCloud username and says so in the log', async () => {
      const h = renaming();
      jc().get(`/api/systemusers/${ID}`).reply(200, jcUser());
      jc()
        .post('/api/search/systemusers', {
          filter: { or: [{ username: { $regex: '(?i)^babs$' } }] },
          fields: USER_FIELDS,
        })
        .query({ limit: '10', skip: '0' })
        .reply(200, { totalCount: 0, results: [] });
      jc()
        .put(`/api/systemusers/${ID}`, { username: 'babs' })
        .reply(200, jcUser({ username: 'babs' }));
      const res = await h.request('PATCH', `/Users/${ID}`, {
        Operations: [{ op: 'Replace', path: 'userName', value: 'babs' }],
      });
      expect([res.status, res.body.userName]).to.deep.equal([200, 'babs']);
      expect(kinds(h, 'usernameRenamed').map((l) => [l.level, l.message])).to.deep.equal([
        [
          'info',
          `User ${ID}: JumpCloud username "bjensen" renamed to "babs" for userName "babs" (ALLOW_USERNAME_RENAME=true)`,
        ],
      ]);
    });

    it('skips an attribute the table does not map, with one warning naming it', async () => {
      const h = renaming();
      jc().get(`/api/systemusers/${ID}`).reply(200, jcUser());
      jc()
        .put(`/api/systemusers/${ID}`, { jobTitle: 'Boss' })
        .reply(200, jcUser({ jobTitle: 'Boss' }));
      const res = await h.request('PATCH', `/Users/${ID}`, {
        Operations: [{ op: 'replace', value: { title: 'Boss', nickName: 'B' } }],
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(kinds(h, 'attributeIgnored').map((l) => [l.level, l.message])).to.deep.equal([
        [
          'warn',
          "Ignored attribute 'nickName': it is not in the mapping table (UNKNOWN_ATTRIBUTES=ignore). Add a row to the mapping file to store it.",
        ],
      ]);
    });
  });
});
