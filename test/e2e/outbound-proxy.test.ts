import { expect } from 'chai';
import { runDoctor } from '../../src/cli/doctor.js';
import { loadConfig } from '../../src/config.js';
import { createEmulator, type Emulator, type RunningEmulator } from '../../src/emulator/index.js';
import { httpTransport } from '../../src/jumpcloud/transport.js';
import { startConnectProxy, type ConnectProxy } from '../helpers/connect-proxy.js';
import { configRefusal } from '../helpers/config-refusal.js';

const PROXY_VARS = [
  'HTTPS_PROXY',
  'https_proxy',
  'HTTP_PROXY',
  'http_proxy',
  'ALL_PROXY',
  'all_proxy',
  'NO_PROXY',
  'no_proxy',
];

/**
 * Hosts that reach the internet only through an HTTPS proxy: the JumpCloud client and doctor honour the variables
 * every tool on the host honours (HTTPS_PROXY for the console, HTTP_PROXY for an http:// emulator, NO_PROXY).
 */
describe('e2e: outbound proxy (HTTPS_PROXY / HTTP_PROXY / NO_PROXY) through a local CONNECT proxy', function () {
  this.timeout(30_000);
  let emulator: Emulator;
  let running: RunningEmulator;
  let proxy: ConnectProxy;
  let key: string;
  const saved: Record<string, string | undefined> = {};

  before(async () => {
    emulator = createEmulator();
    emulator.seedExampleUsers();
    running = await emulator.listen(0, '127.0.0.1');
    key = emulator.apiKeys[0] ?? '';
    proxy = await startConnectProxy();
  });
  after(async () => {
    await proxy.close();
    await running.close();
  });
  beforeEach(() => {
    for (const v of PROXY_VARS) {
      saved[v] = process.env[v];
      delete process.env[v];
    }
    proxy.targets.length = 0;
  });
  afterEach(() => {
    for (const v of PROXY_VARS) {
      if (saved[v] === undefined) delete process.env[v];
      else process.env[v] = saved[v];
    }
  });

  const list = async (): Promise<number> => {
    const wire = httpTransport({ baseUrl: running.url, timeoutMs: 5_000 });
    try {
      const res = await wire.send({
        method: 'GET',
        path: '/api/systemusers',
        query: { limit: 1 },
        idempotent: true,
        apiKey: key,
      });
      return res.status;
    } finally {
      wire.close();
    }
  };

  it('the JumpCloud client reaches the emulator through the proxy, one tunnel to the console host', async () => {
    process.env.HTTP_PROXY = proxy.url;
    expect(await list()).to.equal(200);
    expect(proxy.targets).to.deep.equal([new URL(running.url).host]);
  });

  it('the lower-case spelling works too, and NO_PROXY sends the console directly', async () => {
    process.env.http_proxy = proxy.url;
    expect(await list()).to.equal(200);
    expect(proxy.targets).to.have.length(1);
    process.env.NO_PROXY = 'localhost,127.0.0.1';
    expect(await list()).to.equal(200);
    expect(proxy.targets, 'no further tunnel').to.have.length(1);
  });

  it('doctor goes through the proxy as well, and passes', async () => {
    process.env.HTTP_PROXY = proxy.url;
    const { text, exitCode } = await runDoctor(
      { writeCheck: false, yes: false },
      { JUMPCLOUD_API_KEY: key, JUMPCLOUD_URL: running.url, JUMPCLOUD_TIMEOUT_MS: '5000' },
      { regions: { US: running.url } },
    );
    expect(exitCode, text).to.equal(0);
    expect(proxy.targets.length).to.be.greaterThan(0);
    expect(new Set(proxy.targets)).to.deep.equal(new Set([new URL(running.url).host]));
  });

  it('a proxy setting that cannot work stops start-up with one line, never echoing the value', () => {
    expect(configRefusal({ HTTPS_PROXY: 'http://user:secret@[bad' })).to.match(/^HTTPS_PROXY must be a proxy URL/);
    expect(configRefusal({ HTTPS_PROXY: 'http://user:secret@[bad' })).to.not.include('secret');
    expect(configRefusal({ NO_PROXY: 'https://internal.example.com' })).to.match(/^NO_PROXY lists host names/);
    expect(loadConfig({ HTTPS_PROXY: 'proxy.example.com:3128', NO_PROXY: 'localhost' }).jumpcloudUrl).to.equal(
      'https://console.jumpcloud.com',
    );
  });
});
