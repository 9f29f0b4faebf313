import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { ApiError, isRecord } from './api-error.js';
import { apiKeyGate, LOGIN_PAGE_HTML, orgGate } from './auth.js';
import { seedExampleUsers } from './example-users.js';
import { describeFault, faultFromJson, FaultInjector } from './faults.js';
import { pathOf, queryParams, recordViolation, type EmulatorContext } from './request-context.js';
import {
  modesFromJson,
  multiTenantGate,
  organizationsList,
  rateGate,
  readOnlyGate,
  type EmulatorModes,
} from './modes.js';
import { EmulatorStore } from './store.js';
import { systemUsersRouter } from './system-users.js';
import type { ContractViolation, RecordedRequest } from './types.js';
import { userGroupsRouter } from './user-groups.js';

export interface EmulatorOptions {
  /** Accepted `x-api-key` values; default: one random key (see `emulator.apiKeys[0]`). */
  apiKeys?: string[];
  /** When set, a request whose `x-org-id` names another org gets 404 "Organization ID Not Found". */
  orgId?: string;
  /** When set, state is loaded from and saved to this JSON file after each mutation. */
  stateFile?: string;
  /** Largest accepted `limit`; default 100. */
  maxLimit?: number;
  /** Real-org behaviours: read-only keys, MSP, refused search forms, field lists, normalisation (modes.ts). */
  modes?: EmulatorModes;
}

export interface RunningEmulator {
  /** Like http://127.0.0.1:PORT, without a trailing slash. */
  readonly url: string;
  close(): Promise<void>;
}

export interface Emulator {
  readonly app: Express;
  readonly apiKeys: readonly string[];
  listen(port?: number, host?: string): Promise<RunningEmulator>;
  readonly store: EmulatorStore;
  readonly faults: FaultInjector;
  readonly violations: ContractViolation[];
  readonly requests: RecordedRequest[];
  /** Replaces the active modes (they survive `reset`). */
  setModes(modes: EmulatorModes): void;
  reset(): void;
  seedExampleUsers(): void;
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH']);
/** A sandbox may run for days; the oldest recorded requests are dropped beyond this many. */
const MAX_RECORDED_REQUESTS = 10_000;

export function createEmulator(opts: EmulatorOptions = {}): Emulator {
  const apiKeys = Object.freeze(
    opts.apiKeys && opts.apiKeys.length > 0 ? [...opts.apiKeys] : [`jca_${randomBytes(20).toString('hex')}`],
  );
  const store = new EmulatorStore(opts.orgId, opts.stateFile);
  const faults = new FaultInjector();
  const violations: ContractViolation[] = [];
  const requests: RecordedRequest[] = [];
  const context: EmulatorContext = { store, violations, maxLimit: opts.maxLimit ?? 100, modes: opts.modes ?? {} };
  const modes = (): EmulatorModes => context.modes;
  const setModes = (next: EmulatorModes): void => {
    context.modes = next;
  };

  const reset = (): void => {
    store.clear();
    faults.clear();
    violations.length = 0;
    requests.length = 0;
  };
  const seed = (): void => seedExampleUsers(store);

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.get('/login', (_req, res) => {
    res.type('html').send(LOGIN_PAGE_HTML);
  });

  app.use('/__emulator', adminRouter({ store, faults, violations, requests, reset, seed, modes, setModes }));

  const api = express.Router();
  api.use(express.raw({ type: () => true, limit: '5mb' }));
  api.use(recordAndParse(context, requests));
  api.use(rateGate(modes));
  api.use(faults.middleware());
  api.use(apiKeyGate(apiKeys));
  api.use(orgGate(opts.orgId));
  api.use(multiTenantGate(modes, () => store.organization));
  api.use(readOnlyGate(modes));
  api.get('/organizations', (_req, res) => {
    res.json(organizationsList(context.modes.multiTenant, store.organization));
  });
  api.use('/v2', userGroupsRouter(context));
  api.use(systemUsersRouter(context));
  api.use((_req, _res, next) => next(new ApiError(404, { message: 'Not Found' })));
  app.use('/api', api);
  app.use(errorHandler);

  return {
    app,
    apiKeys,
    store,
    faults,
    violations,
    requests,
    setModes,
    reset,
    seedExampleUsers: seed,
    listen: (port = 0, host = '127.0.0.1') => listen(app, port, host),
  };
}

/**
 * Records the request (key masked), then turns the raw body into JSON. A write without a JSON
 * content type is a contract violation but is still parsed, so the drift shows up in `violations`
 * instead of as a confusing failure elsewhere.
 */
function recordAndParse(context: EmulatorContext, requests: RecordedRequest[]) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const raw: unknown = req.body;
    const text = Buffer.isBuffer(raw) && raw.length > 0 ? raw.toString('utf8') : undefined;
    let body: unknown;
    let parseError: string | undefined;
    if (text !== undefined) {
      try {
        body = JSON.parse(text);
      } catch (error) {
        parseError = error instanceof Error ? error.message : String(error);
      }
    }
    requests.push({
      method: req.method,
      path: pathOf(req),
      query: queryObject(queryParams(req)),
      headers: maskedHeaders(req),
      body: parseError === undefined ? body : text,
      at: new Date().toISOString(),
    });
    if (requests.length > MAX_RECORDED_REQUESTS) requests.splice(0, requests.length - MAX_RECORDED_REQUESTS);
    req.body = body;

    if (WRITE_METHODS.has(req.method) && !/^application\/json\b/i.test(req.get('content-type') ?? '')) {
      recordViolation(context, req, {
        pointer: '',
        kind: 'content-type',
        message: `a ${req.method} must carry Content-Type: application/json (got ${req.get('content-type') ?? 'none'})`,
      });
    }
    if (parseError !== undefined) {
      recordViolation(context, req, { pointer: '', kind: 'json', message: `body is not valid JSON: ${parseError}` });
      next(
        new ApiError(400, {
          code: 400,
          message: 'Bad Request: request body is not valid JSON',
          status: 'INVALID_ARGUMENT',
        }),
      );
      return;
    }
    next();
  };
}

function maskedHeaders(req: Request): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    headers[name] = name === 'x-api-key' ? '***' : Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function queryObject(params: URLSearchParams): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of params) {
    const existing = query[key];
    if (existing === undefined) query[key] = value;
    else query[key] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return query;
}

interface AdminDeps {
  store: EmulatorStore;
  faults: FaultInjector;
  violations: ContractViolation[];
  requests: RecordedRequest[];
  reset(): void;
  seed(): void;
  modes(): EmulatorModes;
  setModes(modes: EmulatorModes): void;
}

/** Test and admin controls; deliberately outside `/api`, so they need no key and never hit faults. */
function adminRouter(deps: AdminDeps): express.Router {
  const router = express.Router();
  router.use(express.json({ limit: '1mb' }));
  router.get('/state', (_req, res) => {
    res.json(deps.store.snapshot());
  });
  router.get('/faults', (_req, res) => {
    res.json(deps.faults.active.map(describeFault));
  });
  router.post('/faults', (req, res) => {
    try {
      res.status(201).json(describeFault(deps.faults.inject(faultFromJson(req.body))));
    } catch (error) {
      res.status(400).json({ message: error instanceof Error ? error.message : String(error) });
    }
  });
  router.delete('/faults', (_req, res) => {
    deps.faults.clear();
    res.status(204).end();
  });
  router.get('/violations', (_req, res) => {
    res.json(deps.violations);
  });
  router.delete('/violations', (_req, res) => {
    deps.violations.length = 0;
    res.status(204).end();
  });
  router.get('/requests', (_req, res) => {
    res.json(deps.requests);
  });
  router.post('/reset', (_req, res) => {
    deps.reset();
    res.status(204).end();
  });
  router.get('/modes', (_req, res) => {
    res.json(deps.modes());
  });
  router.put('/modes', (req, res) => {
    try {
      deps.setModes(modesFromJson(req.body));
      res.json(deps.modes());
    } catch (error) {
      res.status(400).json({ message: error instanceof Error ? error.message : String(error) });
    }
  });
  router.post('/seed', (_req, res) => {
    deps.seed();
    res.json(deps.store.snapshot());
  });
  return router;
}

function errorHandler(error: unknown, _req: Request, res: Response, next: NextFunction): void {
  if (res.headersSent) {
    next(error);
    return;
  }
  if (error instanceof ApiError) {
    res.status(error.status).json(error.body);
    return;
  }
  // body-parser errors (payload too large, bad JSON on admin routes) carry their own 4xx status.
  if (isRecord(error) && typeof error['status'] === 'number' && error['status'] >= 400 && error['status'] < 500) {
    res
      .status(error['status'])
      .json({ message: typeof error['message'] === 'string' ? error['message'] : 'Bad Request' });
    return;
  }
  console.error('jumpcloud emulator: unexpected error', error);
  res.status(500).json({ message: 'Internal Server Error' });
}

function listen(app: Express, port: number, host: string): Promise<RunningEmulator> {
  const server = createServer(app);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      resolve({
        url: `http://${shownHost}:${address.port}`,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((closeError) => (closeError ? fail(closeError) : done()));
            server.closeAllConnections();
          }),
      });
    });
  });
}
