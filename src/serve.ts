import type { Server } from 'node:http';
import { drain, trackConnections } from './http/graceful-shutdown.js';
import { ConfigError, loadConfig, loadDotEnv, timeBudgetConflicts } from './config.js';
import { createBridge } from './bridge.js';
import { createLogger } from './observability/logger.js';
import { safeUrl } from './coordination/redis-connection.js';
import { listenMetrics } from './http/metrics-endpoint.js';
import { createHttpServer } from './http/http-server.js';
import { outboundProxyFor } from './jumpcloud/transport.js';

/**
 * The service: configuration from the environment (and ./.env), then listen; SIGINT/SIGTERM drain and exit 0 once
 * every request has finished (1 when the grace period cut some short). `node dist/src/server.js` and the CLI's
 * `serve` both run this, so they take the same configuration.
 */
export function serve(): void {
  let config;
  try {
    loadDotEnv();
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`jumpcloud-scim-bridge: configuration error: ${e.message}`);
      process.exit(2);
    }
    throw e;
  }
  const logger = createLogger(config);
  const conflicts = timeBudgetConflicts(config);
  if (conflicts.length > 0) logger.warn(`time budgets conflict: ${conflicts.join('; ')}`);
  let bridge;
  try {
    bridge = createBridge(config, logger);
  } catch (e) {
    console.error(`jumpcloud-scim-bridge: configuration error: ${(e as Error).message}`);
    process.exit(2);
  }
  const { redis, metrics, orgs } = config.deployment;
  const running = bridge;
  const server: Server = createHttpServer(running.app, logger);
  server.listen(config.port, config.host, () => {
    const address = server.address();
    const port = address && typeof address === 'object' ? address.port : config.port;
    // Which mode this replica runs in, said once: more than one replica is safe only with "redis".
    logger.info('listening', {
      url: `http://${config.host}:${port}/scim/v2`,
      port,
      authMode: config.auth.mode,
      jumpcloud: config.jumpcloudUrl,
      dryRun: config.dryRun,
      mappingFile: config.mappingFile,
      outboundProxy: proxyHost(config.jumpcloudUrl),
      coordination: redis ? 'redis' : 'in-process',
      ...(redis
        ? { redis: safeUrl(redis.url) }
        : { note: 'one process only: run more than one replica only with REDIS_URL' }),
      orgRoutes: orgs.routes,
      metrics: metrics.enabled
        ? metrics.port !== undefined
          ? `http://${metrics.host}:${metrics.port}/metrics`
          : '/metrics (loopback or METRICS_TOKEN)'
        : 'off',
    });
  });
  if (metrics.enabled && metrics.port !== undefined) {
    listenMetrics(bridge.metrics, metrics.port, metrics.host, metrics.token, config).catch((e: unknown) => {
      console.error(
        `jumpcloud-scim-bridge: cannot serve metrics on ${metrics.host}:${metrics.port}: ${(e as Error).message}`,
      );
      process.exit(2);
    });
  }
  const sockets = trackConnections(server);
  // Entra waits up to 60 s per request; keep sockets a little longer than load balancers usually do.
  server.keepAliveTimeout = 65_000;
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    // Readiness fails at once; the listener keeps accepting for SHUTDOWN_DELAY_MS so a connection the load balancer
    // routed before it saw the 503 is served instead of reset from the accept queue.
    running.lifecycle.draining = true;
    logger.info('draining', { signal, graceMs: config.shutdownGraceMs, delayMs: config.shutdownDelayMs });
    // With no delay the listener closes in this same tick, before anything else can connect.
    const startDrain = (): Promise<'drained' | 'forced'> =>
      drain(server, sockets, running.lifecycle, config.shutdownGraceMs);
    const drained =
      config.shutdownDelayMs > 0
        ? new Promise((resolve) => setTimeout(resolve, config.shutdownDelayMs)).then(startDrain)
        : startDrain();
    void drained.then((how) => {
      running.close();
      logger.info(
        how === 'drained' ? 'stopped: every request finished' : 'stopped: grace period over, connections cut',
        { signal },
      );
      // Let the log line reach its transport before the process ends.
      setImmediate(() => process.exit(how === 'drained' ? 0 : 1));
    });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  // Under `npm start`, npm exits on SIGTERM without passing the signal on: a server whose parent went away drains
  // as if it had been signalled, so it never lingers as an orphan holding the port. Production runs node itself.
  if (process.env.npm_lifecycle_event === 'start') {
    const parent = process.ppid;
    setInterval(() => {
      if (process.ppid !== parent) stop('parent exited');
    }, 500).unref();
  }
}

/** The proxy JumpCloud calls go through, by host only (its URL may carry a password), or 'none'. */
function proxyHost(jumpcloudUrl: string): string {
  const proxy = outboundProxyFor(jumpcloudUrl);
  if (!proxy) return 'none';
  try {
    return new URL(proxy).host;
  } catch {
    return 'set (not a URL)';
  }
}
