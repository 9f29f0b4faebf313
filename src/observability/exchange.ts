import type { UpstreamCall } from '../jumpcloud/observed.js';

/**
 * One SCIM request as the bridge handled it: what came in, each JumpCloud call it made, and what went out.
 * This is what a mapping-debugging session needs to see. Every field is already scrubbed of the caller's key.
 */
export interface Exchange {
  id: string;
  at: string;
  method: string;
  /** Path and query as received, e.g. /scim/v2/Users?filter=… */
  url: string;
  requestBody?: unknown;
  status: number;
  responseBody?: unknown;
  durationMs: number;
  upstream: UpstreamCall[];
  /** What the bridge decided on the way that the calls alone do not show (a rename kept, a member skipped). */
  notes?: ExchangeNote[];
  /** The exchange matched TRACE_USERS or carried the trace header. */
  traced: boolean;
  dryRun: boolean;
}

/**
 * A decision a resource reports while handling one request. It goes into the exchange (trace, debug page, `explain`)
 * and into the log at its level; `once` names a fact that is logged only the first time the process sees it.
 */
export interface ExchangeNote {
  level: 'info' | 'warn';
  /** Short machine-readable kind, e.g. `usernameKept`, `memberSkipped`, `attributeIgnored`. */
  kind: string;
  message: string;
  once?: string;
  /** Structured facts for the log line and counters (a drift's attribute, value sent and value stored). */
  data?: Record<string, unknown>;
}

export type NoteSink = (note: ExchangeNote) => void;

export interface ExchangeSink {
  /**
   * Whether this sink keeps exchanges for this URL (path and query as received). When no sink wants one and the
   * request is not traced, the exchange is never built. Absent means "every exchange".
   */
  wants?(url: string): boolean;
  record(exchange: Exchange): void;
}

/** The request header that asks for a full trace of one manual request. */
export const TRACE_HEADER = 'x-bridge-trace';

/** Does this request concern one of the users an admin asked to trace (by userName or id)? */
export function mentionsTracedUser(traceUsers: readonly string[], url: string, body: unknown): boolean {
  if (traceUsers.length === 0) return false;
  let haystack = url;
  try {
    haystack = decodeURIComponent(url.replace(/\+/g, ' '));
  } catch {
    // a malformed escape still leaves the raw URL to search
  }
  let bodyText = '';
  try {
    bodyText = body === undefined ? '' : (JSON.stringify(body) ?? '');
  } catch {
    // a body that cannot be serialised (too deep, cyclic) is matched on its URL alone
  }
  const text = `${haystack}\n${bodyText}`.toLowerCase();
  return traceUsers.some((u) => text.includes(u.toLowerCase()));
}
