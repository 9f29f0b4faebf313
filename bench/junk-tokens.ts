/**
 * What a flood of made-up credentials does to everybody else: ten connections send GET /Users with a fresh random
 * bearer token each time (15 kB, and 4 kB: the longest a bridge still accepts for checking), while one client with a
 * good key measures its GET /Users/{id} latency. Reported per auth mode: the good GET's p50 alone and under the flood,
 * the bridge process's CPU per junk request, and its resident memory (peak of samples every 100 ms).
 * The bridge and the emulator run as their own processes (the flood's client work is not counted against either), the
 * bridge at LOG_LEVEL=info, so every 401 and 429 writes a line.
 * Usage: `npm run bench -- junk-tokens` (builds dist/ first; `--no-build` reuses it, `--quick` samples less,
 * `--cpu-prof` writes CPU profiles of the bridge to bench/results/profiles).
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { startBridgeProcess, type BridgeProcess } from '../test/helpers/bridge-process.js';
import { freePort } from '../test/helpers/redis-server.js';

const KEY = 'benchKey0123456789abcdefghijklmnopqrstuv';
const SECRET = 'benchBridgeSecret-0123456789abcdef-0123456789';
const CONNECTIONS = 10;
const round = (n: number): number => Math.round(n * 10) / 10;

function p50(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

/** Resident memory (MB) and CPU time (ms) of a process, from /proc. */
function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  // utime and stime, in clock ticks (100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function goodGets(url: string, token: string, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const t = performance.now();
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`the good GET answered ${res.status}`);
    out.push(performance.now() - t);
  }
  return out;
}

interface Flood {
  stop(): Promise<{ requests: number; statuses: Record<string, number> }>;
}

/** CONNECTIONS keep-alive sockets, each sending its next junk request as soon as the last answer is read. */
function flood(url: string, nextToken: () => string): Flood {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  let running = true;
  let requests = 0;
  const statuses: Record<string, number> = {};
  const once = (): Promise<void> =>
    new Promise((resolve) => {
      const token = nextToken();
      const req = http.get(url, { agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
        res.resume();
        res.once('end', () => {
          statuses[res.statusCode ?? 0] = (statuses[res.statusCode ?? 0] ?? 0) + 1;
          resolve();
        });
      });
      req.once('error', () => {
        statuses.error = (statuses.error ?? 0) + 1;
        resolve();
      });
    });
  const loop = async (): Promise<void> => {
    while (running) {
      await once();
      requests += 1;
    }
  };
  const loops = Array.from({ length: CONNECTIONS }, loop);
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      agent.destroy();
      return { requests, statuses };
    },
  };
}

/** The emulator as its own process, with one user to read. */
async function startEmulator(): Promise<{ url: string; userId: string; stop(): void }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/emulator/main.ts', '--port', String(port), '--key', KEY, '--seed'],
    { stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i += 1) {
    try {
      const res = await fetch(`${url}/api/systemusers?limit=1`, { headers: { 'x-api-key': KEY } });
      const body = (await res.json()) as { results: { _id: string }[] };
      const userId = body.results[0]?._id;
      if (userId) return { url, userId, stop: () => child.kill('SIGTERM') };
    } catch {
      // not listening yet
    }
    if (i > 400) {
      child.kill('SIGKILL');
      throw new Error('the emulator did not start within 20 s');
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function measure(
  bridge: BridgeProcess,
  token: string,
  userId: string,
  samples: number,
): Promise<Record<string, unknown>> {
  const good = `${bridge.origin}/scim/v2/Users/${userId}`;
  const junkUrl = `${bridge.origin}/scim/v2/Users`;
  await goodGets(good, token, 20);
  const alone = p50(await goodGets(good, token, samples));
  const out: Record<string, unknown> = { goodGetP50MsAlone: round(alone) };
  // Base64url of random bytes: visible ASCII, a shape-valid token every time, never the same twice. The same wrong
  // token over and over is the reference: what any flood of failed authentications costs, junk or not.
  const random = (length: number) => () =>
    randomBytes(Math.ceil((length * 3) / 4))
      .toString('base64url')
      .slice(0, length);
  const floods: [string, () => string][] = [
    ['random15000', random(15_000)],
    ['random4096', random(4_096)],
    ['sameWrongToken', () => 'wrongToken-0123456789abcdef0123456789'],
  ];
  out.bridgeRssMbAtRest = round(rssMb(bridge.pid));
  for (const [name, nextToken] of floods.filter(([n]) => !process.env.ONLY || n === process.env.ONLY)) {
    let peak = rssMb(bridge.pid);
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(bridge.pid))), 100);
    const cpuBefore = cpuMs(bridge.pid);
    const f = flood(junkUrl, nextToken);
    // Let the flood reach its steady state before measuring the good client.
    await new Promise((r) => setTimeout(r, 1_000));
    const under = p50(await goodGets(good, token, samples));
    const junk = await f.stop();
    clearInterval(sampler);
    const cpu = cpuMs(bridge.pid) - cpuBefore;
    out[name] = {
      goodGetP50Ms: round(under),
      slowdown: round(under / alone),
      junkRequests: junk.requests,
      junkStatuses: junk.statuses,
      bridgeCpuMsPerRequest: round(cpu / (junk.requests + samples)),
      bridgePeakRssMb: round(peak),
    };
  }
  return out;
}

export async function run(
  options: { quick?: boolean; cpuProf?: boolean; build?: boolean } = {},
): Promise<Record<string, unknown>> {
  const samples = options.quick ? 100 : 300;
  if (options.build !== false) execFileSync('npm', ['run', 'build:bench', '--silent'], { stdio: 'inherit' });
  const up = await startEmulator();
  const out: Record<string, unknown> = { connections: CONNECTIONS, samples };
  try {
    const modes: [string, Record<string, string>, string][] = [
      ['forward', {}, KEY],
      ['bridge-secret', { AUTH_MODE: 'bridge-secret', JUMPCLOUD_API_KEY: KEY, BRIDGE_SECRET: SECRET }, SECRET],
    ];
    for (const [mode, env, token] of modes) {
      const bridge = await startBridgeProcess(
        { JUMPCLOUD_URL: up.url, ...env },
        { built: true, nodeArgs: options.cpuProf ? ['--cpu-prof', '--cpu-prof-dir=bench/results/profiles'] : [] },
      );
      try {
        out[mode] = await measure(bridge, token, up.userId, samples);
      } finally {
        await bridge.stop();
      }
    }
  } finally {
    up.stop();
  }
  return out;
}
