import { addressedResource, endpointSegment, type ResourceMapping } from '../mapping/exchange-mapping.js';
import type { Exchange } from '../observability/exchange.js';
import { isRecord } from '../util/guards.js';

/**
 * Finding one exchange among hundreds: who it was about (userName, id, group displayName), its method, and
 * whether it failed. The page, its JSON and the export all filter here, so "what I see" is "what I export".
 */

export interface Subjects {
  /** The SCIM resource the URL names (a registered type's endpoint: Users, Groups), or its last segment. */
  resource: string;
  /** Who the exchange was about, by resource type: `{type: 'User', name: 'jane.doe'}`, `{type: 'Group', name: 'Sales'}`. */
  names: { type: string; name: string }[];
  ids: string[];
}

export interface ExchangeFilter {
  /** Case-insensitive part of a userName, group displayName or id. */
  text?: string;
  method?: string;
  errorsOnly: boolean;
}

const MAX_FROM_LISTS = 20;

function decoded(url: string): string {
  try {
    return decodeURIComponent(url.replace(/\+/g, ' '));
  } catch {
    return url;
  }
}

const str = (v: unknown): v is string => typeof v === 'string' && v !== '';

/** `Users` for the endpoint `/Users`: how a URL path names the type. */

const escapeRegExp = (t: string): string => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Each registered type says which attribute names one of its resources (`nameAttribute`) and how JumpCloud reads
 * one (`isRead`, `toScim`), so the page names the subjects of every type the registry holds.
 */
export function subjectsOf(
  e: Pick<Exchange, 'url' | 'requestBody' | 'responseBody' | 'upstream'>,
  mappings: readonly ResourceMapping[],
): Subjects {
  const names = new Map<string, { type: string; name: string }>();
  const add = (m: ResourceMapping, name: unknown): void => {
    if (str(name)) names.set(`${m.schema.resourceType}\u0000${name}`, { type: m.schema.resourceType, name });
  };
  const ids = new Set<string>();
  const [pathname = '', query = ''] = e.url.split('?');
  const addressed = addressedResource(pathname.replace(/\/$/, ''), mappings);
  const mapping = addressed?.mapping;
  const id = addressed?.id;
  const resource = mapping ? endpointSegment(mapping) : (pathname.split('/').pop() ?? '');
  if (id && id !== '.search') ids.add(decoded(id));
  const nameAttribute = mapping?.nameAttribute;
  // `userName eq "jane"`, `displayName eq "Sales"`, `id eq "…"` in a filter name the subject too.
  const compared = (text: string, ops: string): [string, string][] =>
    [
      ...text.matchAll(
        new RegExp(
          `\\b(${nameAttribute ? `${escapeRegExp(nameAttribute)}|` : ''}id)\\s+(?:${ops})\\s+"((?:[^"\\\\]|\\\\.)*)"`,
          'gi',
        ),
      ),
    ].flatMap(([, attr, value]) =>
      attr !== undefined && value !== undefined ? [[attr.toLowerCase(), value] as [string, string]] : [],
    );
  const fromFilter = (text: string, ops: string): void => {
    for (const [attr, value] of compared(text, ops)) {
      if (attr === 'id') ids.add(value);
      else if (mapping) add(mapping, value);
    }
  };
  fromFilter(decoded(query), 'eq|co|sw');
  const fromResource = (r: unknown): void => {
    if (!isRecord(r)) return;
    if (str(r.id)) ids.add(r.id);
    if (mapping && nameAttribute) add(mapping, r[nameAttribute]);
  };
  fromResource(e.requestBody);
  if (isRecord(e.requestBody) && str(e.requestBody.filter)) {
    for (const [attr, value] of compared(e.requestBody.filter, 'eq')) if (attr !== 'id' && mapping) add(mapping, value);
  }
  fromResource(e.responseBody);
  if (isRecord(e.responseBody) && Array.isArray(e.responseBody.Resources))
    e.responseBody.Resources.slice(0, MAX_FROM_LISTS).forEach(fromResource);
  // A failed PATCH answers with an error, but the resource it read from JumpCloud first still says who it was.
  for (const call of e.upstream) {
    const body = call.responseBody;
    if (call.method !== 'GET' || !isRecord(body)) continue;
    for (const m of mappings) {
      if (!m.isRead(call)) continue;
      try {
        add(m, m.toScim(body)[m.nameAttribute]);
      } catch {
        // A JumpCloud answer the table cannot read names nobody; the page still shows the call.
      }
    }
  }
  return { resource, names: [...names.values()], ids: [...ids] };
}

function isError(status: number): boolean {
  return status >= 400;
}

export function matches(e: Exchange, filter: ExchangeFilter, subjects: Subjects): boolean {
  if (filter.errorsOnly && !isError(e.status)) return false;
  if (filter.method && e.method.toUpperCase() !== filter.method.toUpperCase()) return false;
  const text = filter.text?.trim().toLowerCase();
  if (text) return [...subjects.names.map((n) => n.name), ...subjects.ids].some((s) => s.toLowerCase().includes(text));
  return true;
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** From the page's query string (`q`, `method`, `errors`); anything unrecognised is simply no filter. */
export function filterFromQuery(query: Record<string, unknown>): ExchangeFilter {
  const text = typeof query.q === 'string' ? query.q.slice(0, 200) : '';
  const method = typeof query.method === 'string' ? query.method.toUpperCase() : '';
  const errors = typeof query.errors === 'string' ? query.errors : '';
  return {
    ...(text.trim() ? { text: text.trim() } : {}),
    ...(METHODS.includes(method) ? { method } : {}),
    errorsOnly: ['1', 'true', 'on'].includes(errors),
  };
}

export function describeFilter(filter: ExchangeFilter): string {
  const parts = [
    filter.text ? `matching "${filter.text}"` : '',
    filter.method ? `${filter.method} only` : '',
    filter.errorsOnly ? 'errors only' : '',
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'all exchanges';
}
