/**
 * Every environment variable the bridge reads, in one table: config.ts validates from it, and the README's
 * configuration reference and `.env.example` are generated from it (`npm run docs:config`); a test fails when the
 * three drift apart. To add a setting, add a row here, read it in config.ts, and run `npm run docs:config`.
 */
export type SettingGroup =
  | 'Listening'
  | 'JumpCloud'
  | 'Authentication'
  | 'Mapping'
  | 'Limits and time budgets'
  | 'Logging and debugging'
  | 'Replicas (Redis)'
  | 'Many orgs'
  | 'Metrics';

/** The order the groups appear in, in the README and in `.env.example`. */
export const SETTING_GROUPS: readonly SettingGroup[] = [
  'Listening',
  'JumpCloud',
  'Authentication',
  'Mapping',
  'Limits and time budgets',
  'Logging and debugging',
  'Replicas (Redis)',
  'Many orgs',
  'Metrics',
];

export interface Setting {
  name: string;
  group: SettingGroup;
  type: 'integer' | 'decimal' | 'boolean' | 'enum' | 'url' | 'text' | 'list' | 'path';
  /** The value used when the variable is unset or empty; absent: unset means "off" or "derived" (see `defaultDoc`). */
  default?: number | boolean | string;
  /** How the default is derived when it is not one fixed value. */
  defaultDoc?: string;
  min?: number;
  max?: number;
  values?: readonly string[];
  /** Never echoed in errors or logs. */
  secret?: boolean;
  /** May be given as a file named in `<name>_FILE` instead (a container secret); not both. */
  fromFile?: boolean;
  /** One line for the operator: what it does, and what to put there. */
  doc: string;
}

export const SETTINGS = [
  // Listening
  {
    name: 'PORT',
    group: 'Listening',
    type: 'integer',
    default: 8080,
    min: 0,
    max: 65_535,
    doc: 'Port the SCIM API listens on.',
  },
  {
    name: 'HOST',
    group: 'Listening',
    type: 'text',
    default: '0.0.0.0',
    doc: 'Address the SCIM API listens on; 127.0.0.1 when a proxy on the same host terminates TLS.',
  },
  {
    name: 'PUBLIC_URL',
    group: 'Listening',
    type: 'url',
    defaultDoc: 'derived from the request',
    doc: "The bridge's public origin (https://scim.example.com), for `Location` and `meta.location`.",
  },
  {
    name: 'TRUST_PROXY',
    group: 'Listening',
    type: 'text',
    default: 'loopback',
    doc: 'Which proxies may set `X-Forwarded-For`/`-Proto`: `true`, `false`, or comma-separated addresses/subnets (see "Behind a proxy").',
  },
  // JumpCloud
  {
    name: 'JUMPCLOUD_URL',
    group: 'JumpCloud',
    type: 'url',
    default: 'https://console.jumpcloud.com',
    doc: 'Console origin: https://console.eu.jumpcloud.com or https://console.in.jumpcloud.com for EU/IN; http only for a loopback emulator.',
  },
  {
    name: 'JUMPCLOUD_URL_ALLOW_OTHER_HOST',
    group: 'JumpCloud',
    type: 'boolean',
    default: false,
    doc: 'Send keys to an https host that is not a JumpCloud console (a test proxy); refused otherwise.',
  },
  {
    name: 'JUMPCLOUD_ORG_ID',
    group: 'JumpCloud',
    type: 'text',
    doc: 'Multi-tenant admins: the 24-character organization id sent as `x-org-id` on `/scim/v2`.',
  },
  {
    name: 'JUMPCLOUD_TIMEOUT_MS',
    group: 'JumpCloud',
    type: 'integer',
    default: 15_000,
    min: 100,
    max: 50_000,
    doc: 'Timeout of one upstream attempt.',
  },
  {
    name: 'RETRY_MAX_RETRIES',
    group: 'JumpCloud',
    type: 'integer',
    default: 4,
    min: 0,
    max: 10,
    doc: 'Retries of idempotent calls on 429, 502, 503, 504 and network errors; creates are never blindly retried.',
  },
  {
    name: 'RETRY_MIN_DELAY_MS',
    group: 'JumpCloud',
    type: 'integer',
    default: 250,
    min: 0,
    max: 10_000,
    doc: 'First backoff delay (exponential, with jitter; `Retry-After` is honoured).',
  },
  {
    name: 'RETRY_MAX_DELAY_MS',
    group: 'JumpCloud',
    type: 'integer',
    default: 4_000,
    min: 0,
    max: 30_000,
    doc: 'Longest backoff delay; at least RETRY_MIN_DELAY_MS.',
  },
  {
    name: 'RETRY_BUDGET_MS',
    group: 'JumpCloud',
    type: 'integer',
    default: 25_000,
    min: 0,
    max: 50_000,
    doc: 'Total time one upstream call may take with its retries, inside REQUEST_DEADLINE_MS.',
  },
  {
    name: 'JUMPCLOUD_CONCURRENCY',
    group: 'JumpCloud',
    type: 'integer',
    default: 16,
    min: 1,
    max: 256,
    doc: 'Concurrent JumpCloud calls per key across all requests (keeps bursts from a 429 storm).',
  },
  {
    name: 'JUMPCLOUD_RATE_LIMIT',
    group: 'JumpCloud',
    type: 'decimal',
    defaultDoc: 'learned from 429s',
    min: 0.5,
    max: 1_000,
    doc: 'Calls per second JumpCloud allows per key, when known: the pacer starts there instead of learning it from 429s, and never goes above it (it still slows down on a 429).',
  },
  {
    name: 'HTTPS_PROXY',
    group: 'JumpCloud',
    type: 'url',
    secret: true,
    doc: 'Outbound proxy (http://host:port, credentials allowed) for the console and doctor, through CONNECT; or `https_proxy`.',
  },
  {
    name: 'HTTP_PROXY',
    group: 'JumpCloud',
    type: 'url',
    secret: true,
    doc: 'Outbound proxy for an http:// JUMPCLOUD_URL (a loopback emulator); or `http_proxy`.',
  },
  {
    name: 'NO_PROXY',
    group: 'JumpCloud',
    type: 'list',
    doc: 'Hosts reached directly, comma-separated (`localhost,.internal.example`, `*` for all); or `no_proxy`.',
  },
  // Authentication
  {
    name: 'AUTH_MODE',
    group: 'Authentication',
    type: 'enum',
    values: ['forward', 'bridge-secret', 'entra-token'],
    default: 'forward',
    doc: "Who holds the JumpCloud key: `forward` (Entra's Secret Token is the key), `bridge-secret`, `entra-token`.",
  },
  {
    name: 'JUMPCLOUD_API_KEY',
    group: 'Authentication',
    type: 'text',
    secret: true,
    fromFile: true,
    doc: "The bridge's own JumpCloud key, in the `bridge-secret` and `entra-token` modes.",
  },
  {
    name: 'BRIDGE_SECRET',
    group: 'Authentication',
    type: 'text',
    secret: true,
    fromFile: true,
    doc: "`bridge-secret` mode: Entra's Secret Token, at least 32 characters (`openssl rand -hex 32`).",
  },
  {
    name: 'BRIDGE_SECRET_PREVIOUS',
    group: 'Authentication',
    type: 'text',
    secret: true,
    fromFile: true,
    doc: 'The secret being rotated out: also valid until Entra has the new BRIDGE_SECRET.',
  },
  {
    name: 'ENTRA_TENANT_IDS',
    group: 'Authentication',
    type: 'list',
    doc: '`entra-token` mode: comma-separated Entra tenant ids (GUIDs) allowed to call the bridge.',
  },
  {
    name: 'ENTRA_AUDIENCE',
    group: 'Authentication',
    type: 'text',
    default: '8adf8e6e-67b2-4cf2-a259-e3dc5476c621',
    doc: "`entra-token` mode: the tokens' audience (Entra's id for every non-gallery app).",
  },
  {
    name: 'ENTRA_JWKS_URL',
    group: 'Authentication',
    type: 'url',
    default: 'https://login.microsoftonline.com/common/discovery/keys',
    doc: "`entra-token` mode: where Entra's signing keys are published.",
  },
  {
    name: 'ENTRA_TOKEN_CLAIMS',
    group: 'Authentication',
    type: 'text',
    doc: '`entra-token` mode: claims every token must carry with these values, e.g. `appid=<guid>,oid=<guid>` (appid, azp, oid, sub): pins the bridge to one enterprise app, so another app of the tenant cannot replay its tokens here.',
  },
  {
    name: 'ENTRA_TOKEN_MAX_AGE_SECONDS',
    group: 'Authentication',
    type: 'integer',
    default: 7_200,
    min: 300,
    max: 86_400,
    doc: '`entra-token` mode: a token issued longer ago than this is refused, whatever its expiry.',
  },
  {
    name: 'PROVEN_KEY_TTL_MS',
    group: 'Authentication',
    type: 'integer',
    default: 300_000,
    min: 0,
    max: 86_400_000,
    doc: 'How long a forwarded key JumpCloud accepted is trusted before a write must prove it again.',
  },
  {
    name: 'FAILED_AUTH_LIMIT',
    group: 'Authentication',
    type: 'integer',
    default: 20,
    min: 1,
    max: 100_000,
    doc: 'Failed authentications per client address per window; then 429 for failures only (a valid key still passes).',
  },
  {
    name: 'FAILED_AUTH_WINDOW_MS',
    group: 'Authentication',
    type: 'integer',
    default: 60_000,
    min: 1_000,
    max: 86_400_000,
    doc: 'The window FAILED_AUTH_LIMIT counts over.',
  },
  // Mapping
  {
    name: 'MAPPING_FILE',
    group: 'Mapping',
    type: 'path',
    defaultDoc: "the package's own config/mapping.json",
    doc: 'The attribute table. A relative path resolves against the working directory the process starts in.',
  },
  {
    name: 'DERIVE_USERNAME_FROM_EMAIL',
    group: 'Mapping',
    type: 'boolean',
    default: true,
    doc: 'Store the part before `@` of an email-style userName as the JumpCloud username; `false` refuses such userNames.',
  },
  {
    name: 'ALLOW_USERNAME_RENAME',
    group: 'Mapping',
    type: 'boolean',
    default: false,
    doc: 'A userName change renames the JumpCloud user (the device login) only when true; otherwise it is recorded.',
  },
  {
    name: 'UNKNOWN_ATTRIBUTES',
    group: 'Mapping',
    type: 'enum',
    values: ['refuse', 'ignore'],
    default: 'refuse',
    doc: 'An attribute the table cannot store: `refuse` answers 400 naming it, `ignore` skips it and warns once.',
  },
  // Limits and time budgets
  {
    name: 'REQUEST_DEADLINE_MS',
    group: 'Limits and time budgets',
    type: 'integer',
    default: 50_000,
    min: 1_000,
    max: 58_000,
    doc: "One deadline for everything a request does upstream, inside Entra's 60 s; past it 503 + `Retry-After`.",
  },
  {
    name: 'THROTTLED_STATUS',
    group: 'Limits and time budgets',
    type: 'enum',
    values: ['503', '429'],
    default: '503',
    doc: 'The status of "come back later" when JumpCloud\'s rate limit would make a request miss its deadline (always with `Retry-After`, naming the writes done); see docs/decisions.md.',
  },
  {
    name: 'CREATE_LOOKUP_WINDOW_MS',
    group: 'Limits and time budgets',
    type: 'integer',
    default: 5_000,
    min: 0,
    max: 30_000,
    doc: 'After a create whose answer was lost, how long the bridge looks for it before concluding it did not land.',
  },
  {
    name: 'SHUTDOWN_GRACE_MS',
    group: 'Limits and time budgets',
    type: 'integer',
    defaultDoc: 'REQUEST_DEADLINE_MS + 5000',
    min: 0,
    max: 600_000,
    doc: 'How long SIGTERM waits for requests in flight; at least REQUEST_DEADLINE_MS.',
  },
  {
    name: 'SHUTDOWN_DELAY_MS',
    group: 'Limits and time budgets',
    type: 'integer',
    default: 0,
    min: 0,
    max: 60_000,
    doc: 'After SIGTERM, keep accepting this long while /readyz answers 503, so the load balancer stops routing first.',
  },
  {
    name: 'MAX_PAGE_SIZE',
    group: 'Limits and time budgets',
    type: 'integer',
    default: 200,
    min: 1,
    max: 1_000,
    doc: 'Largest `count` a list returns (advertised as `filter.maxResults`).',
  },
  {
    name: 'MAX_FILTER_SCAN',
    group: 'Limits and time budgets',
    type: 'integer',
    default: 10_000,
    min: 100,
    max: 1_000_000,
    doc: 'Most users a filter JumpCloud cannot search may scan before answering 400 `tooMany`.',
  },
  {
    name: 'MEMBER_CONCURRENCY',
    group: 'Limits and time budgets',
    type: 'integer',
    default: 8,
    min: 1,
    max: 32,
    doc: 'Parallel JumpCloud calls for a group PATCH with many member operations.',
  },
  {
    name: 'MAX_MEMBER_OPERATIONS',
    group: 'Limits and time budgets',
    type: 'integer',
    default: 10_000,
    min: 1,
    max: 100_000,
    doc: 'Most member operations (adds + removes) one group request may carry.',
  },
  // Logging and debugging
  {
    name: 'NODE_ENV',
    group: 'Logging and debugging',
    type: 'text',
    doc: '`production` makes `json` the default LOG_FORMAT.',
  },
  {
    name: 'LOG_LEVEL',
    group: 'Logging and debugging',
    type: 'enum',
    values: ['error', 'warn', 'info', 'debug'],
    default: 'info',
    doc: 'What is logged (see "Logs"): `error`, `warn`, `info` (one line per request), `debug`.',
  },
  {
    name: 'LOG_FORMAT',
    group: 'Logging and debugging',
    type: 'enum',
    values: ['json', 'pretty'],
    defaultDoc: '`json` when NODE_ENV=production, else `pretty`',
    doc: 'One JSON object per line for a log collector, or readable lines.',
  },
  {
    name: 'LOG_PERSONAL_DATA',
    group: 'Logging and debugging',
    type: 'boolean',
    default: true,
    doc: '`false`: userNames, names, e-mails, phone numbers and filter values in log lines become stable pseudonyms.',
  },
  {
    name: 'LOG_PSEUDONYM_KEY',
    group: 'Logging and debugging',
    type: 'text',
    secret: true,
    fromFile: true,
    defaultDoc: 'a random key per process',
    doc: 'HMAC key of the log pseudonyms: the same value on every replica gives the same stand-in everywhere.',
  },
  {
    name: 'DRY_RUN',
    group: 'Logging and debugging',
    type: 'boolean',
    default: false,
    doc: 'Reads go to JumpCloud; writes are computed, logged and answered as JumpCloud would, but not sent.',
  },
  {
    name: 'TRACE_USERS',
    group: 'Logging and debugging',
    type: 'list',
    doc: 'Comma-separated userNames or ids whose requests are logged in full (secrets masked).',
  },
  {
    name: 'DEBUG_PAGE',
    group: 'Logging and debugging',
    type: 'boolean',
    default: false,
    doc: 'The live debug page at `/debug`: loopback clients, or anyone presenting DEBUG_TOKEN.',
  },
  {
    name: 'DEBUG_TOKEN',
    group: 'Logging and debugging',
    type: 'text',
    secret: true,
    doc: 'Bearer token for the debug page; required when DEBUG_PAGE=true on a non-loopback HOST.',
  },
  {
    name: 'DEBUG_BUFFER_SIZE',
    group: 'Logging and debugging',
    type: 'integer',
    default: 200,
    min: 10,
    max: 10_000,
    doc: 'Exchanges the debug page keeps.',
  },
  {
    name: 'RECORD_DIR',
    group: 'Logging and debugging',
    type: 'path',
    doc: 'Write every JumpCloud exchange there as a JSON fixture (the key never); relative to the working directory.',
  },
  {
    name: 'RECORD_PSEUDONYMISE',
    group: 'Logging and debugging',
    type: 'boolean',
    default: false,
    doc: 'Recordings replace names, e-mails and phone numbers with consistent stand-ins.',
  },
  // Replicas (Redis)
  {
    name: 'REDIS_URL',
    group: 'Replicas (Redis)',
    type: 'url',
    secret: true,
    doc: 'Shared locks, limits and proven keys for more than one replica (redis:// or rediss://); unset: one process.',
  },
  {
    name: 'REDIS_KEY_PREFIX',
    group: 'Replicas (Redis)',
    type: 'text',
    default: 'scim-bridge:',
    doc: 'Namespace, for several bridges on one Redis.',
  },
  {
    name: 'LOCK_LEASE_MS',
    group: 'Replicas (Redis)',
    type: 'integer',
    default: 65_000,
    min: 61_000,
    max: 600_000,
    doc: "How long a lock outlives a replica that stopped renewing it; longer than Entra's 60 s and REQUEST_DEADLINE_MS.",
  },
  {
    name: 'LOCK_WAIT_MS',
    group: 'Replicas (Redis)',
    type: 'integer',
    defaultDoc: 'the smaller of 20000 and REQUEST_DEADLINE_MS / 2',
    min: 100,
    max: 55_000,
    doc: 'How long a request waits for a busy lock before 503 + `Retry-After`; shorter than REQUEST_DEADLINE_MS.',
  },
  // Many orgs
  {
    name: 'ORG_ROUTES',
    group: 'Many orgs',
    type: 'boolean',
    default: true,
    doc: 'Tenant URLs `/scim/v2/orgs/{orgId}` that send `x-org-id: {orgId}`.',
  },
  {
    name: 'ORG_SECRETS_FILE',
    group: 'Many orgs',
    type: 'path',
    doc: 'Bridge-held-key modes: JSON `{"<orgId>": {"apiKey": "...", "bridgeSecret": "..."}}`; relative to the working directory.',
  },
  // Metrics
  {
    name: 'METRICS',
    group: 'Metrics',
    type: 'boolean',
    default: false,
    doc: 'Prometheus metrics at `/metrics`.',
  },
  {
    name: 'METRICS_PORT',
    group: 'Metrics',
    type: 'integer',
    defaultDoc: 'the main port, guarded',
    min: 1,
    max: 65_535,
    doc: 'A separate, internal port for `/metrics`; must differ from PORT.',
  },
  {
    name: 'METRICS_HOST',
    group: 'Metrics',
    type: 'text',
    defaultDoc: 'HOST',
    doc: 'Address METRICS_PORT listens on.',
  },
  {
    name: 'METRICS_TOKEN',
    group: 'Metrics',
    type: 'text',
    secret: true,
    doc: 'Bearer token for `/metrics` on the main port; required there on a non-loopback HOST without METRICS_PORT.',
  },
  {
    name: 'METRICS_MAX_ORGS',
    group: 'Metrics',
    type: 'integer',
    default: 100,
    min: 1,
    max: 10_000,
    doc: 'Distinct `org` label values before further orgs are counted as `other`.',
  },
] as const satisfies readonly Setting[];

export type SettingName = (typeof SETTINGS)[number]['name'];

const BY_NAME: ReadonlyMap<string, Setting> = new Map(SETTINGS.map((s) => [s.name, s]));

export function setting(name: SettingName): Setting {
  const found = BY_NAME.get(name);
  if (!found) throw new Error(`no setting ${name}`);
  return found;
}

/** Every variable name the bridge reads, `<name>_FILE` included for the secrets that accept one. */
export function variableNames(): string[] {
  return SETTINGS.flatMap((s: Setting) => (s.fromFile ? [s.name, `${s.name}_FILE`] : [s.name]));
}
