import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import nock from 'nock';
import { JC, KEY, jcUser, pinnedJumpCloud, type Harness } from '../helpers/bridge-harness.js';
import { forbidden } from '../helpers/jumpcloud-calls.js';

/**
 * Bridge-held keys for many orgs: each org's key and bridge secret come from ORG_SECRETS_FILE. A tenant URL
 * `/scim/v2/orgs/{orgId}` acts with that org's key only, and only for that org's secret.
 */
const ORG_A = '5a0b1c2d3e4f5a6b7c8d9e0f';
const ORG_B = '6b1c2d3e4f5a6b7c8d9e0f1a';
const ORG_UNLISTED = '7c2d3e4f5a6b7c8d9e0f1a2b';
const KEY_A = 'jcKeyOfOrgA0123456789abcdefABCDEF01234';
const KEY_B = 'jcKeyOfOrgB0123456789abcdefABCDEF01234';
const SECRET_DEFAULT = 'd'.repeat(40);
const SECRET_A = 'a'.repeat(40);
const SECRET_B = 'b'.repeat(40);
const ID = '5f1b2c3d4e5f6a7b8c9d0e1f';

function secretsFile(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'org-secrets-'));
  const file = path.join(dir, 'orgs.json');
  writeFileSync(
    file,
    JSON.stringify({
      [ORG_A]: { apiKey: KEY_A, bridgeSecret: SECRET_A },
      [ORG_B]: { apiKey: KEY_B, bridgeSecret: SECRET_B },
    }),
  );
  return file;
}

describe('contract: per-org keys and secrets (AUTH_MODE=bridge-secret + ORG_SECRETS_FILE)', () => {
  const bridge = pinnedJumpCloud({
    AUTH_MODE: 'bridge-secret',
    JUMPCLOUD_API_KEY: KEY,
    BRIDGE_SECRET: SECRET_DEFAULT,
    ORG_SECRETS_FILE: secretsFile(),
  });
  let h: Harness;
  beforeEach(() => {
    h = bridge();
  });
  const as = (secret: string): Record<string, string> => ({ authorization: `Bearer ${secret}` });

  it("acts for an org with that org's key and x-org-id, when the caller presents that org's secret", async () => {
    nock(JC, { reqheaders: { 'x-api-key': KEY_A, 'x-org-id': ORG_A } })
      .get(`/api/systemusers/${ID}`)
      .reply(200, jcUser());
    const res = await h.request('GET', `/orgs/${ORG_A}/Users/${ID}`, undefined, as(SECRET_A));
    expect(res.status).to.equal(200);
    nock(JC, { reqheaders: { 'x-api-key': KEY_B, 'x-org-id': ORG_B } })
      .get(`/api/systemusers/${ID}`)
      .reply(200, jcUser());
    expect((await h.request('GET', `/orgs/${ORG_B}/Users/${ID}`, undefined, as(SECRET_B))).status).to.equal(200);
  });

  it("refuses one org's secret on another org's URL, before any JumpCloud call", async () => {
    const calls = forbidden('any');
    const res = await h.request('GET', `/orgs/${ORG_B}/Users/${ID}`, undefined, as(SECRET_A));
    expect(calls(), 'JumpCloud calls').to.equal(0);
    expect(res.status).to.equal(401);
    expect(res.text).not.to.include(SECRET_A);
  });

  it('refuses the default secret on an org URL, and an org the file does not list, in the same words', async () => {
    const listed = await h.request('GET', `/orgs/${ORG_A}/Users/${ID}`, undefined, as(SECRET_DEFAULT));
    expect(listed.status).to.equal(401);
    const unlisted = await h.request('GET', `/orgs/${ORG_UNLISTED}/Users/${ID}`, undefined, as(SECRET_DEFAULT));
    expect(unlisted.status).to.equal(401);
    // The org list cannot be probed: a wrong secret reads the same on a listed and an unlisted org.
    expect(unlisted.text).to.equal(listed.text);
    expect(unlisted.text).not.to.include(ORG_UNLISTED);
  });

  it("keeps the default key and secret for plain /scim/v2, and refuses an org's secret there", async () => {
    nock(JC, { reqheaders: { 'x-api-key': KEY } })
      .matchHeader('x-org-id', (v) => v === undefined)
      .get(`/api/systemusers/${ID}`)
      .reply(200, jcUser());
    expect((await h.request('GET', `/Users/${ID}`, undefined, as(SECRET_DEFAULT))).status).to.equal(200);
    expect((await h.request('GET', `/Users/${ID}`, undefined, as(SECRET_A))).status).to.equal(401);
  });

  it('never lets an org key or secret into the logs', async () => {
    nock(JC)
      .get(`/api/systemusers/${ID}`)
      .reply(500, { message: `boom ${KEY_A}` });
    await h.request('GET', `/orgs/${ORG_A}/Users/${ID}`, undefined, as(SECRET_A));
    const logs = h.logs.join('');
    for (const s of [KEY_A, KEY_B, SECRET_A, SECRET_B]) expect(logs).not.to.include(s);
  });
});
