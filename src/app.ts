import express, { type RequestHandler, type Router } from 'express';
import type { Config } from './config.js';
import type { JumpCloudConnection } from './jumpcloud/client.js';
import type { Logger } from './observability/logger.js';
import type { ExchangeNote, ExchangeSink } from './observability/exchange.js';
import type { ResourceRegistry } from './resources/resource-type.js';
import { requestLog } from './http/request-log.js';
import { scimBody } from './http/body-parsing.js';
import { methodNotAllowed } from './http/method-not-allowed.js';
import { discoveryRoutes } from './http/discovery-routes.js';
import { authenticate, failedAuthLimit } from './http/auth.js';
import { requestSecrets } from './http/request-secrets.js';
import { requestDeadline } from './http/deadline.js';
import { drainingConnections, healthRoutes, type Lifecycle } from './http/health.js';
import { VERSION } from './version.js';
import type { Authenticator } from './auth/authenticator.js';
import type { Coordination } from './coordination/primitives.js';
import { resourceRoutes } from './http/resource-routes.js';
import { errorTranslation, notUnderScimBase } from './http/error-translation.js';
import { SCIM_BASE } from './http/scim-response.js';
import { ORG_BASE, orgScope } from './http/org-scope.js';
import { requestMetrics } from './http/request-metrics.js';
import { METRICS_PATH, metricsRouter } from './http/metrics-endpoint.js';
import { tokenGuessLimit } from './http/token-guess-limit.js';
import { disabledMetrics, type Metrics } from './observability/metrics.js';

export interface AppDeps {
  config: Config;
  logger: Logger;
  connection: JumpCloudConnection;
  resources: ResourceRegistry;
  /** Prometheus metrics (disabled unless METRICS=true). */
  metrics?: Metrics;
  coordination: Coordination;
  authenticator: Authenticator;
  /** Draining state for /readyz (server.ts flips it on SIGTERM). */
  lifecycle: Lifecycle;
  /** An upstream answer proved (true) or disproved (false) the key a request used. */
  onKeyVerdict?: (apiKey: string, accepted: boolean, orgId?: string) => void;
  /** Every note a resource reports (drift warnings are counted from these). */
  onNote?: (note: ExchangeNote) => void;
  /** Extra sinks for finished exchanges (the debug page's ring buffer). */
  sinks?: ExchangeSink[];
  /** Extra routers mounted before the SCIM routes (the debug page). */
  extraRouters?: { path: string; router: Router }[];
  /** Extra middlewares run for every request after the request log (the RECORD_DIR recorder). */
  extraMiddlewares?: RequestHandler[];
}

/**
 * A token-guarded operator router behind the failed-token limit. Over the limit the router is left untried, so the
 * answer is the app's own 404, as to anyone without the token.
 */
function guessLimited(config: Config, router: Router): Router {
  const guarded = express.Router();
  guarded.use(
    tokenGuessLimit(config, (_req, _res, next) => next('router'), true),
    router,
  );
  return guarded;
}

/** Express wiring only: each middleware does one job (see src/http/). */
export function createApp(deps: AppDeps): express.Express {
  const { config, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  // Forwarded headers decide `Location` URLs; only trusted hops (default: a proxy on this host) may set them.
  app.set('trust proxy', config.trustProxy);
  app.set('query parser', 'simple');
  // SCIM resources carry no ETags here (/ServiceProviderConfig says etag unsupported); hashing every body for one
  // was pure cost on every response.
  app.set('etag', false);

  // First: the request's secrets are masked in everything written about it, even if it fails right away.
  app.use(requestSecrets());
  app.use(requestLog(config, logger, deps.sinks ?? []));
  const metrics = deps.metrics ?? disabledMetrics();
  // Not mounted when off: every layer is a step of every request, and each costs CPU.
  if (metrics.enabled) app.use(requestMetrics(metrics, (segment) => deps.resources.label(segment)));
  // On the main port only when no separate METRICS_PORT is set (server.ts serves it there).
  if (metrics.enabled && config.deployment.metrics.port === undefined)
    app.use(METRICS_PATH, guessLimited(config, metricsRouter(metrics, config.deployment.metrics.token)));
  for (const m of deps.extraMiddlewares ?? []) app.use(m);
  app.use(drainingConnections(deps.lifecycle));
  for (const r of deps.extraRouters ?? []) app.use(r.path, guessLimited(config, r.router));

  // Cheap before expensive: the failed-auth limit, then authentication, and only then the body is read and a
  // resource handler may take a lock or start a fan-out.
  const scim = express.Router({ caseSensitive: false });
  scim.use(failedAuthLimit(config, deps.coordination));
  scim.use(discoveryRoutes(deps.resources, config));
  scim.use(methodNotAllowed(deps.resources));
  scim.use(requestDeadline(config));
  scim.use(authenticate(deps.authenticator, deps.coordination, deps.connection));
  scim.use(scimBody());
  scim.use(
    resourceRoutes(deps.resources, deps.connection, config, {
      onKeyVerdict: deps.onKeyVerdict,
      logger,
      ...(deps.onNote ? { onNote: deps.onNote } : {}),
    }),
  );
  // The org form first: `/scim/v2` would otherwise take `/scim/v2/orgs/...` as a path below it.
  app.use(ORG_BASE, orgScope(config.deployment.orgs.routes), scim);
  app.use(SCIM_BASE, scim);
  // After the SCIM routes, which answer everything below their base: a SCIM request does not walk these.
  app.use(healthRoutes(config, deps.lifecycle, VERSION));

  app.use(notUnderScimBase());
  app.use(errorTranslation(logger));
  return app;
}
