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

/** Tokens that failed recently, so a repeated bad token over the limit costs no check at all; bounded in size. */
class RecentFailures {
  private readonly until = new Map<string, number>();
  constructor(
    private readonly ttlMs: number,
    private readonly max = 10_000,
  ) {}
  add(fingerprint: string): void {
    this.until.delete(fingerprint);
    this.until.set(fingerprint, Date.now() + this.ttlMs);
    if (this.until.size > this.max) this.until.delete(this.until.keys().next().value as string);
  }
  has(fingerprint: string): boolean {
    const until = this.until.get(fingerprint);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.until.delete(fingerprint);
    return false;
  }
}

/**
 * Failed authentication is limited per client address (express-rate-limit), and only failures count: a request is
 * counted when it starts and taken back off when it authenticates. Past the limit a request is still checked, so
 * the correct key is never refused because others failed from the same address (everyone behind one load balancer
 * without TRUST_PROXY, many tenants behind one Microsoft address); it is the failures that answer 429 instead of
 * 401, and a token that already failed in the window is answered 429 at once, without being checked again.
 */
export function failedAuthLimit(config: Pick<Config, 'failedAuth'>, coordination: Coordination): RequestHandler {
  const failed = new RecentFailures(config.failedAuth.windowMs);
  const retryAfter = String(Math.ceil(config.failedAuth.windowMs / 1000));
  const limiter = rateLimit({
    windowMs: config.failedAuth.windowMs,
    limit: config.failedAuth.max,
    store: coordination.failedAuthStore,
    standardHeaders: 'draft-6',
    legacyHeaders: false,
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_req, res) => locals(res).authFailed !== true,
    keyGenerator: (req) => ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? 'unknown'),
    handler: (_req, res, next) => {
      const l = locals(res);
      if (l.tokenFingerprint === undefined || failed.has(l.tokenFingerprint)) {
        res.set('Retry-After', retryAfter);
        sendError(res, edgeErrors.tooManyFailedAuths());
        return;
      }
      // Over the limit with a token not seen failing: check it; if it fails too, sendError answers 429.
      l.failedAuthLimited = { answer: edgeErrors.tooManyFailedAuths(), retryAfter };
      next();
    },
    // app.ts decides which proxies are trusted; the limiter's own start-up checks would only warn about it.
    validate: { trustProxy: false, xForwardedForHeader: false },
  });
  // The first request with each not-yet-proven token goes alone until it is answered; the rest of its burst waits
  // for that answer (at most FIRST_ANSWER_WAIT_MS), which proves the token or marks it failed. A good new key's burst
  // (Entra after a restart) then skips the limiter; a bad key's burst is refused past the limit without each of its
  // requests being checked again.
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
      .then((proven) => {
        if (proven) return next();
        res.once('finish', () => {
          if (locals(res).authFailed) failed.add(fingerprint);
        });
        void limiter(req, res, next);
      }, next);
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
