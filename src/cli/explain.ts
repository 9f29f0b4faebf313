import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SCIM_BASE } from '../http/scim-response.js';
import { loadConfig, type Config } from '../config.js';
import { createBridge } from '../bridge.js';
import { createEmulator, type Emulator, type RunningEmulator } from '../emulator/index.js';
import type { UpstreamCall } from '../jumpcloud/observed.js';
import {
  explainExchange,
  type MappingTable,
  type Rejection,
  type ResourceMapping,
} from '../mapping/exchange-mapping.js';
import type { Exchange } from '../observability/exchange.js';
import { ExportError, parseExport } from '../observability/exchange-export.js';
import { silentLogger } from '../observability/logger.js';
import { redact } from '../observability/redact.js';
import type { ExplainArgs, ReplayArgs } from './explain-args.js';
import { UsageError } from './explain-args.js';
import { IdMap, seedFromExchanges } from './replay-seed.js';

export interface ExplainResult {
  exitCode: 0 | 1;
  exchange: Exchange;
  /** The report, already scrubbed of the API key. */
  text: string;
}

const EXCERPT = 600;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

function json(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value, null, 2) ?? '');
}

function indent(text: string, by = '    '): string {
  return text
    .split('\n')
    .map((l) => by + l)
    .join('\n');
}

function excerpt(value: unknown): string {
  const text = JSON.stringify(value) ?? '';
  return text.length > EXCERPT ? `${text.slice(0, EXCERPT)}… (${text.length} characters)` : text;
}

function queryText(q: UpstreamCall['query']): string {
  return q
    ? `?${new URLSearchParams(Object.entries(q).map(([k, v]): [string, string] => [k, String(v)])).toString()}`
    : '';
}

function describeCall(c: UpstreamCall, n: number): string {
  const retries = Math.max(0, c.attempts - 1);
  const lines = [
    `  ${n}. ${c.method} ${c.path}${queryText(c.query)} → ${c.status ?? 'no answer'}  (${c.durationMs} ms, ${retries} ${retries === 1 ? 'retry' : 'retries'}${c.dryRun ? ', DRY RUN: not sent' : ''})`,
  ];
  if (c.requestBody !== undefined) lines.push(`     body:     ${JSON.stringify(c.requestBody)}`);
  if (c.responseBody !== undefined) lines.push(`     response: ${excerpt(c.responseBody)}`);
  if (c.error) lines.push(`     error:    ${c.error}`);
  return lines.join('\n');
}

function cell(value: unknown): string {
  return value === undefined ? '(none)' : (JSON.stringify(value) ?? String(value));
}

/** The mapping section, as text: one line per attribute, from the computation the debug page shows too. */
function formatMapping(mapping: MappingTable | undefined): string {
  if (!mapping) return '  (no attribute mapping for this request)';
  if (!mapping.rows.length) return `  (${mapping.note ?? 'no mapped attributes'})`;
  const patch = mapping.operation === 'patch';
  const rows = mapping.rows.map((r): [string, string, string] => [
    r.scim,
    `${r.jumpcloud} [${r.codec}]`,
    `${patch ? `${cell(r.before)} → ${cell(r.value)}` : cell(r.value)} → ${r.sent} → stored ${r.stored}${r.storedDiffers ? '  (JumpCloud stored a different value)' : ''}`,
  ]);
  const w0 = Math.max(9, ...rows.map((r) => r[0].length));
  const w1 = Math.max(15, ...rows.map((r) => r[1].length));
  const line = (a: string, b: string, c: string): string => `  ${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}`;
  const head = patch ? 'before → after → sent → stored' : 'SCIM value → sent → stored';
  return [
    line('SCIM path', 'JumpCloud field', head),
    line('-'.repeat(9), '-'.repeat(15), '-'.repeat(head.length)),
    ...rows.map((r) => line(...r)),
  ].join('\n');
}

/** The rejection block: the SCIM error's own detail, which states the rule and the fix. */
function formatRejection(rejection: Rejection): string[] {
  return [
    '!'.repeat(72),
    `REJECTED: HTTP ${rejection.status}${rejection.scimType ? `, scimType ${rejection.scimType}` : ''}`,
    `Rule and fix: ${rejection.detail}`,
    '!'.repeat(72),
  ];
}

async function readBody(file: string | undefined): Promise<string | undefined> {
  if (!file) return undefined;
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw new UsageError(`--body ${file} could not be read: ${(e as Error).message}`);
  }
}

function parsedOrRaw(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Where explain sends its requests: a bridge on loopback in front of an emulator (in-process or given). */
interface ExplainTarget {
  config: Config;
  /** The mapping of every resource type the bridge registered (explain names none itself). */
  mappings: readonly ResourceMapping[];
  /** One line saying which JumpCloud this is. */
  label: string;
  secrets: string[];
  emulator?: Emulator;
  send(method: string, path: string, bodyText: string | undefined): Promise<Answer>;
  close(): Promise<void>;
}

interface Answer {
  status: number;
  statusText: string;
  text: string;
  exchange: Exchange;
}

interface TargetOptions {
  jumpcloudUrl?: string;
  key?: string;
  dryRun: boolean;
  seed: boolean;
  /** In-process emulator only: start with the example users (a single request) or empty (a replay seeds its own). */
  exampleUsers: boolean;
}

async function openTarget(opts: TargetOptions, env: Record<string, string | undefined>): Promise<ExplainTarget> {
  let running: RunningEmulator | undefined;
  let emulator: Emulator | undefined;
  let jumpcloudUrl = opts.jumpcloudUrl;
  let key = opts.key ?? '';
  if (!jumpcloudUrl) {
    emulator = createEmulator();
    if (opts.exampleUsers) emulator.seedExampleUsers();
    running = await emulator.listen(0, '127.0.0.1');
    jumpcloudUrl = running.url;
    key = emulator.apiKeys[0] ?? '';
  } else if (opts.seed) {
    const url = new URL(jumpcloudUrl);
    if (!LOOPBACK.has(url.hostname))
      throw new UsageError('--seed only works with a loopback emulator URL, never a real JumpCloud');
    const res = await fetch(`${url.origin}/__emulator/seed`, { method: 'POST' });
    if (!res.ok)
      throw new UsageError(`--seed: ${url.origin}/__emulator/seed answered ${res.status}; is it the emulator?`);
  }
  let config: Config;
  try {
    // explain sends its key as the bearer token, so the bridge it starts forwards it (AUTH_MODE=forward).
    const auth = { AUTH_MODE: 'forward', BRIDGE_SECRET: '', ENTRA_TENANT_IDS: '' };
    config = loadConfig({
      ...env,
      JUMPCLOUD_URL: jumpcloudUrl,
      DRY_RUN: opts.dryRun ? 'true' : env.DRY_RUN,
      DEBUG_PAGE: 'false',
      TRACE_USERS: '',
      LOG_LEVEL: 'error',
      ...auth,
    });
  } catch (e) {
    // The emulator is already listening; left open it would keep the process alive after the error.
    await running?.close();
    throw e;
  }
  // Each request carries its own id, so its exchange is found however the sink calls interleave.
  const waiting = new Map<string, (e: Exchange) => void>();
  const bridge = createBridge(config, silentLogger(), [{ record: (e) => waiting.get(e.id)?.(e) }]);
  const server = createServer(bridge.app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  let n = 0;
  return {
    config,
    mappings: bridge.resources.mappings,
    label: running
      ? `in-process emulator ${running.url}${opts.exampleUsers ? ' (example users seeded)' : ''}`
      : jumpcloudUrl,
    secrets: key ? [key] : [],
    ...(emulator ? { emulator } : {}),
    send: async (method, path, bodyText) => {
      n += 1;
      const id = `explain-${n}`;
      const seen = new Promise<Exchange>((resolve) => waiting.set(id, resolve));
      const headers: Record<string, string> = {
        Authorization: `Bearer ${key}`,
        Accept: 'application/scim+json',
        'x-request-id': id,
      };
      if (bodyText !== undefined) headers['Content-Type'] = 'application/scim+json';
      const res = await fetch(`http://127.0.0.1:${port}${path}`, {
        method,
        headers,
        ...(bodyText !== undefined ? { body: bodyText } : {}),
      });
      const text = await res.text();
      const exchange = await seen;
      waiting.delete(id);
      return { status: res.status, statusText: res.statusText, text, exchange };
    },
    close: async () => {
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
      bridge.close();
      await running?.close();
    },
  };
}

/** The report for one request: calls, mapping, answer, and for a rejection the rule and the fix. */
function report(
  target: ExplainTarget,
  method: string,
  path: string,
  bodyText: string | undefined,
  answer: Answer,
): string[] {
  const requestBody = parsedOrRaw(bodyText);
  const responseBody = parsedOrRaw(answer.text || undefined);
  const { exchange } = answer;
  const explanation = explainExchange(target.mappings, {
    method,
    url: path,
    requestBody,
    status: answer.status,
    responseBody,
    upstream: exchange.upstream,
  });
  const out: string[] = [];
  out.push('SCIM request', `  ${method} ${path}`, '  Authorization: Bearer ***');
  if (bodyText !== undefined) out.push('  Content-Type: application/scim+json', indent(json(requestBody)));
  out.push('', `JumpCloud calls (${exchange.upstream.length})`);
  out.push(
    exchange.upstream.length
      ? exchange.upstream.map((c, i) => describeCall(c, i + 1)).join('\n')
      : '  (none: the bridge answered without calling JumpCloud)',
  );
  if (explanation.mapping) out.push('', MAPPING_HEADING, formatMapping(explanation.mapping));
  // What the bridge decided on the way (an attribute ignored, a username kept, a nested group skipped, drift).
  if (exchange.notes?.length)
    out.push(
      '',
      `Notes (${exchange.notes.length})`,
      ...exchange.notes.map((n) => `  ${n.level === 'warn' ? '!' : '-'} [${n.kind}] ${n.message}`),
    );
  out.push('', 'SCIM response', `  ${answer.status} ${answer.statusText}`);
  if (answer.text) out.push(indent(json(responseBody)));
  out.push('');
  if (explanation.rejection) out.push(...formatRejection(explanation.rejection));
  else out.push(`Result: accepted (${answer.status}).`);
  return out;
}

const MAPPING_HEADING = 'Attribute mapping (SCIM path → JumpCloud field → value sent → value JumpCloud stored)';

export async function runExplain(
  args: ExplainArgs,
  env: Record<string, string | undefined> = process.env,
): Promise<ExplainResult> {
  const bodyText = await readBody(args.bodyFile);
  const target = await openTarget({ ...args, exampleUsers: true }, env);
  try {
    const answer = await target.send(args.method, args.path, bodyText);
    const out = [
      `JumpCloud: ${target.label}${target.config.dryRun ? '   DRY_RUN: writes are not sent' : ''}`,
      '',
      ...report(target, args.method, args.path, bodyText, answer),
    ];
    const ok = answer.status >= 200 && answer.status < 300;
    return { exitCode: ok ? 0 : 1, exchange: answer.exchange, text: redact(out.join('\n'), target.secrets) };
  } finally {
    await target.close();
  }
}

async function readExport(file: string, stdin: () => Promise<string>): Promise<string> {
  if (file === '-') return stdin();
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw new UsageError(`--replay ${file} could not be read: ${(e as Error).message}`);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export interface ReplayResult {
  exitCode: 0 | 1;
  /** Per exchange: what was recorded and what the replay answered. */
  outcomes: { method: string; url: string; recorded: number; replayed: number | undefined }[];
  text: string;
}

/**
 * Replays every exchange of an export, oldest first, through one bridge. Against the in-process emulator, the
 * emulator first holds the users and groups JumpCloud returned in those exchanges (see `seedFromExchanges`), and
 * ids it hands out for replayed creates are substituted for the recorded ones in later requests.
 */
export async function runReplay(
  args: ReplayArgs,
  env: Record<string, string | undefined> = process.env,
  stdin: () => Promise<string> = readStdin,
): Promise<ReplayResult> {
  const source = args.replay === '-' ? 'standard input' : args.replay;
  let exchanges;
  try {
    exchanges = parseExport(await readExport(args.replay, stdin), source);
  } catch (e) {
    if (e instanceof ExportError) throw new UsageError(e.message);
    throw e;
  }
  if (!exchanges.length) throw new UsageError(`${source} holds no exchanges`);
  const target = await openTarget({ ...args, exampleUsers: false }, env);
  try {
    const out: string[] = [
      `Replaying ${exchanges.length} exchange${exchanges.length === 1 ? '' : 's'} from ${source}`,
      `JumpCloud: ${target.label}${target.config.dryRun ? '   DRY_RUN: writes are not sent' : ''}`,
    ];
    if (target.emulator) {
      const seeded = seedFromExchanges(target.emulator.store, exchanges);
      out.push(
        `Emulator seeded from the export: ${seeded.users} user${seeded.users === 1 ? '' : 's'}, ${seeded.groups} group${seeded.groups === 1 ? '' : 's'} as JumpCloud returned them`,
      );
    }
    const ids = new IdMap();
    const outcomes: ReplayResult['outcomes'] = [];
    for (const [i, recorded] of exchanges.entries()) {
      const url = ids.apply(recorded.url);
      out.push(
        '',
        '='.repeat(72),
        `Exchange ${i + 1} of ${exchanges.length}: ${recorded.method} ${url}   (recorded ${recorded.at || 'at an unknown time'}: ${recorded.status})`,
        '='.repeat(72),
      );
      if (!url.toLowerCase().startsWith(SCIM_BASE.toLowerCase())) {
        out.push(`  (not replayed: ${url} is not under ${SCIM_BASE})`);
        outcomes.push({ method: recorded.method, url, recorded: recorded.status, replayed: undefined });
        continue;
      }
      if (typeof recorded.requestBody === 'string' && /^\(body of \d+ characters not kept/.test(recorded.requestBody)) {
        out.push(`  (not replayed: ${recorded.requestBody})`);
        outcomes.push({ method: recorded.method, url, recorded: recorded.status, replayed: undefined });
        continue;
      }
      const bodyText = recorded.requestBody === undefined ? undefined : ids.apply(JSON.stringify(recorded.requestBody));
      const answer = await target.send(recorded.method, url, bodyText);
      ids.learn(recorded.responseBody, parsedOrRaw(answer.text || undefined));
      out.push(...report(target, recorded.method, url, bodyText, answer), '');
      out.push(
        answer.status === recorded.status
          ? `Replay: ${answer.status}, as recorded.`
          : `Replay: ${answer.status}, but ${recorded.status} was recorded: the outcome differs.`,
      );
      outcomes.push({ method: recorded.method, url, recorded: recorded.status, replayed: answer.status });
    }
    const same = outcomes.filter((o) => o.replayed === o.recorded).length;
    out.push('', `Replayed ${outcomes.length}: ${same} answered as recorded, ${outcomes.length - same} did not.`);
    return { exitCode: same === outcomes.length ? 0 : 1, outcomes, text: redact(out.join('\n'), target.secrets) };
  } finally {
    await target.close();
  }
}
