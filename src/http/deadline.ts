import type { RequestHandler, Response } from 'express';
import { edgeErrors } from './edge-errors.js';
import type { Config } from '../config.js';
import { isScimError, type ScimError } from '../scim/errors.js';
import { locals } from './scim-response.js';
import { noteDeadline } from '../util/deadline-signal.js';

/** Why a request's upstream work was stopped. */
class RequestStopped extends Error {
  constructor(readonly why: 'deadline' | 'client-gone') {
    super(why === 'deadline' ? 'the request deadline passed' : 'the client closed the connection');
    this.name = 'RequestStopped';
  }
}

/** Seconds a client is asked to wait after a deadline 503. Entra retries on its own schedule regardless. */
const RETRY_AFTER_SECONDS = 10;

/**
 * One deadline per request. Its AbortSignal goes to the JumpCloud client (every call, retry, backoff wait,
 * recovery lookup and member fan-out), to lock and concurrency-cap waits, and aborts too when the client hangs up,
 * so nothing keeps working for a client that has gone.
 */
export function requestDeadline(config: Pick<Config, 'requestDeadlineMs'>): RequestHandler {
  return (_req, res, next) => {
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(new RequestStopped('deadline')), config.requestDeadlineMs);
    noteDeadline(ctl.signal, Date.now() + config.requestDeadlineMs);
    res.once('close', () => {
      clearTimeout(timer);
      if (!res.writableFinished) ctl.abort(new RequestStopped('client-gone'));
    });
    locals(res).signal = ctl.signal;
    next();
  };
}

/** The writes JumpCloud confirmed for this request, in words: what a "come back later" answer says was done. */
function confirmedWrites(res: Response): string[] {
  return locals(res)
    .calls.filter(
      (c) =>
        c.method !== 'GET' &&
        c.path !== '/api/search/systemusers' &&
        c.status !== undefined &&
        c.status >= 200 &&
        c.status < 300,
    )
    .map((c) => `${c.method} ${c.path} → ${c.status}${c.dryRun ? ' (dry run)' : ''}`);
}

/**
 * The answer when the deadline stopped a request: 503 with Retry-After, saying what JumpCloud confirmed. Every
 * write the bridge makes converges when repeated (membership changes are idempotent; a re-sent PATCH computes
 * the remaining difference; a re-sent create finds the user), so Entra's retry completes the work.
 */
export function deadlineAnswer(res: Response, deadlineMs: number): ScimError | undefined {
  const reason: unknown = locals(res).signal?.reason;
  if (!(reason instanceof RequestStopped) || reason.why !== 'deadline') return undefined;
  res.set('Retry-After', String(RETRY_AFTER_SECONDS));
  return edgeErrors.deadline(deadlineMs, confirmedWrites(res));
}

/**
 * The answer when JumpCloud's throttling would have made the request miss its deadline, given early instead: the
 * status THROTTLED_STATUS names (503 by default, docs/decisions.md), Retry-After from the pacer's backlog, and the
 * writes JumpCloud confirmed, so the admin reading Entra's log sees what is already done. A re-sent request
 * converges: it computes what is left and does not repeat the done writes.
 */
export function comeBackLaterAnswer(res: Response, e: unknown, status: 429 | 503): ScimError | undefined {
  if (!isScimError(e) || e.comeBackAfterSeconds === undefined) return undefined;
  res.set('Retry-After', String(e.comeBackAfterSeconds));
  return edgeErrors.comeBackLater(status, e, e.comeBackAfterSeconds, confirmedWrites(res));
}
