import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance } from 'axios';
import { JumpCloudError } from './errors.js';

/**
 * One upstream call as every layer of the client sees it. Layers (retry policy, dry run, observation, and any a
 * deployment adds: a deadline, a per-key concurrency cap, metrics, a recorder) wrap a `Send` and return a `Send`.
 */
export interface UpstreamRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path below the console origin, e.g. /api/systemusers. */
  path: string;
  query?: Record<string, string | number>;
  body?: unknown;
  /** Only idempotent calls may be re-sent: a re-sent create could make a duplicate. The retry policy reads this. */
  idempotent: boolean;
  /** The caller's JumpCloud key: sent as `x-api-key`, never logged. */
  apiKey: string;
  /** The org this request acts on (`x-org-id`), when the tenant URL names one; else the configured default. */
  orgId?: string;
  /** Aborts the call and any wait between attempts (the request's deadline). */
  signal?: AbortSignal;
}

/** JumpCloud's answer, whatever its status (the layer above the wire decides what is a failure). */
export interface UpstreamResponse {
  status: number;
  data: unknown;
  headers: Record<string, unknown>;
  /** Set by the retry policy: 1 + retries. */
  attempts?: number;
  /** Set by the dry-run layer: the write was computed but not sent. */
  dryRun?: boolean;
}

export type Send = (req: UpstreamRequest) => Promise<UpstreamResponse>;
export type Layer = (next: Send) => Send;

/** `compose([a, b], wire)` is `a(b(wire))`: the first layer is the outermost. */
export function compose(layers: readonly Layer[], inner: Send): Send {
  return layers.reduceRight<Send>((next, layer) => layer(next), inner);
}

export interface HttpTransportOptions {
  /** Console origin, e.g. https://console.jumpcloud.com; requests carry /api/... paths. */
  baseUrl: string;
  orgId?: string;
  timeoutMs: number;
}

export interface HttpTransport {
  send: Send;
  close(): void;
}

function networkKind(err: unknown): 'timeout' | 'network' {
  const code = axios.isAxiosError(err) ? err.code : undefined;
  return code === 'ECONNABORTED' || code === 'ETIMEDOUT' ? 'timeout' : 'network';
}

/**
 * The wire: one axios instance with keep-alive agents, pinned to the configured console. Every status comes back
 * as a response; only "no answer at all" throws (a JumpCloudError of kind timeout or network).
 * Redirects are never followed: JumpCloud answers a missing key with 302 → /login, and following it would both
 * mask the auth failure and send a request to a host we were not configured for.
 */
export function httpTransport(options: HttpTransportOptions): HttpTransport {
  const agents = { http: new http.Agent({ keepAlive: true, maxSockets: 64 }), https: new https.Agent({ keepAlive: true, maxSockets: 64 }) };
  const client: AxiosInstance = axios.create({
    baseURL: options.baseUrl,
    allowAbsoluteUrls: false,
    timeout: options.timeoutMs,
    maxRedirects: 0,
    validateStatus: () => true,
    httpAgent: agents.http,
    httpsAgent: agents.https,
    proxy: false,
    headers: { Accept: 'application/json' },
  });
  const send: Send = async (req) => {
    const headers: Record<string, string> = { 'x-api-key': req.apiKey };
    const orgId = req.orgId ?? options.orgId;
    if (orgId) headers['x-org-id'] = orgId;
    if (req.body !== undefined) headers['Content-Type'] = 'application/json';
    try {
      const res = await client.request({
        method: req.method,
        url: req.path,
        params: req.query,
        data: req.body,
        headers,
        ...(req.signal ? { signal: req.signal } : {}),
      });
      return { status: res.status, data: res.data, headers: res.headers as Record<string, unknown> };
    } catch (err) {
      const kind = networkKind(err);
      throw new JumpCloudError(kind, kind === 'timeout' ? 'no answer within the timeout' : 'connection failed', { method: req.method, path: req.path, attempts: 1 });
    }
  };
  return {
    send,
    close: () => {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}
