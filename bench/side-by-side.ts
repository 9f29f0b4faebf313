/**
 * The side-by-side benchmark: the bridge's production build and a bare `node:http` pass-through proxy,
 * each a child process, on the same fast JumpCloud stub (also a child), in the same run. For each of Entra's
 * everyday operations, at 1 and 50 connections, it reports requests/s, p50/p99, CPU time per request read by the
 * process under test from its own counters, the ratio to the proxy, upstream calls per operation at 1,000 and
 * 100,000 users, and upstream sockets opened; then a soak of mixed requests with RSS growth after warm-up.
 *
 * The machine is shared and noisy: throughput and latency are shown but CPU per request, and its ratio to the
 * proxy measured moments apart, is the figure to read. Each cell is repeated (`reps`) and shown with its spread.
 *
 *   npm run bench                 full run (3 repetitions, 200k-request soak; about 6–9 minutes on 2 busy cores)
 *   npm run bench -- --quick      one repetition, fewer requests, 20k soak (about a minute)
 *   npm run bench -- --no-build   reuse dist/ as it is
 *   npm run bench -- --cpu-prof   also write V8 CPU profiles of the bridge to bench/results/profiles/
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SIZES, type StubStats } from './floor/fixtures.js';
import { drive, summary, type LoadResult, type Shot } from './floor/load.js';
import { DELETE, OPERATIONS, type Operation, type OperationName } from './floor/operations.js';
import type { ProbeReading } from './floor/probe.js';
import { markdown, spread, type Cell, type Report, type Row } from './floor/report.js';

export interface Options {
  quick?: boolean;
  build?: boolean;
  cpuProf?: boolean;
  /** false: skip the soak (for iterating; a run without it is not a full result). */
  soak?: boolean;
  /** Only these operations. */
  ops?: string[];
  /** Repetitions instead of the plan's. */
  reps?: number;
  /** Soak length instead of the plan's (warm-up stays a tenth). */
  soakRequests?: number;
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(ROOT, 'dist');
const BIG = SIZES[SIZES.length - 1] as number;
const CONNECTIONS = [1, 50] as const;
/** Alternating bridge/proxy slices per measurement (see `pair`). */
const SLICES = 5;

interface Plan {
  reps: number;
  /** Measured requests per cell at 1 and at 50 connections; warm-up is a tenth of it (at least 20). */
  requests: Record<(typeof CONNECTIONS)[number], number>;
  callsRequests: number;
  soak: { total: number; warmup: number; chunk: number };
}

const PLANS: Record<'full' | 'quick', Plan> = {
  full: {
    reps: 3,
    requests: { 1: 200, 50: 1500 },
    callsRequests: 200,
    soak: { total: 200_000, warmup: 20_000, chunk: 20_000 },
  },
  quick: {
    reps: 1,
    requests: { 1: 100, 50: 600 },
    callsRequests: 50,
    soak: { total: 20_000, warmup: 4_000, chunk: 4_000 },
  },
};

const log = (msg: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
};

/** A measured child process: its URL and its own counters over IPC. */
class Child {
  private readonly waiting: ((m: Record<string, unknown>) => boolean)[] = [];
  readonly tail: string[] = [];

  constructor(
    readonly name: string,
    readonly process: ChildProcess,
  ) {
    process.on('message', (m) => {
      const msg = m as Record<string, unknown>;
      const i = this.waiting.findIndex((w) => w(msg));
      if (i >= 0) this.waiting.splice(i, 1);
    });
    const keep = (chunk: Buffer): void => {
      this.tail.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      this.tail.splice(0, Math.max(0, this.tail.length - 20));
    };
    process.stdout?.on('data', keep);
    process.stderr?.on('data', keep);
  }

  ask<T>(
    question: Record<string, unknown>,
    answer: (m: Record<string, unknown>) => T | undefined,
    timeoutMs = 30_000,
  ): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(`${this.name} did not answer ${JSON.stringify(question)}; last output:\n${this.tail.join('\n')}`),
          ),
        timeoutMs,
      );
      this.waiting.push((m) => {
        const a = answer(m);
        if (a === undefined) return false;
        clearTimeout(timer);
        resolve(a);
        return true;
      });
      if (Object.keys(question).length) this.process.send(question);
    });
  }

  read(gc = false): Promise<ProbeReading> {
    return this.ask({ probe: 'read', gc }, (m) => (m.probe === 'reading' ? (m.reading as ProbeReading) : undefined));
  }

  stop(): void {
    this.process.kill('SIGTERM');
  }
}

function start(name: string, entry: string, args: string[], env: NodeJS.ProcessEnv, execArgv: string[] = []): Child {
  const probe = pathToFileURL(path.join(DIST, 'bench', 'floor', 'probe.js')).href;
  const child = fork(entry, args, {
    cwd: ROOT,
    env,
    execArgv: ['--import', probe, '--expose-gc', ...execArgv],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  return new Child(name, child);
}

async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  await new Promise((r) => server.close(r));
  return typeof address === 'object' && address ? address.port : 0;
}

async function waitHealthy(url: string, child: Child): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (child.process.exitCode !== null || Date.now() > deadline)
      throw new Error(`${child.name} did not start; last output:\n${child.tail.join('\n')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface Target {
  kind: 'bridge' | 'proxy';
  child: Child;
  url: URL;
  agents: Map<number, http.Agent>;
}

const agentFor = (t: Target, connections: number): http.Agent => {
  let a = t.agents.get(connections);
  if (!a) {
    a = new http.Agent({ keepAlive: true, maxSockets: connections });
    t.agents.set(connections, a);
  }
  return a;
};

export async function run(options: Options = {}): Promise<Record<string, unknown>> {
  const mode = options.quick ? 'quick' : 'full';
  const base = PLANS[mode];
  const soakTotal =
    options.soakRequests && options.soakRequests > 0 ? Math.round(options.soakRequests) : base.soak.total;
  const plan: Plan = {
    ...base,
    reps: options.reps && options.reps > 0 ? Math.round(options.reps) : base.reps,
    soak:
      soakTotal === base.soak.total
        ? base.soak
        : { total: soakTotal, warmup: Math.round(soakTotal / 10), chunk: Math.round(soakTotal / 10) },
  };
  const began = performance.now();
  if (options.build !== false) {
    log('building the production output and the bench processes (npm run build:bench)');
    execFileSync('npm', ['run', 'build:bench', '--silent'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const profiles = path.join(ROOT, 'bench', 'results', 'profiles');
  if (options.cpuProf) mkdirSync(profiles, { recursive: true });

  log(`starting the stub (${SIZES.join(' and ')} users)`);
  const stub = start('stub', path.join(DIST, 'bench', 'floor', 'stub.js'), [], { PATH: process.env.PATH }, [
    '--max-old-space-size=2048',
  ]);
  const stubUrl = await stub.ask({}, (m) => (m.stub === 'ready' ? String(m.url) : undefined), 120_000);
  const stubStats = (): Promise<StubStats> =>
    stub.ask({ stub: 'stats' }, (m) => (m.stub === 'stats' ? (m.stats as StubStats) : undefined));

  const port = await freePort();
  const bridgeChild = start(
    'bridge',
    path.join(DIST, 'src', 'server.js'),
    [],
    {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      JUMPCLOUD_URL: stubUrl,
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
    },
    options.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profiles}`] : [],
  );
  const proxyChild = start('proxy', path.join(DIST, 'bench', 'floor', 'proxy.js'), [stubUrl], {
    PATH: process.env.PATH,
  });
  const proxyUrl = await proxyChild.ask({}, (m) => (m.proxy === 'ready' ? String(m.url) : undefined));
  const bridgeUrl = `http://127.0.0.1:${port}`;
  await waitHealthy(bridgeUrl, bridgeChild);
  const bridge: Target = { kind: 'bridge', child: bridgeChild, url: new URL(bridgeUrl), agents: new Map() };
  const proxy: Target = { kind: 'proxy', child: proxyChild, url: new URL(proxyUrl), agents: new Map() };

  // Every request gets a fresh number: no create, add or PATCH value repeats across cells or repetitions.
  let serial = 0;
  const shotFor =
    (t: Target, op: Operation, size: number) =>
    (i: number): Shot =>
      op[t.kind](i, size);

  /** One target, one operation: `requests` measured after `warmup`, with the process's CPU and the stub's counters. */
  const cell = async (
    t: Target,
    op: Operation,
    size: number,
    connections: number,
    requests: number,
    warmup: number,
    first?: number,
    keep?: number[],
  ): Promise<Cell> => {
    const agent = agentFor(t, connections);
    if (warmup > 0) {
      await drive(agent, t.url, connections, warmup, serial, shotFor(t, op, size));
      serial += warmup;
    }
    const s0 = await stubStats();
    const c0 = await t.child.read();
    const load: LoadResult = await drive(
      agent,
      t.url,
      connections,
      requests,
      first ?? serial,
      shotFor(t, op, size),
      keep,
    );
    if (first === undefined) serial += requests;
    const c1 = await t.child.read();
    const s1 = await stubStats();
    return {
      ...load,
      cpuMicrosPerRequest: Math.round(((c1.cpuMicros - c0.cpuMicros) / requests) * 10) / 10,
      upstreamCallsPerRequest:
        Math.round((((s1.calls[String(size)] ?? 0) - (s0.calls[String(size)] ?? 0)) / requests) * 100) / 100,
      upstreamSocketsOpened: s1.sockets - s0.sockets,
    };
  };

  /**
   * Bridge and proxy on one operation, measured in SLICES alternating slices each, so both see the same
   * neighbours on the shared machine: the ratio of their CPU per request is then a paired figure.
   */
  const pair = async (
    op: Operation,
    connections: number,
    requests: number,
    warmup: number,
  ): Promise<{ bridge: Cell; proxy: Cell }> => {
    const slice = Math.ceil(requests / SLICES);
    const out = new Map<Target, { cells: Cell[]; latencies: number[] }>();
    for (const t of [bridge, proxy]) out.set(t, { cells: [], latencies: [] });
    for (const t of [bridge, proxy])
      await drive(
        agentFor(t, connections),
        t.url,
        connections,
        warmup,
        (serial += warmup) - warmup,
        shotFor(t, op, BIG),
      );
    for (let k = 0; k < SLICES; k++) {
      for (const t of [bridge, proxy]) {
        const o = out.get(t) as { cells: Cell[]; latencies: number[] };
        o.cells.push(await cell(t, op, BIG, connections, slice, 0, undefined, o.latencies));
      }
    }
    const merge = ({ cells, latencies }: { cells: Cell[]; latencies: number[] }): Cell => {
      const n = cells.reduce((a, c) => a + c.requests, 0);
      const wallMs = cells.reduce((a, c) => a + c.wallMs, 0);
      const failures: Record<string, number> = {};
      for (const c of cells) for (const [k, v] of Object.entries(c.failures)) failures[k] = (failures[k] ?? 0) + v;
      const firstFailure = cells.find((c) => c.firstFailure)?.firstFailure;
      const weighted = (f: (c: Cell) => number, digits: number): number =>
        Math.round((cells.reduce((a, c) => a + f(c) * c.requests, 0) / n) * 10 ** digits) / 10 ** digits;
      return {
        requests: n,
        failures,
        ...(firstFailure ? { firstFailure } : {}),
        wallMs,
        requestsPerSecond: Math.round((n / wallMs) * 1000),
        latencyMs: summary(latencies),
        cpuMicrosPerRequest: weighted((c) => c.cpuMicrosPerRequest, 1),
        upstreamCallsPerRequest: weighted((c) => c.upstreamCallsPerRequest, 2),
        upstreamSocketsOpened: cells.reduce((a, c) => a + c.upstreamSocketsOpened, 0),
      };
    };
    return {
      bridge: merge(out.get(bridge) ?? { cells: [], latencies: [] }),
      proxy: merge(out.get(proxy) ?? { cells: [], latencies: [] }),
    };
  };

  /**
   * Each directory's key used alone, a few reads, so the bridge has seen JumpCloud accept it. Unproven, a first
   * burst of 50 is partly answered 429 by the failed-authentication limit without any upstream call (a calls pass
   * that began with it counted 0.4 calls per GET), and a first write pays one extra read to prove the key.
   */
  const warmKeys = async (): Promise<void> => {
    log('warm-up: each directory key, one request at a time');
    for (const size of SIZES) {
      const w = await drive(
        agentFor(bridge, 1),
        bridge.url,
        1,
        3,
        serial,
        shotFor(bridge, OPERATIONS[0] as Operation, size),
      );
      serial += 3;
      if (Object.keys(w.failures).length)
        throw new Error(`the bridge refused the ${size}-user directory's key: ${w.firstFailure ?? ''}`);
    }
  };

  const report: Report = {
    node: process.version,
    at: new Date().toISOString(),
    mode,
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    machine: {
      cpus: os.cpus().length,
      model: os.cpus()[0]?.model ?? '?',
      loadavgAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
    },
    setup: {
      directoryForTimedCells: BIG,
      requestsPerCell: plan.requests,
      repetitions: plan.reps,
      bridge: 'dist/src/server.js, NODE_ENV=production, LOG_LEVEL=warn, LOG_FORMAT=json, no DEBUG_PAGE, no TRACE_USERS',
      proxy:
        "bench/floor/proxy.ts: node:http, keep-alive agent, Bearer → x-api-key, piped; sent the operation's primary JumpCloud call",
      stub: 'bench/floor/stub.ts: node:http, indexed, no contract validation, no latency; the x-api-key picks the directory',
    },
    rows: [],
    callsOnly: [],
  };

  const ops = options.ops ? OPERATIONS.filter((o) => options.ops?.includes(o.name)) : OPERATIONS;
  if (!ops.length) throw new Error(`--ops names none of ${OPERATIONS.map((o) => o.name).join(', ')}`);
  const rows = new Map<string, Row>();
  for (const op of ops) {
    for (const connections of CONNECTIONS)
      rows.set(`${op.name}@${connections}`, {
        operation: op.name,
        title: op.title,
        connections,
        bridge: [],
        proxy: [],
        ratio: [],
        callsPerOp: {},
      });
  }
  try {
    await warmKeys();
    // JIT warm-up of every code path in both processes, so the first cells do not pay for compilation.
    log('warm-up: every operation through both targets');
    for (const op of ops) for (const t of [bridge, proxy]) await cell(t, op, BIG, 50, 300, 0);
    for (let rep = 1; rep <= plan.reps; rep++) {
      for (const op of ops) {
        for (const connections of CONNECTIONS) {
          const n = plan.requests[connections];
          const warm = Math.max(20, Math.round(n / 10));
          log(`rep ${rep}/${plan.reps} ${op.name} @${connections}: bridge, then proxy`);
          const { bridge: b, proxy: p } = await pair(op, connections, n, warm);
          const row = rows.get(`${op.name}@${connections}`) as Row;
          row.bridge.push(b);
          row.proxy.push(p);
          row.ratio.push(Math.round((b.cpuMicrosPerRequest / p.cpuMicrosPerRequest) * 100) / 100);
          row.callsPerOp[String(BIG)] = b.upstreamCallsPerRequest;
        }
      }
    }

    for (const size of SIZES.filter((s) => s !== BIG)) {
      log(`upstream calls per operation at ${size} users`);
      for (const op of ops) {
        const c = await cell(bridge, op, size, 50, plan.callsRequests, 0);
        for (const connections of CONNECTIONS) {
          const row = rows.get(`${op.name}@${connections}`) as Row;
          row.callsPerOp[String(size)] = c.upstreamCallsPerRequest;
          // A failed request may have made no call: its row must show it, or the calls figure reads as a result.
          if (Object.keys(c.failures).length)
            row.callsPassFailures = {
              ...row.callsPassFailures,
              [String(size)]: { failures: c.failures, ...(c.firstFailure ? { firstFailure: c.firstFailure } : {}) },
            };
        }
      }
    }
    report.rows = [...rows.values()].map((r) => ({ ...r, summary: summarise(r) }));

    if (options.soak !== false) {
      log(`soak: ${plan.soak.total} mixed requests at 50 connections`);
      report.soak = await soak(bridge, plan.soak, () => {
        const s = serial;
        serial += plan.soak.total;
        return s;
      });
    }

    // Destructive, so last: each DELETE removes a seeded user. The keys again first: the soak outlasts the bridge's
    // memory of a proven key (PROVEN_KEY_TTL_MS, 5 minutes), and the 1,000-user key sat idle through it.
    await warmKeys();
    for (const size of SIZES) {
      const c = await cell(bridge, DELETE, size, 1, 20, 0, 0);
      report.callsOnly.push({
        operation: DELETE.name,
        title: DELETE.title,
        size,
        upstreamCallsPerRequest: c.upstreamCallsPerRequest,
        failures: c.failures,
      });
    }
    report.upstreamSocketsOpenedTotal = (await stubStats()).sockets;
  } finally {
    for (const t of [bridge, proxy]) for (const a of t.agents.values()) a.destroy();
    // SIGTERM lets the bridge drain and Node write its --cpu-prof file on exit.
    bridgeChild.stop();
    proxyChild.stop();
    stub.stop();
  }
  report.durationSeconds = Math.round((performance.now() - began) / 1000);

  const stamp = `${report.at.slice(0, 16).replace(':', '')}Z`; // e.g. 2026-12-01T2045Z: before/after runs of one day both stay
  const dir = path.join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const partial = options.quick || options.soak === false || options.ops || options.reps || options.soakRequests;
  const name = `${stamp}${partial ? '-partial' : ''}`;
  writeFileSync(path.join(dir, `${name}.json`), `${JSON.stringify(report, null, 2)}\n`);
  const md = markdown(report);
  writeFileSync(path.join(dir, `${name}.md`), md);
  log(`wrote bench/results/${name}.json and .md in ${report.durationSeconds} s`);
  process.stdout.write(`${md}\n`);
  return { results: `bench/results/${name}.json`, summary: `bench/results/${name}.md` };
}

function summarise(r: Row): Row['summary'] {
  const callsPass = Object.values(r.callsPassFailures ?? {});
  const cells = [...r.bridge, ...r.proxy, ...callsPass];
  return {
    bridgeCpuMicros: spread(r.bridge.map((c) => c.cpuMicrosPerRequest)),
    proxyCpuMicros: spread(r.proxy.map((c) => c.cpuMicrosPerRequest)),
    ratio: spread(r.ratio),
    bridgeRps: spread(r.bridge.map((c) => c.requestsPerSecond)),
    proxyRps: spread(r.proxy.map((c) => c.requestsPerSecond)),
    bridgeP50: spread(r.bridge.map((c) => c.latencyMs.p50)),
    bridgeP99: spread(r.bridge.map((c) => c.latencyMs.p99)),
    bridgeSocketsOpened: r.bridge.reduce((a, c) => a + c.upstreamSocketsOpened, 0),
    failures: cells.reduce((a, c) => a + Object.values(c.failures).reduce((x, y) => x + y, 0), 0),
    firstFailure: cells.find((c) => c.firstFailure)?.firstFailure,
  };
}

/**
 * RSS growth over the measured part as the least-squares line through all samples (MiB from first to last
 * sample): one reading can land before or after V8 hands pages back, the line is steadier.
 */
function trend(samples: { afterRequests: number; rssMiB: number }[]): number {
  const n = samples.length;
  if (n < 2) return 0;
  const mx = samples.reduce((a, s) => a + s.afterRequests, 0) / n;
  const my = samples.reduce((a, s) => a + s.rssMiB, 0) / n;
  const sxx = samples.reduce((a, s) => a + (s.afterRequests - mx) ** 2, 0);
  const sxy = samples.reduce((a, s) => a + (s.afterRequests - mx) * (s.rssMiB - my), 0);
  const span = (samples[n - 1]?.afterRequests ?? 0) - (samples[0]?.afterRequests ?? 0);
  return Math.round((sxx ? (sxy / sxx) * span : 0) * 10) / 10;
}

/** Entra's mix in a provisioning cycle: mostly matches and reads, some updates, few creates. */
const SOAK_MIX: OperationName[] = [
  'userNameMatch',
  'getById',
  'userNameMatch',
  'patch',
  'getById',
  'userNameMatch',
  'memberAdd',
  'getById',
  'patch',
  'create',
  'userNameMatch',
  'groupMatch',
];

async function soak(bridge: Target, s: Plan['soak'], reserve: () => number): Promise<Report['soak']> {
  const byName = new Map(OPERATIONS.map((o) => [o.name, o]));
  const shot = (i: number): Shot =>
    (byName.get(SOAK_MIX[i % SOAK_MIX.length] as OperationName) as Operation).bridge(i, BIG);
  const agent = agentFor(bridge, 50);
  let first = reserve();
  const warm = await drive(agent, bridge.url, 50, s.warmup, first, shot);
  first += s.warmup;
  const base = await bridge.child.read(true);
  const samples: { afterRequests: number; rssMiB: number; heapUsedMiB: number }[] = [];
  const mib = (n: number): number => Math.round((n / 2 ** 20) * 10) / 10;
  samples.push({ afterRequests: s.warmup, rssMiB: mib(base.rss), heapUsedMiB: mib(base.heapUsed) });
  let done = s.warmup;
  let failures = Object.values(warm.failures).reduce((a, b) => a + b, 0);
  const throughput: number[] = [];
  while (done < s.total) {
    const n = Math.min(s.chunk, s.total - done);
    const r = await drive(agent, bridge.url, 50, n, first, shot);
    first += n;
    done += n;
    failures += Object.values(r.failures).reduce((a, b) => a + b, 0);
    throughput.push(r.requestsPerSecond);
    const reading = await bridge.child.read(true);
    samples.push({ afterRequests: done, rssMiB: mib(reading.rss), heapUsedMiB: mib(reading.heapUsed) });
  }
  const end = await bridge.child.read(true);
  const measured = s.total - s.warmup;
  return {
    requests: s.total,
    warmupRequests: s.warmup,
    mix: SOAK_MIX,
    failures,
    rssGrowthMiB: mib(end.rss - base.rss),
    rssTrendMiB: trend(samples),
    heapGrowthMiB: mib(end.heapUsed - base.heapUsed),
    cpuMicrosPerRequest: Math.round(((end.cpuMicros - base.cpuMicros) / measured) * 10) / 10,
    requestsPerSecond: spread(throughput),
    samples,
  };
}
