import { expect } from 'chai';
import { jcUser, pinnedJumpCloud, startBridge, USER_FIELDS, type Harness } from '../../helpers/bridge-harness.js';
import { jc } from '../../helpers/jumpcloud-calls.js';
import { ID, MANAGER } from './users-contract.js';

/**
 * Reads, lists and searches, and how upstream failures of a read reach the client.
 */
describe('contract: Users → JumpCloud systemusers: reads, lists and matches', () => {
  const bridge = pinnedJumpCloud();
  let h: Harness;
  beforeEach(() => {
    h = bridge();
  });

  it('Test Connection canary: case-insensitive exact search of the username or a recorded userName, 200 with an empty ListResponse', async () => {
    const canary = { $regex: '(?i)^cf4d78e8\\-cc4f\\-4d5d\\-b8b9\\-183561c0104a$' };
    jc.searchUsers(
      { limit: 100, skip: 0, sort: '_id' },
      {
        filter: { or: [{ username: canary }, { 'attributes.value': canary }] },
        fields: USER_FIELDS,
      },
    ).reply(200, { totalCount: 0, results: [] });
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
    jc.searchUsers(
      { limit: 100, skip: 0, sort: '_id' },
      { filter: { and: [{ 'attributes.value': 'ext-1' }] }, fields: USER_FIELDS },
    ).reply(200, {
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
    jc.listUsers({ limit: '2', skip: '4', sort: '_id', fields: USER_FIELDS }).reply(200, {
      totalCount: 9,
      results: [jcUser(), jcUser({ _id: MANAGER, username: 'x' })],
    });
    const res = await h.request('GET', '/Users?startIndex=5&count=2');
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ totalResults: 9, startIndex: 5, itemsPerPage: 2 });
  });

  describe('fields: JumpCloud is asked for exactly what the answer needs, never its default list', () => {
    it('attributes=userName asks for the username (and the custom attributes where a recorded userName lives) only', async () => {
      jc.listUsers({ limit: '1', skip: '0', sort: '_id', fields: '_id username attributes' }).reply(200, {
        totalCount: 1,
        results: [{ _id: ID, username: 'bjensen', attributes: [] }],
      });
      const res = await h.request('GET', '/Users?count=1&attributes=userName');
      expect(res.status).to.equal(200);
      expect(res.body.Resources).to.deep.equal([
        { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id: ID, userName: 'bjensen' },
      ]);
    });

    it('attributes=emails,name.givenName asks for the email fields and firstname', async () => {
      jc.searchUsers(
        { limit: 100, skip: 0, sort: '_id' },
        {
          filter: {
            or: [{ username: { $regex: '(?i)^bjensen$' } }, { 'attributes.value': { $regex: '(?i)^bjensen$' } }],
          },
          fields: '_id username attributes firstname email alternateEmail',
        },
      ).reply(200, { totalCount: 1, results: [jcUser()] });
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
      jc.listUsers({
        limit: '100',
        skip: '0',
        sort: '_id',
        fields: '_id username attributes displayname jobTitle',
      }).reply(200, { totalCount: 1, results: [jcUser({ jobTitle: 'Engineer' })] });
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
      jc.listUsers({ limit: '1', skip: '0', sort: '_id', fields: without }).reply(200, {
        totalCount: 1,
        results: [jcUser()],
      });
      const res = await h.request('GET', '/Users?count=1&excludedAttributes=phoneNumbers');
      expect(res.status).to.equal(200);
      expect(res.body.Resources[0].userName).to.equal('bjensen');
    });
  });

  it('GET /Users/{id} reads one systemuser and maps it', async () => {
    jc.getUser(ID).reply(
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
    jc.getUser(MANAGER).reply(404, { message: 'Not Found' });
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

  it('retries idempotent calls on 503 and on 429 with Retry-After, and logs the retries', async () => {
    jc.getUser(ID).reply(503, { message: 'unavailable' });
    jc.getUser(ID).reply(429, { message: 'slow down' }, { 'Retry-After': '0' });
    jc.getUser(ID).reply(200, jcUser());
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

  it('JumpCloud 401 and a 302 login redirect both become SCIM 401', async () => {
    jc.getUser(ID).reply(401, { error: 'Unauthorized', message: 'Unauthorized: api key user not found' });
    const a = await h.request('GET', `/Users/${ID}`);
    expect(a.status).to.equal(401);
    expect(a.body.detail).to.contain('api key user not found');
    jc.getUser(ID).reply(302, '<html>login</html>', { Location: '/login' });
    const b = await h.request('GET', `/Users/${ID}`);
    expect(b.status).to.equal(401);
  });

  it('groups is read from the v2 graph only when asked for with attributes=groups', async () => {
    const GROUP = '7a1b2c3d4e5f6a7b8c9d0e1f';
    jc.getUser(ID).reply(200, jcUser());
    const plain = await h.request('GET', `/Users/${ID}`);
    expect(plain.body).to.not.have.property('groups');

    jc.getUser(ID).reply(200, jcUser());
    jc.groupsOfUser(ID, { limit: 100, skip: 0 }).reply(
      200,
      [{ id: GROUP, type: 'user_group', paths: [[{ to: { id: GROUP, type: 'user_group' } }]] }],
      {
        'x-total-count': '1',
      },
    );
    jc.getGroup(GROUP).reply(200, { id: GROUP, name: 'Engineering', type: 'user_group' });
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
    jc.searchUsers().reply(401, { error: 'Unauthorized', message: 'Unauthorized: api key user not found' });
    const res = await h.request('GET', '/Users?filter=userName+eq+%22alice%22');
    expect(res.status).to.equal(401);
    expect(res.body.detail).to.contain('Secret Token');
    let lists = 0;
    jc.persist.listUsers().reply(() => {
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
      jc.getUser(ID).matchHeader('x-org-id', org).reply(200, jcUser());
      const res = await withOrg.request('GET', `/Users/${ID}`);
      expect(res.status).to.equal(200);
    } finally {
      await withOrg.close();
    }
  });
});
