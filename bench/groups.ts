import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createBridge } from '../src/bridge.js';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/observability/logger.js';

/**
 * Group membership at scale, through the bridge's real HTTP stack against an in-process fake JumpCloud on loopback:
 * a 1,000-member add (one PATCH) and a 5,000-member read (one GET). The fake answers after a fixed latency so
 * the concurrency bound, not the fake, decides the wall time.
 *
 *   npm run bench -- groups            (MEMBER_CONCURRENCY=8, 5 ms upstream latency)
 */

const GROUP = '5f0c1e2d3c4b5a6978695a4b';
const uid = (n: number): string => `6a${n.toString(16).padStart(22, '0')}`;

interface Counters {
  calls: number;
  inFlight: number;
  peak: number;
}

function fakeJumpCloud(members: number, latencyMs: number, c: Counters): http.Server {
  const stored = Array.from({ length: members }, (_, i) => ({ to: { id: uid(i), type: 'user' }, attributes: {} }));
  return http.createServer((req, res) => {
    c.calls += 1;
    c.inFlight += 1;
    c.peak = Math.max(c.peak, c.inFlight);
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      setTimeout(() => {
        c.inFlight -= 1;
        const url = new URL(req.url ?? '/', 'http://fake');
        if (req.method === 'GET' && url.pathname === `/api/v2/usergroups/${GROUP}`) {
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ id: GROUP, name: 'Bench', membershipMethod: 'STATIC' }));
        } else if (req.method === 'GET' && url.pathname === `/api/v2/usergroups/${GROUP}/members`) {
          const skip = Number(url.searchParams.get('skip') ?? 0);
          const limit = Number(url.searchParams.get('limit') ?? 100);
          res
            .writeHead(200, { 'content-type': 'application/json', 'x-total-count': String(stored.length) })
            .end(JSON.stringify(stored.slice(skip, skip + limit)));
        } else if (req.method === 'POST' && url.pathname === `/api/v2/usergroups/${GROUP}/members`) {
          res.writeHead(204).end();
        } else {
          res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not Found"}');
        }
      }, latencyMs);
    });
  });
}

export interface Figure {
  scenario: string;
  status: number;
  wallMs: number;
  upstreamCalls: number;
  peakConcurrency: number;
  heapDeltaMiB: number;
}

async function measure(scenario: string, c: Counters, work: () => Promise<number>): Promise<Figure> {
  (globalThis as { gc?: () => void }).gc?.();
  c.calls = 0;
  c.peak = 0;
  const heap = process.memoryUsage().heapUsed;
  const started = performance.now();
  const status = await work();
  const wallMs = Math.round(performance.now() - started);
  const heapDeltaMiB = Math.round(((process.memoryUsage().heapUsed - heap) / 1024 / 1024) * 10) / 10;
  return { scenario, status, wallMs, upstreamCalls: c.calls, peakConcurrency: c.peak, heapDeltaMiB };
}

export async function run(
  options: { concurrency?: number; latencyMs?: number } = {},
): Promise<Record<string, unknown>> {
  const concurrency = options.concurrency ?? 8;
  const latencyMs = options.latencyMs ?? 5;
  const counters: Counters = { calls: 0, inFlight: 0, peak: 0 };
  const fake = fakeJumpCloud(5000, latencyMs, counters);
  await new Promise<void>((r) => fake.listen(0, '127.0.0.1', () => r()));
  const jcUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
  const bridge = createBridge(
    loadConfig({ JUMPCLOUD_URL: jcUrl, MEMBER_CONCURRENCY: String(concurrency) }),
    silentLogger(),
  );
  const server = bridge.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/scim/v2`;
  const headers = { authorization: 'Bearer bench-key', 'content-type': 'application/scim+json' };
  try {
    const figures: Figure[] = [];
    figures.push(
      await measure('PATCH add 1,000 members', counters, async () => {
        const value = Array.from({ length: 1000 }, (_, i) => ({ value: uid(10_000 + i) }));
        const body = JSON.stringify({
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'Add', path: 'members', value }],
        });
        const res = await fetch(`${base}/Groups/${GROUP}`, { method: 'PATCH', headers, body });
        await res.arrayBuffer();
        return res.status;
      }),
    );
    figures.push(
      await measure('GET group with 5,000 members', counters, async () => {
        const res = await fetch(`${base}/Groups/${GROUP}`, { headers });
        const doc = (await res.json()) as { members?: unknown[] };
        if ((doc.members ?? []).length !== 5000)
          throw new Error(`expected 5000 members, got ${(doc.members ?? []).length}`);
        return res.status;
      }),
    );
    return { memberConcurrency: concurrency, fakeLatencyMs: latencyMs, scenarios: figures };
  } finally {
    await new Promise((r) => server.close(r));
    bridge.close();
    await new Promise((r) => fake.close(r));
  }
}
