import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { edgeErrors } from './edge-errors.js';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { Config } from '../config.js';
import { bearerToken, type Authenticator } from '../auth/authenticator.js';
import { keyFingerprint, type Coordination } from '../coordination/primitives.js';
import type { JumpCloudConnection } from '../jumpcloud/client.js';
import { isJumpCloudError } from '../jumpcloud/errors.js';
import { scimErrorFor } from '../mapping/upstream-errors.js';
import { ScimError, badRequest } from '../scim/errors.js';
import { locals, requestScope, sendError } from './scim-response.js';
import { holdWhileInFlight } from './request-secrets.js';

/** Methods that may take a per-resource lock or fan out: a forwarded key must be proven before them. */
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function tokenOf(req: Request): string | undefined {
  const t = bearerToken(req.get('authorization'));
  return typeof t === 'string' ? t : undefined;
}

/** The token's fingerprint, hashed once per request: the failed-auth limit and authentication both need it. */
function tokenFingerprint(res: Response, token: string): string {
  const l = locals(res);
  return (l.tokenFingerprint ??= keyFingerprint(token, l.orgId));
}

/**
 * Failed authentication is limited per client address (express-rate-limit). A request whose token is already
 * proven is not counted, and one that authenticates is taken back off the count, so Entra's bursts with a good
 * token never meet the limit while a key-guessing client does.
 */
export function failedAuthLimit(config: Pick<Config, 'failedAuth'>, coordination: Coordination): RequestHandler {
  const limiter = rateLimit({
    windowMs: config.failedAuth.windowMs,
    limit: config.failedAuth.max,
    store: coordination.failedAuthStore,
    standardHeaders: 'draft-6',
    legacyHeaders: false,
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_req, res) => res.statusCode !== 401,
    keyGenerator: (req) => ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? 'unknown'),
    handler: (_req, res, _next, options) => {
      res.set('Retry-After', String(Math.ceil(options.windowMs / 1000)));
      sendError(res, edgeErrors.tooManyFailedAuths());
    },
    // app.ts decides which proxies are trusted; the limiter's own start-up checks would only warn about it.
    validate: { trustProxy: false, xForwardedForHeader: false },
  });
  // The first request with each not-yet-proven token, until it is answered. The limiter counts a request when it
  // starts and takes it back off when it succeeds, so a burst with a good new key (Entra after a restart or after the
  // proven-key memory expired, or many tenants behind one Microsoft address) would otherwise be answered 429 before
  // any of it had been answered at all. The rest of such a burst waits for the first answer, which proves the key
  // or not; a bad key's burst is then counted as before.
  const firsts = new Map<string, Promise<void>>();
  const awaitFirst = async (fingerprint: string, res: Response): Promise<void> => {
    const first = firsts.get(fingerprint);
    if (!first) {
      const answered = new Promise<void>((resolve) => res.once('close', resolve));
      firsts.set(fingerprint, answered);
      void answered.then(() => firsts.delete(fingerprint));
      return;
    }
    await settledOrAborted(first, FIRST_ANSWER_WAIT_MS, locals(res).signal);
  };
  // A proven token never enters the limiter: its per-request work (the client address, a listener on the answer)
  // was a measurable part of the CPU of every request Entra sends with its good token.
  return (req, res, next) => {
    const token = tokenOf(req);
    if (token === undefined) {
      void limiter(req, res, next);
      return;
    }
    const fingerprint = tokenFingerprint(res, token);
    const isProven = (): Promise<boolean> => coordination.provenKeys.isProven(fingerprint);
    isProven()
      .then(async (proven) => proven || (await awaitFirst(fingerprint, res), await isProven()))
      .then((proven) => (proven ? next() : void limiter(req, res, next)), next);
  };
}

/** How many Authorization headers the request carried (Node's `req.headers` keeps only the first). */
function authorizationHeaders(req: Request): number {
  let n = 0;
  for (let i = 0; i < req.rawHeaders.length; i += 2) if (req.rawHeaders[i]?.toLowerCase() === 'authorization') n += 1;
  return n;
}

/** How long the rest of a burst with a new token waits for its first request's answer (normally well under a second). */
const FIRST_ANSWER_WAIT_MS = 5_000;

/** Waits for `p`, at most `ms`, and not past the request's deadline or its client leaving. */
async function settledOrAborted(p: Promise<void>, ms: number, signal: AbortSignal | undefined): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    await Promise.race([
      p,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, ms);
        onAbort = resolve;
        signal?.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * Authenticates every SCIM resource request before anything expensive. In forward mode a key JumpCloud has not
 * accepted recently is proven with one cheap read before a write may take a lock or start a fan-out; concurrent
 * requests with the same unproven key share that read, so a flood of junk keys costs one upstream call per key
 * at a time. Any upstream success proves the key (resource-routes.ts); a 401 forgets it.
 */
export function authenticate(
  authenticator: Authenticator,
  coordination: Coordination,
  connection: JumpCloudConnection,
): RequestHandler {
  const proofs = new Map<string, Promise<void>>();
  const prove = (fingerprint: string, run: () => Promise<unknown>): Promise<void> => {
    let p = proofs.get(fingerprint);
    if (!p) {
      p = (async () => {
        try {
          await run();
          await coordination.provenKeys.remember(fingerprint);
        } catch (e) {
          throw isJumpCloudError(e) ? scimErrorFor(e) : e;
        } finally {
          proofs.delete(fingerprint);
        }
      })();
      proofs.set(fingerprint, p);
    }
    return p;
  };
  return (req: Request, res: Response, next: NextFunction): void => {
    if (authorizationHeaders(req) > 1) {
      // Node keeps the first and drops the rest; a proxy in front may have read another one.
      next(badRequest('invalidSyntax', 'The request carries more than one Authorization header; send exactly one'));
      return;
    }
    const token = bearerToken(req.get('authorization'));
    if (token instanceof ScimError) {
      next(token);
      return;
    }
    const l = locals(res);
    authenticator
      .authenticate(token, l.orgId)
      .then(async (caller) => {
        // From here on the credential may reach JumpCloud (whose answers can echo it): every line is masked with it.
        if (!holdWhileInFlight(res, [...new Set([token, caller.apiKey])], !caller.proven)) {
          res.set('Retry-After', '1');
          throw new ScimError(
            429,
            undefined,
            'Too many requests with keys JumpCloud has not yet accepted are in flight; try again in a moment',
          );
        }
        if (!caller.proven && WRITES.has(req.method) && !/\/\.search$/i.test(req.path)) {
          // Not one of the request's own calls (explain and the debug page show those); the log line says it happened.
          l.keyProof = true;
          const jc = connection.forKey(caller.apiKey, requestScope(l));
          await prove(keyFingerprint(caller.apiKey, l.orgId), () => jc.listUsers({ limit: 1, skip: 0, fields: '_id' }));
        }
        // Bridge secrets and Entra tokens are proven by the check itself; remembering them spares the limiter.
        if (caller.proven && authenticator.mode !== 'forward')
          await coordination.provenKeys.remember(tokenFingerprint(res, token));
        l.apiKey = caller.apiKey;
        l.principal = caller.principal;
        next();
      })
      .catch(next);
  };
}
