import { expect } from 'chai';
import nock from 'nock';
import { JC, KEY, jcUser, pinnedJumpCloud, startBridge, type Harness } from '../helpers/bridge-harness.js';
import { forbidden } from '../helpers/jumpcloud-calls.js';

/**
 * Tenant URLs that name the JumpCloud org: `/scim/v2/orgs/{orgId}` sends `x-org-id: {orgId}`; plain `/scim/v2`
 * keeps JUMPCLOUD_ORG_ID. Every call pinned with its headers.
 */
const ORG = '5a0b1c2d3e4f5a6b7c8d9e0f';
const DEFAULT_ORG = '0f9e8d7c6b5a4f3e2d1c0b0a';
const ID = '5f1b2c3d4e5f6a7b8c9d0e1f';

describe('contract: org tenant URLs (/scim/v2/orgs/{orgId}) → x-org-id', () => {
  const bridge = pinnedJumpCloud({ JUMPCLOUD_ORG_ID: DEFAULT_ORG, PUBLIC_URL: 'https://scim.example.com' });
  let h: Harness;
  beforeEach(() => {
    h = bridge();
  });

  it('sends the org named in the tenant URL as x-org-id, and answers with org-path locations', async () => {
    nock(JC, { reqheaders: { 'x-api-key': KEY, 'x-org-id': ORG } })
      .get(`/api/systemusers/${ID}`)
      .reply(200, jcUser());
    const res = await h.request('GET', `/orgs/${ORG}/Users/${ID}`);
    expect(res.status).to.equal(200);
    expect(res.body.meta.location).to.equal(`https://scim.example.com/scim/v2/orgs/${ORG}/Users/${ID}`);
  });

  it('names the org in the request log line', async () => {
    nock(JC, { reqheaders: { 'x-org-id': ORG } })
      .get(`/api/systemusers/${ID}`)
      .reply(200, jcUser());
    const before = h.logs.length;
    await h.request('GET', `/orgs/${ORG}/Users/${ID}`);
    const line = h.logs
      .slice(before)
      .map((l) => JSON.parse(l))
      .find((l) => l.message === 'scim request');
    expect(line).to.include({ org: ORG, status: 200 });
  });

  it('accepts the org id in any letter case and sends it in lower case', async () => {
    nock(JC, { reqheaders: { 'x-org-id': ORG } })
      .get(`/api/systemusers/${ID}`)
      .reply(200, jcUser());
    const res = await h.request('GET', `/orgs/${ORG.toUpperCase()}/Users/${ID}`);
    expect(res.status).to.equal(200);
  });

  it('keeps JUMPCLOUD_ORG_ID for plain /scim/v2', async () => {
    nock(JC, { reqheaders: { 'x-api-key': KEY, 'x-org-id': DEFAULT_ORG } })
      .get(`/api/systemusers/${ID}`)
      .reply(200, jcUser());
    const res = await h.request('GET', `/Users/${ID}`);
    expect(res.status).to.equal(200);
    expect(res.body.meta.location).to.equal(`https://scim.example.com/scim/v2/Users/${ID}`);
  });

  it('gives POST a Location under the org path', async () => {
    nock(JC, { reqheaders: { 'x-org-id': ORG } })
      .post('/api/systemusers')
      .reply(200, jcUser({ username: 'neworg', email: 'neworg@example.com' }));
    const res = await h.request('POST', `/orgs/${ORG}/Users`, {
      userName: 'neworg',
      emails: [{ value: 'neworg@example.com' }],
    });
    expect(res.status, res.text).to.equal(201);
    expect(res.headers.get('location')).to.equal(`https://scim.example.com/scim/v2/orgs/${ORG}/Users/${ID}`);
  });

  it("scopes a create's lock to the org in the tenant URL, so the same userName in another org never waits for it", async () => {
    const keys: string[] = [];
    const locks = h.bridge.coordination.locks;
    const run = locks.run.bind(locks);
    locks.run = (key, work, options) => {
      keys.push(key);
      return run(key, work, options);
    };
    const scope = (org: string) =>
      nock(JC, { reqheaders: { 'x-org-id': org } })
        .post('/api/systemusers')
        .reply(200, jcUser({ username: 'neworg', email: 'neworg@example.com' }));
    scope(ORG);
    scope(DEFAULT_ORG);
    const body = { userName: 'neworg', emails: [{ value: 'neworg@example.com' }] };
    expect((await h.request('POST', `/orgs/${ORG}/Users`, body)).status).to.equal(201);
    expect((await h.request('POST', '/Users', body)).status).to.equal(201);
    expect(keys).to.deep.equal([`org:${ORG}:user-create:neworg`, 'user-create:neworg']);
  });

  it('puts the org path in discovery documents', async () => {
    const spc = await h.request('GET', `/orgs/${ORG}/ServiceProviderConfig`);
    expect(spc.status).to.equal(200);
    expect(spc.body.meta.location).to.equal(`https://scim.example.com/scim/v2/orgs/${ORG}/ServiceProviderConfig`);
    const types = await h.request('GET', `/orgs/${ORG}/ResourceTypes`);
    for (const t of types.body.Resources)
      expect(t.meta.location).to.match(new RegExp(`^https://scim\\.example\\.com/scim/v2/orgs/${ORG}/ResourceTypes/`));
    const schemas = await h.request('GET', `/orgs/${ORG}/Schemas`);
    for (const s of schemas.body.Resources)
      expect(s.meta.location).to.match(new RegExp(`^https://scim\\.example\\.com/scim/v2/orgs/${ORG}/Schemas/`));
  });

  for (const bad of [
    '5a0b1c2d3e4f5a6b7c8d9e0',
    '5a0b1c2d3e4f5a6b7c8d9e0fa',
    'zz0b1c2d3e4f5a6b7c8d9e0f',
    'not-an-org',
    KEY,
  ]) {
    it(`refuses the org segment '${bad.slice(0, 12)}…' with 400 before any JumpCloud call, without echoing it`, async () => {
      const calls = forbidden('any');
      const res = await h.request('GET', `/orgs/${encodeURIComponent(bad)}/Users/${ID}`);
      expect(calls(), 'JumpCloud calls').to.equal(0);
      expect(res.status).to.equal(400);
      expect(res.body.scimType).to.equal('invalidValue');
      expect(res.body.detail).to.include('is not a JumpCloud organization id');
      expect(res.text).not.to.include(bad);
    });
  }
});

describe('contract: org tenant URLs turned off (ORG_ROUTES=false)', () => {
  it('answers 404 and calls nothing upstream', async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    const h = await startBridge({ ORG_ROUTES: 'false' });
    const calls = forbidden('any');
    try {
      const res = await h.request('GET', `/orgs/${ORG}/Users/${ID}`);
      expect(calls(), 'JumpCloud calls').to.equal(0);
      expect(res.status).to.equal(404);
      expect(res.body.detail).to.include('ORG_ROUTES=false');
    } finally {
      await h.close();
      nock.cleanAll();
      nock.enableNetConnect();
    }
  });
});
