import express, { type RequestHandler, type Router } from 'express';
import type { Config } from '../config.js';

/** What /readyz reports: false once SIGTERM starts the drain; dependencies (a shared store) add their own checks. */
export interface Lifecycle {
  draining: boolean;
  /** Extra readiness checks by name (the shared Redis store adds its own). */
  checks: Record<string, () => Promise<boolean>>;
}

export function newLifecycle(): Lifecycle {
  return { draining: false, checks: {} };
}

/** While draining, every answer closes its connection so keep-alive clients reconnect to another instance. */
export function drainingConnections(lifecycle: Lifecycle): RequestHandler {
  return (_req, res, next) => {
    if (lifecycle.draining) res.setHeader('Connection', 'close');
    next();
  };
}

/**
 * /healthz: the process is alive (a liveness probe; it stays 200 while draining so the orchestrator does not
 * kill a process that is finishing requests). /readyz: send traffic here (configuration loaded, not draining,
 * every check passing); 503 from the moment SIGTERM arrives so the load balancer stops routing to it.
 */
export function healthRoutes(config: Pick<Config, 'dryRun'>, lifecycle: Lifecycle): Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', dryRun: config.dryRun });
  });
  router.get('/readyz', async (_req, res) => {
    const results: Record<string, boolean> = {};
    for (const [name, check] of Object.entries(lifecycle.checks)) {
      try {
        results[name] = await check();
      } catch {
        results[name] = false;
      }
    }
    const ready = !lifecycle.draining && Object.values(results).every(Boolean);
    res
      .status(ready ? 200 : 503)
      .json({ status: ready ? 'ready' : lifecycle.draining ? 'draining' : 'not ready', checks: results });
  });
  return router;
}
