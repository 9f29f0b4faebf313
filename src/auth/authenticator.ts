import { createHash, timingSafeEqual } from 'node:crypto';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { AuthConfig } from '../config.js';
import { keyFingerprint, type ProvenKeys } from '../coordination/primitives.js';
import { unauthorized, type ScimError } from '../scim/errors.js';

/** Who is calling, once authenticated, and which JumpCloud key acts for them. */
export interface Caller {
  /** The JumpCloud key upstream calls carry. */
  apiKey: string;
  /** For logs: which credential admitted the request (never the credential itself). */
  principal: string;
  /** The key is known to work (bridge-held keys are checked at start-up by use; forwarded ones by JumpCloud). */
  proven: boolean;
}

export interface Authenticator {
  readonly mode: AuthConfig['mode'];
  /** The bridge's own keys and secrets, to be masked everywhere. */
  readonly heldSecrets: readonly string[];
  /**
   * Resolves the caller, or rejects with a 401 ScimError. `token` is the bearer token, already shape-checked;
   * `orgId` the org the tenant URL names (validated), if any.
   */
  authenticate(token: string, orgId?: string): Promise<Caller>;
}

/**
 * Longer than any credential the bridge accepts (a JumpCloud key is 40 characters, an Entra token about 1.5 kB), and
 * so the most any credential held for masking can cost (observability/redact.ts).
 */
const MAX_TOKEN_LENGTH = 4096;

/**
 * `Authorization: Bearer <token>`: exactly one token of visible characters. A token with inner whitespace is
 * refused rather than trimmed or split: some other component would read it differently.
 */
export function bearerToken(header: string | undefined): string | ScimError {
  const value = header?.trim();
  if (!value)
    return unauthorized("Missing credentials: send 'Authorization: Bearer <token>' (Entra: the Secret Token field)");
  if (/^Bearer$/i.test(value)) return unauthorized("The bearer token is blank: fill in Entra's Secret Token");
  const m = /^Bearer[ \t]+(.*)$/i.exec(value);
  if (!m) return unauthorized("The Authorization header must use the Bearer scheme: 'Authorization: Bearer <token>'");
  const token = m[1] ?? '';
  if (!token) return unauthorized("The bearer token is blank: fill in Entra's Secret Token");
  if (token.length > MAX_TOKEN_LENGTH)
    return unauthorized(
      `The bearer token is longer than any credential this bridge accepts (at most ${MAX_TOKEN_LENGTH} characters)`,
    );
  if (!/^[\x21-\x7e]+$/.test(token))
    return unauthorized(
      'The bearer token contains whitespace or non-printable characters; paste it again without spaces or line breaks',
    );
  return token;
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

/**
 * A presented secret's index among `secrets` (-1: none), in constant time whatever the lengths: both sides are
 * hashed to 32 bytes first and every secret is compared. The secrets' digests are taken once, here, not per request.
 */
export function secretMatcher(secrets: readonly string[]): (given: string) => number {
  const secretDigests = secrets.map(digest);
  return (given) => {
    const g = digest(given);
    let found = -1;
    secretDigests.forEach((d, i) => {
      if (timingSafeEqual(g, d) && found < 0) found = i;
    });
    return found;
  };
}

/** forward: the token is the JumpCloud key; it is proven by JumpCloud, remembered by fingerprint. */
function forwardAuthenticator(provenKeys: ProvenKeys): Authenticator {
  return {
    mode: 'forward',
    heldSecrets: [],
    async authenticate(token, orgId) {
      // One hash: the org only suffixes the fingerprint, so its first characters name the key alone.
      const fingerprint = keyFingerprint(token, orgId);
      return {
        apiKey: token,
        principal: `forwarded key ${fingerprint.slice(0, 8)}`,
        proven: await provenKeys.isProven(fingerprint),
      };
    },
  };
}

function bridgeSecretAuthenticator(cfg: Extract<AuthConfig, { mode: 'bridge-secret' }>): Authenticator {
  const matchSecret = secretMatcher(cfg.secrets);
  return {
    mode: 'bridge-secret',
    heldSecrets: [cfg.apiKey, ...cfg.secrets],
    authenticate(token) {
      const i = matchSecret(token);
      if (i < 0)
        return Promise.reject(
          unauthorized("The bearer token is not this bridge's secret: put BRIDGE_SECRET in Entra's Secret Token"),
        );
      return Promise.resolve({
        apiKey: cfg.apiKey,
        principal: i === 0 ? 'bridge secret' : 'bridge secret (previous)',
        proven: true,
      });
    },
  };
}

const ISSUER = (tenant: string): string => `https://sts.windows.net/${tenant}/`;

/** Why a token was refused, in words an admin can act on; never the token. */
function jwtRefusal(e: unknown): string {
  if (e instanceof joseErrors.JWTExpired)
    return e.claim === 'iat' ? 'it was issued longer ago than ENTRA_TOKEN_MAX_AGE_SECONDS' : 'it has expired';
  if (e instanceof joseErrors.JWTClaimValidationFailed) return `its ${e.claim} claim is not accepted (${e.reason})`;
  if (e instanceof joseErrors.JWKSNoMatchingKey)
    return "it is signed with a key that is not in the tenant's published keys";
  if (e instanceof joseErrors.JOSEAlgNotAllowed) return 'its signing algorithm is not accepted (RS256 only)';
  if (e instanceof joseErrors.JWSSignatureVerificationFailed) return 'its signature does not verify';
  if (e instanceof joseErrors.JWKSTimeout || (e instanceof joseErrors.JOSEError && e.code === 'ERR_JWKS_INVALID'))
    return "the tenant's signing keys could not be fetched";
  return 'it is not a valid Entra-issued JWT';
}

/** entra-token: Entra signs a JWT for the app when Secret Token is blank; verified against the published keys. */
function entraTokenAuthenticator(
  cfg: Extract<AuthConfig, { mode: 'entra-token' }>,
  keys: JWTVerifyGetKey,
): Authenticator {
  const issuers = cfg.tenants.map(ISSUER);
  return {
    mode: 'entra-token',
    heldSecrets: [cfg.apiKey],
    async authenticate(token) {
      try {
        const { payload } = await jwtVerify(token, keys, {
          algorithms: ['RS256'],
          issuer: issuers,
          audience: cfg.audience,
          requiredClaims: ['exp', 'iss', 'aud', 'iat', 'tid'],
          clockTolerance: 60,
          maxTokenAge: cfg.maxTokenAgeSeconds,
        });
        const tenant = String(payload.iss).slice('https://sts.windows.net/'.length, -1).toLowerCase();
        // The issuer names an allowed tenant; the tid claim must name the same one.
        if (typeof payload.tid !== 'string' || payload.tid.toLowerCase() !== tenant)
          throw new joseErrors.JWTClaimValidationFailed(
            'does not name the issuer tenant',
            payload,
            'tid',
            'check_failed',
          );
        for (const [claim, value] of Object.entries(cfg.pinnedClaims))
          if (payload[claim] !== value)
            throw new joseErrors.JWTClaimValidationFailed(claim, payload, claim, 'differs from ENTRA_TOKEN_CLAIMS');
        // Which app and principal Entra issued the token for: what ENTRA_TOKEN_CLAIMS pins (identifiers, not secrets).
        const ids = (['appid', 'azp', 'oid'] as const)
          .filter((c) => typeof payload[c] === 'string')
          .map((c) => `${c} ${String(payload[c])}`);
        return {
          apiKey: cfg.apiKey,
          principal: `Entra tenant ${tenant}${ids.length ? ` (${ids.join(', ')})` : ''}`,
          proven: true,
        };
      } catch (e) {
        throw unauthorized(
          `The bearer token was refused: ${jwtRefusal(e)}. Leave Entra's Secret Token blank so Entra sends its own token, and list the tenant in ENTRA_TENANT_IDS`,
        );
      }
    },
  };
}

export interface JwksCaching {
  /** How long a fetched key set is used before it is fetched again. */
  cacheMaxAgeMs: number;
  /** Least time between two fetches; an unknown `kid` (key rollover) refetches once this has passed. */
  cooldownMs: number;
}

const JWKS_CACHING: JwksCaching = { cacheMaxAgeMs: 3_600_000, cooldownMs: 30_000 };

export function createAuthenticator(
  cfg: AuthConfig,
  provenKeys: ProvenKeys,
  caching: JwksCaching = JWKS_CACHING,
): Authenticator {
  switch (cfg.mode) {
    case 'forward':
      return forwardAuthenticator(provenKeys);
    case 'bridge-secret':
      return bridgeSecretAuthenticator(cfg);
    case 'entra-token':
      return entraTokenAuthenticator(
        cfg,
        createRemoteJWKSet(new URL(cfg.jwksUrl), {
          cacheMaxAge: caching.cacheMaxAgeMs,
          cooldownDuration: caching.cooldownMs,
          timeoutDuration: 5_000,
        }),
      );
  }
}
