import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { runExplain } from '../../src/cli/explain.js';
import { createEmulator, type Emulator } from '../../src/emulator/index.js';
import { redactString } from '../../src/observability/redact.js';
import { startBridge, type Harness } from '../helpers/bridge-harness.js';
import { configRefusal } from '../helpers/config-refusal.js';

/** A key that cannot occur by accident: any trace of it anywhere is a leak. */
const CANARY = 'jcCanaryLeak7f3e9a1b2c4d6e8f0a1b2c3d4e5f6';

function leaks(text: string): boolean {
  const t = text.toLowerCase();
  const c = CANARY.toLowerCase();
  // The whole key in any case, its URL-encoded form, and any 16-character piece of it (a truncated echo).
  for (let i = 0; i + 16 <= c.length; i += 1) if (t.includes(c.slice(i, i + 16))) return true;
  return t.includes(encodeURIComponent(c));
}

/**
 * The caller's key leaves the process in no form: logs, traces, error details, the debug page, explain
 * output, start-up errors, upstream echoes (in another case, past the 500-character cut), pre-auth failures.
 */
describe('e2e: a canary key is found nowhere', function () {
  this.timeout(30_000);
  let emulator: Emulator;
  let up: { url: string; close(): Promise<void> };
  let h: Harness;
  const seen: string[] = [];
  const call = async (method: string, p: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await h.request(method, p, body, { authorization: `Bearer ${CANARY}`, ...headers });
    seen.push(res.text, JSON.stringify([...res.headers.entries()]));
    return res;
  };

  before(async () => {
    emulator = createEmulator({ apiKeys: [CANARY] });
    up = await emulator.listen(0, '127.0.0.1');
    h = await startBridge({
      JUMPCLOUD_URL: up.url,
      DEBUG_PAGE: 'true',
      HOST: '127.0.0.1',
      TRACE_USERS: 'canaryuser',
      LOG_LEVEL: 'debug',
    });
  });
  after(async () => {
    await h.close();
    await up.close();
  });

  it('masks it in every channel', async () => {
    // Failures before authentication, with the key in the URL too.
    await call('POST', `/Users?token=${CANARY}`, '{"userName": ', {});
    await call('POST', `/Users?k=${CANARY}`, 'x'.repeat(3 * 1024 * 1024));
    await call('POST', `/Users?k=${CANARY}`, 'userName=x', { 'content-type': 'text/plain' });
    await call('GET', `/Users/%E0%A4%A?k=${CANARY}`);
    await call('POST', '/Users', '{}', { 'content-encoding': 'gzip' });
    // A malformed header is still somebody's key.
    await call('GET', '/Users', undefined, { authorization: `Bearer ${CANARY} extra` });
    await call('GET', '/Users', undefined, { authorization: `Basic ${CANARY}` });
    // Normal traffic, traced.
    const created = await call('POST', '/Users', {
      userName: 'canaryuser',
      emails: [{ value: 'canaryuser@example.com' }],
    });
    expect(created.status).to.equal(201);
    await call(
      'GET',
      `/Users?filter=${encodeURIComponent(`userName eq "canaryuser" or title eq "${CANARY}x"`)}`,
      undefined,
      { 'x-bridge-trace': 'true' },
    );
    // JumpCloud echoes the key: in upper case, and across the 500-character cut of its message.
    emulator.faults.inject({
      method: 'PUT',
      path: '/api/systemusers/',
      status: 400,
      body: { message: `${'x'.repeat(490)} bad key ${CANARY.toUpperCase()} (echo)` },
    });
    await call('PATCH', `/Users/${String(created.body.id)}`, {
      Operations: [{ op: 'replace', path: 'displayName', value: 'Canary' }],
    });
    emulator.faults.inject({
      method: 'GET',
      path: '/api/systemusers',
      status: 401,
      body: { message: `api key ${CANARY.toLowerCase()} not found` },
    });
    await call('GET', '/Users?count=1');
    // A wrong key gets JumpCloud's 401 with the key echoed.
    emulator.faults.inject({
      method: 'GET',
      path: '/api/systemusers',
      status: 401,
      body: { error: `Unauthorized: ${CANARY}` },
    });
    await call('GET', '/Users?count=1');

    // The debug page: its JSON, its export, its curl and explain copies.
    const debug = `${h.base.replace('/scim/v2', '')}/debug`;
    for (const p of ['/exchanges', '/export', '/']) {
      const res = await fetch(debug + p);
      seen.push(await res.text());
    }
    const first = (h.bridge.debug?.buffer.list() ?? [])[0];
    if (first) {
      for (const p of [`/exchanges/${first.seq}/curl`, `/exchanges/${first.seq}/explain`])
        seen.push(await (await fetch(debug + p)).text());
    }
    seen.push(JSON.stringify(h.bridge.debug?.buffer.list() ?? []));

    const leaked = seen.filter(leaks).map((t) => t.slice(0, 300));
    expect(leaked, 'responses and debug page').to.deep.equal([]);
    const channels = { responses: seen.join('\n'), logs: h.logs.join('\n') };
    expect(h.logs.length).to.be.greaterThan(5);
    expect(h.logs.some((l) => l.includes('"trace"'))).to.equal(true);
    for (const [name, text] of Object.entries(channels))
      expect(leaks(text), `the key leaked into ${name}`).to.equal(false);
  });

  it("holds a request's key for masking only while the request is in flight", async () => {
    const res = await call('GET', '/Users?count=1');
    expect(res.status).to.equal(200);
    // The hold ends a turn after the answer closed (after the request log's line).
    await new Promise((r) => setTimeout(r, 50));
    expect(redactString(`x ${CANARY}`)).to.equal(`x ${CANARY}`);
  });

  it('masks it in explain output, including JumpCloud echoes', async () => {
    emulator.faults.inject({
      method: 'POST',
      path: '/api/search/systemusers',
      status: 400,
      body: { message: `bad key ${CANARY.toUpperCase()}` },
    });
    const result = await runExplain(
      {
        method: 'GET',
        path: '/scim/v2/Users?filter=userName%20eq%20%22x%22',
        key: CANARY,
        jumpcloudUrl: up.url,
        dryRun: false,
        seed: false,
      },
      { JUMPCLOUD_API_KEY: CANARY },
    );
    expect(result.text).to.contain('JumpCloud calls');
    expect(leaks(result.text), result.text).to.equal(false);
    expect(leaks(JSON.stringify(result.exchange))).to.equal(false);
  });

  it('never echoes it in a start-up error', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'canary-'));
    writeFileSync(path.join(dir, 'short'), 'short\n');
    const envs: Record<string, string>[] = [
      { JUMPCLOUD_ORG_ID: CANARY },
      { JUMPCLOUD_URL: `https://admin:${CANARY}@console.jumpcloud.com` },
      { JUMPCLOUD_URL: `https://console.jumpcloud.com/?key=${CANARY}` },
      { JUMPCLOUD_URL: `${CANARY} not a url` },
      { AUTH_MODE: 'bridge-secret', JUMPCLOUD_API_KEY: CANARY, BRIDGE_SECRET: CANARY },
      { AUTH_MODE: 'bridge-secret', JUMPCLOUD_API_KEY: `${CANARY} x`, BRIDGE_SECRET: 'b'.repeat(40) },
      { AUTH_MODE: 'entra-token', JUMPCLOUD_API_KEY: CANARY, ENTRA_TENANT_IDS: CANARY },
      { TRUST_PROXY: `${CANARY}!` },
      { PUBLIC_URL: `${CANARY} x` },
      { LOG_LEVEL: CANARY },
    ];
    for (const env of envs) {
      const message = configRefusal(env);
      expect(message, JSON.stringify(env)).to.not.equal('');
      expect(leaks(message), `${JSON.stringify(Object.keys(env))}: ${message}`).to.equal(false);
    }
  });
});
