import type { UpstreamCall } from '../jumpcloud/observed.js';
import { isRecord } from '../util/guards.js';
import type { Exchange } from './exchange.js';
import { redact } from './redact.js';

/**
 * The file the debug page exports for a support ticket and `explain --replay` reads back. Exchanges in it are
 * scrubbed like every other way an exchange leaves the process (keys by name and by value); the debug page
 * scrubs once more with the secrets it knows when it writes the file.
 */
const EXPORT_FORMAT = 'jumpcloud-scim-bridge/exchanges';
const EXPORT_VERSION = 1;

export interface ExportedExchange extends Exchange {
  /** The debug page's sequence number: the order the bridge finished them in. */
  seq?: number;
}

export interface ExchangeExport {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  exportedAt: string;
  /** Whatever the exporter wants the reader to know, e.g. the filter that selected these exchanges. */
  note?: string;
  exchanges: ExportedExchange[];
}

export function exchangeExport(
  exchanges: readonly ExportedExchange[],
  secrets: readonly string[],
  note?: string,
): ExchangeExport {
  return redact(
    {
      format: EXPORT_FORMAT,
      version: EXPORT_VERSION,
      exportedAt: new Date().toISOString(),
      ...(note ? { note } : {}),
      exchanges: [...exchanges],
    },
    secrets,
  );
}

export class ExportError extends Error {}

function upstreamCall(raw: unknown, where: string): UpstreamCall {
  if (!isRecord(raw) || typeof raw.method !== 'string' || typeof raw.path !== 'string')
    throw new ExportError(`${where} needs string 'method' and 'path'`);
  return {
    method: raw.method,
    path: raw.path,
    ...(isRecord(raw.query) ? { query: raw.query as Record<string, string | number> } : {}),
    ...(raw.requestBody !== undefined ? { requestBody: raw.requestBody } : {}),
    ...(typeof raw.status === 'number' ? { status: raw.status } : {}),
    ...(raw.responseBody !== undefined ? { responseBody: raw.responseBody } : {}),
    durationMs: typeof raw.durationMs === 'number' ? raw.durationMs : 0,
    attempts: typeof raw.attempts === 'number' ? raw.attempts : 1,
    ...(typeof raw.error === 'string' ? { error: raw.error } : {}),
    ...(raw.dryRun === true ? { dryRun: true } : {}),
  };
}

function exchange(raw: unknown, index: number): ExportedExchange {
  const where = `exchange ${index + 1}`;
  if (!isRecord(raw)) throw new ExportError(`${where} is not an object`);
  if (typeof raw.method !== 'string' || !/^[A-Za-z]+$/.test(raw.method))
    throw new ExportError(`${where} needs a 'method' such as "POST"`);
  if (typeof raw.url !== 'string' || !raw.url.startsWith('/'))
    throw new ExportError(`${where} needs a 'url' starting with '/'`);
  if (typeof raw.status !== 'number') throw new ExportError(`${where} needs a numeric 'status'`);
  const upstream = Array.isArray(raw.upstream)
    ? raw.upstream.map((c, i) => upstreamCall(c, `${where}, JumpCloud call ${i + 1},`))
    : [];
  return {
    id: typeof raw.id === 'string' ? raw.id : `exchange-${index + 1}`,
    at: typeof raw.at === 'string' ? raw.at : '',
    method: raw.method.toUpperCase(),
    url: raw.url,
    ...(raw.requestBody !== undefined ? { requestBody: raw.requestBody } : {}),
    status: raw.status,
    ...(raw.responseBody !== undefined ? { responseBody: raw.responseBody } : {}),
    durationMs: typeof raw.durationMs === 'number' ? raw.durationMs : 0,
    upstream,
    traced: raw.traced === true,
    dryRun: raw.dryRun === true,
    ...(typeof raw.seq === 'number' ? { seq: raw.seq } : {}),
  };
}

/**
 * Reads an export back: the debug page's file, or just its `exchanges` array. Returns the exchanges in the order
 * they happened (the page lists newest first), because a replay must create a user before it patches it.
 */
export function parseExport(text: string, source: string): ExportedExchange[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new ExportError(`${source} is not JSON: ${(e as Error).message}`);
  }
  let list: unknown;
  if (Array.isArray(parsed)) list = parsed;
  else if (isRecord(parsed) && parsed.format === EXPORT_FORMAT) {
    if (parsed.version !== EXPORT_VERSION)
      throw new ExportError(
        `${source} is version ${String(parsed.version)} of ${EXPORT_FORMAT}; this explain reads version ${EXPORT_VERSION}`,
      );
    list = parsed.exchanges;
  } else
    throw new ExportError(
      `${source} is not a debug-page export (expected "format": "${EXPORT_FORMAT}" or an array of exchanges)`,
    );
  if (!Array.isArray(list)) throw new ExportError(`${source}: 'exchanges' must be an array`);
  const exchanges = list.map(exchange);
  const order = (e: ExportedExchange, i: number): [number, string, number] => [
    e.seq ?? Number.MAX_SAFE_INTEGER,
    e.at,
    i,
  ];
  return exchanges
    .map((e, i) => ({ e, key: order(e, i) }))
    .sort((a, b) => a.key[0] - b.key[0] || a.key[1].localeCompare(b.key[1]) || a.key[2] - b.key[2])
    .map(({ e }) => e);
}
