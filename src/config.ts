import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

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
  /** RECORD_DIR: every upstream exchange is written there as a fixture; names, e-mails, phones replaced on request. */
  record: { dir: string | undefined; pseudonymise: boolean };
  /** Express `trust proxy`: which hops may set X-Forwarded-For/-Proto. */
  trustProxy: boolean | string;
  /** The bridge's public origin, for `Location` and `meta.location`; derived from the request when unset. */
  publicUrl: string | undefined;
}

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

function int(env: Env, name: string, dflt: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return dflt;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`${name} must be a whole number between ${min} and ${max} (got '${raw}')`);
  const n = Number(raw.trim());
  if (n < min || n > max) throw new ConfigError(`${name} must be between ${min} and ${max} (got ${n})`);
  return n;
}

function bool(env: Env, name: string, dflt: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return dflt;
  const v = raw.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  throw new ConfigError(`${name} must be true or false (got '${raw}')`);
}

function oneOf<T extends string>(env: Env, name: string, dflt: T, allowed: readonly T[]): T {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return dflt;
  const v = raw.trim().toLowerCase();
  const found = allowed.find((a) => a === v);
  if (!found) throw new ConfigError(`${name} must be one of ${allowed.join(', ')} (got '${raw}')`);
  return found;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

function jumpcloudUrl(env: Env): string {
  const raw = (env.JUMPCLOUD_URL ?? '').trim() || 'https://console.jumpcloud.com';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`JUMPCLOUD_URL must be a URL such as https://console.jumpcloud.com (got '${raw}')`);
  }
  // Plain http would put the caller's API key on the wire in clear text; only the local emulator may use it.
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw new ConfigError(`JUMPCLOUD_URL must use https (http is allowed only for a loopback emulator) (got '${raw}')`);
  }
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
    throw new ConfigError(`JUMPCLOUD_URL must be the console origin only, without a path: the client appends /api/... (got '${raw}')`);
  }
  return url.origin;
}

function trustProxy(env: Env): boolean | string {
  const raw = (env.TRUST_PROXY ?? '').trim();
  if (raw === '') return 'loopback';
  if (['true', 'false'].includes(raw.toLowerCase())) return raw.toLowerCase() === 'true';
  if (!/^[\w.:/, -]+$/.test(raw)) throw new ConfigError(`TRUST_PROXY must be true, false, or a comma-separated list of addresses/subnets (got '${raw}')`);
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
    throw new ConfigError(`PUBLIC_URL must be the bridge's public origin, e.g. https://scim.example.com (got '${raw}')`);
  }
}

export function loadConfig(env: Env = process.env): Config {
  const orgId = env.JUMPCLOUD_ORG_ID?.trim() || undefined;
  if (orgId !== undefined && !/^[0-9a-f]{24}$/i.test(orgId)) {
    throw new ConfigError(`JUMPCLOUD_ORG_ID must be a 24-character JumpCloud organization id (got '${orgId}')`);
  }
  const retry: RetryConfig = {
    retries: int(env, 'RETRY_MAX_RETRIES', 4, 0, 10),
    minDelayMs: int(env, 'RETRY_MIN_DELAY_MS', 250, 0, 10_000),
    maxDelayMs: int(env, 'RETRY_MAX_DELAY_MS', 4_000, 0, 30_000),
    budgetMs: int(env, 'RETRY_BUDGET_MS', 25_000, 0, 50_000),
  };
  if (retry.minDelayMs > retry.maxDelayMs) throw new ConfigError('RETRY_MIN_DELAY_MS must not exceed RETRY_MAX_DELAY_MS');
  const upstreamTimeoutMs = int(env, 'JUMPCLOUD_TIMEOUT_MS', 15_000, 100, 50_000);
  const production = (env.NODE_ENV ?? '').toLowerCase() === 'production';
  const mapping = (env.MAPPING_FILE ?? '').trim();
  return {
    port: int(env, 'PORT', 8080, 0, 65_535),
    host: (env.HOST ?? '').trim() || '0.0.0.0',
    jumpcloudUrl: jumpcloudUrl(env),
    jumpcloudOrgId: orgId,
    logLevel: oneOf(env, 'LOG_LEVEL', 'info', ['error', 'warn', 'info', 'debug'] as const),
    logFormat: oneOf(env, 'LOG_FORMAT', production ? 'json' : 'pretty', ['json', 'pretty'] as const),
    upstreamTimeoutMs,
    retry,
    mappingFile: mapping ? path.resolve(mapping) : path.join(packageRoot(), 'config', 'mapping.json'),
    deriveUsernameFromEmail: bool(env, 'DERIVE_USERNAME_FROM_EMAIL', true),
    allowUsernameRename: bool(env, 'ALLOW_USERNAME_RENAME', false),
    unknownAttributes: oneOf(env, 'UNKNOWN_ATTRIBUTES', 'refuse', ['refuse', 'ignore'] as const),
    maxPageSize: int(env, 'MAX_PAGE_SIZE', 200, 1, 1_000),
    maxFilterScan: int(env, 'MAX_FILTER_SCAN', 10_000, 100, 1_000_000),
    memberConcurrency: int(env, 'MEMBER_CONCURRENCY', 8, 1, 32),
    dryRun: bool(env, 'DRY_RUN', false),
    traceUsers: (env.TRACE_USERS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    trustProxy: trustProxy(env),
    publicUrl: publicUrl(env),
    record: {
      dir: env.RECORD_DIR?.trim() ? path.resolve(env.RECORD_DIR.trim()) : undefined,
      pseudonymise: bool(env, 'RECORD_PSEUDONYMISE', false),
    },
    debugPage: {
      enabled: bool(env, 'DEBUG_PAGE', false),
      token: env.DEBUG_TOKEN?.trim() || undefined,
      bufferSize: int(env, 'DEBUG_BUFFER_SIZE', 200, 10, 10_000),
    },
  };
}
