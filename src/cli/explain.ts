import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../config.js';
import { createBridge } from '../bridge.js';
import { createEmulator, type RunningEmulator } from '../emulator/index.js';
import type { UpstreamCall } from '../jumpcloud/observed.js';
import { loadAttributeTable, UserTable, type AttributeRow } from '../mapping/attribute-table.js';
import type { Exchange } from '../observability/exchange.js';
import { silentLogger } from '../observability/logger.js';
import { redact } from '../observability/redact.js';
import { normaliseResource } from '../scim/resource.js';
import { isRecord } from '../util/guards.js';
import type { ExplainArgs } from './explain-args.js';
import { UsageError } from './explain-args.js';

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
  return q ? `?${new URLSearchParams(Object.entries(q).map(([k, v]): [string, string] => [k, String(v)])).toString()}` : '';
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

function target(row: AttributeRow): string {
  return row.target.kind === 'field' ? row.target.field : `attributes.${row.target.name}`;
}

/** The JumpCloud side of one row, computed by the same table code the bridge writes with. */
function rowWrite(row: AttributeRow, doc: Record<string, unknown>): string {
  const write = new UserTable([row]).toJumpCloud(doc);
  const parts = [
    ...Object.entries(write.fields).map(([k, v]) => `${k}=${JSON.stringify(v)}`),
    ...Object.entries(write.custom).map(([k, v]) => `attributes.${k}=${JSON.stringify(v)}`),
  ];
  return parts.join(', ');
}

function scimValue(doc: Record<string, unknown>, row: AttributeRow): unknown {
  let node: unknown = row.path.uri ? doc[row.path.uri] : doc;
  for (const k of [row.path.name, ...(row.path.sub ? [row.path.sub] : [])]) node = isRecord(node) ? node[k] : undefined;
  return node;
}

/** Attribute names a PatchOp touches, by their top-level SCIM name (case-insensitive). */
function patchedNames(body: unknown): Set<string> {
  const names = new Set<string>();
  const ops = isRecord(body) && Array.isArray(body.Operations) ? body.Operations : [];
  const add = (text: string): void => {
    const at = /^urn:/i.test(text) ? text.lastIndexOf(':') : -1;
    const rest = at >= 0 ? text.slice(at + 1) : text;
    names.add((rest.split(/[.[]/)[0] ?? '').toLowerCase());
  };
  for (const op of ops) {
    if (!isRecord(op)) continue;
    if (typeof op.path === 'string') add(op.path);
    else if (isRecord(op.value)) {
      for (const [k, v] of Object.entries(op.value)) {
        // A path-less value may carry a whole extension object; its keys are the attributes.
        if (/^urn:/i.test(k) && isRecord(v) && !/:User:[^:]+$/.test(k)) Object.keys(v).forEach(add);
        else add(k);
      }
    }
  }
  return names;
}

function mappingTable(table: UserTable, method: string, requestBody: unknown, responseBody: unknown): string {
  let doc: Record<string, unknown>;
  let touched: Set<string> | undefined;
  try {
    if (method === 'PATCH') {
      // The table shows the resulting user for the attributes the PatchOp touched.
      if (!isRecord(responseBody) || responseBody.id === undefined) return '  (the PATCH was not applied, so there is nothing to map)';
      doc = normaliseResource(responseBody, table.schema);
      touched = patchedNames(requestBody);
    } else {
      doc = normaliseResource(requestBody, table.schema);
    }
  } catch (e) {
    return `  (the body cannot be mapped: ${(e as Error).message})`;
  }
  const rows: [string, string, string][] = [];
  for (const row of table.rows) {
    if (touched && !touched.has(row.path.name.toLowerCase())) continue;
    const value = scimValue(doc, row);
    if (value === undefined && !touched) continue;
    let jc: string;
    if (row.mutability === 'readOnly') jc = '(read-only: never written)';
    else {
      try {
        jc = rowWrite(row, doc) || '(nothing written)';
      } catch (e) {
        jc = `REJECTED: ${(e as Error).message}`;
      }
    }
    rows.push([row.scim, `${target(row)} [${row.codecName}]`, `${JSON.stringify(value) ?? '(no value)'} → ${jc}`]);
  }
  if (!rows.length) return '  (no mapped attributes in this body)';
  const w0 = Math.max(9, ...rows.map((r) => r[0].length));
  const w1 = Math.max(15, ...rows.map((r) => r[1].length));
  const line = (a: string, b: string, c: string): string => `  ${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}`;
  return [line('SCIM path', 'JumpCloud field', 'value'), line('-'.repeat(9), '-'.repeat(15), '-----'), ...rows.map((r) => line(...r))].join('\n');
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

export async function runExplain(args: ExplainArgs, env: Record<string, string | undefined> = process.env): Promise<ExplainResult> {
  const bodyText = await readBody(args.bodyFile);
  let running: RunningEmulator | undefined;
  let jumpcloudUrl = args.jumpcloudUrl;
  let key = args.key ?? '';
  if (!jumpcloudUrl) {
    const emulator = createEmulator();
    emulator.seedExampleUsers();
    running = await emulator.listen(0, '127.0.0.1');
    jumpcloudUrl = running.url;
    key = emulator.apiKeys[0] ?? '';
  } else if (args.seed) {
    const url = new URL(jumpcloudUrl);
    if (!LOOPBACK.has(url.hostname)) throw new UsageError('--seed only works with a loopback emulator URL, never a real JumpCloud');
    const res = await fetch(`${url.origin}/__emulator/seed`, { method: 'POST' });
    if (!res.ok) throw new UsageError(`--seed: ${url.origin}/__emulator/seed answered ${res.status}; is it the emulator?`);
  }
  const secrets = key ? [key] : [];
  let config;
  try {
    config = loadConfig({
      ...env,
      JUMPCLOUD_URL: jumpcloudUrl,
      DRY_RUN: args.dryRun ? 'true' : env.DRY_RUN,
      DEBUG_PAGE: 'false',
      TRACE_USERS: '',
      LOG_LEVEL: 'error',
    });
  } catch (e) {
    // The emulator is already listening; left open it would keep the process alive after the error.
    await running?.close();
    throw e;
  }
  let captured: (e: Exchange) => void = () => undefined;
  const seen = new Promise<Exchange>((resolve) => {
    captured = resolve;
  });
  const bridge = createBridge(config, silentLogger(), [{ record: (e) => captured(e) }]);
  const server = createServer(bridge.app);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    const headers: Record<string, string> = { Authorization: `Bearer ${key}`, Accept: 'application/scim+json' };
    if (bodyText !== undefined) headers['Content-Type'] = 'application/scim+json';
    const res = await fetch(`http://127.0.0.1:${port}${args.path}`, { method: args.method, headers, ...(bodyText !== undefined ? { body: bodyText } : {}) });
    const responseText = await res.text();
    const exchange = await seen;
    const table = loadAttributeTable(config.mappingFile, { deriveUsernameFromEmail: config.deriveUsernameFromEmail }).users;
    const responseBody = parsedOrRaw(responseText || undefined);
    const requestBody = parsedOrRaw(bodyText);
    const out: string[] = [];
    out.push(`JumpCloud: ${running ? `in-process emulator ${running.url} (example users seeded)` : jumpcloudUrl}${config.dryRun ? '   DRY_RUN: writes are not sent' : ''}`, '');
    out.push('SCIM request', `  ${args.method} ${args.path}`, '  Authorization: Bearer ***');
    if (bodyText !== undefined) out.push('  Content-Type: application/scim+json', indent(json(requestBody)));
    out.push('', `JumpCloud calls (${exchange.upstream.length})`);
    out.push(exchange.upstream.length ? exchange.upstream.map((c, i) => describeCall(c, i + 1)).join('\n') : '  (none: the bridge answered without calling JumpCloud)');
    const isUsers = /^\/scim\/v2\/users(\/[^/?]*)?(\?|$)/i.test(args.path);
    if (isUsers && (args.method === 'POST' || args.method === 'PUT' || args.method === 'PATCH') && !/\.search/i.test(args.path)) {
      out.push('', 'Attribute mapping (SCIM path → JumpCloud field → value)', mappingTable(table, args.method, requestBody, responseBody));
    }
    out.push('', 'SCIM response', `  ${res.status} ${res.statusText}`);
    if (responseText) out.push(indent(json(responseBody)));
    const ok = res.status >= 200 && res.status < 300;
    out.push('');
    if (ok) out.push(`Result: accepted (${res.status}).`);
    else {
      const err = isRecord(responseBody) ? responseBody : {};
      out.push(
        '!'.repeat(72),
        `REJECTED: HTTP ${res.status}${typeof err.scimType === 'string' ? `, scimType ${err.scimType}` : ''}`,
        `Rule and fix: ${typeof err.detail === 'string' ? err.detail : responseText}`,
        '!'.repeat(72),
      );
    }
    return { exitCode: ok ? 0 : 1, exchange, text: redact(out.join('\n'), secrets) };
  } finally {
    await new Promise<void>((done) => {
      server.close(() => done());
      server.closeAllConnections();
    });
    bridge.close();
    await running?.close();
  }
}
