import type { RetryConfig } from '../config.js';
import { dryRun } from './dry-run.js';
import { JumpCloudClient } from './endpoints.js';
import { failuresAsErrors } from './errors.js';
import { observed, type CallObserver } from './observed.js';
import { retryPolicy } from './retry-policy.js';
import { httpTransport, type HttpTransport } from './transport.js';
import { compose, type Layer, type Send } from './layer.js';
import type { FanOutPlanner } from './fan-out-fit.js';

export interface ConnectionOptions {
  /** Console origin, e.g. https://console.jumpcloud.com; the client appends /api/... */
  baseUrl: string;
  orgId?: string;
  timeoutMs: number;
  retry: RetryConfig;
  dryRun?: boolean;
  /**
   * Extra layers around each call, outermost first: `outer` outside the retry policy (once per call, its errors
   * reach the caller as they are: the shared lock's fencing check); `call` inside the retry policy (so they see
   * the whole call: a deadline, metrics); `wire` around each single attempt on the wire (a concurrency cap, a
   * recorder).
   */
  layers?: { outer?: Layer[]; call?: Layer[]; wire?: Layer[] };
  /** How many calls of a fan-out fit before the request's deadline (the pacer's `fit`); without it, all. */
  fanOut?: FanOutPlanner;
}

export interface ClientOptions {
  observer?: CallObserver;
  signal?: AbortSignal;
  /** The org the tenant URL names (validated): every call of this client carries it as `x-org-id`. */
  orgId?: string;
}

/** Stamps the request's org on every call, outermost, so each layer below (and the wire) sees it. */
const forOrg =
  (orgId: string): Layer =>
  (next) =>
  (req) =>
    next({ ...req, orgId });

/**
 * The JumpCloud client, assembled from one-job layers. Per call, outermost first:
 *   org (per request) → dry run → observation → `layers.outer` → retry policy → `layers.call` → failures as errors
 *   → `layers.wire` → HTTP
 * The shared part (keep-alive sockets, retry policy) is built once; `forKey` adds the per-request part.
 */
export class JumpCloudConnection {
  private readonly wire: HttpTransport;
  private readonly shared: Send;

  constructor(readonly options: ConnectionOptions) {
    this.wire = httpTransport(options);
    this.shared = compose(
      [
        ...(options.layers?.outer ?? []),
        retryPolicy(options.retry),
        ...(options.layers?.call ?? []),
        failuresAsErrors,
        ...(options.layers?.wire ?? []),
      ],
      this.wire.send,
    );
  }

  forKey(apiKey: string, client: ClientOptions = {}): JumpCloudClient {
    const perRequest: Layer[] = [
      ...(client.orgId ? [forOrg(client.orgId)] : []),
      ...(this.options.dryRun ? [dryRun(client.observer)] : []),
      ...(client.observer ? [observed(client.observer)] : []),
    ];
    const { fanOut } = this.options;
    const caller = {
      apiKey,
      ...(client.orgId ? { orgId: client.orgId } : {}),
      ...(client.signal ? { signal: client.signal } : {}),
    };
    return new JumpCloudClient(
      compose(perRequest, this.shared),
      apiKey,
      client.signal,
      fanOut && ((calls) => fanOut(caller, calls)),
    );
  }

  close(): void {
    this.wire.close();
  }
}
