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
