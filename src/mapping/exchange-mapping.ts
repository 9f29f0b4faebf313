import type { UpstreamCall } from '../jumpcloud/observed.js';
import type { SystemUser } from '../jumpcloud/types.js';
import type { JumpCloudWrite } from './codecs.js';
import { updateBody } from './user-write.js';
import { applyPatch, parsePatchRequest } from '../scim/patch.js';
import { normaliseResource } from '../scim/resource.js';
import { deepEqual, isRecord } from '../util/guards.js';
import type { UserTable} from './attribute-table.js';
import type { ScimDoc } from '../scim/resource.js';
import { valueAt, type AttributeRow } from './attribute-table.js';

/**
 * How one finished SCIM exchange mapped onto JumpCloud, attribute by attribute: the one computation behind both
 * `explain`'s "Attribute mapping" section and the debug page's mapping of each exchange. It reads only what the
 * exchange recorded (the SCIM bodies and each JumpCloud call with its body and answer), so it can run long after
 * the request, on an exported file, and never calls anything.
 */

/** The parts of an exchange the mapping reads (an `Exchange`, a buffered one, or one read back from an export). */
export interface RecordedExchange {
  method: string;
  url: string;
  requestBody?: unknown;
  status: number;
  responseBody?: unknown;
  upstream: readonly UpstreamCall[];
}

export interface MappedAttribute {
  /** SCIM path, e.g. `name.givenName` or `urn:…:enterprise:2.0:User:department`. */
  scim: string;
  /** JumpCloud field, e.g. `firstname` or `attributes.scimExternalId`. */
  jumpcloud: string;
  codec: string;
  /** The SCIM value the request carried (for a PATCH: the value after it). `undefined` means none. */
  value: unknown;
  /** PATCH only: the SCIM value before, as read from JumpCloud at the start of the request. */
  before?: unknown;
  /** What the bridge sent JumpCloud for this attribute, as `field=value`, or why nothing was sent. */
  sent: string;
  /** What JumpCloud answered it stored, as `field=value`, or why there is no answer. */
  stored: string;
  /** The value JumpCloud stored differs from the one sent (JumpCloud normalised or ignored it). */
  storedDiffers?: boolean;
}

export interface MappingTable {
  resource: 'User';
  operation: 'create' | 'replace' | 'patch';
  rows: MappedAttribute[];
  /** Why there are no rows (the body cannot be read, the PATCH was not applied…). */
  note?: string;
}

export interface Rejection {
  status: number;
  scimType?: string;
  /** The SCIM error's `detail`, verbatim: it states the rule and the fix. */
  detail: string;
}

export interface Explanation {
  mapping?: MappingTable;
  rejection?: Rejection;
}

const USERS_PATH = /(?:^|\/)Users(?:\/([^/]+))?$/i;

function operationOf(method: string, url: string): MappingTable['operation'] | undefined {
  const pathname = url.split('?')[0] ?? '';
  const m = USERS_PATH.exec(pathname);
  if (!m) return undefined;
  const id = m[1];
  if (method === 'POST' && id === undefined) return 'create';
  if (method === 'PUT' && id !== undefined && id !== '.search') return 'replace';
  if (method === 'PATCH' && id !== undefined) return 'patch';
  return undefined;
}

export function rejectionOf(exchange: Pick<RecordedExchange, 'status' | 'responseBody'>): Rejection | undefined {
  if (exchange.status < 400) return undefined;
  const body = exchange.responseBody;
  const detail = isRecord(body) && typeof body.detail === 'string' ? body.detail : typeof body === 'string' ? body : `HTTP ${exchange.status} without a SCIM error body`;
  return {
    status: exchange.status,
    ...(isRecord(body) && typeof body.scimType === 'string' ? { scimType: body.scimType } : {}),
    detail,
  };
}

function targetText(row: AttributeRow): string {
  return row.target.kind === 'field' ? row.target.field : `attributes.${row.target.name}`;
}

/** The JumpCloud keys a row writes for this document, computed by the same table code the bridge writes with. */
type Computed = { fields: Record<string, unknown>; custom: Record<string, string | null> };

function rowWrite(table: UserTable, row: AttributeRow, doc: ScimDoc): Computed {
  const write = table.toJumpCloud(doc, [row]);
  return { fields: { ...write.fields }, custom: write.custom };
}

function customValue(record: unknown, name: string): unknown {
  if (!isRecord(record) || !Array.isArray(record.attributes)) return undefined;
  const hit = record.attributes.find((a: unknown) => isRecord(a) && a.name === name);
  return isRecord(hit) ? hit.value : undefined;
}

type Pairs = [string, unknown][];

function pairsIn(record: unknown, keys: { fields: string[]; custom: string[] }): Pairs {
  if (!isRecord(record)) return [];
  return [
    ...keys.fields.filter((k) => k in record).map((k): [string, unknown] => [k, record[k]]),
    ...keys.custom.filter((k) => customValue(record, k) !== undefined).map((k): [string, unknown] => [`attributes.${k}`, customValue(record, k)]),
  ];
}

const pairsText = (pairs: Pairs): string => pairs.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ');

/**
 * The JumpCloud keys a row's value travels under. They come from the bridge's own body builder, because the body
 * is not always the row's field (`suspended` also goes out as `state`); a custom attribute is found by its name.
 */
function keysOf(row: AttributeRow, computed: Computed | undefined): { fields: string[]; custom: string[] } {
  if (row.target.kind === 'custom') return { fields: [], custom: [row.target.name] };
  const fields = computed ? Object.keys(updateBody({ fields: {}, custom: {} }, computed as JumpCloudWrite, { attributes: [] } as unknown as SystemUser)).filter((k) => k !== 'attributes') : [];
  return { fields: fields.length ? fields : [row.target.field], custom: Object.keys(computed?.custom ?? {}) };
}

const isWrite = (c: UpstreamCall): boolean => (c.method === 'POST' && c.path === '/api/systemusers') || (c.method === 'PUT' && /^\/api\/systemusers\/[^/]+$/.test(c.path));
const isRead = (c: UpstreamCall): boolean => c.method === 'GET' && /^\/api\/systemusers\/[^/]+$/.test(c.path);
const ok = (status: number | undefined): boolean => status !== undefined && status >= 200 && status < 300;

function sentAndStored(
  row: AttributeRow,
  computed: Computed,
  write: UpstreamCall | undefined,
  rejected: boolean,
  operation: MappingTable['operation'],
): Pick<MappedAttribute, 'sent' | 'stored' | 'storedDiffers'> {
  const keys = keysOf(row, computed);
  const would = pairsText([...Object.entries(computed.fields), ...Object.entries(computed.custom).map(([k, v]): [string, unknown] => [`attributes.${k}`, v])]);
  if (!write) {
    return { sent: rejected ? `(not sent: the request was rejected${would ? `; would have been ${would}` : ''})` : would ? `(not sent; would be ${would})` : '(nothing to send)', stored: '(nothing stored)' };
  }
  const sentPairs = pairsIn(write.requestBody, keys);
  // An update sends only what changed (users.ts diffs the SCIM views); a create leaves empty values out.
  const unsent = operation === 'create' ? `(not sent${would ? `; the table computes ${would}` : ''})` : '(not sent: unchanged)';
  const sent = sentPairs.length ? pairsText(sentPairs) : unsent;
  if (write.dryRun) return { sent, stored: '(DRY_RUN: not sent, nothing stored)' };
  if (!ok(write.status)) return { sent, stored: `(JumpCloud refused the write: ${write.status ?? write.error ?? 'no answer'})` };
  const storedPairs = pairsIn(write.responseBody, keys);
  const stored = storedPairs.length ? pairsText(storedPairs) : '(not in JumpCloud’s answer)';
  const storedOf = new Map(storedPairs);
  const differs = storedPairs.length > 0 && sentPairs.some(([k, v]) => storedOf.has(k) && JSON.stringify(storedOf.get(k)) !== JSON.stringify(v));
  return { sent, stored, ...(differs ? { storedDiffers: true } : {}) };
}

/**
 * The attribute paths a PatchOp names, lower-cased without schema URN or value filter: `name.givenname`,
 * `emails`, `active` (a path-less value names each of its keys).
 */
export function patchedPaths(body: unknown): Set<string> {
  const paths = new Set<string>();
  const ops = isRecord(body) && Array.isArray(body.Operations) ? body.Operations : [];
  const add = (text: string): void => {
    const at = /^urn:/i.test(text) ? text.lastIndexOf(':') : -1;
    const rest = (at >= 0 ? text.slice(at + 1) : text).replace(/\[[^\]]*\]/g, '');
    paths.add(rest.toLowerCase());
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
  return paths;
}

/**
 * A PATCH's row is shown when the value changed or the PatchOp named exactly this attribute; siblings of a named
 * sub-attribute (`name.middleName` when only `name.givenName` was replaced) would only be noise.
 */
function touches(paths: Set<string>, row: AttributeRow, before: unknown, after: unknown): boolean {
  const top = row.path.name.toLowerCase();
  const full = row.path.sub ? `${top}.${row.path.sub.toLowerCase()}` : top;
  const tops = new Set([...paths].map((p) => p.split('.')[0]));
  if (!tops.has(top)) return false;
  return paths.has(full) || !deepEqual(before, after);
}

/** A rejected PATCH has no resulting user; what it asked for is the PatchOp applied, as the bridge applies it, to the user it read. */
function attempted(table: UserTable, before: ScimDoc, body: unknown): ScimDoc {
  try {
    return applyPatch(before, parsePatchRequest(body, table.schema));
  } catch {
    return {};
  }
}

function userMapping(table: UserTable, operation: MappingTable['operation'], exchange: RecordedExchange): MappingTable {
  const rejected = exchange.status >= 400;
  const write = exchange.upstream.find(isWrite);
  const table0 = (rows: MappedAttribute[], note?: string): MappingTable => ({ resource: 'User', operation, rows, ...(note ? { note } : {}) });
  let doc: ScimDoc;
  let touched: Set<string> | undefined;
  let before: ScimDoc | undefined;
  try {
    if (operation === 'patch') {
      touched = patchedPaths(exchange.requestBody);
      const read = exchange.upstream.find((c) => isRead(c) && ok(c.status) && isRecord(c.responseBody));
      before = read ? table.toScim(read.responseBody as SystemUser) : undefined;
      if (isRecord(exchange.responseBody) && exchange.responseBody.id !== undefined && !rejected) doc = normaliseResource(exchange.responseBody, table.schema);
      else doc = before ? attempted(table, before, exchange.requestBody) : {};
    } else {
      doc = normaliseResource(exchange.requestBody, table.schema);
    }
  } catch (e) {
    return table0([], `the body cannot be mapped: ${(e as Error).message}`);
  }
  const rows: MappedAttribute[] = [];
  for (const row of table.rows) {
    const value = valueAt(doc, row.path);
    if (touched && !touches(touched, row, before ? valueAt(before, row.path) : undefined, value)) continue;
    if (value === undefined && !touched) continue;
    const base = { scim: row.scim, jumpcloud: targetText(row), codec: row.codecName, value, ...(touched ? { before: before ? valueAt(before, row.path) : undefined } : {}) };
    if (row.mutability === 'readOnly') {
      rows.push({ ...base, sent: '(read-only: never written)', stored: '(read-only)' });
      continue;
    }
    // A PATCH that never reached its write sent nothing; one that did shows what it sent and JumpCloud's answer.
    if (touched && !write) {
      rows.push({ ...base, sent: rejected ? '(not sent: the request was rejected)' : '(not sent: unchanged)', stored: '(unchanged)' });
      continue;
    }
    let computed;
    try {
      computed = rowWrite(table, row, doc);
    } catch (e) {
      rows.push({ ...base, sent: `REJECTED: ${(e as Error).message}`, stored: '(nothing stored)' });
      continue;
    }
    rows.push({ ...base, ...sentAndStored(row, computed, write, rejected, operation) });
  }
  if (touched && !touched.size) return table0([], 'the PatchOp names no attribute');
  if (!rows.length) return table0([], touched ? 'the PatchOp touches no mapped attribute' : 'no mapped attributes in this body');
  return table0(rows);
}

/** Everything the debug page and `explain` say about one exchange beyond its raw calls. */
export function explainExchange(table: UserTable, exchange: RecordedExchange): Explanation {
  const operation = operationOf(exchange.method.toUpperCase(), exchange.url);
  const rejection = rejectionOf(exchange);
  return {
    ...(operation ? { mapping: userMapping(table, operation, exchange) } : {}),
    ...(rejection ? { rejection } : {}),
  };
}
