import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { PacerSnapshot } from '../jumpcloud/observed.js';

/**
 * Prometheus metrics (prom-client), off unless METRICS=true.
 *
 * Label values come from small closed sets only: a SCIM resource type, an HTTP method, a status code, an
 * upstream endpoint *template* (ids replaced by `:id`), a lock kind, a limiter name, and the org. Never a
 * resource id, a userName, a filter or a key: those would leak data into a monitoring system and give every
 * request its own time series. Org ids are the tenant dimension an MSP needs; they are validated 24-hex ids,
 * and past `maxOrgs` distinct orgs further ones are counted as `other`, so a caller inventing org ids cannot
 * grow the registry without bound.
 */

export type LockOutcome = 'acquired' | 'timeout' | 'unavailable';

export interface UpstreamObservation {
  method: string;
  path: string;
  status?: number;
  durationMs: number;
  /** 1 + retries. */
  attempts: number;
  error?: string;
}

export interface Metrics {
  readonly enabled: boolean;
  /** The Prometheus text exposition and its content type. */
  render(): Promise<{ contentType: string; body: string }>;
  /** Call when a SCIM request starts; the returned function records it when the response is finished. */
  scimRequestStarted(): (labels: { org: string | undefined; resource: string; method: string; status: number }) => void;
  upstreamCall(org: string | undefined, call: UpstreamObservation): void;
  lockWait(kind: string, backend: 'memory' | 'redis', outcome: LockOutcome, waitedMs: number): void;
  /** A value read back after a write differs from what was written (the drift check), by resource label (`users`). */
  driftWarning(resourceLabel: string): void;
  rateLimited(limiter: string): void;
  /** Where the pacer's state is read at each scrape. */
  observePace(read: () => readonly PacerSnapshot[]): void;
}

const DEFAULT_ORG = 'default';
const OTHER = 'other';
const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);
/** SCIM paths that are not a resource type's endpoint; the types themselves come from the resource registry. */
const SCIM_PATHS = new Set(['serviceproviderconfig', 'resourcetypes', 'schemas', 'bulk', 'me']);
/** A label the caller computed from a closed set (the registry); anything else is `other`. */
const LABEL = /^[a-z][a-z0-9_-]{0,40}$/;
const OBJECT_ID_SEGMENT = /^[0-9a-f]{24}$/i;
/** The words of JumpCloud API paths. Any other segment (an id, a name) is shown as `:id`. */
const API_WORDS = new Set([
  'api',
  'v2',
  'systemusers',
  'search',
  'usergroups',
  'users',
  'members',
  'membership',
  'memberof',
  'associations',
  'organizations',
  'systemgroups',
  'applications',
]);

/** `/api/v2/usergroups/5f1b…/members` → `/api/v2/usergroups/:id/members`. */
export function endpointTemplate(path: string): string {
  const bare = path.split('?')[0] ?? '';
  return bare
    .split('/')
    .map((seg) => (seg === '' || API_WORDS.has(seg.toLowerCase()) ? seg.toLowerCase() : ':id'))
    .join('/');
}

/**
 * The SCIM resource type a request addressed (`users`, `groups`, a discovery path), from the path after the SCIM base.
 * `typeLabel` names a registered type's endpoint segment (ResourceRegistry.label), so the set stays closed.
 */
export function resourceLabel(scimPath: string, typeLabel: (segment: string) => string | undefined): string {
  const first = (
    scimPath
      .split('?')[0]
      ?.split('/')
      .find((s) => s !== '') ?? ''
  ).toLowerCase();
  return SCIM_PATHS.has(first) ? first : (typeLabel(first) ?? OTHER);
}

const methodLabel = (method: string): string => (METHODS.has(method.toUpperCase()) ? method.toUpperCase() : OTHER);

const noop = (): void => undefined;

export function disabledMetrics(): Metrics {
  return {
    enabled: false,
    render: async () => ({ contentType: 'text/plain; charset=utf-8', body: '' }),
    scimRequestStarted: () => noop,
    upstreamCall: noop,
    lockWait: noop,
    driftWarning: noop,
    rateLimited: noop,
    observePace: noop,
  };
}

export interface MetricsOptions {
  maxOrgs?: number;
  /** The running version, on `scim_bridge_build_info` (so a dashboard shows which replicas run what). */
  version?: string;
  /** Node process metrics (CPU, memory, event loop lag, GC); on by default. */
  processMetrics?: boolean;
}

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const maxOrgs = options.maxOrgs ?? 100;
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'scim_bridge_' });

  const seenOrgs = new Set<string>();
  const org = (id: string | undefined): string => {
    if (id === undefined) return DEFAULT_ORG;
    const lower = id.toLowerCase();
    if (!OBJECT_ID_SEGMENT.test(lower)) return OTHER;
    if (seenOrgs.has(lower)) return lower;
    if (seenOrgs.size >= maxOrgs) return OTHER;
    seenOrgs.add(lower);
    return lower;
  };

  const latency = <L extends string>(name: string, help: string, labelNames: readonly L[]): Histogram<L> =>
    new Histogram({
      name,
      help,
      labelNames,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    });
  new Gauge({
    name: 'scim_bridge_build_info',
    help: 'Always 1; the labels say which version of the bridge runs on which Node.js',
    labelNames: ['version', 'node'] as const,
    registers: [registry],
  }).set({ version: options.version ?? 'unknown', node: process.version }, 1);
  const requests = new Counter({
    name: 'scim_bridge_scim_requests_total',
    help: 'SCIM requests answered, by org, resource type, method and HTTP status',
    labelNames: ['org', 'resource', 'method', 'status'] as const,
    registers: [registry],
  });
  const requestSeconds = latency(
    'scim_bridge_scim_request_duration_seconds',
    'SCIM request latency, from arrival to the last byte of the answer',
    ['org', 'resource', 'method'],
  );
  const inFlight = new Gauge({
    name: 'scim_bridge_scim_requests_in_flight',
    help: 'SCIM requests being worked on now',
    registers: [registry],
  });
  const upstream = new Counter({
    name: 'scim_bridge_upstream_calls_total',
    help: 'JumpCloud API calls, by org, endpoint template, method, final status (or network/timeout) and retries taken',
    labelNames: ['org', 'endpoint', 'method', 'status', 'retries'] as const,
    registers: [registry],
  });
  const upstreamSeconds = latency(
    'scim_bridge_upstream_call_duration_seconds',
    'JumpCloud API call latency including retries and backoff',
    ['org', 'endpoint', 'method'],
  );
  const lockWaitSeconds = new Histogram({
    name: 'scim_bridge_lock_wait_seconds',
    help: 'Time spent waiting for a per-resource lock, by lock kind, backend and outcome',
    labelNames: ['kind', 'backend', 'outcome'] as const,
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const drift = new Counter({
    name: 'scim_bridge_drift_warnings_total',
    help: 'Writes whose read-back differed from what was written, by resource type',
    labelNames: ['resource'] as const,
    registers: [registry],
  });
  const limited = new Counter({
    name: 'scim_bridge_rate_limited_requests_total',
    help: 'Requests refused by a rate limit, by limiter',
    labelNames: ['limiter'] as const,
    registers: [registry],
  });

  let readPace: () => readonly PacerSnapshot[] = () => [];
  /** Readings summed per org label (several keys may act on one org). */
  const perOrg = (pick: (r: PacerSnapshot) => number | undefined): Map<string, number> => {
    const out = new Map<string, number>();
    for (const r of readPace()) {
      const v = pick(r);
      if (v === undefined) continue;
      const label = r.proven ? org(r.org) : OTHER;
      out.set(label, (out.get(label) ?? 0) + v);
    }
    return out;
  };
  const paceGauge = (name: string, help: string, pick: (r: PacerSnapshot) => number | undefined): void => {
    new Gauge({
      name,
      help,
      labelNames: ['org'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const [o, v] of perOrg(pick)) this.set({ org: o }, v);
      },
    });
  };
  const paceCounter = (name: string, help: string, pick: (r: PacerSnapshot) => number): void => {
    new Counter({
      name,
      help,
      labelNames: ['org'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const [o, v] of perOrg(pick)) this.inc({ org: o }, v);
      },
    });
  };
  paceGauge(
    'scim_bridge_upstream_pace_rate',
    'JumpCloud calls per second the pacer admits per org (learned from 429s or JUMPCLOUD_RATE_LIMIT); absent while unlimited',
    (r) => r.rate,
  );
  paceGauge(
    'scim_bridge_upstream_pace_queue_length',
    'JumpCloud calls waiting for their turn, per org',
    (r) => r.queued,
  );
  paceGauge('scim_bridge_upstream_pace_in_flight', 'JumpCloud calls on the wire now, per org', (r) => r.inFlight);
  paceGauge(
    'scim_bridge_upstream_pace_in_flight_limit',
    'The learned limit on JumpCloud calls in flight, per org',
    (r) => r.inFlightLimit,
  );
  paceGauge(
    'scim_bridge_upstream_pace_paused_seconds',
    'How much longer calls are paused after a 429, per org',
    (r) => r.pausedMs / 1000,
  );
  paceCounter('scim_bridge_upstream_pace_pauses_total', 'Pauses after a JumpCloud 429, per org', (r) => r.pauses);
  paceCounter('scim_bridge_upstream_pace_throttled_total', 'JumpCloud answers 429, per org', (r) => r.throttles);

  return {
    enabled: true,
    observePace(read) {
      readPace = read;
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
    scimRequestStarted() {
      inFlight.inc();
      const started = performance.now();
      let done = false;
      return (l) => {
        if (done) return;
        done = true;
        inFlight.dec();
        const labels = { org: org(l.org), resource: l.resource, method: methodLabel(l.method) };
        requests.inc({ ...labels, status: String(l.status) });
        requestSeconds.observe(labels, (performance.now() - started) / 1000);
      };
    },
    upstreamCall(orgId, call) {
      const labels = { org: org(orgId), endpoint: endpointTemplate(call.path), method: methodLabel(call.method) };
      const status =
        call.status !== undefined
          ? String(call.status)
          : /timeout|abort/i.test(call.error ?? '')
            ? 'timeout'
            : 'network';
      upstream.inc({ ...labels, status, retries: String(Math.max(0, call.attempts - 1)) });
      upstreamSeconds.observe(labels, call.durationMs / 1000);
    },
    lockWait(kind, backend, outcome, waitedMs) {
      lockWaitSeconds.observe({ kind, backend, outcome }, waitedMs / 1000);
    },
    driftWarning(label) {
      drift.inc({ resource: LABEL.test(label) ? label : OTHER });
    },
    rateLimited(limiter) {
      limited.inc({ limiter });
    },
  };
}
