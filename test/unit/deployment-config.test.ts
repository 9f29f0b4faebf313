import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('config: deployment (Redis, orgs, metrics)', () => {
  it('defaults to one process, org routes on, metrics off', () => {
    expect(loadConfig({}).deployment).to.deep.equal({
      redis: undefined,
      orgs: { routes: true, secretsFile: undefined, credentials: undefined },
      metrics: { enabled: false, port: undefined, host: '0.0.0.0', token: undefined, maxOrgs: 100 },
    });
  });

  it('reads REDIS_URL with a lease longer than Entra waits for one request', () => {
    const { redis } = loadConfig({ REDIS_URL: 'rediss://bridge:s3cret@redis.internal:6380/2' }).deployment;
    expect(redis).to.deep.equal({
      url: 'rediss://bridge:s3cret@redis.internal:6380/2',
      keyPrefix: 'scim-bridge:',
      lockLeaseMs: 65_000,
      lockWaitMs: 20_000,
    });
    expect(redis!.lockLeaseMs).to.be.above(60_000);
  });

  it('takes a separate metrics port and host', () => {
    expect(
      loadConfig({ METRICS: 'true', METRICS_PORT: '9464', METRICS_HOST: '10.0.0.5' }).deployment.metrics,
    ).to.include({ enabled: true, port: 9464, host: '10.0.0.5' });
  });

  const bad: [Record<string, string>, RegExp][] = [
    [{ REDIS_URL: 'redis.internal:6379' }, /REDIS_URL must (be a URL|start with redis:\/\/)/],
    [{ REDIS_URL: 'http://redis.internal:6379' }, /REDIS_URL must start with redis:\/\/ or rediss:\/\//],
    [{ REDIS_URL: 'redis://localhost', LOCK_LEASE_MS: '30000' }, /LOCK_LEASE_MS must be between 61000/],
    [{ REDIS_KEY_PREFIX: 'a b' }, /REDIS_KEY_PREFIX may hold/],
    [{ METRICS: 'true' }, /METRICS=true on a non-loopback HOST \(0\.0\.0\.0\) needs METRICS_PORT .* or METRICS_TOKEN/],
    [{ METRICS: 'true', METRICS_PORT: '8080' }, /METRICS_PORT must differ from PORT/],
    [{ ORG_ROUTES: 'sometimes' }, /ORG_ROUTES must be true or false/],
  ];
  for (const [env, msg] of bad) {
    it(`rejects ${JSON.stringify(env)} with one clear line`, () => {
      expect(() => loadConfig(env)).to.throw(ConfigError, msg);
    });
  }

  it('never echoes a REDIS_URL, which may carry a password', () => {
    let message = '';
    try {
      loadConfig({ REDIS_URL: 'ftp://user:hunter2hunter2@redis' });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).to.match(/REDIS_URL/);
    expect(message).not.to.include('hunter2');
  });

  it('allows metrics on the main port for a loopback listener, or with a token', () => {
    expect(loadConfig({ METRICS: 'true', HOST: '127.0.0.1' }).deployment.metrics.enabled).to.equal(true);
    expect(loadConfig({ METRICS: 'true', METRICS_TOKEN: 'x'.repeat(32) }).deployment.metrics.token).to.equal(
      'x'.repeat(32),
    );
  });

  it('reads ORG_SECRETS_FILE only in the bridge-held-key modes, and refuses a bad file as a configuration error', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'orgs-'));
    const good = path.join(dir, 'good.json');
    writeFileSync(
      good,
      JSON.stringify({ '5a0b1c2d3e4f5a6b7c8d9e0f': { apiKey: 'jcOrgKey', bridgeSecret: 's'.repeat(40) } }),
    );
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, '{ nope');
    const held = { AUTH_MODE: 'bridge-secret', JUMPCLOUD_API_KEY: 'jcDefaultKey', BRIDGE_SECRET: 'x'.repeat(40) };
    expect([
      ...(loadConfig({ ...held, ORG_SECRETS_FILE: good }).deployment.orgs.credentials?.keys() ?? []),
    ]).to.deep.equal(['5a0b1c2d3e4f5a6b7c8d9e0f']);
    expect(() => loadConfig({ ORG_SECRETS_FILE: good })).to.throw(
      ConfigError,
      /ORG_SECRETS_FILE takes effect only with AUTH_MODE=bridge-secret or AUTH_MODE=entra-token/,
    );
    expect(() => loadConfig({ ...held, ORG_SECRETS_FILE: bad })).to.throw(
      ConfigError,
      /ORG_SECRETS_FILE is not valid JSON/,
    );
    expect(() => loadConfig({ ...held, ORG_SECRETS_FILE: path.join(dir, 'missing.json') })).to.throw(
      ConfigError,
      /ORG_SECRETS_FILE cannot be read \(ENOENT\)/,
    );
  });

  describe('ORG_SECRETS_FILE refuses a credential shared with the bridge defaults', () => {
    const ORG = '5a0b1c2d3e4f5a6b7c8d9e0f';
    const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
    const DEFAULT_SECRET = 'd'.repeat(40);
    const file = (entry: Record<string, unknown>): string => {
      const p = path.join(mkdtempSync(path.join(tmpdir(), 'orgs-')), 'orgs.json');
      writeFileSync(p, JSON.stringify({ [ORG]: entry }));
      return p;
    };
    const secretMode = { AUTH_MODE: 'bridge-secret', JUMPCLOUD_API_KEY: 'jcDefaultKey', BRIDGE_SECRET: DEFAULT_SECRET };
    const tokenMode = { AUTH_MODE: 'entra-token', JUMPCLOUD_API_KEY: 'jcDefaultKey', ENTRA_TENANT_IDS: TENANT };
    const cases: [string, Record<string, string>, Record<string, unknown>, RegExp][] = [
      [
        'an org bridgeSecret equal to BRIDGE_SECRET',
        secretMode,
        { apiKey: 'jcOrgKey', bridgeSecret: DEFAULT_SECRET },
        /org 5a0b1c2d3e4f5a6b7c8d9e0f has the same bridge secret as BRIDGE_SECRET/,
      ],
      [
        'an org bridgeSecretPrevious equal to BRIDGE_SECRET_PREVIOUS',
        { ...secretMode, BRIDGE_SECRET_PREVIOUS: 'p'.repeat(40) },
        { apiKey: 'jcOrgKey', bridgeSecret: 'o'.repeat(40), bridgeSecretPrevious: 'p'.repeat(40) },
        /has the same bridge secret as BRIDGE_SECRET/,
      ],
      [
        'a tenant also in ENTRA_TENANT_IDS',
        tokenMode,
        { apiKey: 'jcOrgKey', entraTenantIds: [TENANT.toUpperCase()] },
        /Entra tenant 72f988bf-86f1-41af-91ab-2d7cd011db47 is listed for org 5a0b1c2d3e4f5a6b7c8d9e0f and in ENTRA_TENANT_IDS/,
      ],
      [
        "BRIDGE_SECRET equal to an org's JumpCloud key",
        secretMode,
        { apiKey: DEFAULT_SECRET, bridgeSecret: 'o'.repeat(40) },
        /BRIDGE_SECRET \(or BRIDGE_SECRET_PREVIOUS\) is the JumpCloud key of org 5a0b1c2d3e4f5a6b7c8d9e0f/,
      ],
      [
        'an org bridgeSecret equal to JUMPCLOUD_API_KEY',
        { ...secretMode, JUMPCLOUD_API_KEY: 'k'.repeat(40) },
        { apiKey: 'jcOrgKey', bridgeSecret: 'k'.repeat(40) },
        /org 5a0b1c2d3e4f5a6b7c8d9e0f has JUMPCLOUD_API_KEY as its bridge secret/,
      ],
    ];
    for (const [what, env, entry, message] of cases) {
      it(`refuses ${what} at start-up, without echoing it`, () => {
        let error: unknown;
        try {
          loadConfig({ ...env, ORG_SECRETS_FILE: file(entry) });
        } catch (e) {
          error = e;
        }
        expect(error).to.be.instanceOf(ConfigError);
        expect((error as Error).message).to.match(message);
        expect((error as Error).message).not.to.match(/ddddddddd|ppppppppp|kkkkkkkkk/);
      });
    }
  });
});
