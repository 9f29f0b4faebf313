import type { Server } from 'node:http';
import { ConfigError, loadConfig, loadDotEnv } from './config.js';
import { createBridge } from './bridge.js';
import { createLogger } from './observability/logger.js';
import { safeUrl } from './coordination/redis-connection.js';
import { listenMetrics } from './http/metrics-endpoint.js';

/** Production entry: configuration from the environment, then listen; SIGINT/SIGTERM drain and exit. */
function main(): void {
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
  let bridge;
  try {
    bridge = createBridge(config, logger);
  } catch (e) {
    console.error(`jumpcloud-scim-bridge: configuration error: ${(e as Error).message}`);
    process.exit(2);
  }
  const { redis, metrics, orgs } = config.deployment;
  const server: Server = bridge.app.listen(config.port, config.host, () => {
    const address = server.address();
    const port = address && typeof address === 'object' ? address.port : config.port;
    // Which mode this replica runs in, said once: more than one replica is safe only with "redis".
    logger.info('listening', {
      url: `http://${config.host}:${port}/scim/v2`,
      jumpcloud: config.jumpcloudUrl,
      dryRun: config.dryRun,
      coordination: redis ? 'redis' : 'in-process',
      ...(redis ? { redis: safeUrl(redis.url) } : { note: 'one process only: run more than one replica only with REDIS_URL' }),
      orgRoutes: orgs.routes,
      metrics: metrics.enabled ? (metrics.port !== undefined ? `http://${metrics.host}:${metrics.port}/metrics` : '/metrics (loopback or METRICS_TOKEN)') : 'off',
    });
  });
  if (metrics.enabled && metrics.port !== undefined) {
    listenMetrics(bridge.metrics, metrics.port, metrics.host, metrics.token).catch((e: unknown) => {
      console.error(`jumpcloud-scim-bridge: cannot serve metrics on ${metrics.host}:${metrics.port}: ${(e as Error).message}`);
      process.exit(2);
    });
  }
  // Entra waits up to 60 s per request; keep sockets a little longer than load balancers usually do.
  server.keepAliveTimeout = 65_000;
  const stop = (signal: string): void => {
    logger.info('shutting down', { signal });
    server.close(() => {
      bridge.close();
      process.exit(0);
    });
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main();
