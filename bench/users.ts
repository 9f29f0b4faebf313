/**
 * Users lifecycle throughput through the whole HTTP path (Entra → bridge → its node:http wire → emulator on loopback):
 * Entra's gallery bar is 25 requests/s per tenant. Reports requests/s, latency percentiles and heap growth for
 * a create → get → match → PATCH sequence per user, at a few client concurrencies. Usage: `npm run bench -- users`.
 */
import type { AddressInfo } from 'node:net';
import { createEmulator } from '../src/emulator/index.js';
import { createBridge } from '../src/bridge.js';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/observability/logger.js';
import { mapLimit } from '../src/util/map-limit.js';

const KEY = 'benchKey0123456789abcdefghijklmnopqrstuv';

const pct = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

export async function run(
  options: { users?: number; concurrencies?: number[] } = {},
): Promise<Record<string, unknown>> {
  const users = options.users ?? 200;
  const emulator = createEmulator({ apiKeys: [KEY] });
  const up = await emulator.listen();
  const bridge = createBridge(loadConfig({ JUMPCLOUD_URL: up.url, LOG_LEVEL: 'error' }), silentLogger());
  const server = bridge.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/scim/v2`;
  const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/scim+json' };
  const call = async (method: string, path: string, body?: unknown): Promise<number> => {
    const res = await fetch(base + path, { method, headers, ...(body ? { body: JSON.stringify(body) } : {}) });
    await res.arrayBuffer();
    return res.status;
  };
  const out: Record<string, unknown> = { usersPerRun: users, requestsPerUser: 4 };
  try {
    for (const concurrency of options.concurrencies ?? [1, 8, 32]) {
      emulator.reset();
      const latencies: number[] = [];
      const timed = async (method: string, path: string, body?: unknown): Promise<number> => {
        const t = performance.now();
        const status = await call(method, path, body);
        latencies.push(performance.now() - t);
        return status;
      };
      global.gc?.();
      const heapBefore = process.memoryUsage().heapUsed;
      const started = performance.now();
      const failures = (
        await mapLimit(
          Array.from({ length: users }, (_, i) => i),
          concurrency,
          async (i) => {
            const userName = `bench${concurrency}x${i}`;
            const t = performance.now();
            const res = await fetch(`${base}/Users`, {
              method: 'POST',
              headers,
              body: JSON.stringify({
                userName,
                emails: [{ type: 'work', value: `${userName}@example.com`, primary: true }],
                name: { givenName: 'B', familyName: String(i) },
              }),
            });
            const created = (await res.json()) as { id: string };
            latencies.push(performance.now() - t);
            const statuses = [
              res.status,
              await timed('GET', `/Users/${created.id}`),
              await timed('GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`),
              await timed('PATCH', `/Users/${created.id}`, {
                Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
              }),
            ];
            return statuses.filter((s) => s >= 300).length;
          },
        )
      ).reduce((a, b) => a + b, 0);
      const wallMs = performance.now() - started;
      const sorted = [...latencies].sort((a, b) => a - b);
      out[`concurrency=${concurrency}`] = {
        requests: users * 4,
        failures,
        wallMs: Math.round(wallMs),
        requestsPerSecond: Math.round((users * 4) / (wallMs / 1000)),
        latencyMs: {
          p50: +pct(sorted, 50).toFixed(1),
          p95: +pct(sorted, 95).toFixed(1),
          p99: +pct(sorted, 99).toFixed(1),
        },
        heapDeltaMiB: +((process.memoryUsage().heapUsed - heapBefore) / 2 ** 20).toFixed(1),
      };
    }
    return out;
  } finally {
    await new Promise((r) => server.close(r));
    bridge.close();
    await up.close();
  }
}
