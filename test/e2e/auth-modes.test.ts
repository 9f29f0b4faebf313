import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { ENTRA_CUSTOM_APP_AUDIENCE } from '../../src/config.js';
import { createEmulator, type Emulator } from '../../src/emulator/index.js';
import { KEY, startBridge, type Harness } from '../helpers/bridge-harness.js';
import { expectScimError } from '../helpers/scim-error.js';
import { recordingUpstream, type RecordingUpstream } from './recording-upstream.js';

const SECRET = 'bridgeSecret0123456789abcdef0123456789abcdef';
const PREVIOUS = 'bridgeSecretPrevious0123456789abcdef01234567';
const TENANT = '11111111-2222-3333-4444-555555555555';
const OTHER_TENANT = '99999999-8888-7777-6666-555555555555';

const newUser = (userName: string) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName,
  emails: [{ value: `${userName}@example.com`, primary: true }],
});

/**
 * With the bridge holding the JumpCloud key, Entra's credential (a bridge secret or an Entra-signed JWT)
 * admits the request over the real HTTP stack, and JumpCloud only ever sees the bridge's key.
 */
describe('e2e: bridge-held key modes', function () {
  this.timeout(30_000);
  let emulator: Emulator;
  let up: RecordingUpstream;
  let h: Harness;
  const usernames = (): string[] => [...emulator.store.users.values()].map((u) => u.username);

  /** A refused request reaches JumpCloud not at all and creates nothing. */
  async function refused(token: string, userName: string): Promise<string> {
    const before = up.calls.length;
    const res = await h.request('POST', '/Users', newUser(userName), { authorization: `Bearer ${token}` });
    expectScimError(res, 401);
    expect(up.calls.length, 'no upstream call for a refused credential').to.equal(before);
    expect(usernames()).not.to.include(userName);
    expect(res.text, 'the token is never echoed').not.to.include(token);
    return String(res.body.detail);
  }

  function upstreamKeysAre(key: string, never: string[]): void {
    expect(up.calls.length).to.be.greaterThan(0);
    for (const c of up.calls) {
      expect(c.apiKey).to.equal(key);
      for (const n of never) expect(c.url).not.to.include(n);
    }
  }

  describe('AUTH_MODE=bridge-secret', () => {
    before(async () => {
      emulator = createEmulator({ apiKeys: [KEY] });
      up = await recordingUpstream(emulator);
      h = await startBridge({
        JUMPCLOUD_URL: up.url,
        AUTH_MODE: 'bridge-secret',
        JUMPCLOUD_API_KEY: KEY,
        BRIDGE_SECRET: SECRET,
        BRIDGE_SECRET_PREVIOUS: PREVIOUS,
      });
    });
    after(async () => {
      await h.close();
      await up.close();
    });

    it('provisions a user with the secret (or the previous one) and calls JumpCloud with the held key only', async () => {
      const created = await h.request('POST', '/Users', newUser('secretuser'), { authorization: `Bearer ${SECRET}` });
      expect(created.status, created.text).to.equal(201);
      const read = await h.request('GET', `/Users/${String(created.body.id)}`, undefined, {
        authorization: `Bearer ${SECRET}`,
      });
      expect(read.status).to.equal(200);
      expect(read.body.userName).to.equal('secretuser');
      const rotated = await h.request('POST', '/Users', newUser('rotateduser'), {
        authorization: `Bearer ${PREVIOUS}`,
      });
      expect(rotated.status, rotated.text).to.equal(201);
      expect(usernames()).to.include.members(['secretuser', 'rotateduser']);
      upstreamKeysAre(KEY, [SECRET, PREVIOUS]);
    });

    it('refuses a wrong secret, and the JumpCloud key itself, with 401', async () => {
      await refused(`${SECRET}x`, 'wrongsecret');
      await refused(KEY, 'keyassecret');
    });
  });

  describe('AUTH_MODE=entra-token', () => {
    let jwks: Server;
    let signing: CryptoKey;
    let rogue: CryptoKey;

    const token = (
      over: { iss?: string; tid?: string; aud?: string; exp?: number | string; key?: CryptoKey } = {},
    ): Promise<string> =>
      new SignJWT({ tid: over.tid ?? TENANT })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1', typ: 'JWT' })
        .setIssuer(over.iss ?? `https://sts.windows.net/${TENANT}/`)
        .setAudience(over.aud ?? ENTRA_CUSTOM_APP_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(over.exp ?? '1h')
        .sign(over.key ?? signing);

    before(async () => {
      const pair = await generateKeyPair('RS256');
      signing = pair.privateKey as CryptoKey;
      rogue = (await generateKeyPair('RS256')).privateKey as CryptoKey;
      const keys = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] };
      jwks = createServer((_req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(keys));
      });
      await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
      emulator = createEmulator({ apiKeys: [KEY] });
      up = await recordingUpstream(emulator);
      h = await startBridge({
        JUMPCLOUD_URL: up.url,
        AUTH_MODE: 'entra-token',
        JUMPCLOUD_API_KEY: KEY,
        ENTRA_TENANT_IDS: TENANT,
        ENTRA_JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/keys`,
      });
    });
    after(async () => {
      await h.close();
      await up.close();
      jwks.closeAllConnections();
      await new Promise((r) => jwks.close(r));
    });

    it('provisions a user with a token Entra signed for an allowed tenant; JumpCloud sees the held key only', async () => {
      const good = await token();
      const created = await h.request('POST', '/Users', newUser('tokenuser'), { authorization: `Bearer ${good}` });
      expect(created.status, created.text).to.equal(201);
      const patched = await h.request(
        'PATCH',
        `/Users/${String(created.body.id)}`,
        {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'replace', path: 'displayName', value: 'Token User' }],
        },
        { authorization: `Bearer ${good}` },
      );
      expect(patched.status, patched.text).to.equal(200);
      expect(emulator.store.users.get(String(created.body.id))?.displayname).to.equal('Token User');
      upstreamKeysAre(KEY, [good, good.slice(0, 40)]);
    });

    it('warns at start-up that, without ENTRA_TOKEN_CLAIMS, a token for any app of the tenant is accepted', () => {
      const warning = h.logs.find((l) => l.includes('entra-token-unpinned'));
      expect(warning).to.include('"level":"warn"').and.include('ENTRA_TOKEN_CLAIMS');
    });

    it('refuses an expired token, a wrong audience, another tenant, a foreign signature and the key itself with 401', async () => {
      expect(await refused(await token({ exp: Math.floor(Date.now() / 1000) - 3600 }), 'expired')).to.include(
        'expired',
      );
      expect(await refused(await token({ aud: 'api://some-other-app' }), 'wrongaudience')).to.include('aud claim');
      await refused(await token({ iss: `https://sts.windows.net/${OTHER_TENANT}/`, tid: OTHER_TENANT }), 'othertenant');
      expect(await refused(await token({ tid: OTHER_TENANT }), 'tidmismatch')).to.include('tid claim');
      await refused(await token({ key: rogue }), 'rogue');
      await refused(KEY, 'keyastoken');
    });
  });
});
