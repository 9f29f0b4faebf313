import express, { type RequestHandler, type Router } from 'express';
import type { Config } from '../config.js';

/** What /readyz reports: false once SIGTERM starts the drain; dependencies (a shared store) add their own checks. */
export interface Lifecycle {
  draining: boolean;
  /**
   * Dependencies whose loss degrades the service without stopping it, by name. A failing one is named in /readyz
   * with what it costs, and never makes the process unready: taking every replica out of the load balancer for it
   * would turn "writes answer 503 with Retry-After" into connection errors for every request.
   */
  checks: Record<string, DependencyCheck>;
}

export interface DependencyCheck {
  check: () => Promise<boolean>;
  /** What still works and what does not while the check fails, for the operator reading /readyz. */
  whenDown: string;
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

/** A probe must answer quickly even when a dependency hangs: a check that takes longer counts as failing. */
const CHECK_TIMEOUT_MS = 1_000;

async function passes(dependency: DependencyCheck): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      dependency.check(),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), CHECK_TIMEOUT_MS))),
    ]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * /healthz: the process is alive and answering (a liveness probe; it stays 200 while draining so the orchestrator
 * does not kill a process that is finishing requests), with the version it runs. /readyz: send traffic here. 503
 * only from the moment SIGTERM arrives, so the load balancer stops routing to it; a failing dependency answers 200
 * with `status: degraded` and names what it costs, because reads still work and writes answer 503 + Retry-After.
 */
export function healthRoutes(config: Pick<Config, 'dryRun'>, lifecycle: Lifecycle, version: string): Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', version, dryRun: config.dryRun });
  });
  router.get('/readyz', async (_req, res) => {
    const names = Object.keys(lifecycle.checks);
    const results = await Promise.all(names.map((name) => passes(lifecycle.checks[name]!)));
    const checks = Object.fromEntries(names.map((name, i) => [name, results[i]]));
    const degraded = names
      .filter((_, i) => !results[i])
      .map((name) => ({ name, whenDown: lifecycle.checks[name]!.whenDown }));
    if (lifecycle.draining) {
      res.status(503).json({ status: 'draining', checks, degraded });
      return;
    }
    res.status(200).json({ status: degraded.length > 0 ? 'degraded' : 'ready', checks, degraded });
  });
  return router;
}
