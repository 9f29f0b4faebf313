/**
 * Entra's provisioning cycles through the bridge against a rate-limited JumpCloud: the emulator behind a steady
 * latency and a per-key token bucket (emulator modes `latencyMs`, `rateLimit`), driven like Entra's initial cycle
 * (match then create each user, then each group, then the memberships in 100-member PATCHes), one retry pass of
 * what failed, then an incremental cycle (10 % of users re-read and PATCHed, 10 % of groups with members swapped).
 * For each requests-in-flight setting it reports wall time against the minimum the rate limit allows for the calls
 * the operations made, done %, SCIM errors, upstream calls per operation and 429s.
 *
 *   npm run bench -- entra-cycle            full size: 2,000 users, 100 groups, 20,000 memberships at 20 calls/s,
 *                                           100 ms latency, 5 and 25 in flight (about 20 minutes per setting)
 *   npm run bench -- entra-cycle --quick    a tenth of the objects, same rate, latency and deadline
 *
 * Any figure can be set in the environment: CYCLE_USERS, CYCLE_GROUPS, CYCLE_MEMBERSHIPS, CYCLE_RATE (calls/s),
 * CYCLE_LATENCY_MS, CYCLE_IN_FLIGHT (e.g. "5,25"), CYCLE_DEADLINE_MS (the bridge's REQUEST_DEADLINE_MS),
 * CYCLE_REPLICAS (2: two bridges sharing a throw-away redis-server, requests alternating between them),
 * CYCLE_RETRY_AFTER=1 (the emulator names Retry-After; JumpCloud documents none), CYCLE_RETRY_PASS=at-once (the retry
 * pass re-sends every failed request at once, as Entra does a cycle later; by default each is re-sent when the
 * Retry-After of its answer has passed, as a 2025 Microsoft Q&A answer says Entra does). Results are written to
 * bench/results/entra-cycle-<time>-<scale>.json and .md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBridge, type Bridge } from '../src/bridge.js';
import { loadConfig } from '../src/config.js';
import { createEmulator, type Emulator } from '../src/emulator/index.js';
import { silentLogger } from '../src/observability/logger.js';
import { startRedis, type RedisServer } from '../test/helpers/redis-server.js';

const KEY = 'benchKey0123456789abcdefghijklmnopqrstuv';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ENTRA_TIMEOUT_MS = 60_000;
const PATCH_SIZE = 100;

export interface Scale {
  users: number;
  groups: number;
  memberships: number;
  rate: number;
  latencyMs: number;
  inFlight: number[];
  deadlineMs: number;
  replicas: number;
  retryAfter: boolean;
  /** The retry pass waits for each failed answer's Retry-After (`after`) or re-sends everything at once. */
  retryPass: 'after' | 'at-once';
}

function scaleFrom(env: NodeJS.ProcessEnv, quick: boolean): Scale {
  const num = (name: string, dflt: number): number => (env[name] ? Number(env[name]) : dflt);
  const k = quick ? 10 : 1;
  return {
    users: num('CYCLE_USERS', 2_000 / k),
    groups: num('CYCLE_GROUPS', 100 / k),
    memberships: num('CYCLE_MEMBERSHIPS', 20_000 / k),
    rate: num('CYCLE_RATE', 20),
    latencyMs: num('CYCLE_LATENCY_MS', 100),
    inFlight: (env.CYCLE_IN_FLIGHT ?? '5,25').split(',').map(Number),
    deadlineMs: num('CYCLE_DEADLINE_MS', 50_000),
    replicas: num('CYCLE_REPLICAS', 1),
    retryAfter: env.CYCLE_RETRY_AFTER === '1',
    retryPass: env.CYCLE_RETRY_PASS === 'at-once' ? 'at-once' : 'after',
  };
}

/** Upstream answers counted as the emulator sends them. */
interface Upstream {
  ok: number;
  throttled: number;
  other: number;
}

interface PhaseFigures {
  ops: number;
  wallS: number;
  scimErrors: Record<string, number>;
  upstreamCalls: number;
  upstream429: number;
  callsPerOp: number;
}

/** What a SCIM answer said: its status, and when to come back if it named a time (Retry-After, seconds). */
interface Answer {
  status: number;
  retryAfterS?: number;
}
type Op = () => Promise<Answer>;
/** A failed operation and when it may be sent again (performance.now() ms; 0: at once). */
interface Failed {
  op: Op;
  dueAt: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Runs `ops` with `inFlight` workers; an op with a `dueAt` in the future waits for it (ops are sorted by it). */
async function pool(ops: Failed[], inFlight: number, errors: Record<string, number>): Promise<Failed[]> {
  const failed: Failed[] = [];
  const queue = [...ops].sort((a, b) => a.dueAt - b.dueAt);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < queue.length) {
      const { op, dueAt } = queue[next++] as Failed;
      const wait = dueAt - performance.now();
      if (wait > 0) await sleep(wait);
      let answer: Answer;
      try {
        answer = await op();
      } catch {
        answer = { status: 0 };
      }
      if (answer.status >= 200 && answer.status < 300) continue;
      const label = answer.status === 0 ? 'timeout' : String(answer.status);
      errors[label] = (errors[label] ?? 0) + 1;
      failed.push({ op, dueAt: performance.now() + (answer.retryAfterS ?? 0) * 1000 });
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return failed;
}

class Entra {
  private turn = 0;
  constructor(private readonly bases: string[]) {}

  async call(
    method: string,
    p: string,
    body?: unknown,
  ): Promise<{ status: number; body: Record<string, unknown>; retryAfterS?: number }> {
    const base = this.bases[this.turn++ % this.bases.length] as string;
    const res = await fetch(`${base}${p}`, {
      method,
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/scim+json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(ENTRA_TIMEOUT_MS),
    });
    const text = await res.text();
    const retryAfter = Number(res.headers.get('retry-after') ?? NaN);
    return {
      status: res.status,
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
      ...(Number.isFinite(retryAfter) ? { retryAfterS: retryAfter } : {}),
    };
  }
}

const q = (s: string): string => encodeURIComponent(s);
const userName = (i: number): string => `u${i}@example.com`;
const groupName = (g: number): string => `Group ${g}`;

interface World {
  userIds: (string | undefined)[];
  groupIds: (string | undefined)[];
  /** The users of each group, as Entra would assign them. */
  members: number[][];
}

function plan(scale: Scale): World {
  const perGroup = Math.floor(scale.memberships / scale.groups);
  const members = Array.from({ length: scale.groups }, (_, g) =>
    Array.from({ length: perGroup }, (_, s) => (g * perGroup + s) % scale.users),
  );
  return { userIds: [], groupIds: [], members };
}

function userOp(entra: Entra, world: World, i: number): Op {
  return async () => {
    const found = await entra.call('GET', `/Users?filter=${q(`userName eq "${userName(i)}"`)}`);
    if (found.status !== 200) return found;
    const hit = (found.body.Resources as { id: string }[] | undefined)?.[0];
    if (hit) {
      world.userIds[i] = hit.id;
      return { status: 200 };
    }
    const created = await entra.call('POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: userName(i),
      externalId: `ext-${i}`,
      active: true,
      name: { givenName: `Given${i}`, familyName: `Family${i}` },
      emails: [{ primary: true, type: 'work', value: userName(i) }],
      title: 'Staff',
    });
    if (created.status === 201) world.userIds[i] = String(created.body.id);
    return created;
  };
}

function groupOp(entra: Entra, world: World, g: number): Op {
  return async () => {
    const found = await entra.call(
      'GET',
      `/Groups?excludedAttributes=members&filter=${q(`displayName eq "${groupName(g)}"`)}`,
    );
    if (found.status !== 200) return found;
    const hit = (found.body.Resources as { id: string }[] | undefined)?.[0];
    if (hit) {
      world.groupIds[g] = hit.id;
      return { status: 200 };
    }
    const created = await entra.call('POST', '/Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: groupName(g),
      externalId: `gext-${g}`,
    });
    if (created.status === 201) world.groupIds[g] = String(created.body.id);
    return created;
  };
}

function memberOp(entra: Entra, world: World, g: number, add: number[], remove: number[] = []): Op {
  return async () => {
    const id = world.groupIds[g];
    // Entra adds only members it provisioned, to groups it provisioned.
    if (!id) return { status: 0 };
    const ids = (users: number[]): { value: string }[] =>
      users.flatMap((u) => (world.userIds[u] ? [{ value: world.userIds[u] as string }] : []));
    const Operations = [
      ...(add.length ? [{ op: 'Add', path: 'members', value: ids(add) }] : []),
      ...(remove.length ? [{ op: 'Remove', path: 'members', value: ids(remove) }] : []),
    ];
    return entra.call('PATCH', `/Groups/${id}`, { schemas: [PATCH_OP], Operations });
  };
}

function changeOp(entra: Entra, world: World, i: number, cycle: number): Op {
  return async () => {
    const id = world.userIds[i];
    if (!id) return { status: 0 };
    const read = await entra.call('GET', `/Users/${id}`);
    if (read.status !== 200) return read;
    return entra.call('PATCH', `/Users/${id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Replace', path: 'title', value: `Title ${cycle}` }],
    });
  };
}

const round = (n: number, d = 2): number => Math.round(n * 10 ** d) / 10 ** d;

async function phase(
  name: string,
  ops: Failed[],
  inFlight: number,
  upstream: Upstream,
  log: (m: string) => void,
): Promise<{ figures: PhaseFigures; failed: Failed[] }> {
  const before = { ...upstream };
  const started = performance.now();
  const scimErrors: Record<string, number> = {};
  const failed = await pool(ops, inFlight, scimErrors);
  const wallS = (performance.now() - started) / 1000;
  const calls = upstream.ok + upstream.other - before.ok - before.other;
  const figures = {
    ops: ops.length,
    wallS: round(wallS, 1),
    scimErrors,
    upstreamCalls: calls,
    upstream429: upstream.throttled - before.throttled,
    callsPerOp: round(calls / Math.max(1, ops.length)),
  };
  log(`${name}: ${JSON.stringify(figures)}`);
  return { figures, failed };
}

interface CycleResult {
  phases: Record<string, PhaseFigures>;
  wallS: number;
  /** Upstream calls answered (not 429) over the rate: the least time the rate limit allows for them. */
  minimumS: number;
  ratio: number;
  donePct: { users: number; groups: number; memberships: number };
  scimErrors: number;
  upstream429: number;
}

function done(emulator: Emulator, scale: Scale, world: World): CycleResult['donePct'] {
  const users = [...emulator.store.users.values()].filter((u) => /^u\d+(@example\.com)?$/.test(String(u.username)));
  const groups = [...emulator.store.groups.values()].filter((g) => /^Group \d+$/.test(String(g.name)));
  let memberships = 0;
  const expected = world.members.reduce((n, m) => n + m.length, 0);
  for (const [g, want] of world.members.entries()) {
    const id = world.groupIds[g];
    if (!id) continue;
    const have = new Set(emulator.store.membersOf(id));
    for (const u of want) if (world.userIds[u] && have.has(world.userIds[u] as string)) memberships++;
  }
  return {
    users: round((100 * users.length) / scale.users, 1),
    groups: round((100 * groups.length) / scale.groups, 1),
    memberships: round((100 * memberships) / expected, 1),
  };
}

async function cycle(
  name: string,
  phases: [string, Op[]][],
  ctx: {
    inFlight: number;
    upstream: Upstream;
    scale: Scale;
    emulator: Emulator;
    world: World;
    log: (m: string) => void;
  },
  retryPass: boolean,
): Promise<CycleResult> {
  const started = performance.now();
  const before = { ...ctx.upstream };
  const out: Record<string, PhaseFigures> = {};
  const failed: Failed[] = [];
  for (const [phaseName, ops] of phases) {
    const now = ops.map((op) => ({ op, dueAt: 0 }));
    const r = await phase(`${name} ${phaseName}`, now, ctx.inFlight, ctx.upstream, ctx.log);
    out[phaseName] = r.figures;
    failed.push(...r.failed);
  }
  const wallS = (performance.now() - started) / 1000;
  const ok = ctx.upstream.ok + ctx.upstream.other - before.ok - before.other;
  const result: CycleResult = {
    phases: out,
    wallS: round(wallS, 1),
    minimumS: round(ok / ctx.scale.rate, 1),
    ratio: round(wallS / Math.max(0.001, ok / ctx.scale.rate)),
    donePct: done(ctx.emulator, ctx.scale, ctx.world),
    scimErrors: Object.values(out).reduce((n, p) => n + Object.values(p.scimErrors).reduce((a, b) => a + b, 0), 0),
    upstream429: ctx.upstream.throttled - before.throttled,
  };
  if (retryPass && failed.length) {
    const again = ctx.scale.retryPass === 'after' ? failed : failed.map(({ op }) => ({ op, dueAt: 0 }));
    const r = await phase(`${name} retry pass`, again, ctx.inFlight, ctx.upstream, ctx.log);
    out['retry pass'] = r.figures;
    (result as CycleResult & { afterRetryPass: CycleResult['donePct'] }).afterRetryPass = done(
      ctx.emulator,
      ctx.scale,
      ctx.world,
    );
  }
  return result;
}

async function oneSetting(scale: Scale, inFlight: number, log: (m: string) => void): Promise<Record<string, unknown>> {
  const emulator = createEmulator({ apiKeys: [KEY] });
  emulator.setModes({
    latencyMs: scale.latencyMs,
    rateLimit: { perSecond: scale.rate, retryAfter: scale.retryAfter },
  });
  const upstream: Upstream = { ok: 0, throttled: 0, other: 0 };
  const server = http.createServer((req, res) => {
    res.on('finish', () => {
      if (res.statusCode === 429) upstream.throttled++;
      else if (res.statusCode < 400) upstream.ok++;
      else upstream.other++;
    });
    emulator.app(req, res);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let redis: RedisServer | undefined;
  if (scale.replicas > 1) redis = await startRedis();
  const bridges: { bridge: Bridge; server: http.Server }[] = [];
  for (let r = 0; r < scale.replicas; r++) {
    const env = {
      JUMPCLOUD_URL: url,
      LOG_LEVEL: 'error',
      REQUEST_DEADLINE_MS: String(scale.deadlineMs),
      SHUTDOWN_GRACE_MS: String(scale.deadlineMs + 5_000),
      ...(redis ? { REDIS_URL: redis.url } : {}),
    };
    const bridge = createBridge(loadConfig(env), silentLogger());
    const s = bridge.app.listen(0, '127.0.0.1');
    await new Promise((r) => s.once('listening', r));
    bridges.push({ bridge, server: s });
  }
  const entra = new Entra(bridges.map((b) => `http://127.0.0.1:${(b.server.address() as AddressInfo).port}/scim/v2`));
  const world = plan(scale);
  const ctx = { inFlight, upstream, scale, emulator, world, log: (m: string) => log(`[${inFlight} in flight] ${m}`) };
  try {
    const users = Array.from({ length: scale.users }, (_, i) => userOp(entra, world, i));
    const groups = Array.from({ length: scale.groups }, (_, g) => groupOp(entra, world, g));
    const members = world.members.flatMap((m, g) =>
      Array.from({ length: Math.ceil(m.length / PATCH_SIZE) }, (_, c) =>
        memberOp(entra, world, g, m.slice(c * PATCH_SIZE, (c + 1) * PATCH_SIZE)),
      ),
    );
    const initial = await cycle(
      'initial',
      [
        ['users', users],
        ['groups', groups],
        ['memberships', members],
      ],
      ctx,
      true,
    );
    // The incremental cycle: 10 % of users changed (read by id, then PATCHed), 10 % of groups swap 5 members.
    const changed = Array.from({ length: Math.ceil(scale.users / 10) }, (_, k) => changeOp(entra, world, k * 10, 1));
    const swapped = Array.from({ length: Math.ceil(scale.groups / 10) }, (_, k) => {
      const g = k * 10;
      const m = world.members[g] ?? [];
      const outgoing = m.slice(0, 5);
      const incoming = Array.from({ length: 5 }, (_, j) => (m[m.length - 1]! + 1 + j) % scale.users);
      return memberOp(entra, world, g, incoming, outgoing);
    });
    const incremental = await cycle(
      'incremental',
      [
        ['user changes', changed],
        ['member swaps', swapped],
      ],
      ctx,
      false,
    );
    const pace = bridges.map((b) => b.bridge.pacer.snapshot());
    return { inFlight, initial, incremental, paceAtEnd: pace };
  } finally {
    for (const b of bridges) {
      await new Promise((r) => b.server.close(r));
      b.bridge.close();
    }
    await new Promise((r) => server.close(r));
    await redis?.stop();
  }
}

function markdown(scale: Scale, label: string, results: Record<string, unknown>[]): string {
  const lines = [
    `# Entra cycle at JumpCloud's rate limit (${label})`,
    '',
    `Scale: ${scale.users} users, ${scale.groups} groups, ${scale.memberships} memberships (${PATCH_SIZE}-member PATCHes); ` +
      `JumpCloud emulated at ${scale.rate} calls/s per key (token bucket, burst = 1 s), ${scale.latencyMs} ms latency, ` +
      `${scale.retryAfter ? 'with' : 'without'} Retry-After; bridge deadline ${scale.deadlineMs / 1000} s; ` +
      `${scale.replicas} replica${scale.replicas > 1 ? 's sharing Redis' : ''}; ` +
      `the retry pass ${scale.retryPass === 'after' ? "honours each answer's Retry-After" : 're-sends everything at once'}.`,
    '',
    '| in flight | cycle | wall s | rate-limit minimum s | wall / minimum | users % | groups % | memberships % | after retry pass (memberships %) | SCIM errors | 429s |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    for (const c of ['initial', 'incremental'] as const) {
      const x = r[c] as CycleResult & { afterRetryPass?: CycleResult['donePct'] };
      lines.push(
        `| ${String(r.inFlight)} | ${c} | ${x.wallS} | ${x.minimumS} | ${x.ratio} | ${x.donePct.users} | ${x.donePct.groups} | ${x.donePct.memberships} | ${x.afterRetryPass ? x.afterRetryPass.memberships : '-'} | ${x.scimErrors} | ${x.upstream429} |`,
      );
    }
  }
  lines.push(
    '',
    '| in flight | cycle | phase | ops | wall s | upstream calls per op | 429s | SCIM errors |',
    '|---|---|---|---|---|---|---|---|',
  );
  for (const r of results) {
    for (const c of ['initial', 'incremental'] as const) {
      const x = r[c] as CycleResult;
      for (const [p, f] of Object.entries(x.phases))
        lines.push(
          `| ${String(r.inFlight)} | ${c} | ${p} | ${f.ops} | ${f.wallS} | ${f.callsPerOp} | ${f.upstream429} | ${JSON.stringify(f.scimErrors)} |`,
        );
    }
  }
  return `${lines.join('\n')}\n`;
}

export async function run(options: { quick?: boolean } = {}): Promise<Record<string, unknown>> {
  const scale = scaleFrom(process.env, options.quick === true);
  const log = (m: string): void => {
    process.stderr.write(`[entra-cycle ${new Date().toISOString().slice(11, 19)}] ${m}\n`);
  };
  const results: Record<string, unknown>[] = [];
  for (const n of scale.inFlight) results.push(await oneSetting(scale, n, log));
  const label = `${scale.users} users, ${scale.rate} calls/s, ${scale.replicas} replica${scale.replicas > 1 ? 's' : ''}`;
  const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');
  mkdirSync(dir, { recursive: true });
  const stamp = `${new Date().toISOString().slice(0, 16).replace(/:/g, '')}Z`;
  const file = path.join(dir, `entra-cycle-${stamp}-${scale.users}u-${scale.inFlight.join('+')}f-${scale.replicas}r`);
  writeFileSync(`${file}.json`, JSON.stringify({ scale, results }, null, 2));
  writeFileSync(`${file}.md`, markdown(scale, label, results));
  log(`wrote ${file}.md`);
  return { scale, results };
}
