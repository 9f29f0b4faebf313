/**
 * Upstream calls per operation, uncontended: the bridge in front of the emulator (no latency, no rate limit) with
 * 1,000 and 100,000 users, each of Entra's operations sent `reps` times and the JumpCloud calls it caused counted at
 * the emulator's socket. The calls, not CPU, are what a sync spends at JumpCloud's rate limit.
 *
 *   npm run bench -- calls            1,000 and 100,000 users, 20 requests per operation
 *   npm run bench -- calls --quick    1,000 users only, 5 requests per operation
 *
 * Writes bench/results/calls-<time>.md and .json, and returns the same figures.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBridge } from '../src/bridge.js';
import { loadConfig } from '../src/config.js';
import { createEmulator, type Emulator } from '../src/emulator/index.js';
import { silentLogger } from '../src/observability/logger.js';

const KEY = 'benchKey0123456789abcdefghijklmnopqrstuv';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const SEEDED_GROUPS = 10;

interface Call {
  method: string;
  path: string;
  body?: unknown;
}

/** One SCIM request, or a short sequence counted as one operation's setup and then its measured request. */
interface Operation {
  name: string;
  /** What the figure should be, uncontended (for the report). */
  expected: string;
  /** Requests made before each measured one, not counted (a create a later PATCH needs). */
  setup?: (i: number, world: World) => Promise<void>;
  request: (i: number, world: World) => Call;
  /** The status a measured request must answer. */
  status: number;
}

interface World {
  size: number;
  userIds: string[];
  groupIds: string[];
  /** Groups the bridge created during the run, by the operation index that made them. */
  created: Map<number, string>;
  send: (call: Call) => Promise<{ status: number; body: unknown }>;
}

const user = (w: World, i: number): string => w.userIds[i % w.userIds.length] as string;
/** `n` users from `from` on, never among the last 100 (DELETE removes those). */
const members = (w: World, from: number, n: number): { value: string }[] =>
  Array.from({ length: n }, (_, k) => ({ value: user(w, (from + k) % (w.size - 100)) }));

const OPERATIONS: readonly Operation[] = [
  {
    name: 'GET /Users/{id}',
    expected: '1',
    request: (i, w) => ({ method: 'GET', path: `/Users/${user(w, i * 7)}` }),
    status: 200,
  },
  {
    name: 'GET /Users?filter=userName eq (match)',
    expected: '1',
    request: (i, w) => ({
      method: 'GET',
      path: `/Users?filter=${encodeURIComponent(`userName eq "user${(i * 13) % w.size}"`)}`,
    }),
    status: 200,
  },
  {
    name: 'POST /Users (full mapping, manager set)',
    expected: '1',
    request: (i, w) => ({
      method: 'POST',
      path: '/Users',
      body: {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
        userName: `new${i}`,
        externalId: `new${i}`,
        active: true,
        displayName: `New ${i}`,
        name: { givenName: 'New', familyName: String(i) },
        emails: [{ type: 'work', value: `new${i}@bench.example`, primary: true }],
        phoneNumbers: [{ type: 'mobile', value: `+1 555 ${i}` }],
        [ENTERPRISE]: { employeeNumber: `N${i}`, department: 'Engineering', manager: user(w, i) },
      },
    }),
    status: 201,
  },
  {
    name: 'POST /Users whose userName another user holds (409)',
    expected: '2 (the refused create, the clash read)',
    request: (i) => ({
      method: 'POST',
      path: '/Users',
      body: { userName: `user${i}`, emails: [{ value: `other${i}@bench.example` }] },
    }),
    status: 409,
  },
  {
    name: 'PATCH /Users/{id} (3 Replace ops on plain fields)',
    expected: '1',
    request: (i, w) => ({
      method: 'PATCH',
      path: `/Users/${user(w, i * 11)}`,
      body: {
        schemas: [PATCH_OP],
        Operations: [
          { op: 'Replace', path: 'displayName', value: `Patched ${i}` },
          { op: 'Replace', path: 'title', value: `Title ${i}` },
          { op: 'Replace', path: 'name.familyName', value: `Family${i}` },
        ],
      },
    }),
    status: 200,
  },
  {
    name: 'PATCH /Users/{id} (work email and title: read-modify-write)',
    expected: '2',
    request: (i, w) => ({
      method: 'PATCH',
      path: `/Users/${user(w, i * 17 + 3)}`,
      body: {
        schemas: [PATCH_OP],
        Operations: [
          { op: 'Replace', path: 'emails[type eq "work"].value', value: `moved${i}@bench.example` },
          { op: 'Replace', path: 'title', value: `Moved ${i}` },
        ],
      },
    }),
    status: 200,
  },
  {
    name: 'PATCH /Users/{id} (active False: read-modify-write)',
    expected: '2',
    request: (i, w) => ({
      method: 'PATCH',
      path: `/Users/${user(w, i * 19 + 5)}`,
      body: { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] },
    }),
    status: 200,
  },
  {
    name: 'DELETE /Users/{id}',
    expected: '1',
    request: (i, w) => ({ method: 'DELETE', path: `/Users/${w.userIds[w.userIds.length - 1 - i] as string}` }),
    status: 204,
  },
  {
    name: 'GET /Groups?filter=displayName eq (match)',
    expected: '1',
    request: (i) => ({
      method: 'GET',
      path: `/Groups?excludedAttributes=members&filter=${encodeURIComponent(`displayName eq "group${i % SEEDED_GROUPS}"`)}`,
    }),
    status: 200,
  },
  {
    name: 'POST /Groups',
    expected: '1',
    request: (i) => ({ method: 'POST', path: '/Groups', body: { displayName: `newgroup${i}` } }),
    status: 201,
  },
  {
    name: 'PATCH /Groups/{id} (Add 1 member)',
    expected: '2 (the group read, the add)',
    request: (i, w) => ({
      method: 'PATCH',
      path: `/Groups/${w.groupIds[i % SEEDED_GROUPS] as string}`,
      body: { schemas: [PATCH_OP], Operations: [{ op: 'Add', path: 'members', value: members(w, 5000 + i, 1) }] },
    }),
    status: 204,
  },
  {
    name: 'PATCH /Groups/{id} (Add 100 new members, to a group just created)',
    expected: '102 (the group and its first page of members, 100 adds)',
    setup: async (i, w) => {
      const res = await w.send({ method: 'POST', path: '/Groups', body: { displayName: `fresh${i}` } });
      w.created.set(i, String((res.body as { id: string }).id));
    },
    request: (i, w) => ({
      method: 'PATCH',
      path: `/Groups/${w.created.get(i) as string}`,
      body: { schemas: [PATCH_OP], Operations: [{ op: 'Add', path: 'members', value: members(w, i * 100, 100) }] },
    }),
    status: 204,
  },
  {
    name: 'the same 100-member PATCH re-sent (all already members)',
    expected: '2 (the two reads)',
    request: (i, w) => ({
      method: 'PATCH',
      path: `/Groups/${w.created.get(i) as string}`,
      body: { schemas: [PATCH_OP], Operations: [{ op: 'Add', path: 'members', value: members(w, i * 100, 100) }] },
    }),
    status: 204,
  },
];

function seed(emulator: Emulator, size: number): { userIds: string[]; groupIds: string[] } {
  const userIds: string[] = [];
  for (let i = 0; i < size; i++) {
    const u = emulator.store.addUser({
      username: `user${i}`,
      email: `user${i}@bench.example`,
      firstname: 'User',
      lastname: String(i),
      displayname: `User ${i}`,
    });
    userIds.push(u._id);
  }
  const groupIds = Array.from({ length: SEEDED_GROUPS }, (_, g) => emulator.store.addGroup({ name: `group${g}` }).id);
  return { userIds, groupIds };
}

interface Row {
  operation: string;
  expected: string;
  callsPerOp: Record<string, number>;
  failures: Record<string, number>;
}

async function measure(size: number, reps: number, rows: Row[], log: (m: string) => void): Promise<void> {
  const emulator = createEmulator({ apiKeys: [KEY] });
  log(`seeding ${size} users`);
  const seeded = seed(emulator, size);
  let calls = 0;
  const upstream = http.createServer((req, res) => {
    calls++;
    emulator.app(req, res);
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  const bridge = createBridge(
    loadConfig({
      JUMPCLOUD_URL: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
      LOG_LEVEL: 'error',
      MAX_FILTER_SCAN: String(size + 100),
    }),
    silentLogger(),
  );
  const server = bridge.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/scim/v2`;
  const world: World = {
    size,
    ...seeded,
    created: new Map(),
    send: async (call) => {
      const res = await fetch(`${base}${call.path}`, {
        method: call.method,
        headers: {
          authorization: `Bearer ${KEY}`,
          accept: 'application/scim+json',
          ...(call.body === undefined ? {} : { 'content-type': 'application/scim+json' }),
        },
        ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
      });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
    },
  };
  try {
    // A key's first requests prove it (an extra read, once per key): made before anything is counted.
    await world.send({ method: 'GET', path: `/Users/${world.userIds[0] as string}` });
    await world.send({
      method: 'PATCH',
      path: `/Users/${world.userIds[0] as string}`,
      body: { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'title', value: 'warm' }] },
    });
    for (const op of OPERATIONS) {
      let counted = 0;
      let failures = 0;
      for (let i = 0; i < reps; i++) {
        await op.setup?.(i, world);
        const before = calls;
        const res = await world.send(op.request(i, world));
        counted += calls - before;
        if (res.status !== op.status) failures++;
      }
      let row = rows.find((r) => r.operation === op.name);
      if (!row) {
        row = { operation: op.name, expected: op.expected, callsPerOp: {}, failures: {} };
        rows.push(row);
      }
      row.callsPerOp[String(size)] = Math.round((counted / reps) * 100) / 100;
      row.failures[String(size)] = failures;
      log(`${size} users: ${op.name}: ${row.callsPerOp[String(size)]} calls/op, ${failures} failures`);
    }
  } finally {
    await new Promise((r) => server.close(r));
    bridge.close();
    await new Promise((r) => upstream.close(r));
  }
}

function markdown(sizes: number[], reps: number, rows: Row[]): string {
  const head = `| operation | expected, uncontended | ${sizes.map((s) => `calls/op at ${s.toLocaleString('en')} users`).join(' | ')} | failures |`;
  const rule = `|---|---|${sizes.map(() => '---:').join('|')}|---:|`;
  const lines = rows.map(
    (r) =>
      `| ${r.operation} | ${r.expected} | ${sizes.map((s) => String(r.callsPerOp[String(s)] ?? '')).join(' | ')} | ${Object.values(r.failures).reduce((a, b) => a + b, 0)} |`,
  );
  return [
    `# Upstream calls per operation, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `\`npm run bench -- calls\` · the bridge in front of the emulator (no latency, no rate limit), ${reps} requests per operation, JumpCloud calls counted at the emulator's socket.`,
    '',
    head,
    rule,
    ...lines,
    '',
  ].join('\n');
}

export async function run(options: { quick?: boolean } = {}): Promise<Record<string, unknown>> {
  const sizes = options.quick ? [1_000] : [1_000, 100_000];
  const reps = options.quick ? 5 : 20;
  const log = (m: string): void => {
    process.stderr.write(`[calls ${new Date().toISOString().slice(11, 19)}] ${m}\n`);
  };
  const rows: Row[] = [];
  for (const size of sizes) await measure(size, reps, rows, log);
  const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');
  mkdirSync(dir, { recursive: true });
  const stamp = `${new Date().toISOString().slice(0, 16).replace(/:/g, '')}Z${options.quick ? '-quick' : ''}`;
  const md = markdown(sizes, reps, rows);
  writeFileSync(path.join(dir, `calls-${stamp}.md`), md);
  writeFileSync(path.join(dir, `calls-${stamp}.json`), `${JSON.stringify({ sizes, reps, rows }, null, 2)}\n`);
  process.stderr.write(`${md}\n`);
  return { sizes, reps, rows };
}
