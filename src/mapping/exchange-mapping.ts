import type { UpstreamCall } from '../jumpcloud/observed.js';
import type { MemberOperation, SystemUser, UserGroup } from '../jumpcloud/types.js';
import type { JumpCloudWrite } from './codecs.js';
import { updateBody } from './user-write.js';
import { applyPatch, parsePatchRequest } from '../scim/patch.js';
import { normaliseResource } from '../scim/resource.js';
import { deepEqual, isRecord } from '../util/guards.js';
import type { UserTable } from './attribute-table.js';
import type { ScimDoc } from '../scim/resource.js';
import { valueAt, type AttributeRow } from './attribute-table.js';
import { attributeKey, storedField, writtenValue, type GroupRow, type GroupTable } from './group-table.js';
import type { ResourceSchema } from '../scim/schema.js';
import type { Mutability, Uniqueness } from '../scim/attribute-def.js';
import { customTarget } from './custom-attributes.js';

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
  /** The resource type's name (`User`, `Group`). */
  resource: string;
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

/** A type's endpoint as a path segment: `/Users` → `Users`. */
export const endpointSegment = (m: ResourceMapping): string => m.schema.endpoint.replace(/^\//, '');

/**
 * The registered type a request path addresses, by its last one or two segments: `…/Users` → the Users collection,
 * `…/Users/{id}` → one of them (`id` is the last segment as sent). Endpoints match ignoring case, as SCIM clients do.
 */
export function addressedResource(
  pathname: string,
  mappings: readonly ResourceMapping[],
): { mapping: ResourceMapping; id?: string } | undefined {
  const segments = pathname.split('/');
  const named = (segment: string | undefined): ResourceMapping | undefined =>
    segment === undefined
      ? undefined
      : mappings.find((m) => endpointSegment(m).toLowerCase() === segment.toLowerCase());
  const collection = named(segments.at(-1));
  if (collection) return { mapping: collection };
  const mapping = named(segments.at(-2));
  return mapping ? { mapping, id: segments.at(-1) ?? '' } : undefined;
}

function operationOf(
  method: string,
  url: string,
  mappings: readonly ResourceMapping[],
): { mapping: ResourceMapping; operation: MappingTable['operation'] } | undefined {
  const addressed = addressedResource(url.split('?')[0] ?? '', mappings);
  if (!addressed) return undefined;
  const { mapping, id } = addressed;
  if (id === undefined) return method === 'POST' ? { mapping, operation: 'create' } : undefined;
  if (id === '') return undefined;
  if (method === 'PUT' && id !== '.search') return { mapping, operation: 'replace' };
  if (method === 'PATCH') return { mapping, operation: 'patch' };
  return undefined;
}

function rejectionOf(exchange: Pick<RecordedExchange, 'status' | 'responseBody'>): Rejection | undefined {
  if (exchange.status < 400) return undefined;
  const body = exchange.responseBody;
  const detail =
    isRecord(body) && typeof body.detail === 'string'
      ? body.detail
      : typeof body === 'string'
        ? body
        : `HTTP ${exchange.status} without a SCIM error body`;
  return {
    status: exchange.status,
    ...(isRecord(body) && typeof body.scimType === 'string' ? { scimType: body.scimType } : {}),
    detail,
  };
}

function targetText(row: AttributeRow): string {
  return row.target.kind === 'field' ? row.target.field : customTarget(row.target.name);
}

/** The JumpCloud keys a row writes for this document, computed by the same table code the bridge writes with. */
type Computed = { fields: Record<string, unknown>; custom: Record<string, string | null> };

function rowWrite(table: UserTable, row: AttributeRow, doc: ScimDoc): Computed {
  const write = table.toJumpCloud(doc, [row]);
  return { fields: { ...write.fields }, custom: write.custom };
}

/** A custom attribute's value: a user's `attributes` is a list of {name, value}, a group's an object of keys. */
function customValue(record: unknown, name: string): unknown {
  if (isRecord(record) && isRecord(record.attributes)) return record.attributes[name];
  if (!isRecord(record) || !Array.isArray(record.attributes)) return undefined;
  const hit = record.attributes.find((a: unknown) => isRecord(a) && a.name === name);
  return isRecord(hit) ? hit.value : undefined;
}

type Pairs = [string, unknown][];

function pairsIn(record: unknown, keys: { fields: string[]; custom: string[] }): Pairs {
  if (!isRecord(record)) return [];
  return [
    ...keys.fields.filter((k) => k in record).map((k): [string, unknown] => [k, record[k]]),
    ...keys.custom
      .filter((k) => customValue(record, k) !== undefined)
      .map((k): [string, unknown] => [`attributes.${k}`, customValue(record, k)]),
  ];
}

const pairsText = (pairs: Pairs): string => pairs.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ');

/**
 * The JumpCloud keys a row's value travels under. They come from the bridge's own body builder, because the body
 * is not always the row's field (`suspended` also goes out as `state`); a custom attribute is found by its name.
 */
function keysOf(row: AttributeRow, computed: Computed | undefined): Keys {
  if (row.target.kind === 'custom') return { fields: [], custom: [row.target.name] };
  const fields = computed
    ? Object.keys(
        updateBody({ fields: {}, custom: {} }, computed as JumpCloudWrite, { attributes: [] } as unknown as SystemUser),
      ).filter((k) => k !== 'attributes')
    : [];
  return { fields: fields.length ? fields : [row.target.field], custom: Object.keys(computed?.custom ?? {}) };
}

/** The JumpCloud calls that write and read one resource of a type: `POST <collection>`, `PUT|GET <collection>/{id}`. */
const oneOf = (collection: string, path: string): boolean =>
  path.startsWith(`${collection}/`) && !path.slice(collection.length + 1).includes('/');
const writes =
  (collection: string) =>
  (c: UpstreamCall): boolean =>
    (c.method === 'POST' && c.path === collection) || (c.method === 'PUT' && oneOf(collection, c.path));
const reads =
  (collection: string) =>
  (c: UpstreamCall): boolean =>
    c.method === 'GET' && oneOf(collection, c.path);
const ok = (status: number | undefined): boolean => status !== undefined && status >= 200 && status < 300;

type Keys = { fields: string[]; custom: string[] };

function sentAndStored(
  keys: Keys,
  computed: Computed,
  write: UpstreamCall | undefined,
  rejected: boolean,
  operation: MappingTable['operation'],
): Pick<MappedAttribute, 'sent' | 'stored' | 'storedDiffers'> {
  const would = pairsText([
    ...Object.entries(computed.fields),
    ...Object.entries(computed.custom).map(([k, v]): [string, unknown] => [`attributes.${k}`, v]),
  ]);
  // An update whose values JumpCloud already holds makes no write (a PUT diffs like a PATCH).
  if (!write && !rejected && operation !== 'create') return { sent: '(not sent: unchanged)', stored: '(unchanged)' };
  if (!write) {
    return {
      sent: rejected
        ? `(not sent: the request was rejected${would ? `; would have been ${would}` : ''})`
        : would
          ? `(not sent; would be ${would})`
          : '(nothing to send)',
      stored: '(nothing stored)',
    };
  }
  const sentPairs = pairsIn(write.requestBody, keys);
  // An update sends only what changed (users.ts diffs the SCIM views); a create leaves empty values out.
  const unsent =
    operation === 'create' ? `(not sent${would ? `; the table computes ${would}` : ''})` : '(not sent: unchanged)';
  const sent = sentPairs.length ? pairsText(sentPairs) : unsent;
  if (write.dryRun) return { sent, stored: '(DRY_RUN: not sent, nothing stored)' };
  if (!ok(write.status))
    return { sent, stored: `(JumpCloud refused the write: ${write.status ?? write.error ?? 'no answer'})` };
  const storedPairs = pairsIn(write.responseBody, keys);
  const stored = storedPairs.length ? pairsText(storedPairs) : '(not in JumpCloud’s answer)';
  const storedOf = new Map(storedPairs);
  const differs =
    storedPairs.length > 0 &&
    sentPairs.some(([k, v]) => storedOf.has(k) && JSON.stringify(storedOf.get(k)) !== JSON.stringify(v));
  return { sent, stored, ...(differs ? { storedDiffers: true } : {}) };
}

/**
 * The attribute paths a PatchOp names, lower-cased without schema URN or value filter: `name.givenname`,
 * `emails`, `active` (a path-less value names each of its keys).
 */
function patchedPaths(body: unknown): Set<string> {
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
 * sub-attribute (`name.middleName` when only `name.givenName` was replaced) would only be noise. Without a read
 * (`before` unknown: a PATCH of plain scalars is one PUT), only the named attributes are shown.
 */
function touches(
  paths: Set<string>,
  path: { name: string; sub?: string | undefined },
  before: { value: unknown } | undefined,
  after: unknown,
): boolean {
  const top = path.name.toLowerCase();
  const full = path.sub ? `${top}.${path.sub.toLowerCase()}` : top;
  const tops = new Set([...paths].map((p) => p.split('.')[0]));
  if (!tops.has(top)) return false;
  return paths.has(full) || (before !== undefined && !deepEqual(before.value, after));
}

/** A rejected PATCH has no resulting resource; what it asked for is the PatchOp applied, as the bridge applies it, to the one it read. */
function attempted(schema: ResourceSchema, before: ScimDoc, body: unknown): ScimDoc {
  try {
    return applyPatch(before, parsePatchRequest(body, schema));
  } catch {
    return {};
  }
}

/** One mapped attribute of a resource type, as the shared row loop needs it. */
interface RowPlan {
  scim: string;
  jumpcloud: string;
  codec: string;
  path: { name: string; sub?: string | undefined };
  readOnly: boolean;
  value(doc: ScimDoc): unknown;
  /** What the table writes for this row (throws the SCIM error the bridge would answer). */
  compute(doc: ScimDoc): Computed;
  keys(computed: Computed): Keys;
}

/** One row of a resource type's table as the debug page shows it (and /debug/mapping.json returns it). */
export interface TableRowView {
  scim: string;
  jumpcloud: string;
  codec: string;
  required: boolean;
  mutability: Mutability;
  uniqueness: Uniqueness;
  caseExact: boolean;
  description: string;
}

/**
 * How one resource type maps onto JumpCloud, for the tools that explain it (the debug page, `explain`): its table's
 * rows, and how its exchanges are read (schema, rows, the JumpCloud calls that hold it). Each registered resource
 * type carries one, so these tools iterate the registry and name no type.
 */
export interface ResourceMapping {
  schema: ResourceSchema;
  /** The top-level attribute that names one resource to a person (userName, a group's displayName): the page's subjects. */
  nameAttribute: string;
  /** Every row of the type's table, in file order, as shown. */
  table: readonly TableRowView[];
  /** The rows the shared loop maps exchange by exchange (a group's member edges come from `extra`). */
  rows: RowPlan[];
  isWrite(c: UpstreamCall): boolean;
  isRead(c: UpstreamCall): boolean;
  toScim(record: Record<string, unknown>): ScimDoc;
  /** The PatchOp as the attribute rows see it (Groups leave out the member operations, mapped on their own). */
  patchBody?(body: unknown): unknown;
  /** A row the table loop cannot give (a group's member edges). */
  extra?(exchange: RecordedExchange, doc: ScimDoc, touched: Set<string> | undefined): MappedAttribute | undefined;
}

/**
 * The Users resource's mapping: one row per attribute-table row, each computed by the table's own code. `collection`
 * is where JumpCloud keeps the users (the endpoint catalogue says, at registration): its writes and reads are the
 * exchange's calls that hold a user.
 */
export function userMapping(table: UserTable, collection: string): ResourceMapping {
  return {
    schema: table.schema,
    nameAttribute: table.userNameRow.scim,
    table: table.rows.map((r) => ({
      scim: r.scim,
      jumpcloud: targetText(r),
      codec: r.codecName,
      required: r.required,
      mutability: r.mutability,
      uniqueness: r.uniqueness,
      caseExact: r.caseExact,
      description: r.description,
    })),
    rows: table.rows.map((row) => ({
      scim: row.scim,
      jumpcloud: targetText(row),
      codec: row.codecName,
      path: row.path,
      readOnly: row.mutability === 'readOnly',
      value: (doc) => valueAt(doc, row.path),
      compute: (doc) => rowWrite(table, row, doc),
      keys: (computed) => keysOf(row, computed),
    })),
    isWrite: writes(collection),
    isRead: reads(collection),
    toScim: (record) => table.toScim(record as unknown as SystemUser),
  };
}

const isMemberCall =
  (collection: string) =>
  (c: UpstreamCall): boolean =>
    c.path.startsWith(`${collection}/`) && c.path.endsWith('/members');
const isMemberOp = (b: unknown): b is MemberOperation =>
  isRecord(b) && (b.op === 'add' || b.op === 'remove') && typeof b.id === 'string';
const memberIds = (v: unknown): string[] =>
  Array.isArray(v) ? v.flatMap((m) => (isRecord(m) && typeof m.value === 'string' ? [m.value] : [])) : [];
const connectionIds = (body: unknown): string[] =>
  Array.isArray(body)
    ? body.flatMap((g) => (isRecord(g) && isRecord(g.to) && typeof g.to.id === 'string' ? [g.to.id] : []))
    : [];

/**
 * A group's member edges: which user ids the bridge added and removed (one JumpCloud call each), and which of
 * those JumpCloud took. Re-adding (409) and re-removing (404) count as done, as the bridge counts them.
 */
function membersRow(
  collection: string,
  row: GroupRow,
  exchange: RecordedExchange,
  doc: ScimDoc,
  touched: Set<string> | undefined,
): MappedAttribute | undefined {
  const isMembers = isMemberCall(collection);
  const calls = exchange.upstream.filter((c) => c.method === 'POST' && isMembers(c) && isMemberOp(c.requestBody));
  // `members: []` normalises to nothing, yet a PUT carrying it empties the group: the body naming it is enough.
  const named =
    isRecord(exchange.requestBody) &&
    Object.keys(exchange.requestBody).some((k) => k.toLowerCase() === row.scim.toLowerCase());
  if (touched ? !touched.has(row.scim.toLowerCase()) : !named && !calls.length) return undefined;
  const base = { scim: row.scim, jumpcloud: 'members (member edges)', codec: 'memberIds' };
  const op = (c: UpstreamCall): MemberOperation => c.requestBody as MemberOperation;
  const done = calls.filter((c) => !c.dryRun && (ok(c.status) || c.status === (op(c).op === 'add' ? 409 : 404)));
  const ids = (which: UpstreamCall[], kind: MemberOperation['op']): string[] =>
    which.filter((c) => op(c).op === kind).map((c) => op(c).id);
  const list = (label: string, v: string[]): string[] => (v.length ? [`${label} ${v.join(', ')}`] : []);
  // PATCH: the members the bridge read (it reads them only when an operation needs the current list), then that
  // list with the calls JumpCloud took; without a read the row says only what was added and removed.
  const reads = exchange.upstream.filter((c) => c.method === 'GET' && isMembers(c) && ok(c.status));
  const read = reads.length ? reads.flatMap((c) => connectionIds(c.responseBody)) : undefined;
  const removed = new Set(ids(done, 'remove'));
  const states = touched
    ? { before: read, value: read && [...new Set([...read.filter((id) => !removed.has(id)), ...ids(done, 'add')])] }
    : { value: memberIds(doc[row.scim]) };
  if (!calls.length)
    return {
      ...base,
      ...states,
      sent: exchange.status >= 400 ? '(not sent: the request was rejected)' : '(not sent: no member changed)',
      stored: '(unchanged)',
    };
  const sent = [...list('add', ids(calls, 'add')), ...list('remove', ids(calls, 'remove'))].join('; ');
  if (calls.every((c) => c.dryRun)) return { ...base, ...states, sent, stored: '(DRY_RUN: not sent, nothing stored)' };
  const refused = calls
    .filter((c) => !done.includes(c))
    .map((c) => `${op(c).op} ${op(c).id}: ${c.status ?? c.error ?? 'no answer'}`);
  const stored = [
    ...list('added', ids(done, 'add')),
    ...list('removed', ids(done, 'remove')),
    ...(refused.length ? [`JumpCloud refused ${refused.join(', ')}`] : []),
  ].join('; ');
  return { ...base, ...states, sent, stored, ...(refused.length ? { storedDiffers: true } : {}) };
}

/** A PatchOp without its member operations: those are mapped from the member calls, not applied to the group's fields. */
function withoutMembers(body: unknown, members: string): unknown {
  if (!isRecord(body) || !Array.isArray(body.Operations)) return body;
  const named = (o: unknown): boolean =>
    isRecord(o) && typeof o.path === 'string' && patchedPaths({ Operations: [o] }).has(members.toLowerCase());
  return { ...body, Operations: body.Operations.filter((o: unknown) => !named(o)) };
}

/**
 * The Groups resource's mapping: the text rows through the group table, the member edges from the member calls.
 * `collection` is where JumpCloud keeps the groups (the endpoint catalogue says, at registration).
 */
export function groupMapping(table: GroupTable, collection: string): ResourceMapping {
  const members = table.membersRow;
  return {
    schema: table.schema,
    nameAttribute: table.nameRow.scim,
    table: table.rows.map((r) => ({
      scim: r.scim,
      jumpcloud: r.target,
      codec: r === members ? 'memberIds' : 'text',
      required: r.required,
      mutability: 'readWrite',
      uniqueness: r.uniqueness,
      caseExact: r.caseExact,
      description: r.description,
    })),
    rows: table.rows
      .filter((row) => row !== members)
      .map((row) => {
        const key = attributeKey(row.target);
        return {
          scim: row.scim,
          jumpcloud: row.target,
          codec: 'text',
          path: { name: row.scim },
          readOnly: false,
          value: (doc) => doc[row.scim],
          compute: (doc) => {
            const v = writtenValue(table.toJumpCloud(doc), row);
            return key !== undefined
              ? { fields: {}, custom: { [key]: v } }
              : { fields: { [storedField(row)]: v }, custom: {} };
          },
          keys: () => (key !== undefined ? { fields: [], custom: [key] } : { fields: [storedField(row)], custom: [] }),
        };
      }),
    isWrite: writes(collection),
    isRead: reads(collection),
    toScim: (record) => table.toScim(record as unknown as UserGroup),
    ...(members
      ? {
          patchBody: (body: unknown) => withoutMembers(body, members.scim),
          extra: (exchange: RecordedExchange, doc: ScimDoc, touched: Set<string> | undefined) =>
            membersRow(collection, members, exchange, doc, touched),
        }
      : {}),
  };
}

function mapping(
  subject: ResourceMapping,
  operation: MappingTable['operation'],
  exchange: RecordedExchange,
): MappingTable {
  const rejected = exchange.status >= 400;
  const write = exchange.upstream.find((c) => subject.isWrite(c));
  const table0 = (rows: MappedAttribute[], note?: string): MappingTable => ({
    resource: subject.schema.resourceType,
    operation,
    rows,
    ...(note ? { note } : {}),
  });
  let doc: ScimDoc;
  let touched: Set<string> | undefined;
  let before: ScimDoc | undefined;
  try {
    if (operation === 'patch') {
      touched = patchedPaths(exchange.requestBody);
      const read = exchange.upstream.find((c) => subject.isRead(c) && ok(c.status) && isRecord(c.responseBody));
      before = read && isRecord(read.responseBody) ? subject.toScim(read.responseBody) : undefined;
      if (isRecord(exchange.responseBody) && exchange.responseBody.id !== undefined && !rejected)
        doc = normaliseResource(exchange.responseBody, subject.schema);
      else
        doc = before
          ? attempted(
              subject.schema,
              before,
              subject.patchBody ? subject.patchBody(exchange.requestBody) : exchange.requestBody,
            )
          : {};
    } else {
      doc = normaliseResource(exchange.requestBody, subject.schema);
    }
  } catch (e) {
    return table0([], `the body cannot be mapped: ${(e as Error).message}`);
  }
  const rows: MappedAttribute[] = [];
  for (const row of subject.rows) {
    const value = row.value(doc);
    if (touched && !touches(touched, row.path, before ? { value: row.value(before) } : undefined, value)) continue;
    if (value === undefined && !touched) continue;
    const base = {
      scim: row.scim,
      jumpcloud: row.jumpcloud,
      codec: row.codec,
      value,
      ...(touched ? { before: before ? row.value(before) : undefined } : {}),
    };
    if (row.readOnly) {
      rows.push({ ...base, sent: '(read-only: never written)', stored: '(read-only)' });
      continue;
    }
    // A PATCH that never reached its write sent nothing; one that did shows what it sent and JumpCloud's answer.
    if (touched && !write) {
      rows.push({
        ...base,
        sent: rejected ? '(not sent: the request was rejected)' : '(not sent: unchanged)',
        stored: '(unchanged)',
      });
      continue;
    }
    let computed;
    try {
      computed = row.compute(doc);
    } catch (e) {
      rows.push({ ...base, sent: `REJECTED: ${(e as Error).message}`, stored: '(nothing stored)' });
      continue;
    }
    rows.push({ ...base, ...sentAndStored(row.keys(computed), computed, write, rejected, operation) });
  }
  const extra = subject.extra?.(exchange, doc, touched);
  if (extra) rows.push(extra);
  if (touched && !touched.size) return table0([], 'the PatchOp names no attribute');
  if (!rows.length)
    return table0([], touched ? 'the PatchOp touches no mapped attribute' : 'no mapped attributes in this body');
  return table0(rows);
}

/** Everything the debug page and `explain` say about one exchange beyond its raw calls. */
export function explainExchange(mappings: readonly ResourceMapping[], exchange: RecordedExchange): Explanation {
  const target = operationOf(exchange.method.toUpperCase(), exchange.url, mappings);
  const rejection = rejectionOf(exchange);
  return {
    ...(target ? { mapping: mapping(target.mapping, target.operation, exchange) } : {}),
    ...(rejection ? { rejection } : {}),
  };
}
