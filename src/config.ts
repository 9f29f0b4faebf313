import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { checkAgainstDefaults, loadOrgSecrets, type OrgCredentials } from './tenancy/org-secrets.js';
import type { SETTINGS } from './config-table.js';
import { setting, type SettingName } from './config-table.js';

/**
 * Everything the bridge reads from its environment, validated once at start-up.
 * A bad value stops the process with one line that names the variable and what it accepts,
 * because a bridge that starts half-configured fails later inside an Entra provisioning cycle,
 * where the admin only sees a quarantine notice.
 */
export interface Config {
  port: number;
  host: string;
  jumpcloudUrl: string;
  jumpcloudOrgId: string | undefined;
  logLevel: 'error' | 'warn' | 'info' | 'debug';
  logFormat: 'json' | 'pretty';
  /** LOG_PERSONAL_DATA=false: personal values in log lines are replaced by HMAC pseudonyms keyed with `pseudonymKey`. */
  logPersonalData: { enabled: boolean; pseudonymKey: string | undefined };
  upstreamTimeoutMs: number;
  retry: RetryConfig;
  mappingFile: string;
  deriveUsernameFromEmail: boolean;
  /** A SCIM userName change renames the JumpCloud user (the login name on bound devices) only when true. */
  allowUsernameRename: boolean;
  /** Top-level attributes the table cannot store: refused with 400 (default) or ignored with one warning per name. */
  unknownAttributes: 'refuse' | 'ignore';
  maxPageSize: number;
  maxFilterScan: number;
  memberConcurrency: number;
  dryRun: boolean;
  traceUsers: string[];
  debugPage: { enabled: boolean; token: string | undefined; bufferSize: number };
  /** RECORD_DIR: every upstream exchange is written there as a fixture; every personal value replaced on request. */
  record: { dir: string | undefined; pseudonymise: boolean };
  /** Express `trust proxy`: which hops may set X-Forwarded-For/-Proto. */
  trustProxy: boolean | string;
  /** The bridge's public origin, for `Location` and `meta.location`; derived from the request when unset. */
  publicUrl: string | undefined;
  /** One deadline for everything a SCIM request does upstream (calls, retries, backoff, lookups, fan-out). */
  requestDeadlineMs: number;
  /** How long SIGTERM waits for in-flight requests; never shorter than the request deadline. */
  shutdownGraceMs: number;
  /** After SIGTERM, how long the listener keeps accepting while /readyz answers 503, so load balancers stop routing first. */
  shutdownDelayMs: number;
  /** Most member operations one group request may carry. */
  maxMemberOperations: number;
  /** After a create whose answer was lost, how long the bridge keeps looking for it before concluding it did not land. */
  createLookupWindowMs: number;
  /** Concurrent JumpCloud calls per key, across all requests. */
  upstreamConcurrency: number;
  /** JUMPCLOUD_RATE_LIMIT: the calls/s JumpCloud allows one key, when known; otherwise learned from its 429s. */
  upstreamRateLimit: number | undefined;
  /**
   * The status of a "come back later" answer (JumpCloud's throttling would make the request miss its deadline):
   * 503 by default, 429 when THROTTLED_STATUS says so (docs/decisions.md).
   */
  throttledStatus: 429 | 503;
  /** How long a key JumpCloud accepted is trusted before it is proven again. */
  provenKeyTtlMs: number;
  /** Failed authentications allowed per client address per window before 429. */
  failedAuth: { max: number; windowMs: number };
  auth: AuthConfig;
  /** Replicas (Redis), many orgs, metrics: how this process runs among others. */
  deployment: DeploymentConfig;
}

export interface DeploymentConfig {
  /** Set: locks, limits and proven keys are shared through Redis. Unset: this process alone. */
  redis: { url: string; keyPrefix: string; lockLeaseMs: number; lockWaitMs: number } | undefined;
  /**
   * `/scim/v2/orgs/{orgId}` tenant URLs (on unless ORG_ROUTES=false), and in the bridge-held-key auth modes each
   * org's key and secrets from ORG_SECRETS_FILE (read once at start-up).
   */
  orgs: {
    routes: boolean;
    secretsFile: string | undefined;
    credentials: ReadonlyMap<string, OrgCredentials> | undefined;
  };
  /** GET /metrics (prom-client): off unless METRICS=true; on its own port, or on the main port guarded. */
  metrics: { enabled: boolean; port: number | undefined; host: string; token: string | undefined; maxOrgs: number };
}

/**
 * Who may call the bridge and with which JumpCloud key:
 * - forward: the caller's bearer token is the JumpCloud key (Entra's Secret Token holds it);
 * - bridge-secret: the bridge holds the key; callers present a bridge secret (two may be valid, for rotation);
 * - entra-token: the bridge holds the key; callers present a JWT Entra signed (Secret Token left blank).
 */
export type AuthConfig =
  | { mode: 'forward' }
  | { mode: 'bridge-secret'; apiKey: string; secrets: string[] }
  | {
      mode: 'entra-token';
      apiKey: string;
      tenants: string[];
      audience: string;
      jwksUrl: string;
      /**
       * ENTRA_TOKEN_CLAIMS: claims every token must carry with exactly these values (appid, azp, oid, sub). Every
       * non-gallery app of a tenant gets tokens with the same issuer and audience, so without a pin a token Entra
       * sent to another SCIM app of the tenant is accepted here too.
       */
      pinnedClaims: Record<string, string>;
      /** ENTRA_TOKEN_MAX_AGE_SECONDS: a token issued (`iat`) longer ago is refused, whatever its `exp`. */
      maxTokenAgeSeconds: number;
    };

export interface RetryConfig {
  /** Retries after the first attempt, for idempotent calls only. */
  retries: number;
  minDelayMs: number;
  maxDelayMs: number;
  /** Wall-clock budget for one upstream call including all retries; well inside Entra's 60 s request timeout. */
  budgetMs: number;
}

export class ConfigError extends Error {}

// dist/src/config.js and src/config.ts sit at different depths; both resolve to the repo root.
export function packageRoot(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return here.includes(`${path.sep}dist${path.sep}`) ? path.resolve(here, '..', '..') : path.resolve(here, '..');
}

type Env = Record<string, string | undefined>;

/**
 * Loads `.env` from the working directory into `process.env` when the file exists, as the README's "copy
 * .env.example" promises. Node's own loader never overwrites a variable that is already set (even to ''), so the
 * real environment wins over the file. Returns the file it read, for a start-up line.
 */
export function loadDotEnv(file = path.resolve('.env')): string | undefined {
  if (!existsSync(file)) return undefined;
  try {
    process.loadEnvFile(file);
  } catch (e) {
    throw new ConfigError(`${file} could not be read: ${(e as Error).message}`);
  }
  return file;
}

/**
 * A bad value as a start-up error may show it: short values as they are, anything longer only by its length. A key
 * or password pasted into the wrong variable must not end up in the start-up log.
 */
function shown(raw: string): string {
  const v = raw.trim();
  return v.length <= 16 && !/[:@/]/.test(v) ? `'${v}'` : `a value of ${v.length} characters, not shown`;
}

type Row = (typeof SETTINGS)[number];
type NameOf<T extends Row['type']> = Extract<Row, { type: T }>['name'];
type ValuesOf<N extends NameOf<'enum'>> = Extract<Row, { name: N }>['values'][number];

/** A whole number within the table's bounds; `derived` is the default of a setting whose default depends on others. */
function int(env: Env, name: NameOf<'integer'>, derived?: number): number {
  const row = setting(name);
  const min = row.min ?? 0;
  const max = row.max ?? Number.MAX_SAFE_INTEGER;
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') {
    const dflt = typeof row.default === 'number' ? row.default : derived;
    if (dflt === undefined) throw new Error(`${name} has no default in the configuration table`);
    return dflt;
  }
  if (!/^\d+$/.test(raw.trim()))
    throw new ConfigError(`${name} must be a whole number between ${min} and ${max} (got ${shown(raw)})`);
  const n = Number(raw.trim());
  if (n < min || n > max) throw new ConfigError(`${name} must be between ${min} and ${max} (got ${n})`);
  return n;
}

/** A decimal within the table's bounds (calls per second, say), or undefined when unset: unset means "not known". */
function decimal(env: Env, name: NameOf<'decimal'>): number | undefined {
  const row = setting(name);
  const min = row.min ?? 0;
  const max = row.max ?? Number.MAX_SAFE_INTEGER;
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = /^\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!(n >= min && n <= max))
    throw new ConfigError(`${name} must be a number between ${min} and ${max} (got ${shown(raw)})`);
  return n;
}

function bool(env: Env, name: NameOf<'boolean'>): boolean {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return setting(name).default === true;
  const v = raw.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  throw new ConfigError(`${name} must be true or false (got ${shown(raw)})`);
}

function oneOf<N extends NameOf<'enum'>>(env: Env, name: N, derived?: ValuesOf<N>): ValuesOf<N> {
  const row = setting(name);
  const allowed = (row.values ?? []) as readonly ValuesOf<N>[];
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') {
    const dflt = (row.default as ValuesOf<N> | undefined) ?? derived;
    if (dflt === undefined) throw new Error(`${name} has no default in the configuration table`);
    return dflt;
  }
  const v = raw.trim().toLowerCase();
  const found = allowed.find((a) => a === v);
  if (!found) throw new ConfigError(`${name} must be one of ${allowed.join(', ')} (got ${shown(raw)})`);
  return found;
}

/** A text setting's value, or its default from the table when unset or empty. */
function text(env: Env, name: SettingName): string {
  const dflt = setting(name).default;
  return env[name]?.trim() || (typeof dflt === 'string' ? dflt : '');
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** JumpCloud's consoles: a key works only on its own region's (US, EU, IN). */
const JUMPCLOUD_CONSOLES = ['console.jumpcloud.com', 'console.eu.jumpcloud.com', 'console.in.jumpcloud.com'] as const;

/**
 * Where the caller's key is sent. Only a JumpCloud console, matched by exact host name (a host that merely starts
 * with console.jumpcloud.com, such as console.jumpcloud.com.evil.example, is not one), over https. A loopback
 * emulator may use http; any other host needs JUMPCLOUD_URL_ALLOW_OTHER_HOST=true (a test proxy, say).
 * Errors never echo the value: a URL may carry credentials.
 */
function jumpcloudUrl(env: Env): string {
  const raw = text(env, 'JUMPCLOUD_URL');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(
      'JUMPCLOUD_URL must be a URL such as https://console.jumpcloud.com (the value given does not parse as a URL)',
    );
  }
  if (url.username || url.password) {
    throw new ConfigError('JUMPCLOUD_URL must not contain credentials: the key travels in the x-api-key header');
  }
  if (url.pathname !== '/' || url.search || url.hash) {
    throw new ConfigError(
      `JUMPCLOUD_URL must be the console origin only, without a path: the client appends /api/... (got '${url.origin}' with a path or query)`,
    );
  }
  const loopback = LOOPBACK.has(url.hostname);
  // Plain http would put the caller's API key on the wire in clear text; only the local emulator may use it.
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new ConfigError(
      `JUMPCLOUD_URL must use https (http is allowed only for a loopback emulator) (got '${url.origin}')`,
    );
  }
  const console = (JUMPCLOUD_CONSOLES as readonly string[]).includes(url.hostname.toLowerCase()) && url.port === '';
  if (!console && !loopback && !bool(env, 'JUMPCLOUD_URL_ALLOW_OTHER_HOST')) {
    throw new ConfigError(
      `JUMPCLOUD_URL must be a JumpCloud console (https://${JUMPCLOUD_CONSOLES.join(', https://')}) or a loopback emulator (got '${url.origin}'); ` +
        'set JUMPCLOUD_URL_ALLOW_OTHER_HOST=true to send keys to another host on purpose',
    );
  }
  return url.origin;
}

const LOOPBACK_LISTEN = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/** A secret given directly or in a file (`NAME_FILE`, the usual container-secret convention); never echoed. */
function secret(env: Env, name: string): string | undefined {
  const direct = env[name]?.trim();
  const file = env[`${name}_FILE`]?.trim();
  if (direct && file) throw new ConfigError(`Set ${name} or ${name}_FILE, not both`);
  if (!file) return direct || undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`${name}_FILE cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}): ${file}`);
  }
  const value = text.trim();
  if (!value) throw new ConfigError(`${name}_FILE is empty: ${file}`);
  return value;
}

function operatorToken(env: Env, name: 'DEBUG_TOKEN' | 'METRICS_TOKEN'): string | undefined {
  const token = env[name]?.trim() || undefined;
  if (token !== undefined && (token.length < MIN_BRIDGE_SECRET || !/^[\x21-\x7e]+$/.test(token)))
    throw new ConfigError(
      `${name} must be at least ${MIN_BRIDGE_SECRET} visible ASCII characters (generate one with: openssl rand -hex 32)`,
    );
  return token;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Entra's application id for every non-gallery ("custom") app: the `aud` of the tokens it issues for it. */
export const ENTRA_CUSTOM_APP_AUDIENCE = '8adf8e6e-67b2-4cf2-a259-e3dc5476c621';
/** Shortest BRIDGE_SECRET, DEBUG_TOKEN or METRICS_TOKEN: guessing an operator token must be as hopeless as a secret. */
const MIN_BRIDGE_SECRET = 32;

function authConfig(env: Env): AuthConfig {
  const mode = oneOf(env, 'AUTH_MODE');
  if (mode === 'forward') {
    if (env.BRIDGE_SECRET?.trim() || env.ENTRA_TENANT_IDS?.trim()) {
      throw new ConfigError(
        'BRIDGE_SECRET and ENTRA_TENANT_IDS take effect only with AUTH_MODE=bridge-secret or AUTH_MODE=entra-token',
      );
    }
    return { mode };
  }
  const apiKey = secret(env, 'JUMPCLOUD_API_KEY');
  if (!apiKey)
    throw new ConfigError(
      `AUTH_MODE=${mode} needs the bridge's JumpCloud key in JUMPCLOUD_API_KEY or JUMPCLOUD_API_KEY_FILE`,
    );
  if (/\s/.test(apiKey)) throw new ConfigError('JUMPCLOUD_API_KEY must not contain whitespace');
  if (mode === 'bridge-secret') {
    const secrets = [secret(env, 'BRIDGE_SECRET'), secret(env, 'BRIDGE_SECRET_PREVIOUS')].filter(
      (x): x is string => !!x,
    );
    if (secrets.length === 0)
      throw new ConfigError(
        "AUTH_MODE=bridge-secret needs BRIDGE_SECRET (or BRIDGE_SECRET_FILE): the value to put in Entra's Secret Token",
      );
    for (const s of secrets) {
      if (s.length < MIN_BRIDGE_SECRET || /\s/.test(s)) {
        throw new ConfigError(
          `BRIDGE_SECRET and BRIDGE_SECRET_PREVIOUS must be at least ${MIN_BRIDGE_SECRET} characters without whitespace (generate one with: openssl rand -hex 32)`,
        );
      }
      // A bearer token is visible ASCII (bearerToken refuses anything else): no client could ever present it.
      if (!/^[\x21-\x7e]+$/.test(s))
        throw new ConfigError(
          'BRIDGE_SECRET and BRIDGE_SECRET_PREVIOUS must be visible ASCII characters only: Entra cannot send any other in a bearer token (generate one with: openssl rand -hex 32)',
        );
      if (s === apiKey)
        throw new ConfigError(
          'BRIDGE_SECRET must not be the JumpCloud key: the point is that the key never lives in Entra',
        );
    }
    return { mode, apiKey, secrets };
  }
  const tenants = (env.ENTRA_TENANT_IDS ?? '')
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean);
  if (tenants.length === 0 || tenants.some((t) => !GUID.test(t))) {
    throw new ConfigError(
      'AUTH_MODE=entra-token needs ENTRA_TENANT_IDS: a comma-separated list of Entra tenant ids (GUIDs) allowed to call the bridge',
    );
  }
  const audience = text(env, 'ENTRA_AUDIENCE');
  const jwksRaw = text(env, 'ENTRA_JWKS_URL');
  let jwks: URL;
  try {
    jwks = new URL(jwksRaw);
  } catch {
    throw new ConfigError('ENTRA_JWKS_URL must be a URL (the value given does not parse)');
  }
  if (jwks.protocol !== 'https:' && !(jwks.protocol === 'http:' && LOOPBACK.has(jwks.hostname))) {
    throw new ConfigError('ENTRA_JWKS_URL must use https (http only on loopback, for tests)');
  }
  return {
    mode,
    apiKey,
    tenants,
    audience,
    jwksUrl: jwks.href,
    pinnedClaims: pinnedClaims(env),
    maxTokenAgeSeconds: int(env, 'ENTRA_TOKEN_MAX_AGE_SECONDS'),
  };
}

/** Claims an Entra token can be pinned by: the calling application and principal. */
const PINNABLE_CLAIMS = ['appid', 'azp', 'oid', 'sub'] as const;

function pinnedClaims(env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (env.ENTRA_TOKEN_CLAIMS ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^(\w+)=([\w.:-]{1,200})$/.exec(pair);
    if (!m || !(PINNABLE_CLAIMS as readonly string[]).includes(m[1] ?? ''))
      throw new ConfigError(
        `ENTRA_TOKEN_CLAIMS must be comma-separated claim=value pairs, the claims among ${PINNABLE_CLAIMS.join(', ')} (copy them from the principal of a request Entra sent), e.g. appid=<guid>,oid=<guid>`,
      );
    out[m[1] as string] = m[2] as string;
  }
  return out;
}

function trustProxy(env: Env): boolean | string {
  const raw = (env.TRUST_PROXY ?? '').trim();
  if (raw === '') return 'loopback';
  if (['true', 'false'].includes(raw.toLowerCase())) return raw.toLowerCase() === 'true';
  if (!/^[\w.:/, -]+$/.test(raw))
    throw new ConfigError(
      `TRUST_PROXY must be true, false, or a comma-separated list of addresses/subnets (got ${shown(raw)})`,
    );
  return raw;
}

function publicUrl(env: Env): string | undefined {
  const raw = (env.PUBLIC_URL ?? '').trim();
  if (!raw) return undefined;
  try {
    const u = new URL(raw);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('scheme');
    return u.origin;
  } catch {
    throw new ConfigError(
      `PUBLIC_URL must be the bridge's public origin, e.g. https://scim.example.com (got ${shown(raw)})`,
    );
  }
}

function proxyUrl(env: Env, name: 'HTTPS_PROXY' | 'HTTP_PROXY'): void {
  const raw = (env[name] ?? env[name.toLowerCase()] ?? '').trim();
  if (!raw) return;
  let url: URL | undefined;
  try {
    url = new URL(raw.includes('://') ? raw : `http://${raw}`);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:'))
    throw new ConfigError(
      `${name} must be a proxy URL such as http://proxy.example.com:3128 (the value given does not parse as one)`,
    );
}

/**
 * The outbound proxy variables (either case), checked at start so a typo stops start-up with one line instead of
 * failing every JumpCloud call; the transport applies them (https-proxy-agent, proxy-from-env). Never echoed: a
 * proxy URL may carry a password.
 */
function checkOutboundProxy(env: Env): void {
  proxyUrl(env, 'HTTPS_PROXY');
  proxyUrl(env, 'HTTP_PROXY');
  // NO_PROXY matches host names (and ports): an entry written as a URL never matches, and the call goes to the proxy.
  const noProxy = env.NO_PROXY ?? env.no_proxy ?? '';
  if (noProxy.includes('://'))
    throw new ConfigError(
      'NO_PROXY lists host names (localhost,.example.com), not URLs: remove the scheme from its entries',
    );
}

export function loadConfig(env: Env = process.env): Config {
  checkOutboundProxy(env);
  const orgId = env.JUMPCLOUD_ORG_ID?.trim() || undefined;
  if (orgId !== undefined && !/^[0-9a-f]{24}$/i.test(orgId)) {
    // Not echoed: a key pasted into the wrong variable would otherwise land in the start-up log.
    throw new ConfigError(
      `JUMPCLOUD_ORG_ID must be a 24-character JumpCloud organization id (the value given has ${orgId.length} characters or others than 0-9a-f)`,
    );
  }
  const retry: RetryConfig = {
    retries: int(env, 'RETRY_MAX_RETRIES'),
    minDelayMs: int(env, 'RETRY_MIN_DELAY_MS'),
    maxDelayMs: int(env, 'RETRY_MAX_DELAY_MS'),
    budgetMs: int(env, 'RETRY_BUDGET_MS'),
  };
  if (retry.minDelayMs > retry.maxDelayMs)
    throw new ConfigError('RETRY_MIN_DELAY_MS must not exceed RETRY_MAX_DELAY_MS');
  const upstreamTimeoutMs = int(env, 'JUMPCLOUD_TIMEOUT_MS');
  const production = (env.NODE_ENV ?? '').toLowerCase() === 'production';
  const requestDeadlineMs = int(env, 'REQUEST_DEADLINE_MS');
  const auth = authConfig(env);
  const host = text(env, 'HOST');
  const deployment = deploymentConfig(env, requestDeadlineMs, auth, host);
  const shutdownGraceMs = int(env, 'SHUTDOWN_GRACE_MS', requestDeadlineMs + 5_000);
  if (shutdownGraceMs < requestDeadlineMs)
    throw new ConfigError(
      `SHUTDOWN_GRACE_MS must be at least REQUEST_DEADLINE_MS (${requestDeadlineMs}), so a deploy never cuts a request short`,
    );
  const shutdownDelayMs = int(env, 'SHUTDOWN_DELAY_MS');
  const debugPage = {
    enabled: bool(env, 'DEBUG_PAGE'),
    token: operatorToken(env, 'DEBUG_TOKEN'),
    bufferSize: int(env, 'DEBUG_BUFFER_SIZE'),
  };
  // A same-host reverse proxy that adds no forwarding headers makes every visitor look like loopback.
  if (debugPage.enabled && !debugPage.token && !LOOPBACK_LISTEN.has(host.toLowerCase())) {
    throw new ConfigError(
      `DEBUG_PAGE=true on a non-loopback HOST (${host}) needs DEBUG_TOKEN: set one, or listen on 127.0.0.1`,
    );
  }
  const mapping = (env.MAPPING_FILE ?? '').trim();
  return {
    port: int(env, 'PORT'),
    host,
    jumpcloudUrl: jumpcloudUrl(env),
    jumpcloudOrgId: orgId,
    logLevel: oneOf(env, 'LOG_LEVEL'),
    logFormat: oneOf(env, 'LOG_FORMAT', production ? 'json' : 'pretty'),
    logPersonalData: { enabled: bool(env, 'LOG_PERSONAL_DATA'), pseudonymKey: secret(env, 'LOG_PSEUDONYM_KEY') },
    upstreamTimeoutMs,
    retry,
    mappingFile: mapping ? path.resolve(mapping) : path.join(packageRoot(), 'config', 'mapping.json'),
    deriveUsernameFromEmail: bool(env, 'DERIVE_USERNAME_FROM_EMAIL'),
    allowUsernameRename: bool(env, 'ALLOW_USERNAME_RENAME'),
    unknownAttributes: oneOf(env, 'UNKNOWN_ATTRIBUTES'),
    maxPageSize: int(env, 'MAX_PAGE_SIZE'),
    maxFilterScan: int(env, 'MAX_FILTER_SCAN'),
    memberConcurrency: int(env, 'MEMBER_CONCURRENCY'),
    dryRun: bool(env, 'DRY_RUN'),
    traceUsers: (env.TRACE_USERS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    trustProxy: trustProxy(env),
    publicUrl: publicUrl(env),
    record: {
      dir: env.RECORD_DIR?.trim() ? path.resolve(env.RECORD_DIR.trim()) : undefined,
      pseudonymise: bool(env, 'RECORD_PSEUDONYMISE'),
    },
    debugPage,
    requestDeadlineMs,
    shutdownGraceMs,
    shutdownDelayMs,
    maxMemberOperations: int(env, 'MAX_MEMBER_OPERATIONS'),
    createLookupWindowMs: int(env, 'CREATE_LOOKUP_WINDOW_MS'),
    upstreamConcurrency: int(env, 'JUMPCLOUD_CONCURRENCY'),
    upstreamRateLimit: decimal(env, 'JUMPCLOUD_RATE_LIMIT'),
    throttledStatus: oneOf(env, 'THROTTLED_STATUS') === '429' ? 429 : 503,
    provenKeyTtlMs: int(env, 'PROVEN_KEY_TTL_MS'),
    failedAuth: {
      max: int(env, 'FAILED_AUTH_LIMIT'),
      windowMs: int(env, 'FAILED_AUTH_WINDOW_MS'),
    },
    auth,
    deployment,
  };
}

/** REDIS_URL is never echoed: it may carry a password. */
function redisUrl(env: Env): string | undefined {
  const raw = (env.REDIS_URL ?? '').trim();
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(
      'REDIS_URL must be a URL such as redis://redis:6379 or rediss://user:password@host:6380/0 (the value given does not parse)',
    );
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
    throw new ConfigError(`REDIS_URL must start with redis:// or rediss:// (got ${url.protocol}//)`);
  return raw;
}

/** The per-org secrets file, only where the bridge holds keys: with forwarded keys there is nothing to hold. */
function orgCredentials(file: string | undefined, auth: AuthConfig): ReadonlyMap<string, OrgCredentials> | undefined {
  if (file === undefined) return undefined;
  if (auth.mode === 'forward')
    throw new ConfigError(
      'ORG_SECRETS_FILE takes effect only with AUTH_MODE=bridge-secret or AUTH_MODE=entra-token (with forward, each tenant sends its own key)',
    );
  try {
    const orgs = loadOrgSecrets(file);
    checkAgainstDefaults(orgs, {
      apiKey: auth.apiKey,
      bridgeSecrets: auth.mode === 'bridge-secret' ? auth.secrets : [],
      entraTenantIds: auth.mode === 'entra-token' ? auth.tenants : [],
    });
    return orgs;
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
}

function deploymentConfig(env: Env, requestDeadlineMs: number, auth: AuthConfig, host: string): DeploymentConfig {
  const url = redisUrl(env);
  // Longer than any request may live (Entra gives up after 60 s; the bridge's deadline is shorter), so a lease
  // proven just before a write cannot expire while that write is in flight.
  const lockLeaseMs = int(env, 'LOCK_LEASE_MS');
  if (lockLeaseMs <= requestDeadlineMs)
    throw new ConfigError(`LOCK_LEASE_MS must exceed REQUEST_DEADLINE_MS (${requestDeadlineMs})`);
  // A request that waits for a lock must still have time to do its work inside the deadline.
  const lockWaitMs = int(env, 'LOCK_WAIT_MS', Math.min(20_000, Math.floor(requestDeadlineMs / 2)));
  if (lockWaitMs >= requestDeadlineMs)
    throw new ConfigError(`LOCK_WAIT_MS must be shorter than REQUEST_DEADLINE_MS (${requestDeadlineMs})`);
  const metricsPort = (env.METRICS_PORT ?? '').trim() ? int(env, 'METRICS_PORT') : undefined;
  const metricsToken = operatorToken(env, 'METRICS_TOKEN');
  const metricsEnabled = bool(env, 'METRICS');
  // Same rule as the debug page: a same-host proxy adding no forwarding headers would make everyone look local.
  if (metricsEnabled && metricsPort === undefined && !metricsToken && !LOOPBACK_LISTEN.has(host.toLowerCase())) {
    throw new ConfigError(
      `METRICS=true on a non-loopback HOST (${host}) needs METRICS_PORT (a separate, internal port) or METRICS_TOKEN`,
    );
  }
  if (metricsPort !== undefined && metricsPort === int(env, 'PORT'))
    throw new ConfigError('METRICS_PORT must differ from PORT');
  const secretsPath = (env.ORG_SECRETS_FILE ?? '').trim();
  const secretsFile = secretsPath ? path.resolve(secretsPath) : undefined;
  const keyPrefix = text(env, 'REDIS_KEY_PREFIX');
  if (!/^[\w:.-]{1,64}$/.test(keyPrefix))
    throw new ConfigError(
      `REDIS_KEY_PREFIX may hold letters, digits, '_', ':', '.', '-' (at most 64) (got ${shown(keyPrefix)})`,
    );
  return {
    redis: url ? { url, keyPrefix, lockLeaseMs, lockWaitMs } : undefined,
    orgs: { routes: bool(env, 'ORG_ROUTES'), secretsFile, credentials: orgCredentials(secretsFile, auth) },
    metrics: {
      enabled: metricsEnabled,
      port: metricsPort,
      host: (env.METRICS_HOST ?? '').trim() || host,
      token: metricsToken,
      maxOrgs: int(env, 'METRICS_MAX_ORGS'),
    },
  };
}

/**
 * Time budgets that are each valid but together cut one another short. Combinations that cannot work at all
 * (a grace shorter than the deadline, a lock wait as long as it) already stop start-up; these start, and the
 * server names them in one warning line so the operator sees which setting has no effect.
 */
export function timeBudgetConflicts(config: Config): string[] {
  const deadline = config.requestDeadlineMs;
  const timeout = config.upstreamTimeoutMs;
  const out: string[] = [];
  if (config.retry.budgetMs > deadline)
    out.push(
      `RETRY_BUDGET_MS (${config.retry.budgetMs}) exceeds REQUEST_DEADLINE_MS (${deadline}): the deadline ends retries first`,
    );
  if (timeout > deadline)
    out.push(
      `JUMPCLOUD_TIMEOUT_MS (${timeout}) exceeds REQUEST_DEADLINE_MS (${deadline}): one attempt can outlive the request`,
    );
  if (config.retry.retries > 0 && config.retry.budgetMs > 0 && timeout > config.retry.budgetMs)
    out.push(
      `JUMPCLOUD_TIMEOUT_MS (${timeout}) exceeds RETRY_BUDGET_MS (${config.retry.budgetMs}): a slow first attempt leaves no time to retry`,
    );
  if (config.retry.minDelayMs > 0 && config.retry.maxDelayMs > config.retry.budgetMs)
    out.push(
      `RETRY_MAX_DELAY_MS (${config.retry.maxDelayMs}) exceeds RETRY_BUDGET_MS (${config.retry.budgetMs}): the longest backoff cannot be waited`,
    );
  if (config.createLookupWindowMs + timeout > deadline)
    out.push(
      `CREATE_LOOKUP_WINDOW_MS + JUMPCLOUD_TIMEOUT_MS (${config.createLookupWindowMs + timeout}) exceed REQUEST_DEADLINE_MS (${deadline}): a create whose answer was lost may not finish looking for it`,
    );
  const redis = config.deployment.redis;
  if (redis && redis.lockWaitMs + timeout > deadline)
    out.push(
      `LOCK_WAIT_MS + JUMPCLOUD_TIMEOUT_MS (${redis.lockWaitMs + timeout}) exceed REQUEST_DEADLINE_MS (${deadline}): a request that waited for a lock may have no time left for one JumpCloud call`,
    );
  return out;
}
