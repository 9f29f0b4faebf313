import { JumpCloudError } from '../jumpcloud/errors.js';
import { httpTransport } from '../jumpcloud/transport.js';
import { compose, type Layer } from '../jumpcloud/layer.js';

/** One raw JumpCloud call as the doctor makes it: every status is an answer, nothing is retried. */
export interface ProbeRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, string | number>;
  body?: unknown;
  /** `x-org-id` is sent when the doctor was given one, except where this says not to (GET /api/organizations). */
  withoutOrgId?: boolean;
}

export type ProbeAnswer =
  { status: number; data: unknown; headers: Record<string, unknown>; ms: number } | { error: string; ms: number };

export type Probe = (req: ProbeRequest) => Promise<ProbeAnswer>;

/**
 * A probe on one console: the bridge's own wire (same settings: no redirects, pinned host), without its retry
 * policy, because a diagnosis must show JumpCloud's first answer, not the last of five.
 */
export function consoleProbe(options: {
  baseUrl: string;
  apiKey: string;
  orgId?: string;
  timeoutMs: number;
  layers?: Layer[];
}): { probe: Probe; close(): void } {
  const withOrg = httpTransport({
    baseUrl: options.baseUrl,
    timeoutMs: options.timeoutMs,
    ...(options.orgId ? { orgId: options.orgId } : {}),
  });
  const withoutOrg = options.orgId
    ? httpTransport({ baseUrl: options.baseUrl, timeoutMs: options.timeoutMs })
    : withOrg;
  const sends = {
    withOrg: compose(options.layers ?? [], withOrg.send),
    withoutOrg: compose(options.layers ?? [], withoutOrg.send),
  };
  const probe: Probe = async (req) => {
    const started = performance.now();
    const ms = (): number => Math.round(performance.now() - started);
    const send = req.withoutOrgId ? sends.withoutOrg : sends.withOrg;
    try {
      const res = await send({
        method: req.method,
        path: req.path,
        ...(req.query ? { query: req.query } : {}),
        ...(req.body !== undefined ? { body: req.body } : {}),
        idempotent: req.method !== 'POST',
        apiKey: options.apiKey,
      });
      return { status: res.status, data: res.data, headers: res.headers, ms: ms() };
    } catch (e) {
      return { error: e instanceof JumpCloudError ? `${e.kind}: ${e.upstreamMessage}` : String(e), ms: ms() };
    }
  };
  return {
    probe,
    close: () => {
      withOrg.close();
      withoutOrg.close();
    },
  };
}

/** JumpCloud's message from an error body (`message`, else `error`), shortened for one report line. */
export function messageOf(data: unknown): string {
  if (typeof data === 'string') return data.replace(/\s+/g, ' ').slice(0, 160);
  if (data && typeof data === 'object') {
    const d = data as Record<string, unknown>;
    const m = typeof d.message === 'string' ? d.message : typeof d.error === 'string' ? d.error : JSON.stringify(data);
    return m.slice(0, 200);
  }
  return String(data);
}

/** `GET /api/systemusers?limit=1 → 200 in 87 ms`, the evidence line of a call. */
export function describeCall(req: ProbeRequest, answer: ProbeAnswer): string {
  const query = req.query
    ? `?${new URLSearchParams(Object.entries(req.query).map(([k, v]): [string, string] => [k, String(v)])).toString()}`
    : '';
  const outcome =
    'error' in answer
      ? `no answer (${answer.error})`
      : `${answer.status}${answer.status >= 400 ? ` "${messageOf(answer.data)}"` : ''}`;
  return `${req.method} ${req.path}${query} → ${outcome} in ${answer.ms} ms`;
}
