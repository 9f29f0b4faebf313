import { badRequest } from './errors.js';

const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

export interface Paging {
  /** 1-based. */
  startIndex: number;
  count: number;
}

function integer(raw: unknown, name: string): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string' || !/^[+-]?\d{1,15}$/.test(raw.trim())) {
    throw badRequest('invalidValue', `'${name}' must be an integer (got ${JSON.stringify(raw)?.slice(0, 40)})`);
  }
  return Number(raw.trim());
}

/**
 * RFC 7644 §3.4.2.4: startIndex below 1 is read as 1, a negative count as 0; count above the server's maximum
 * is clamped (and the clamp is visible in itemsPerPage). Non-numbers are a client error, not a silent default.
 */
export function parsePaging(query: { startIndex?: unknown; count?: unknown }, maxPageSize: number): Paging {
  const start = integer(query.startIndex, 'startIndex') ?? 1;
  const count = integer(query.count, 'count') ?? maxPageSize;
  return { startIndex: Math.max(1, start), count: Math.min(Math.max(0, count), maxPageSize) };
}

export interface ListResponse<T> {
  schemas: [typeof LIST_RESPONSE_SCHEMA];
  totalResults: number;
  startIndex: number;
  itemsPerPage: number;
  Resources: T[];
}

export function listResponse<T>(resources: T[], totalResults: number, startIndex: number): ListResponse<T> {
  return {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults,
    startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}
