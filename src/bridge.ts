import { VERSION } from './version.js';
import type express from 'express';
import type { Config } from './config.js';
import { createApp } from './app.js';
import { JumpCloudConnection, type ConnectionOptions } from './jumpcloud/client.js';
import { loadAttributeTable } from './mapping/attribute-table.js';
import { loadGroupTable } from './mapping/group-table.js';
import type { Logger } from './observability/logger.js';
import type { ExchangeSink } from './observability/exchange.js';
import { ResourceRegistry, type ScimResourceType } from './resources/resource-type.js';
import { UsersResource } from './resources/users.js';
import { GroupsResource } from './resources/groups.js';
import { groupsOfUser } from './resources/memberships.js';
import { createMetrics, disabledMetrics, type Metrics } from './observability/metrics.js';
import { createCoordination } from './coordination/create.js';
import { measuredLock } from './coordination/measured-lock.js';
import { orgKeyedLock } from './coordination/org-keyed.js';
import { assertLeasesHeld } from './coordination/redis-lease-lock.js';
import { writeGuard } from './jumpcloud/write-guard.js';
import { keyFingerprint, type Coordination, type ResourceLock } from './coordination/primitives.js';
import { createAuthenticator } from './auth/authenticator.js';
import { orgAuthenticator } from './auth/org-authenticator.js';
import { concurrencyCap } from './jumpcloud/concurrency-cap.js';
import { paced, Pacer } from './jumpcloud/pacer.js';
import { newLifecycle, type Lifecycle } from './http/health.js';
import { registerProcessSecret } from './observability/redact.js';
import { Recorder } from './recording/recorder.js';
import { DriftCounter } from './observability/drift-counter.js';
import { SCIM_BASE, scimBaseUrl } from './http/scim-response.js';
import { createDebugPage, DEBUG_PATH, type DebugPage } from './debug/debug-page.js';

export interface Bridge {
  app: express.Express;
  connection: JumpCloudConnection;
  resources: ResourceRegistry;
  /** The registered Users resource, for tools that render JumpCloud users as SCIM (tests, benchmarks). */
  users: UsersResource;
  /** Present when DEBUG_PAGE=true: the page's ring buffer, for tools that want the recent exchanges. */
  debug?: DebugPage;
  /** Prometheus metrics; `enabled` is false unless METRICS=true. Drift checks report through `driftWarning`. */
  metrics: Metrics;
  /** Drift warnings since start (also on the debug page and, with METRICS=true, in scim_bridge_drift_warnings_total). */
  drift: DriftCounter;
  coordination: Coordination;
  /** The per-key pacer of JumpCloud calls (its state is on the debug page and in the metrics). */
  pacer: Pacer;
  /** /readyz's state: server.ts sets `draining` on SIGTERM. */
  lifecycle: Lifecycle;
  close(): void;
}

export interface BridgeOptions {
  /** Extra client layers (a deadline, a concurrency cap, metrics, a recorder): see JumpCloudConnection. */
  layers?: ConnectionOptions['layers'];
  /** The environment the config came from: RECORD_DIR fixtures note the settings that shape upstream calls. */
  env?: Record<string, string | undefined>;
  /** More resource types, served after Users and Groups, built with the same config and locks. */
  resourceTypes?: (shared: { config: Config; locks: ResourceLock }) => ScimResourceType[];
}

/** Everything wired from one validated Config: the process entry, the sandbox, `explain` and the tests share it. */
export function createBridge(
  config: Config,
  logger: Logger,
  sinks: ExchangeSink[] = [],
  options: BridgeOptions = {},
): Bridge {
  const metrics = config.deployment.metrics.enabled
    ? createMetrics({ maxOrgs: config.deployment.metrics.maxOrgs, version: VERSION })
    : disabledMetrics();
  const table = loadAttributeTable(config.mappingFile, { deriveUsernameFromEmail: config.deriveUsernameFromEmail });
  const coordination = createCoordination(config, logger);
  const shared = config.deployment.redis !== undefined;
  const authenticator = orgAuthenticator(
    createAuthenticator(config.auth, coordination.provenKeys),
    config.auth,
    config.deployment.orgs.credentials,
    coordination.provenKeys,
  );
  if (config.auth.mode === 'entra-token' && Object.keys(config.auth.pinnedClaims).length === 0)
    logger.warn(
      'AUTH_MODE=entra-token without ENTRA_TOKEN_CLAIMS: a token Entra issued for any other non-gallery SCIM app of an allowed tenant is accepted here too. ' +
        'Pin the provisioning app: copy the appid/oid shown in the principal of a request Entra sent into ENTRA_TOKEN_CLAIMS (e.g. appid=<guid>,oid=<guid>), or use AUTH_MODE=bridge-secret',
      { kind: 'entra-token-unpinned' },
    );
  // Keys and secrets the bridge holds are masked everywhere, always.
  for (const s of [...authenticator.heldSecrets, config.debugPage.token, config.deployment.metrics.token])
    registerProcessSecret(s);
  const recorder = config.record.dir
    ? new Recorder(config.record.dir, {
        pseudonymise: config.record.pseudonymise,
        ...(config.jumpcloudOrgId ? { orgId: config.jumpcloudOrgId } : {}),
        env: options.env ?? process.env,
      })
    : undefined;
  const pacer = new Pacer(coordination.pace, { maxInFlight: config.upstreamConcurrency });
  metrics.observePace(() => pacer.snapshot());
  // The pacer outermost on the wire (a waiting call holds no slot and no socket; a throttled one is re-sent from
  // there), then the per-key cap (shared by replicas), a recording layer, then any extras.
  const layers = {
    // With Redis, no write leaves without proving (and extending) the lease of every lock the request holds.
    outer: [...(shared ? [writeGuard(assertLeasesHeld)] : []), ...(options.layers?.outer ?? [])],
    call: options.layers?.call ?? [],
    wire: [
      paced(pacer),
      concurrencyCap(coordination.upstreamCap),
      ...(recorder ? [recorder.layer] : []),
      ...(options.layers?.wire ?? []),
    ],
  };
  const connection = new JumpCloudConnection({
    baseUrl: config.jumpcloudUrl,
    ...(config.jumpcloudOrgId ? { orgId: config.jumpcloudOrgId } : {}),
    timeoutMs: config.upstreamTimeoutMs,
    retry: config.retry,
    dryRun: config.dryRun,
    layers,
    fanOut: (caller, calls) => pacer.fit(caller, calls),
  });
  // Keys per org (`/scim/v2/orgs/{orgId}`), waits measured for the lock-wait metric.
  const locks = orgKeyedLock(measuredLock(coordination.locks, metrics, shared ? 'redis' : 'memory'));
  const lifecycle = newLifecycle();
  lifecycle.checks[shared ? 'redis' : 'coordination'] = {
    check: () => coordination.ready(),
    whenDown: shared
      ? 'Redis unreachable: reads work; writes answer 503 with Retry-After until it is back'
      : 'in-process coordination unavailable',
  };
  // The one registration of each resource type: routing, discovery, the debug page and explain iterate this.
  const users = new UsersResource(table.users, config, locks, (jc, id, base) =>
    groupsOfUser(jc, id, base, config.memberConcurrency),
  );
  const groupTable = loadGroupTable(table.raw, config.mappingFile);
  const groups = new GroupsResource(groupTable, config, locks, coordination.doneMembers);
  const resources = new ResourceRegistry([users, groups, ...(options.resourceTypes?.({ config, locks }) ?? [])]);
  const drift = new DriftCounter();
  const debug = config.debugPage.enabled
    ? createDebugPage({ config, mappings: () => resources.mappings, drift, pace: () => pacer.snapshot() })
    : undefined;
  const app = createApp({
    config,
    logger,
    connection,
    resources,
    metrics,
    coordination,
    authenticator,
    lifecycle,
    onKeyVerdict: (apiKey, accepted, orgId) => {
      const fp = keyFingerprint(apiKey, orgId);
      void (accepted ? coordination.provenKeys.remember(fp) : coordination.provenKeys.forget(fp));
    },
    onNote: (note) => {
      if (drift.record(note))
        metrics.driftWarning(
          resources.label(typeof note.data?.resource === 'string' ? note.data.resource : '') ?? 'other',
        );
    },
    sinks: debug ? [...sinks, debug.buffer] : sinks,
    ...(debug ? { extraRouters: [{ path: DEBUG_PATH, router: debug.router }] } : {}),
    ...(recorder ? { extraMiddlewares: [recorder.middleware(SCIM_BASE, (req) => scimBaseUrl(req, config))] } : {}),
  });
  return {
    app,
    connection,
    resources,
    users,
    ...(debug ? { debug } : {}),
    coordination,
    pacer,
    lifecycle,
    metrics,
    drift,
    close: () => {
      connection.close();
      void coordination.close();
    },
  };
}
