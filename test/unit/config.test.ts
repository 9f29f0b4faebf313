import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { ConfigError, loadConfig, packageRoot, timeBudgetConflicts } from '../../src/config.js';
import { configRefusal } from '../helpers/config-refusal.js';

describe('config', () => {
  it('has working defaults', () => {
    const c = loadConfig({});
    expect(c).to.deep.include({
      port: 8080,
      jumpcloudUrl: 'https://console.jumpcloud.com',
      jumpcloudOrgId: undefined,
      dryRun: false,
      deriveUsernameFromEmail: true,
      allowUsernameRename: false,
      unknownAttributes: 'refuse',
    });
    expect(c.retry.budgetMs).to.be.below(60_000);
    expect(c.mappingFile).to.match(/config[\\/]mapping\.json$/);
  });
  it('accepts the EU and IN consoles and a loopback emulator over http', () => {
    expect(loadConfig({ JUMPCLOUD_URL: 'https://console.eu.jumpcloud.com' }).jumpcloudUrl).to.equal(
      'https://console.eu.jumpcloud.com',
    );
    expect(loadConfig({ JUMPCLOUD_URL: 'http://127.0.0.1:8081' }).jumpcloudUrl).to.equal('http://127.0.0.1:8081');
  });
  const bad: [Record<string, string>, RegExp][] = [
    [{ PORT: 'eighty' }, /PORT must be a whole number/],
    [{ PORT: '70000' }, /PORT must be between 0 and 65535/],
    [{ JUMPCLOUD_URL: 'console.jumpcloud.com' }, /JUMPCLOUD_URL must be a URL/],
    [{ JUMPCLOUD_URL: 'http://console.jumpcloud.com' }, /must use https/],
    [{ JUMPCLOUD_URL: 'https://console.jumpcloud.com/api' }, /without a path/],
    [{ JUMPCLOUD_ORG_ID: 'acme' }, /JUMPCLOUD_ORG_ID must be a 24-character/],
    [{ RETRY_BUDGET_MS: '90000' }, /RETRY_BUDGET_MS must be between 0 and 50000/],
    [{ RETRY_MIN_DELAY_MS: '5000', RETRY_MAX_DELAY_MS: '100' }, /must not exceed/],
    [{ LOG_LEVEL: 'verbose' }, /LOG_LEVEL must be one of/],
    [{ DRY_RUN: 'maybe' }, /DRY_RUN must be true or false/],
  ];
  for (const [env, msg] of bad) {
    it(`rejects ${JSON.stringify(env)} with one clear line`, () => {
      expect(() => loadConfig(env)).to.throw(ConfigError, msg);
    });
  }
  it('splits TRACE_USERS', () => {
    expect(loadConfig({ TRACE_USERS: ' bjensen, 5f1b2c3d4e5f6a7b8c9d0e1f ,' }).traceUsers).to.deep.equal([
      'bjensen',
      '5f1b2c3d4e5f6a7b8c9d0e1f',
    ]);
  });
});

describe('config: upstream host, secrets, auth modes, limits', () => {
  const SECRET_A = 'a'.repeat(40);
  const SECRET_B = 'b'.repeat(40);
  const KEY = 'jcHeldKey0123456789abcdefABCDEF0123456789';

  it('accepts the three JumpCloud consoles and loopback emulators only', () => {
    for (const u of [
      'https://console.jumpcloud.com',
      'https://console.eu.jumpcloud.com',
      'https://CONSOLE.IN.jumpcloud.com',
      'http://localhost:9',
      'http://[::1]:9',
    ]) {
      expect(() => loadConfig({ JUMPCLOUD_URL: u }), u).not.to.throw();
    }
    for (const u of [
      'https://console.jumpcloud.com.evil.example',
      'https://console.jumpcloud.company',
      'https://evil.example',
      'https://console.jumpcloud.com:8443',
      'https://api.jumpcloud.com',
    ]) {
      expect(() => loadConfig({ JUMPCLOUD_URL: u }), u).to.throw(ConfigError, /must be a JumpCloud console/);
    }
  });
  it('sends keys to another https host only with the explicit opt-in, and never over plain http off loopback', () => {
    expect(
      loadConfig({ JUMPCLOUD_URL: 'https://jc-proxy.internal', JUMPCLOUD_URL_ALLOW_OTHER_HOST: 'true' }).jumpcloudUrl,
    ).to.equal('https://jc-proxy.internal');
    expect(() =>
      loadConfig({ JUMPCLOUD_URL: 'http://jc-proxy.internal', JUMPCLOUD_URL_ALLOW_OTHER_HOST: 'true' }),
    ).to.throw(ConfigError, /must use https/);
  });
  it('start-up errors do not echo values that may be secrets', () => {
    const leaks: Record<string, string>[] = [
      { JUMPCLOUD_URL: 'https://admin:s3cretPassw0rd@console.jumpcloud.com' },
      { JUMPCLOUD_URL: 'not a url s3cretPassw0rd' },
      { JUMPCLOUD_ORG_ID: 's3cretPassw0rd-pasted-key' },
      { JUMPCLOUD_URL: 'https://console.jumpcloud.com/?key=s3cretPassw0rd' },
      { AUTH_MODE: 'bridge-secret', JUMPCLOUD_API_KEY: KEY, BRIDGE_SECRET: 's3cretPassw0rd' },
    ];
    for (const env of leaks) {
      const message = configRefusal(env);
      expect(message, JSON.stringify(env)).to.not.equal('');
      expect(message.toLowerCase()).to.not.contain('s3cretpassw0rd');
    }
  });
  it('DEBUG_PAGE on a non-loopback address needs DEBUG_TOKEN; loopback does not', () => {
    expect(() => loadConfig({ DEBUG_PAGE: 'true' })).to.throw(ConfigError, /needs DEBUG_TOKEN/);
    expect(() => loadConfig({ DEBUG_PAGE: 'true', HOST: '10.0.0.5' })).to.throw(ConfigError, /needs DEBUG_TOKEN/);
    expect(loadConfig({ DEBUG_PAGE: 'true', HOST: '127.0.0.1' }).debugPage.enabled).to.equal(true);
    expect(loadConfig({ DEBUG_PAGE: 'true', DEBUG_TOKEN: 't'.repeat(32) }).debugPage.token).to.equal('t'.repeat(32));
  });
  it('refuses a DEBUG_TOKEN or METRICS_TOKEN shorter than 32 characters, and a BRIDGE_SECRET no client could send', () => {
    for (const name of ['DEBUG_TOKEN', 'METRICS_TOKEN'])
      expect(() => loadConfig({ [name]: 't'.repeat(31) })).to.throw(
        ConfigError,
        new RegExp(`${name} must be at least 32 visible ASCII characters`),
      );
    for (const secret of [`${'s'.repeat(32)}é`, `${'s'.repeat(32)}\u00a0x`])
      expect(() => loadConfig({ AUTH_MODE: 'bridge-secret', JUMPCLOUD_API_KEY: KEY, BRIDGE_SECRET: secret })).to.throw(
        ConfigError,
        /BRIDGE_SECRET and BRIDGE_SECRET_PREVIOUS must (be visible ASCII characters only|be at least 32 characters without whitespace)/,
      );
    expect(() =>
      loadConfig({ AUTH_MODE: 'bridge-secret', JUMPCLOUD_API_KEY: KEY, BRIDGE_SECRET: `${'s'.repeat(32)}é` }),
    ).to.throw(ConfigError, /visible ASCII characters only/);
  });
  it("has one request deadline inside Entra's 60 s and a shutdown grace at least as long", () => {
    const c = loadConfig({});
    expect(c.requestDeadlineMs).to.equal(50_000);
    expect(c.shutdownGraceMs).to.be.at.least(c.requestDeadlineMs);
    expect(() => loadConfig({ REQUEST_DEADLINE_MS: '61000' })).to.throw(ConfigError, /REQUEST_DEADLINE_MS/);
    expect(() => loadConfig({ REQUEST_DEADLINE_MS: '20000', SHUTDOWN_GRACE_MS: '10000' })).to.throw(
      ConfigError,
      /at least REQUEST_DEADLINE_MS/,
    );
  });
  it('forward is the default auth mode', () => {
    expect(loadConfig({}).auth).to.deep.equal({ mode: 'forward' });
  });
  it('bridge-secret mode: held key plus one or two secrets (rotation), from env or files', () => {
    const c = loadConfig({
      AUTH_MODE: 'bridge-secret',
      JUMPCLOUD_API_KEY: KEY,
      BRIDGE_SECRET: SECRET_A,
      BRIDGE_SECRET_PREVIOUS: SECRET_B,
    });
    expect(c.auth).to.deep.equal({ mode: 'bridge-secret', apiKey: KEY, secrets: [SECRET_A, SECRET_B] });
    const dir = mkdtempSync(path.join(tmpdir(), 'bridge-secret-'));
    writeFileSync(path.join(dir, 'key'), `${KEY}\n`);
    writeFileSync(path.join(dir, 'secret'), `${SECRET_A}\n`);
    const f = loadConfig({
      AUTH_MODE: 'bridge-secret',
      JUMPCLOUD_API_KEY_FILE: path.join(dir, 'key'),
      BRIDGE_SECRET_FILE: path.join(dir, 'secret'),
    });
    expect(f.auth).to.deep.equal({ mode: 'bridge-secret', apiKey: KEY, secrets: [SECRET_A] });
    expect(() => loadConfig({ AUTH_MODE: 'bridge-secret', BRIDGE_SECRET: SECRET_A })).to.throw(
      ConfigError,
      /JUMPCLOUD_API_KEY/,
    );
    expect(() => loadConfig({ AUTH_MODE: 'bridge-secret', JUMPCLOUD_API_KEY: KEY })).to.throw(
      ConfigError,
      /needs BRIDGE_SECRET/,
    );
    expect(() => loadConfig({ AUTH_MODE: 'bridge-secret', JUMPCLOUD_API_KEY: KEY, BRIDGE_SECRET: KEY })).to.throw(
      ConfigError,
      /must not be the JumpCloud key/,
    );
    expect(() => loadConfig({ BRIDGE_SECRET: SECRET_A })).to.throw(ConfigError, /only with AUTH_MODE/);
  });
  it('entra-token mode: held key, allowed tenants, the custom-app audience by default', () => {
    const tenant = '72f988bf-86f1-41af-91ab-2d7cd011db47';
    const c = loadConfig({ AUTH_MODE: 'entra-token', JUMPCLOUD_API_KEY: KEY, ENTRA_TENANT_IDS: tenant.toUpperCase() });
    expect(c.auth).to.deep.include({
      mode: 'entra-token',
      tenants: [tenant],
      audience: '8adf8e6e-67b2-4cf2-a259-e3dc5476c621',
    });
    expect(() => loadConfig({ AUTH_MODE: 'entra-token', JUMPCLOUD_API_KEY: KEY })).to.throw(
      ConfigError,
      /ENTRA_TENANT_IDS/,
    );
    expect(() =>
      loadConfig({ AUTH_MODE: 'entra-token', JUMPCLOUD_API_KEY: KEY, ENTRA_TENANT_IDS: 'contoso' }),
    ).to.throw(ConfigError, /GUID/);
    expect(() =>
      loadConfig({
        AUTH_MODE: 'entra-token',
        JUMPCLOUD_API_KEY: KEY,
        ENTRA_TENANT_IDS: tenant,
        ENTRA_JWKS_URL: 'http://keys.example',
      }),
    ).to.throw(ConfigError, /https/);
  });
  it('entra-token mode: ENTRA_TOKEN_CLAIMS pins the calling app, and a token has a maximum age', () => {
    const base = {
      AUTH_MODE: 'entra-token',
      JUMPCLOUD_API_KEY: KEY,
      ENTRA_TENANT_IDS: '72f988bf-86f1-41af-91ab-2d7cd011db47',
    };
    expect(loadConfig(base).auth).to.deep.include({ pinnedClaims: {}, maxTokenAgeSeconds: 7_200 });
    const app = '0b1c2d3e-aaaa-bbbb-cccc-000000000001';
    expect(
      loadConfig({ ...base, ENTRA_TOKEN_CLAIMS: ` appid=${app} , oid=o-1`, ENTRA_TOKEN_MAX_AGE_SECONDS: '3600' }).auth,
    ).to.deep.include({ pinnedClaims: { appid: app, oid: 'o-1' }, maxTokenAgeSeconds: 3_600 });
    for (const bad of ['appid', 'roles=admin', 'appid=a b', 'appid=x;y'])
      expect(() => loadConfig({ ...base, ENTRA_TOKEN_CLAIMS: bad })).to.throw(
        ConfigError,
        /ENTRA_TOKEN_CLAIMS must be comma-separated claim=value pairs, the claims among appid, azp, oid, sub/,
      );
    expect(() => loadConfig({ ...base, ENTRA_TOKEN_MAX_AGE_SECONDS: '10' })).to.throw(
      ConfigError,
      /ENTRA_TOKEN_MAX_AGE_SECONDS must be between 300 and 86400/,
    );
  });
});

describe('config: time budgets cross-checked at start', () => {
  it('the defaults do not conflict', () => {
    expect(timeBudgetConflicts(loadConfig({}))).to.deep.equal([]);
    expect(timeBudgetConflicts(loadConfig({ REDIS_URL: 'redis://localhost' }))).to.deep.equal([]);
  });

  it('names each budget that another cuts short', () => {
    const conflicts = timeBudgetConflicts(
      loadConfig({
        REQUEST_DEADLINE_MS: '8000',
        SHUTDOWN_GRACE_MS: '8000',
        JUMPCLOUD_TIMEOUT_MS: '9000',
        RETRY_BUDGET_MS: '5000',
        RETRY_MAX_DELAY_MS: '6000',
        REDIS_URL: 'redis://localhost',
      }),
    );
    expect(conflicts.map((c) => c.split(' ')[0])).to.deep.equal([
      'JUMPCLOUD_TIMEOUT_MS',
      'JUMPCLOUD_TIMEOUT_MS',
      'RETRY_MAX_DELAY_MS',
      'CREATE_LOOKUP_WINDOW_MS',
      'LOCK_WAIT_MS',
    ]);
    expect(conflicts[0]).to.include('REQUEST_DEADLINE_MS (8000)');
    expect(timeBudgetConflicts(loadConfig({ REQUEST_DEADLINE_MS: '20000' }))[0]).to.match(
      /^RETRY_BUDGET_MS \(25000\) exceeds REQUEST_DEADLINE_MS \(20000\)/,
    );
  });
});

describe('config: relative paths', () => {
  it("the default MAPPING_FILE is the package's own, wherever the process starts; an explicit one is relative to the working directory", () => {
    expect(loadConfig({}).mappingFile).to.equal(path.join(packageRoot(), 'config', 'mapping.json'));
    expect(loadConfig({ MAPPING_FILE: 'custom/mapping.json' }).mappingFile).to.equal(
      path.resolve(process.cwd(), 'custom/mapping.json'),
    );
    expect(loadConfig({ MAPPING_FILE: '/etc/bridge/mapping.json' }).mappingFile).to.equal('/etc/bridge/mapping.json');
  });
});
