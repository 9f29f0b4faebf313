import type { Exchange } from '../observability/exchange.js';
import { isRecord } from '../util/guards.js';

/**
 * Finding one exchange among hundreds: who it was about (userName, id, group displayName), its method, and
 * whether it failed. The page, its JSON and the export all filter here, so "what I see" is "what I export".
 */

export interface Subjects {
  /** The SCIM resource the URL names: Users, Groups, or something else (discovery, a wrong path). */
  resource: string;
  userNames: string[];
  groupNames: string[];
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

export function subjectsOf(e: Pick<Exchange, 'url' | 'requestBody' | 'responseBody' | 'upstream'>): Subjects {
  const userNames = new Set<string>();
  const groupNames = new Set<string>();
  const ids = new Set<string>();
  const [pathname = '', query = ''] = e.url.split('?');
  const m = /\/(Users|Groups)(?:\/([^/]+))?\/?$/i.exec(pathname);
  const resource = m?.[1] ? (m[1].toLowerCase() === 'users' ? 'Users' : 'Groups') : (pathname.split('/').pop() ?? '');
  const isGroups = resource === 'Groups';
  if (m?.[2] && m[2] !== '.search') ids.add(decoded(m[2]));
  // `userName eq "jane"`, `displayName eq "Sales"`, `id eq "…"` in a filter name the subject too.
  for (const [, attr, value] of decoded(query).matchAll(/\b(userName|displayName|externalId|id)\s+(?:eq|co|sw)\s+"((?:[^"\\]|\\.)*)"/gi)) {
    if (!attr || value === undefined) continue;
    const a = attr.toLowerCase();
    if (a === 'username') userNames.add(value);
    else if (a === 'displayname' && isGroups) groupNames.add(value);
    else if (a === 'id') ids.add(value);
  }
  const fromResource = (r: unknown): void => {
    if (!isRecord(r)) return;
    if (str(r.id)) ids.add(r.id);
    if (str(r.userName)) userNames.add(r.userName);
    if (isGroups && str(r.displayName)) groupNames.add(r.displayName);
  };
  fromResource(e.requestBody);
  if (isRecord(e.requestBody) && str(e.requestBody.filter)) {
    for (const [, value] of e.requestBody.filter.matchAll(/\buserName\s+eq\s+"((?:[^"\\]|\\.)*)"/gi)) if (value !== undefined) userNames.add(value);
  }
  fromResource(e.responseBody);
  if (isRecord(e.responseBody) && Array.isArray(e.responseBody.Resources)) e.responseBody.Resources.slice(0, MAX_FROM_LISTS).forEach(fromResource);
  // A failed PATCH answers with an error, but the user it read from JumpCloud first still says who it was.
  for (const call of e.upstream) {
    const body = call.responseBody;
    if (call.method !== 'GET' || !isRecord(body)) continue;
    if (/^\/api\/systemusers\/[^/]+$/.test(call.path) && str(body.username)) userNames.add(body.username);
    if (/^\/api\/v2\/usergroups\/[^/]+$/.test(call.path) && str(body.name)) groupNames.add(body.name);
  }
  return { resource, userNames: [...userNames], groupNames: [...groupNames], ids: [...ids] };
}

function isError(status: number): boolean {
  return status >= 400;
}

export function matches(e: Exchange, filter: ExchangeFilter, subjects: Subjects = subjectsOf(e)): boolean {
  if (filter.errorsOnly && !isError(e.status)) return false;
  if (filter.method && e.method.toUpperCase() !== filter.method.toUpperCase()) return false;
  const text = filter.text?.trim().toLowerCase();
  if (text) return [...subjects.userNames, ...subjects.groupNames, ...subjects.ids].some((s) => s.toLowerCase().includes(text));
  return true;
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** From the page's query string (`q`, `method`, `errors`); anything unrecognised is simply no filter. */
export function filterFromQuery(query: Record<string, unknown>): ExchangeFilter {
  const text = typeof query.q === 'string' ? query.q.slice(0, 200) : '';
  const method = typeof query.method === 'string' ? query.method.toUpperCase() : '';
  const errors = typeof query.errors === 'string' ? query.errors : '';
  return { ...(text.trim() ? { text: text.trim() } : {}), ...(METHODS.includes(method) ? { method } : {}), errorsOnly: ['1', 'true', 'on'].includes(errors) };
}

export function describeFilter(filter: ExchangeFilter): string {
  const parts = [filter.text ? `matching "${filter.text}"` : '', filter.method ? `${filter.method} only` : '', filter.errorsOnly ? 'errors only' : ''].filter(Boolean);
  return parts.length ? parts.join(', ') : 'all exchanges';
}
