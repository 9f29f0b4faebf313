import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Config } from './config.js';
import type { CallObserver, JumpCloudTransport, UpstreamCall } from './jumpcloud/client.js';
import type { Logger } from './observability/logger.js';
import { redact } from './observability/redact.js';
import { TRACE_HEADER, mentionsTracedUser, type ExchangeNote, type ExchangeSink } from './observability/exchange.js';
import { ScimError, badRequest, isScimError, notFound, unauthorized } from './scim/errors.js';
import { isJumpCloudError } from './jumpcloud/errors.js';
import { scimErrorFor } from './mapping/upstream-errors.js';
import { allSchemas, resourceTypeDoc, schemaDoc, serviceProviderConfig } from './scim/discovery.js';
import { listResponse } from './scim/list-response.js';
import type { ResourceSchema } from './scim/schema.js';
import type { Users, Scope } from './resources/users.js';
import type { Groups } from './resources/groups.js';

export const SCIM_BASE = '/scim/v2';
const SCIM_JSON = 'application/scim+json; charset=utf-8';

export interface AppDeps {
  config: Config;
  logger: Logger;
  transport: JumpCloudTransport;
  users: Users;
  groups?: Groups;
  /** Extra sinks for finished exchanges (the debug page's ring buffer). */
  sinks?: ExchangeSink[];
  /** Extra routers mounted before the SCIM routes (the debug page). */
  extraRouters?: { path: string; router: Router }[];
}

interface Locals {
  requestId: string;
  apiKey?: string;
  calls: UpstreamCall[];
  notes?: ExchangeNote[];
  responseBody?: unknown;
}

const locals = (res: Response): Locals => res.locals as Locals;

/** The caller's key: `Authorization: Bearer <key>`. A blank or missing key never reaches JumpCloud. */
function bearer(req: Request): string | undefined {
  const header = req.get('authorization');
  const m = header ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
  const key = m?.[1]?.trim();
  return key ? key : undefined;
}

function sendScim(res: Response, status: number, body: unknown): void {
  locals(res).responseBody = body;
  res.status(status).type(SCIM_JSON).send(JSON.stringify(body));
}

function sendError(res: Response, e: ScimError): void {
  if (e.status === 401) res.set('WWW-Authenticate', 'Bearer realm="jumpcloud-scim-bridge"');
  sendScim(res, e.status, e.toJSON());
}

type Handler = (req: Request, res: Response, scope: Scope) => Promise<void>;

export function createApp(deps: AppDeps): express.Express {
  const { config, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  // Forwarded headers decide `Location` URLs; only trusted hops (default: a proxy on this host) may set them.
  app.set('trust proxy', config.trustProxy);
  app.set('query parser', 'simple');

  // Request id, timing, and one structured log line per request with its upstream calls.
  app.use((req, res, next) => {
    const started = performance.now();
    const incoming = req.get('x-request-id');
    const id = incoming && /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = id;
    res.locals.calls = [];
    res.set('x-request-id', id);
    res.on('finish', () => {
      const l = locals(res);
      const secrets = [l.apiKey, config.debugPage.token].filter((x): x is string => !!x);
      const durationMs = Math.round((performance.now() - started) * 10) / 10;
      const traced = req.get(TRACE_HEADER) === 'true' || req.get(TRACE_HEADER) === '1' || mentionsTracedUser(config.traceUsers, req.originalUrl, req.body);
      // Health checks and the debug page's polling would drown the SCIM traffic at info.
      const level = res.statusCode >= 500 ? 'error' : req.originalUrl.startsWith(SCIM_BASE) ? 'info' : 'debug';
      logger.log(level, 'scim request', {
        requestId: id,
        method: req.method,
        path: redact(req.originalUrl, secrets),
        status: res.statusCode,
        durationMs,
        upstream: l.calls.map((c) => ({ method: c.method, path: c.path, status: c.status, durationMs: c.durationMs, retries: Math.max(0, c.attempts - 1), ...(c.dryRun ? { dryRun: true } : {}) })),
      });
      const exchange = redact(
        {
          id,
          at: new Date().toISOString(),
          method: req.method,
          url: req.originalUrl,
          ...(req.body !== undefined ? { requestBody: req.body } : {}),
          status: res.statusCode,
          ...(l.responseBody !== undefined ? { responseBody: l.responseBody } : {}),
          durationMs,
          upstream: l.calls,
          ...(l.notes?.length ? { notes: l.notes } : {}),
          traced,
          dryRun: config.dryRun,
        },
        secrets,
      );
      if (traced) logger.info('trace', { trace: exchange });
      for (const sink of deps.sinks ?? []) sink.record(exchange);
    });
    next();
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', dryRun: config.dryRun });
  });
  for (const r of deps.extraRouters ?? []) app.use(r.path, r.router);

  const scim = express.Router({ caseSensitive: false });
  scim.use(
    express.json({
      type: ['application/scim+json', 'application/json', 'application/*+json'],
      limit: '2mb',
      strict: false,
    }),
  );
  scim.use((req, _res, next) => {
    // A body in a form we do not parse must not be mistaken for "no attributes".
    if (['POST', 'PUT', 'PATCH'].includes(req.method) && req.body === undefined && Number(req.get('content-length') ?? 0) > 0) {
      next(badRequest('invalidSyntax', `Content-Type must be application/scim+json or application/json (got '${req.get('content-type') ?? 'none'}')`));
      return;
    }
    next();
  });

  const base = (req: Request): string => `${config.publicUrl ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`}${SCIM_BASE}`;
  const resourceSchemas = (): ResourceSchema[] => [deps.users.schema, ...(deps.groups ? [deps.groups.schema] : [])];

  // Discovery needs no key: it says nothing about the org and calls nothing upstream.
  scim.get('/ServiceProviderConfig', (req, res) => {
    sendScim(
      res,
      200,
      serviceProviderConfig({ maxResults: config.maxPageSize, maxOperations: 0, sort: true, etag: false, changePassword: false, bulk: false }, base(req)),
    );
  });
  scim.get('/ResourceTypes', (req, res) => {
    const docs = resourceSchemas().map((r) => resourceTypeDoc(r, base(req)));
    sendScim(res, 200, listResponse(docs, docs.length, 1));
  });
  scim.get('/ResourceTypes/:id', (req, res) => {
    const r = resourceSchemas().find((s) => s.resourceType.toLowerCase() === String(req.params.id).toLowerCase());
    if (!r) throw notFound(`ResourceType ${String(req.params.id)} not found; this bridge serves User${deps.groups ? ' and Group' : ''}`);
    sendScim(res, 200, resourceTypeDoc(r, base(req)));
  });
  scim.get('/Schemas', (req, res) => {
    const docs = allSchemas(resourceSchemas()).map((s) => schemaDoc(s, base(req)));
    sendScim(res, 200, listResponse(docs, docs.length, 1));
  });
  scim.get('/Schemas/:id', (req, res) => {
    const s = allSchemas(resourceSchemas()).find((d) => d.id.toLowerCase() === String(req.params.id).toLowerCase());
    if (!s) throw notFound(`Schema ${String(req.params.id)} not found`);
    sendScim(res, 200, schemaDoc(s, base(req)));
  });

  scim.use((req, res, next) => {
    const key = bearer(req);
    if (!key) {
      next(unauthorized("Missing credentials: send the JumpCloud API key as 'Authorization: Bearer <key>' (Entra: the Secret Token field)."));
      return;
    }
    locals(res).apiKey = key;
    next();
  });

  // Facts logged once per process (an ignored attribute name), however many requests carry them.
  const loggedOnce = new Set<string>();
  const route = (handler: Handler) => async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const l = locals(res);
    const observer: CallObserver = (c) => l.calls.push(c);
    const note = (n: ExchangeNote): void => {
      (l.notes ??= []).push(n);
      if (n.once !== undefined) {
        if (loggedOnce.has(n.once)) return;
        loggedOnce.add(n.once);
      }
      logger.log(n.level, n.message, { requestId: l.requestId, kind: n.kind });
    };
    try {
      await handler(req, res, { jc: deps.transport.forKey(l.apiKey ?? '', observer), baseUrl: base(req), note });
    } catch (e) {
      next(e);
    }
  };
  const id = (req: Request): string => String(req.params.id);
  const query = (req: Request): Record<string, unknown> => {
    // Parameter names are case-insensitive in practice (clients send `StartIndex`, `Filter`).
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(req.query)) {
      const canonical = ['filter', 'startIndex', 'count', 'sortBy', 'sortOrder', 'attributes', 'excludedAttributes'].find((n) => n.toLowerCase() === k.toLowerCase());
      if (canonical) out[canonical] = Array.isArray(v) && v.length === 1 ? v[0] : v;
    }
    return out;
  };
  const searchBody = (req: Request): Record<string, unknown> => {
    if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) throw badRequest('invalidSyntax', 'POST .search needs a SearchRequest JSON object');
    const b = req.body as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(b)) {
      if (k === 'schemas') continue;
      out[k] = typeof v === 'number' ? String(v) : Array.isArray(v) ? v.join(',') : v;
    }
    return out;
  };

  const users = deps.users;
  scim.get('/Users', route(async (req, res, scope) => sendScim(res, 200, await users.list(scope, query(req)))));
  scim.post('/Users/.search', route(async (req, res, scope) => sendScim(res, 200, await users.list(scope, searchBody(req)))));
  scim.get('/Users/:id', route(async (req, res, scope) => sendScim(res, 200, await users.get(scope, id(req), query(req)))));
  scim.post('/Users', route(async (req, res, scope) => {
    const created = await users.create(scope, req.body);
    res.set('Location', `${scope.baseUrl}/Users/${String(created.id)}`);
    sendScim(res, 201, created);
  }));
  scim.put('/Users/:id', route(async (req, res, scope) => sendScim(res, 200, await users.replace(scope, id(req), req.body))));
  scim.patch('/Users/:id', route(async (req, res, scope) => sendScim(res, 200, await users.patch(scope, id(req), req.body))));
  scim.delete('/Users/:id', route(async (req, res, scope) => {
    await users.remove(scope, id(req));
    res.status(204).end();
  }));

  const groups = deps.groups;
  if (groups) groups.mount(scim, route, { query, id, searchBody, sendScim });

  scim.all('/{*rest}', (req, _res, next) => {
    next(notFound(`No SCIM endpoint at ${req.method} ${SCIM_BASE}${req.path}. This bridge serves /Users${groups ? ', /Groups' : ''}, /ServiceProviderConfig, /ResourceTypes and /Schemas.`));
  });

  app.use(SCIM_BASE, scim);
  app.use((req, _res, next) => next(notFound(`Nothing at ${req.path}; the SCIM base URL (Entra's Tenant URL) is ${SCIM_BASE}`)));

  // Last resort: every failure leaves as a SCIM error; only a bug becomes a 500, and it says so without internals.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const parseFailure = err as { type?: string; status?: number; message?: string };
    if (parseFailure?.type === 'entity.parse.failed') {
      sendError(res, badRequest('invalidSyntax', `The request body is not valid JSON: ${String(parseFailure.message).slice(0, 200)}`));
      return;
    }
    if (parseFailure?.type === 'entity.too.large') {
      sendError(res, new ScimError(413, undefined, 'The request body is larger than the 2 MB the bridge accepts'));
      return;
    }
    if (parseFailure?.type === 'encoding.unsupported' || parseFailure?.type === 'charset.unsupported') {
      sendError(res, new ScimError(415, undefined, String(parseFailure.message)));
      return;
    }
    if (isScimError(err)) {
      sendError(res, err);
      return;
    }
    // A JumpCloud failure a handler forgot to translate is still JumpCloud's answer, not a bridge bug.
    if (isJumpCloudError(err)) {
      sendError(res, scimErrorFor(err));
      return;
    }
    const l = locals(res);
    logger.error('unhandled error', { requestId: l.requestId, method: req.method, path: redact(req.originalUrl, l.apiKey ? [l.apiKey] : []), error: redact(err instanceof Error ? err.stack : String(err), l.apiKey ? [l.apiKey] : []) });
    sendError(res, new ScimError(500, undefined, `Internal error in the bridge (request id ${l.requestId}); the log has the details`));
  });
  return app;
}
