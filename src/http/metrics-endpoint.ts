import type { Server } from 'node:http';
import express, { type RequestHandler, type Router } from 'express';
import { secretMatcher } from '../auth/authenticator.js';
import { isLoopbackRequest } from '../debug/debug-page.js';
import type { Metrics } from '../observability/metrics.js';
import type { Config } from '../config.js';
import { tokenGuessLimit } from './token-guess-limit.js';

export const METRICS_PATH = '/metrics';

/** `Authorization: Bearer <METRICS_TOKEN>` (Prometheus's `authorization` scrape setting), compared in constant time. */
function tokenCheck(token: string): (header: string | undefined) => boolean {
  const matches = secretMatcher([token]);
  return (header) => {
    const m = header ? /^Bearer[ \t]+(\S+)$/i.exec(header.trim()) : null;
    return !!m?.[1] && matches(m[1]) === 0;
  };
}

function exposition(metrics: Metrics): RequestHandler {
  return (_req, res, next) => {
    metrics.render().then(({ contentType, body }) => {
      res.set('Cache-Control', 'no-store').type(contentType).send(body);
    }, next);
  };
}

/**
 * /metrics on the main port, guarded like the debug page: loopback clients (by socket, not by forwarded
 * headers), or whoever presents METRICS_TOKEN. Anyone else gets the app's ordinary 404.
 */
export function metricsRouter(metrics: Metrics, token: string | undefined): Router {
  const router = express.Router();
  const presentsToken = token === undefined ? undefined : tokenCheck(token);
  router.use((req, _res, next) => {
    if (isLoopbackRequest(req) || presentsToken?.(req.get('authorization'))) next();
    else next('router');
  });
  router.get('/', exposition(metrics));
  return router;
}

/**
 * /metrics on its own port (METRICS_PORT): reachable only where that port is, typically a cluster-internal
 * interface the SCIM traffic never uses. With METRICS_TOKEN set the token is required there too.
 */
export function listenMetrics(
  metrics: Metrics,
  port: number,
  host: string,
  token: string | undefined,
  limits: Pick<Config, 'failedAuth'>,
): Promise<Server> {
  const app = express();
  app.disable('x-powered-by');
  if (token !== undefined) {
    const presentsToken = tokenCheck(token);
    app.use(
      tokenGuessLimit(
        limits,
        (_req, res) => {
          res
            .status(429)
            .set('Retry-After', String(Math.ceil(limits.failedAuth.windowMs / 1000)))
            .type('text/plain')
            .send('too many failed METRICS_TOKEN attempts from this address; try again later\n');
        },
        false,
      ),
    );
    app.use((req, res, next) => {
      if (presentsToken(req.get('authorization'))) next();
      else
        res
          .status(401)
          .set('WWW-Authenticate', 'Bearer realm="metrics"')
          .type('text/plain')
          .send('metrics need Authorization: Bearer <METRICS_TOKEN>\n');
    });
  }
  app.get(METRICS_PATH, exposition(metrics));
  app.use((_req, res) => {
    res.status(404).type('text/plain').send(`only ${METRICS_PATH} is served on this port\n`);
  });
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, () => resolve(server));
    server.once('error', reject);
  });
}
