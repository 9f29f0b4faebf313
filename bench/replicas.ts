/**
 * What sharing state through Redis costs a request: the same PATCH and GET sequence through the bridge in
 * front of the emulator, once in one-process mode and once with REDIS_URL (a throw-away local redis-server),
 * reporting latency, CPU per request and Redis commands per request (from Redis's own INFO commandstats; the
 * total includes the commands Lua scripts run inside Redis, the script calls are the round trips that matter).
 * Usage: `npm run bench -- replicas`.
 */
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { createEmulator } from '../src/emulator/index.js';
import { createBridge } from '../src/bridge.js';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/observability/logger.js';
import { startRedis } from '../test/helpers/redis-server.js';

const KEY = 'benchKey0123456789abcdefghijklmnopqrstuv';
const pct = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const round = (n: number): number => Math.round(n * 100) / 100;

/** Commands Redis executed (including those run inside Lua scripts), and how many of them were script calls. */
async function commandsServed(redis: Redis): Promise<{ all: number; scripts: number }> {
  const info = await redis.info('commandstats');
  const all = [...info.matchAll(/calls=(\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
  const scripts = [...info.matchAll(/cmdstat_(?:eval|evalsha):calls=(\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
  return { all, scripts };
}

export async function run(options: { requests?: number } = {}): Promise<Record<string, unknown>> {
  const n = options.requests ?? 400;
  const redisServer = await startRedis();
  const probe = new Redis(redisServer.url);
  const emulator = createEmulator({ apiKeys: [KEY] });
  const up = await emulator.listen();
  const out: Record<string, unknown> = { requestsPerOperation: n };
  try {
    for (const mode of ['in-process', 'redis'] as const) {
      const env = {
        JUMPCLOUD_URL: up.url,
        LOG_LEVEL: 'error',
        ...(mode === 'redis' ? { REDIS_URL: redisServer.url } : {}),
      };
      const bridge = createBridge(loadConfig(env), silentLogger());
      const server = bridge.app.listen(0, '127.0.0.1');
      await new Promise((r) => server.once('listening', r));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/scim/v2`;
      const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/scim+json' };
      const user = emulator.store.addUser({ username: `bench-${mode}`, email: `bench-${mode}@example.com` });
      const ops: Record<string, () => Promise<Response>> = {
        'PATCH /Users/{id}': () =>
          fetch(`${base}/Users/${user._id}`, {
            method: 'PATCH',
            headers,
            body: JSON.stringify({
              schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
              Operations: [{ op: 'replace', path: 'title', value: `t${Math.random()}` }],
            }),
          }),
        'GET /Users/{id}': () => fetch(`${base}/Users/${user._id}`, { headers }),
      };
      const figures: Record<string, unknown> = {};
      for (const [name, op] of Object.entries(ops)) {
        for (let i = 0; i < 20; i++) await (await op()).arrayBuffer();
        const latencies: number[] = [];
        const commandsBefore = await commandsServed(probe);
        const cpuBefore = process.cpuUsage();
        for (let i = 0; i < n; i++) {
          const t = performance.now();
          const res = await op();
          await res.arrayBuffer();
          if (res.status !== 200) throw new Error(`${name} answered ${res.status}`);
          latencies.push(performance.now() - t);
        }
        const cpu = process.cpuUsage(cpuBefore);
        const after = await commandsServed(probe);
        // The probe's own INFO call counts once.
        const commands = after.all - commandsBefore.all - 1;
        const scripts = after.scripts - commandsBefore.scripts;
        latencies.sort((a, b) => a - b);
        figures[name] = {
          p50Ms: round(pct(latencies, 50)),
          p99Ms: round(pct(latencies, 99)),
          // Bridge and emulator share this process: CPU per request of both together.
          cpuUsPerRequestBridgeAndEmulator: Math.round((cpu.user + cpu.system) / n),
          // A script call is one round trip; the commands it runs inside Redis are counted in the total but do not travel.
          redisScriptCallsPerRequest: round(scripts / n),
          redisCommandsPerRequestIncludingLuaInternals: round(commands / n),
        };
      }
      out[mode] = figures;
      await new Promise((r) => server.close(r));
      bridge.close();
    }
  } finally {
    probe.disconnect();
    await up.close();
    await redisServer.stop();
  }
  return out;
}
