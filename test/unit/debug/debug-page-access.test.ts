import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { expect } from 'chai';
import { createBridge, type Bridge } from '../../../src/bridge.js';
import { loadConfig } from '../../../src/config.js';
import { isLoopbackRequest } from '../../../src/debug/debug-page.js';
import { createLogger } from '../../../src/observability/logger.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const fakeReq = (
  remoteAddress: string,
  headers: Record<string, string> = {},
): Parameters<typeof isLoopbackRequest>[0] => ({ socket: { remoteAddress }, headers });

describe('debug page access', () => {
  it('counts a request as local only from a loopback socket without forwarding headers', () => {
    expect(isLoopbackRequest(fakeReq('127.0.0.1'))).to.equal(true);
    expect(isLoopbackRequest(fakeReq('::1'))).to.equal(true);
    expect(isLoopbackRequest(fakeReq('::ffff:127.0.0.1'))).to.equal(true);
    expect(isLoopbackRequest(fakeReq('10.0.0.5'))).to.equal(false);
    expect(isLoopbackRequest(fakeReq('127.0.0.1', { 'x-forwarded-for': '203.0.113.9' }))).to.equal(false);
    expect(isLoopbackRequest(fakeReq('127.0.0.1', { forwarded: 'for=203.0.113.9' }))).to.equal(false);
  });

  describe('over HTTP', () => {
    let bridge: Bridge;
    let server: Server;
    let port: number;
    const log = new PassThrough();
    let logText = '';
    log.on('data', (c: Buffer) => (logText += c.toString('utf8')));
    const TOKEN = 'debug-token-0123456789abcdef0123456789';

    before(async () => {
      const config = loadConfig({
        JUMPCLOUD_URL: 'http://127.0.0.1:9',
        DEBUG_PAGE: 'true',
        DEBUG_TOKEN: TOKEN,
        LOG_FORMAT: 'json',
        LOG_LEVEL: 'debug',
      });
      bridge = createBridge(config, createLogger(config, log));
      server = createServer(bridge.app);
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      port = (server.address() as AddressInfo).port;
    });
    after(async () => {
      await new Promise<void>((r) => server.close(() => r()));
      bridge.close();
    });

    it('serves loopback clients, with a nonce CSP', async () => {
      const res = await get(port, '/debug');
      expect(res.status).to.equal(200);
      const csp = String(res.headers['content-security-policy']);
      expect(csp).to.match(/^default-src 'self'; script-src 'nonce-[A-Za-z0-9+/=]+'/);
      const nonce = /'nonce-([^']+)'/.exec(csp)?.[1] ?? '';
      expect(res.body).to.contain(`<script nonce="${nonce}">`);
      expect(res.headers['cache-control']).to.equal('no-store');
    });

    it('answers a forwarded client exactly like any unknown path, so the page is not disclosed', async () => {
      const hidden = await get(port, '/debug', { 'x-forwarded-for': '203.0.113.9' });
      const unknown = await get(port, '/nothing-here', { 'x-forwarded-for': '203.0.113.9' });
      expect(hidden.status).to.equal(404);
      expect(hidden.body.replace('/debug', '/X')).to.equal(unknown.body.replace('/nothing-here', '/X'));
      expect(hidden.headers['content-security-policy']).to.equal(undefined);
      expect(
        (await get(port, '/debug/exchanges', { 'x-forwarded-for': '203.0.113.9', 'x-debug-token': 'wrong' })).status,
      ).to.equal(404);
      // The export and the copy commands carry personal data too: same gate.
      for (const path of [
        '/debug/export',
        '/debug/exchanges/1/curl',
        '/debug/exchanges/1/explain',
        '/debug/exchanges/fragment',
      ]) {
        expect((await get(port, path, { 'x-forwarded-for': '203.0.113.9' })).status, path).to.equal(404);
        expect(
          (await get(port, path, { 'x-forwarded-for': '203.0.113.9' })).headers['content-disposition'],
          path,
        ).to.equal(undefined);
      }
    });

    it('exports with the token masked even when a client sent it, and says which exchange left the buffer', async () => {
      // Without a key the bridge answers 401 at once; the exchange is still recorded, URL and all.
      await get(port, `/scim/v2/Users?note=${TOKEN}`);
      const exported = await get(port, '/debug/export');
      expect(exported.status).to.equal(200);
      expect(String(exported.headers['content-disposition'])).to.match(
        /^attachment; filename="?scim-exchanges-[\dT-]+Z\.json"?$/,
      );
      expect(exported.body).to.contain('"url": "/scim/v2/Users?note=***"');
      expect(exported.body).to.not.contain(TOKEN);
      expect(exported.body).to.not.contain('jcKey0123456789abcdef');
      const gone = await get(port, '/debug/exchanges/999999/curl');
      expect(gone.status).to.equal(404);
      expect(gone.body).to.match(/^exchange 999999 is not in the buffer \(it keeps the last \d+\)/);
    });

    it('serves anyone with the token in the header or the query, and then by cookie', async () => {
      const remote = { 'x-forwarded-for': '203.0.113.9' };
      const byHeader = await get(port, '/debug/exchanges', { ...remote, 'x-debug-token': TOKEN });
      expect(byHeader.status).to.equal(200);
      const byQuery = await get(port, `/debug?token=${TOKEN}`, remote);
      expect(byQuery.status).to.equal(200);
      const cookie = String(byQuery.headers['set-cookie'] ?? '').split(';')[0] ?? '';
      expect(cookie).to.match(/^bridge_debug=[0-9a-f]{64}$/);
      expect(cookie).to.not.contain(TOKEN);
      expect((await get(port, '/debug/exchanges', { ...remote, cookie })).status).to.equal(200);
      expect((await get(port, '/debug/exchanges', { ...remote, cookie: 'bridge_debug=00' })).status).to.equal(404);
    });

    it("the search box names each registered type's naming attribute, from the attribute table", async () => {
      const res = await get(port, '/debug');
      expect(res.body).to.contain('placeholder="user userName, group displayName, id"');
      expect(res.body).to.contain('Filter by user userName, group displayName, id, or click a name.');
    });

    it("mapping.json lists every registered resource type's rows, in the registry's order", async () => {
      const res = await get(port, '/debug/mapping.json');
      expect(res.status).to.equal(200);
      const body = JSON.parse(res.body) as {
        resources: { resourceType: string; endpoint: string; rows: { scim: string }[] }[];
        schemas: { id: string }[];
      };
      expect(body.resources.map((r) => [r.resourceType, r.endpoint])).to.deep.equal(
        bridge.resources.schemas.map((s) => [s.resourceType, s.endpoint]),
      );
      expect(body.resources.map((r) => r.rows.map((row) => row.scim))).to.deep.equal(
        bridge.resources.mappings.map((m) => m.table.map((row) => row.scim)),
      );
      expect(body.resources[1]?.rows.map((r) => r.scim)).to.include.members(['displayName', 'members']);
      expect(body.schemas.map((s) => s.id)).to.include.members(bridge.resources.schemas.flatMap((s) => s.schemaIds));
    });

    it('keeps the token out of the request log', async () => {
      await get(port, `/debug/mapping?token=${TOKEN}`, { 'x-forwarded-for': '203.0.113.9' });
      await new Promise((r) => setImmediate(r));
      expect(logText).to.contain('/debug/mapping?token=***');
      expect(logText).to.not.contain(TOKEN);
    });
  });
});
