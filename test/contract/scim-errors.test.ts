import { expect } from 'chai';
import nock from 'nock';
import { JC, KEY, jcUser, pinnedJumpCloud, type Harness } from '../helpers/bridge-harness.js';
import { forbidden } from '../helpers/jumpcloud-calls.js';

/** Bad input gets a clear SCIM error, nothing is written upstream, and the key never leaks. */

const ID = '5f1b2c3d4e5f6a7b8c9d0e1f';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

describe('contract: SCIM errors and secrets', () => {
  // The refusal of an email-style userName is what DERIVE_USERNAME_FROM_EMAIL=false keeps.
  const bridge = pinnedJumpCloud({ DERIVE_USERNAME_FROM_EMAIL: 'false' });
  let h: Harness;
  beforeEach(() => {
    h = bridge();
  });

  // No interceptor is registered in these cases: with net connect disabled, any upstream call would fail the test.
  const cases: {
    name: string;
    method: string;
    path: string;
    body?: unknown;
    headers?: Record<string, string>;
    status: number;
    scimType?: string;
    detail: RegExp;
  }[] = [
    {
      name: 'missing credentials',
      method: 'GET',
      path: '/Users',
      headers: { authorization: '' },
      status: 401,
      detail: /Authorization: Bearer/,
    },
    {
      name: 'blank bearer token',
      method: 'GET',
      path: '/Users',
      headers: { authorization: 'Bearer    ' },
      status: 401,
      detail: /Secret Token/,
    },
    {
      name: 'malformed JSON',
      method: 'POST',
      path: '/Users',
      body: '{"userName": "x",',
      status: 400,
      scimType: 'invalidSyntax',
      detail: /not valid JSON/,
    },
    {
      name: 'unsupported content type',
      method: 'POST',
      path: '/Users',
      body: 'userName=x',
      headers: { 'content-type': 'text/plain' },
      status: 415,
      detail: /Content-Type/,
    },
    {
      name: 'body that is not an object',
      method: 'POST',
      path: '/Users',
      body: '[1,2]',
      status: 400,
      scimType: 'invalidSyntax',
      detail: /JSON object/,
    },
    {
      name: 'email-style userName',
      method: 'POST',
      path: '/Users',
      body: { userName: 'bob@contoso.com', emails: [{ value: 'bob@contoso.com' }] },
      status: 400,
      scimType: 'invalidValue',
      detail: /must not contain "@".*mailNickname/,
    },
    {
      name: 'userName with a space',
      method: 'POST',
      path: '/Users',
      body: { userName: 'bob smith', emails: [{ value: 'b@c.com' }] },
      status: 400,
      scimType: 'invalidValue',
      detail: /spaces/,
    },
    {
      name: 'userName starting with a digit',
      method: 'POST',
      path: '/Users',
      body: { userName: '1bob', emails: [{ value: 'b@c.com' }] },
      status: 400,
      scimType: 'invalidValue',
      detail: /start with a letter/,
    },
    {
      name: 'missing userName',
      method: 'POST',
      path: '/Users',
      body: { emails: [{ value: 'b@c.com' }] },
      status: 400,
      scimType: 'invalidValue',
      detail: /'userName' is required/,
    },
    {
      name: 'missing email',
      method: 'POST',
      path: '/Users',
      body: { userName: 'bob' },
      status: 400,
      scimType: 'invalidValue',
      detail: /'emails' is required/,
    },
    {
      name: 'three different emails',
      method: 'POST',
      path: '/Users',
      body: {
        userName: 'bob',
        emails: [
          { type: 'work', value: 'a@c.com' },
          { type: 'other', value: 'b@c.com' },
          { type: 'home', value: 'c@c.com' },
        ],
      },
      status: 400,
      scimType: 'invalidValue',
      detail: /two email addresses per user \(email and alternateEmail\), but 3/,
    },
    {
      name: 'an email without value',
      method: 'POST',
      path: '/Users',
      body: { userName: 'bob', emails: [{ type: 'work', primary: true }] },
      status: 400,
      scimType: 'invalidValue',
      detail: /'emails\[0\]' has no 'value'/,
    },
    {
      name: 'unmapped attribute with a value',
      method: 'POST',
      path: '/Users',
      body: { userName: 'bob', emails: [{ value: 'b@c.com' }], nickName: 'Babs' },
      status: 400,
      scimType: 'invalidValue',
      detail: /'nickName' is not mapped/,
    },
    {
      name: 'wrong type',
      method: 'POST',
      path: '/Users',
      body: { userName: 'bob', emails: [{ value: 'b@c.com' }], active: 'maybe' },
      status: 400,
      scimType: 'invalidValue',
      detail: /'active' must be a boolean/,
    },
    {
      name: 'over-long value',
      method: 'POST',
      path: '/Users',
      body: { userName: 'bob', emails: [{ value: 'b@c.com' }], title: 'x'.repeat(1025) },
      status: 400,
      scimType: 'invalidValue',
      detail: /at most 1024/,
    },
    {
      name: 'manager that is not an id',
      method: 'POST',
      path: '/Users',
      body: {
        userName: 'bob',
        emails: [{ value: 'b@c.com' }],
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { manager: 'not-an-id' },
      },
      status: 400,
      scimType: 'invalidValue',
      detail: /24 hex/,
    },
    {
      name: 'unknown PATCH op',
      method: 'PATCH',
      path: `/Users/${ID}`,
      body: { Operations: [{ op: 'delete', path: 'title' }] },
      status: 400,
      scimType: 'invalidSyntax',
      detail: /operation 1: "op" must be add, replace or remove/,
    },
    {
      name: 'PATCH without Operations',
      method: 'PATCH',
      path: `/Users/${ID}`,
      body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'] },
      status: 400,
      scimType: 'invalidSyntax',
      detail: /Operations/,
    },
    {
      name: 'PATCH to an unknown attribute',
      method: 'PATCH',
      path: `/Users/${ID}`,
      body: { Operations: [{ op: 'add', path: 'favouriteColour', value: 'blue' }] },
      status: 400,
      scimType: 'invalidPath',
      detail: /favouriteColour/,
    },
    {
      name: 'PATCH to a read-only attribute',
      method: 'PATCH',
      path: `/Users/${ID}`,
      body: { Operations: [{ op: 'replace', path: 'id', value: 'x' }] },
      status: 400,
      scimType: 'mutability',
      detail: /read-only/,
    },
    {
      name: 'PATCH remove without a path',
      method: 'PATCH',
      path: `/Users/${ID}`,
      body: { Operations: [{ op: 'remove' }] },
      status: 400,
      scimType: 'noTarget',
      detail: /needs a "path"/,
    },
    {
      name: 'PATCH with a broken path filter',
      method: 'PATCH',
      path: `/Users/${ID}`,
      body: { Operations: [{ op: 'add', path: 'emails[type eq "work".value', value: 'x' }] },
      status: 400,
      scimType: 'invalidPath',
      detail: /position/,
    },
    {
      name: 'garbled filter',
      method: 'GET',
      path: '/Users?filter=userName%20eqq%20%22x%22',
      status: 400,
      scimType: 'invalidFilter',
      detail: /position 10/,
    },
    {
      name: 'filter on an unknown attribute',
      method: 'GET',
      path: '/Users?filter=shoeSize%20gt%2040',
      status: 400,
      scimType: 'invalidFilter',
      detail: /shoeSize/,
    },
    {
      name: 'garbage paging',
      method: 'GET',
      path: '/Users?startIndex=abc',
      status: 400,
      scimType: 'invalidValue',
      detail: /startIndex/,
    },
    { name: 'unknown endpoint', method: 'GET', path: '/Widgets', status: 404, detail: /serves \/Users/ },
    {
      name: 'unsupported method on a resource',
      method: 'POST',
      path: `/Users/${ID}`,
      body: {},
      status: 405,
      detail: /POST is not supported on \/Users\/[0-9a-f]{24}; this path answers GET, PUT, PATCH, DELETE/,
    },
  ];

  for (const c of cases) {
    it(`${c.name} → ${c.status}${c.scimType ? ` ${c.scimType}` : ''}, nothing sent upstream`, async () => {
      const res = await h.request(c.method, c.path, c.body, c.headers);
      expect(res.status).to.equal(c.status);
      expect(res.headers.get('content-type')).to.match(/^application\/scim\+json/);
      expect(res.body.schemas).to.deep.equal([ERROR]);
      expect(res.body.status).to.equal(String(c.status));
      if (c.scimType) expect(res.body.scimType).to.equal(c.scimType);
      expect(res.body.detail).to.match(c.detail);
    });
  }

  it('a PATCH whose second operation is invalid writes nothing (the first is not applied)', async () => {
    const calls = forbidden('any');
    const res = await h.request('PATCH', `/Users/${ID}`, {
      Operations: [
        { op: 'replace', path: 'title', value: 'ok' },
        { op: 'replace', path: 'active', value: 'perhaps' },
      ],
    });
    expect(calls(), 'JumpCloud calls (not even the read)').to.equal(0);
    expect(res.status).to.equal(400);
    expect(res.body.detail).to.contain("'active' must be a boolean");
  });

  it('the API key appears in no log line, error body or trace, even when JumpCloud echoes it', async () => {
    nock(JC)
      .get(`/api/systemusers/${ID}`)
      .reply(400, { message: `bad key ${KEY}` });
    const res = await h.request('GET', `/Users/${ID}?x=${KEY}`, undefined, { 'x-bridge-trace': 'true' });
    expect(res.text).to.not.contain(KEY);
    const all = h.logs.join('\n');
    expect(all).to.contain('"trace"');
    expect(all).to.not.contain(KEY);
    expect(all).to.contain('***');
  });

  it('upstream calls go only to the configured console, even for hostile ids', async () => {
    nock(JC).get(`/api/systemusers/${ID}`).reply(200, jcUser());
    for (const hostile of ['http:%2F%2Fevil.example%2F', '%2F%2Fevil.example', '..%2F..%2Fv2%2Fusergroups']) {
      const res = await h.request('GET', `/Users/${hostile}`);
      expect(res.status).to.equal(404);
    }
    expect((await h.request('GET', `/Users/${ID}`)).status).to.equal(200);
  });

  it('discovery is generated from the attribute table and advertises only what works', async () => {
    const spc = await h.request('GET', '/ServiceProviderConfig', undefined, { authorization: '' });
    expect(spc.status).to.equal(200);
    expect(spc.body).to.deep.include({
      patch: { supported: true },
      bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
      filter: { supported: true, maxResults: 200 },
      etag: { supported: false },
      changePassword: { supported: false },
    });
    const schemas = await h.request('GET', '/Schemas');
    const user = schemas.body.Resources.find((s: any) => s.id === 'urn:ietf:params:scim:schemas:core:2.0:User');
    expect(user.description).to.equal('User Account');
    const names = user.attributes.map((a: any) => a.name);
    expect(names).to.include.members([
      'userName',
      'name',
      'displayName',
      'emails',
      'phoneNumbers',
      'addresses',
      'active',
      'title',
      'externalId',
    ]);
    expect(names).to.not.include('nickName');
    expect(names).to.not.include('password');
    const userName = user.attributes.find((a: any) => a.name === 'userName');
    expect(userName).to.include({ required: true, caseExact: false, uniqueness: 'server', mutability: 'readWrite' });
    const ent = schemas.body.Resources.find(
      (s: any) => s.id === 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
    );
    const manager = ent.attributes.find((a: any) => a.name === 'manager');
    expect(manager.type).to.equal('complex');
    const rt = await h.request('GET', '/ResourceTypes/User');
    expect(rt.body).to.include({ endpoint: '/Users', schema: 'urn:ietf:params:scim:schemas:core:2.0:User' });
    expect(rt.body.schemaExtensions).to.deep.equal([
      { schema: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', required: false },
    ]);
  });
});
