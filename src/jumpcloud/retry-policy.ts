import pRetry, { type RetryContext } from 'p-retry';
import type { RetryConfig } from '../config.js';
import { JumpCloudError, isRetryable } from './errors.js';
import { failureKind } from './failure-kinds.js';
import type { Layer, UpstreamRequest } from './layer.js';

type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

const sleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      signal?.removeEventListener('abort', abort);
      resolve();
    }
    function abort(): void {
      clearTimeout(timer);
      reject(signal?.reason);
    }
    signal?.addEventListener('abort', abort, { once: true });
  });

/**
 * The one idempotency guard and the one retryability rule: a call is re-sent only when it is idempotent (a re-sent
 * create could make a duplicate user; do not weaken this) or its failure proves JumpCloud did nothing with it (a
 * 429), the failure is transient, and retries are left. Both facts are columns of the failure-kinds table.
 */
export function mayRetry(
  req: Pick<UpstreamRequest, 'idempotent'>,
  ctx: Pick<RetryContext, 'error' | 'attemptNumber'>,
  retries: number,
): boolean {
  if (!(ctx.error instanceof JumpCloudError) || !isRetryable(ctx.error) || ctx.attemptNumber > retries) return false;
  return req.idempotent || failureKind(ctx.error.kind).resentEvenIfNotIdempotent;
}

const retryAfterOf = (error: unknown): number | undefined =>
  error instanceof JumpCloudError ? error.retryAfterMs : undefined;

/**
 * Retries transient failures of idempotent calls with exponential backoff (p-retry), inside one wall-clock
 * budget per call. When JumpCloud says `Retry-After`, that wait *replaces* the backoff: it is slept in
 * `onFailedAttempt`, and the attempt does not consume a backoff step, so p-retry adds no delay of its own (the
 * attempt still counts against `retries` through `mayRetry`). A Retry-After beyond the budget cannot be honoured
 * inside Entra's 60 s, so the call gives up at once rather than hang.
 */
export function retryPolicy(config: RetryConfig, wait: Sleep = sleep): Layer {
  return (next) => async (req) => {
    const started = performance.now();
    let attempts = 0;
    // Attempts the layers below made on their own (the pacer re-sends a throttled call), beyond one per try here.
    let below = 0;
    let anyAmbiguous = false;
    try {
      const res = await pRetry(
        async (attemptNumber) => {
          attempts = attemptNumber;
          try {
            const res = await next(req);
            below += (res.attempts ?? 1) - 1;
            return res;
          } catch (e) {
            if (e instanceof JumpCloudError) below += e.call.attempts - 1;
            throw e;
          }
        },
        {
          retries: config.retries,
          factor: 2,
          minTimeout: config.minDelayMs,
          maxTimeout: config.maxDelayMs,
          randomize: true,
          maxRetryTime: config.budgetMs,
          ...(req.signal ? { signal: req.signal } : {}),
          shouldRetry: (ctx) => mayRetry(req, ctx, config.retries),
          shouldConsumeRetry: (ctx) => retryAfterOf(ctx.error) === undefined,
          onFailedAttempt: async (ctx) => {
            if (ctx.error instanceof JumpCloudError && ctx.error.ambiguous) anyAmbiguous = true;
            const after = retryAfterOf(ctx.error);
            if (after === undefined || !mayRetry(req, ctx, config.retries)) return;
            if (after > config.budgetMs - (performance.now() - started)) throw ctx.error;
            await wait(after, req.signal);
          },
        },
      );
      return { ...res, attempts: attempts + below };
    } catch (err) {
      const e =
        err instanceof JumpCloudError
          ? err
          : new JumpCloudError('network', String(err), { method: req.method, path: req.path, attempts });
      // A timeout on attempt 1 and a 429 on attempt 5: the call may have been applied, and callers must know.
      throw new JumpCloudError(
        e.kind,
        e.upstreamMessage,
        { ...e.call, attempts: attempts + below },
        e.retryAfterMs,
        anyAmbiguous || e.ambiguous,
      );
    }
  };
}
