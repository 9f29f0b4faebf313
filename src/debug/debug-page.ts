import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Config } from '../config.js';
import { explainExchange, type ResourceMapping } from '../mapping/exchange-mapping.js';
import { exchangeExport } from '../observability/exchange-export.js';
import { allSchemas } from '../scim/discovery.js';
import type { DriftCounter } from '../observability/drift-counter.js';
import type { PacerSnapshot } from '../jumpcloud/observed.js';
import { requestOrigin } from '../util/request-origin.js';
import { ExchangeBuffer, type BufferedExchange } from './exchange-buffer.js';
import { describeFilter, filterFromQuery, matches, subjectsOf, type ExchangeFilter } from './exchange-filter.js';
import { DEBUG_PATH, renderExchanges, renderMapping, renderPage, type ExchangeView } from './render.js';
import { curlCommand, explainCommand } from './reproduce.js';

export { DEBUG_PATH } from './render.js';
const DEBUG_TOKEN_HEADER = 'x-debug-token';
const COOKIE = 'bridge_debug';

export interface DebugPageDeps {
  config: Pick<Config, 'debugPage' | 'dryRun' | 'mappingFile' | 'publicUrl'>;
  /** The mapping of every resource type the bridge serves (the registry's), in discovery order. */
  mappings: () => readonly ResourceMapping[];
  /** Drift warnings since start, shown at the top of the page. */
  drift?: DriftCounter;
  /** The JumpCloud pacer's state, shown at the top of the page. */
  pace?: () => readonly PacerSnapshot[];
}

export interface DebugPage {
  buffer: ExchangeBuffer;
  router: Router;
}

const LOOPBACK_ADDRESS = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;

/**
 * Loopback by the socket, never by `req.ip`: app.ts trusts X-Forwarded-For, which any client can forge.
 * A request that came through a proxy (it carries forwarding headers) is not treated as local even when the
 * proxy itself sits on loopback, because then everyone the proxy serves would count as local.
 */
export function isLoopbackRequest(req: {
  socket: { remoteAddress?: string | undefined };
  headers: Record<string, string | string[] | undefined>;
}): boolean {
  const address = req.socket.remoteAddress ?? '';
  if (!LOOPBACK_ADDRESS.test(address)) return false;
  return ['x-forwarded-for', 'forwarded', 'x-real-ip'].every((h) => req.headers[h] === undefined);
}

function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The cookie holds a digest, not the token, so the token is never stored in the browser. */
function cookieValue(token: string): string {
  return createHash('sha256').update(`jumpcloud-scim-bridge debug ${token}`).digest('hex');
}

function cookieFrom(req: Request): string | undefined {
  const header = req.get('cookie') ?? '';
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === COOKIE) return rest.join('=');
  }
  return undefined;
}

type Access = 'loopback' | 'token' | 'cookie' | undefined;

function access(req: Request, token: string | undefined): Access {
  if (isLoopbackRequest(req)) return 'loopback';
  if (!token) return undefined;
  const header = req.get(DEBUG_TOKEN_HEADER);
  const query = typeof req.query.token === 'string' ? req.query.token : undefined;
  if ((header && sameSecret(header, token)) || (query && sameSecret(query, token))) return 'token';
  const cookie = cookieFrom(req);
  if (cookie && sameSecret(cookie, cookieValue(token))) return 'cookie';
  return undefined;
}

/**
 * The debug page: recent exchanges and the attribute table, for whoever runs the bridge.
 * Anyone else gets the bridge's ordinary 404, so the page's existence is not disclosed.
 */
export function createDebugPage(deps: DebugPageDeps): DebugPage {
  const { debugPage } = deps.config;
  const token = debugPage.token;
  const buffer = new ExchangeBuffer(debugPage.bufferSize, token ? [token] : []);
  const router = express.Router();

  router.use((req: Request, res: Response, next: NextFunction) => {
    const how = access(req, token);
    if (!how) {
      // Leave the router: the app's own 404 answers, byte for byte what any unknown path gets.
      next('router');
      return;
    }
    if (how === 'token' && token) {
      res.cookie(COOKIE, cookieValue(token), {
        httpOnly: true,
        sameSite: 'strict',
        path: DEBUG_PATH,
        secure: req.secure,
      });
    }
    const nonce = randomBytes(16).toString('base64');
    res.locals.cspNonce = nonce;
    res.set({
      'Content-Security-Policy': `default-src 'self'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
    });
    next();
  });

  const nonceOf = (res: Response): string => String(res.locals.cspNonce);
  const after = (req: Request): number => {
    const raw = typeof req.query.after === 'string' ? Number(req.query.after) : 0;
    return Number.isInteger(raw) && raw > 0 ? raw : 0;
  };
  // A buffered exchange never changes, so what the page says about it is computed once, when first shown.
  const views = new WeakMap<BufferedExchange, ExchangeView>();
  const view = (e: BufferedExchange): ExchangeView => {
    let v = views.get(e);
    if (!v) {
      v = { subjects: subjectsOf(e, deps.mappings()), explanation: explainExchange(deps.mappings(), e) };
      views.set(e, v);
    }
    return v;
  };
  const selected = (req: Request, filter: ExchangeFilter = filterFromQuery(req.query)): BufferedExchange[] => {
    const upto = typeof req.query.upto === 'string' ? Number(req.query.upto) : NaN;
    return buffer
      .list(after(req))
      .filter((e) => (!Number.isInteger(upto) || upto <= 0 || e.seq <= upto) && matches(e, filter, view(e).subjects));
  };
  const secrets = token ? [token] : [];

  router.get('/', (req, res) => {
    const filter = filterFromQuery(req.query);
    res.type('html').send(
      renderPage(
        selected(req, filter),
        {
          nonce: nonceOf(res),
          capacity: buffer.capacity,
          last: buffer.last,
          dryRun: deps.config.dryRun,
          filter,
          total: buffer.size,
          mappings: deps.mappings(),
          ...(deps.drift ? { drift: deps.drift } : {}),
          ...(deps.pace ? { pace: deps.pace() } : {}),
        },
        view,
      ),
    );
  });
  router.get('/exchanges', (req, res) => {
    res.json({ capacity: buffer.capacity, last: buffer.last, exchanges: selected(req) });
  });
  router.get('/exchanges/fragment', (req, res) => {
    res.type('html').send(renderExchanges(selected(req), view));
  });
  const one = (req: Request, res: Response): BufferedExchange | undefined => {
    const seq = Number(req.params.seq);
    const e = Number.isInteger(seq) ? buffer.get(seq) : undefined;
    if (!e)
      res
        .status(404)
        .type('text')
        .send(`exchange ${String(req.params.seq)} is not in the buffer (it keeps the last ${buffer.capacity})\n`);
    return e;
  };
  router.get('/exchanges/:seq/curl', (req, res) => {
    const e = one(req, res);
    if (e) res.type('text').send(curlCommand(e, deps.config.publicUrl ?? requestOrigin(req)));
  });
  router.get('/exchanges/:seq/explain', (req, res) => {
    const e = one(req, res);
    if (e) res.type('text').send(explainCommand(e, secrets));
  });
  router.get('/export', (req, res) => {
    const filter = filterFromQuery(req.query);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    res.attachment(`scim-exchanges-${stamp}.json`);
    res
      .type('json')
      .send(
        JSON.stringify(
          exchangeExport(selected(req, filter), secrets, `debug page export: ${describeFilter(filter)}`),
          null,
          2,
        ),
      );
  });
  router.get('/mapping', (_req, res) => {
    const mappings = deps.mappings();
    res
      .type('html')
      .send(renderMapping(mappings, allSchemas(mappings.map((m) => m.schema)), nonceOf(res), deps.config.mappingFile));
  });
  router.get('/mapping.json', (_req, res) => {
    const mappings = deps.mappings();
    res.json({
      resources: mappings.map((m) => ({
        resourceType: m.schema.resourceType,
        endpoint: m.schema.endpoint,
        rows: m.table,
      })),
      schemas: allSchemas(mappings.map((m) => m.schema)),
    });
  });
  return { buffer, router };
}
