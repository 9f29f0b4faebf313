import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('config', () => {
  it('has working defaults', () => {
    const c = loadConfig({});
    expect(c).to.deep.include({ port: 8080, jumpcloudUrl: 'https://console.jumpcloud.com', jumpcloudOrgId: undefined, dryRun: false, deriveUsernameFromEmail: true, allowUsernameRename: false, unknownAttributes: 'refuse' });
    expect(c.retry.budgetMs).to.be.below(60_000);
    expect(c.mappingFile).to.match(/config[\\/]mapping\.json$/);
  });
  it('accepts the EU and IN consoles and a loopback emulator over http', () => {
    expect(loadConfig({ JUMPCLOUD_URL: 'https://console.eu.jumpcloud.com' }).jumpcloudUrl).to.equal('https://console.eu.jumpcloud.com');
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
    expect(loadConfig({ TRACE_USERS: ' bjensen, 5f1b2c3d4e5f6a7b8c9d0e1f ,' }).traceUsers).to.deep.equal(['bjensen', '5f1b2c3d4e5f6a7b8c9d0e1f']);
  });
});
