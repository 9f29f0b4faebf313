import type { Server } from 'node:http';
import { ConfigError, loadConfig, loadDotEnv } from './config.js';
import { createBridge } from './bridge.js';
import { createLogger } from './observability/logger.js';

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
  const server: Server = bridge.app.listen(config.port, config.host, () => {
    logger.info('listening', { url: `http://${config.host}:${config.port}/scim/v2`, jumpcloud: config.jumpcloudUrl, dryRun: config.dryRun });
  });
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
