import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { SignJWT, UnsecuredJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { bearerToken, createAuthenticator, type Authenticator } from '../../../src/auth/authenticator.js';
import { InProcessProvenKeys } from '../../../src/coordination/in-process.js';
import { keyFingerprint } from '../../../src/coordination/primitives.js';
import { ENTRA_CUSTOM_APP_AUDIENCE } from '../../../src/config.js';
import { ScimError } from '../../../src/scim/errors.js';

const KEY = 'jcHeldKey0123456789abcdefABCDEF0123456789';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const OTHER_TENANT = '11111111-2222-3333-4444-555555555555';

async function refusal(p: Promise<unknown>): Promise<ScimError> {
  try {
    await p;
  } catch (e) {
    expect(e).to.be.instanceOf(ScimError);
    expect((e as ScimError).status).to.equal(401);
    return e as ScimError;
  }
  return expect.fail('expected a 401');
}

describe('auth: bearer token shape', () => {
  it('takes exactly one token after Bearer (any case)', () => {
    expect(bearerToken('Bearer abc.def-123')).to.equal('abc.def-123');
    expect(bearerToken('bearer   abc')).to.equal('abc');
  });
  for (const header of [
    undefined,
    '',
    'Bearer',
    'Bearer   ',
    'Basic abc',
    'Bearer abc def',
    'Bearer abc\tdef',
    'Bearer abc\u00a0def',
    'abc',
    `Bearer ${'x'.repeat(4097)}`,
  ]) {
    it(`refuses ${JSON.stringify(header)?.slice(0, 40)} with a 401`, () => {
      const r = bearerToken(header);
      expect(r).to.be.instanceOf(ScimError);
      expect((r as ScimError).status).to.equal(401);
    });
  }
});

describe('auth: forward mode', () => {
  it('passes the token through as the key; proven only once remembered', async () => {
    const proven = new InProcessProvenKeys(60_000);
    const auth = createAuthenticator({ mode: 'forward' }, proven);
    expect(await auth.authenticate(KEY)).to.deep.include({ apiKey: KEY, proven: false });
    await proven.remember(keyFingerprint(KEY));
    const caller = await auth.authenticate(KEY);
    expect(caller.proven).to.equal(true);
    expect(caller.principal).to.not.contain(KEY);
  });
});

describe('auth: bridge-secret mode', () => {
  const current = 'c'.repeat(48);
  const previous = 'p'.repeat(48);
  const auth = createAuthenticator(
    { mode: 'bridge-secret', apiKey: KEY, secrets: [current, previous] },
    new InProcessProvenKeys(1),
  );
  it('accepts either of two secrets (rotation) and acts with the held key', async () => {
    expect(await auth.authenticate(current)).to.deep.equal({ apiKey: KEY, principal: 'bridge secret', proven: true });
    expect(await auth.authenticate(previous)).to.deep.equal({
      apiKey: KEY,
      principal: 'bridge secret (previous)',
      proven: true,
    });
  });
  it('refuses anything else, including the JumpCloud key itself and a prefix of the secret', async () => {
    for (const wrong of [KEY, current.slice(0, 47), `${current}x`, 'x']) {
      const e = await refusal(auth.authenticate(wrong));
      expect(e.detail).to.not.contain(wrong);
    }
  });
  it('names its held secrets for masking', () => {
    expect(auth.heldSecrets).to.include.members([KEY, current, previous]);
  });
});

describe('auth: entra-token mode (JWT verified against a local key server)', () => {
  let server: Server;
  let jwks: { keys: JWK[] };
  let jwksUrl: string;
  let fetches = 0;
  let signing: CryptoKey;
  let rogue: CryptoKey;
  let auth: Authenticator;

  before(async () => {
    const k1 = await generateKeyPair('RS256');
    const k2 = await generateKeyPair('RS256');
    signing = k1.privateKey as CryptoKey;
    rogue = k2.privateKey as CryptoKey;
    jwks = { keys: [{ ...(await exportJWK(k1.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] };
    server = createServer((_req, res) => {
      fetches += 1;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(jwks));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/keys`;
    auth = createAuthenticator(
      {
        mode: 'entra-token',
        apiKey: KEY,
        tenants: [TENANT],
        audience: ENTRA_CUSTOM_APP_AUDIENCE,
        jwksUrl,
        pinnedClaims: {},
        maxTokenAgeSeconds: 7_200,
      },
      new InProcessProvenKeys(1),
      { cacheMaxAgeMs: 60_000, cooldownMs: 0 },
    );
  });
  after(async () => {
    await new Promise((r) => server.close(r));
  });

  const token = (
    over: {
      tenant?: string;
      aud?: string;
      exp?: number | string;
      kid?: string;
      key?: CryptoKey;
      tid?: string | null;
      iat?: number;
      claims?: Record<string, string>;
    } = {},
  ): Promise<string> => {
    const tenant = over.tenant ?? TENANT;
    const tid = over.tid === null ? {} : { tid: over.tid ?? tenant };
    return new SignJWT({ ...tid, ...over.claims })
      .setProtectedHeader({ alg: 'RS256', kid: over.kid ?? 'k1', typ: 'JWT' })
      .setIssuer(`https://sts.windows.net/${tenant}/`)
      .setAudience(over.aud ?? ENTRA_CUSTOM_APP_AUDIENCE)
      .setIssuedAt(over.iat)
      .setExpirationTime(over.exp ?? '1h')
      .sign(over.key ?? signing);
  };

  it('accepts a token Entra would send and acts with the held key', async () => {
    const caller = await auth.authenticate(await token());
    expect(caller).to.deep.equal({ apiKey: KEY, principal: `Entra tenant ${TENANT}`, proven: true });
  });
  it('caches the key set instead of fetching it per request', async () => {
    const before = fetches;
    await auth.authenticate(await token());
    await auth.authenticate(await token());
    expect(fetches - before).to.equal(0);
  });
  it('refuses an expired token', async () => {
    const e = await refusal(auth.authenticate(await token({ exp: Math.floor(Date.now() / 1000) - 3600 })));
    expect(e.detail).to.match(/expired/);
  });
  it('refuses the wrong audience', async () => {
    const e = await refusal(auth.authenticate(await token({ aud: '00000000-0000-0000-0000-000000000000' })));
    expect(e.detail).to.match(/aud/);
  });
  it('refuses a tenant whose issuer is not allowed, and a tid that disagrees with the issuer', async () => {
    const e = await refusal(auth.authenticate(await token({ tenant: OTHER_TENANT })));
    expect(e.detail).to.match(/iss/);
    await refusal(auth.authenticate(await token({ tid: OTHER_TENANT })));
  });
  it('refuses alg none', async () => {
    const unsigned = new UnsecuredJWT({ tid: TENANT })
      .setIssuer(`https://sts.windows.net/${TENANT}/`)
      .setAudience(ENTRA_CUSTOM_APP_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('1h')
      .encode();
    await refusal(auth.authenticate(unsigned));
  });
  it('refuses a token signed by a key that is not in the set', async () => {
    const e = await refusal(auth.authenticate(await token({ kid: 'rogue', key: rogue })));
    expect(e.detail).to.match(/not in the tenant's published keys/);
    await refusal(auth.authenticate(await token({ kid: 'k1', key: rogue })));
  });
  it('follows a key rollover: a new kid in the published set is fetched and accepted', async () => {
    const k3 = await generateKeyPair('RS256');
    jwks = { keys: [...jwks.keys, { ...(await exportJWK(k3.publicKey)), kid: 'k3', alg: 'RS256', use: 'sig' }] };
    const caller = await auth.authenticate(await token({ kid: 'k3', key: k3.privateKey as CryptoKey }));
    expect(caller.apiKey).to.equal(KEY);
  });
  it('refuses garbage', async () => {
    await refusal(auth.authenticate('not-a-jwt'));
  });
  it('refuses a tid naming another allowed tenant than the issuer, and a token without tid', async () => {
    const two = createAuthenticator(
      {
        mode: 'entra-token',
        apiKey: KEY,
        tenants: [TENANT, OTHER_TENANT],
        audience: ENTRA_CUSTOM_APP_AUDIENCE,
        jwksUrl,
        pinnedClaims: {},
        maxTokenAgeSeconds: 7_200,
      },
      new InProcessProvenKeys(1),
    );
    expect((await two.authenticate(await token({ tenant: OTHER_TENANT }))).principal).to.equal(
      `Entra tenant ${OTHER_TENANT}`,
    );
    const e = await refusal(two.authenticate(await token({ tid: OTHER_TENANT })));
    expect(e.detail).to.match(/its tid claim is not accepted/);
    await refusal(two.authenticate(await token({ tid: null })));
  });
  it('refuses a token issued longer ago than ENTRA_TOKEN_MAX_AGE_SECONDS, even if it has not expired', async () => {
    const old = Math.floor(Date.now() / 1000) - 7_300;
    const e = await refusal(auth.authenticate(await token({ iat: old, exp: old + 86_400 })));
    expect(e.detail).to.match(/issued longer ago than ENTRA_TOKEN_MAX_AGE_SECONDS/);
  });
  it('with ENTRA_TOKEN_CLAIMS, refuses a token another app of the tenant was given, and names the app it accepts', async () => {
    const APP = '0b1c2d3e-aaaa-bbbb-cccc-000000000001';
    const pinned = createAuthenticator(
      {
        mode: 'entra-token',
        apiKey: KEY,
        tenants: [TENANT],
        audience: ENTRA_CUSTOM_APP_AUDIENCE,
        jwksUrl,
        pinnedClaims: { appid: APP },
        maxTokenAgeSeconds: 7_200,
      },
      new InProcessProvenKeys(1),
    );
    const caller = await pinned.authenticate(await token({ claims: { appid: APP, oid: 'o-1' } }));
    expect(caller.principal).to.equal(`Entra tenant ${TENANT} (appid ${APP}, oid o-1)`);
    const e = await refusal(pinned.authenticate(await token({ claims: { appid: 'another-app' } })));
    expect(e.detail).to.include('its appid claim is not accepted (differs from ENTRA_TOKEN_CLAIMS)');
    await refusal(pinned.authenticate(await token()));
  });
});
