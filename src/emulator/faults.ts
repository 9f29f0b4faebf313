import type { NextFunction, Request, Response } from 'express';
import { isRecord } from './api-error.js';

export interface FaultSpec {
  /** HTTP method to match (any when omitted). */
  method?: string;
  /** Exact request path, a path prefix ending in "/" or "*", or a RegExp (any path when omitted). */
  path?: string | RegExp;
  /**
   * Let this many matching requests through untouched before the fault applies (default 0): `skip: 1` fails the
   * second search and not the first. Every matching request counts, whether or not another fault answered it, so a
   * rule says which requests it hits without knowing the others.
   */
  skip?: number;
  /** How many matching requests the fault applies to, after the skipped ones; default 1. */
  times?: number;
  /** Answer with this status instead of handling the request. */
  status?: number;
  /** Value of the `Retry-After` header on the faulty answer. */
  retryAfter?: string;
  /** Wait this long first; without `status` or `dropConnection` the request is then handled normally. */
  delayMs?: number;
  /**
   * `before`: reset the connection without touching state.
   * `afterCommit`: handle the request (the write really happens), then reset instead of answering.
   */
  dropConnection?: 'before' | 'afterCommit';
  /** Body of the faulty answer; default `{"message": <reason phrase>}`. */
  body?: unknown;
}

export interface ActiveFault extends FaultSpec {
  readonly id: number;
  /** Matching requests still to let through before the fault applies. */
  toSkip: number;
  remaining: number;
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** Scripted failures for the `/api` routes; each fault is consumed by the requests it matches. */
export class FaultInjector {
  private faults: ActiveFault[] = [];
  private sequence = 0;

  inject(spec: FaultSpec): ActiveFault {
    const fault: ActiveFault = {
      ...spec,
      id: (this.sequence += 1),
      toSkip: spec.skip ?? 0,
      remaining: spec.times ?? 1,
    };
    this.faults.push(fault);
    return fault;
  }

  clear(): void {
    this.faults = [];
  }

  get active(): readonly ActiveFault[] {
    return this.faults;
  }

  /**
   * Counts this request against every fault it matches that is still skipping, then takes the first live fault
   * that is done skipping and uses up one of its turns.
   */
  take(method: string, path: string): ActiveFault | undefined {
    let fault: ActiveFault | undefined;
    for (const candidate of this.faults) {
      if (candidate.remaining <= 0 || !matches(candidate, method, path)) continue;
      if (candidate.toSkip > 0) candidate.toSkip -= 1;
      else fault ??= candidate;
    }
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults = this.faults.filter((candidate) => candidate !== fault);
    return fault;
  }

  middleware() {
    return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
      const fault = this.take(req.method, req.originalUrl.split('?')[0] ?? req.path);
      if (!fault) return next();
      if (fault.delayMs !== undefined && fault.delayMs > 0) await sleep(fault.delayMs);
      if (fault.dropConnection === 'before') {
        req.socket.destroy();
        return;
      }
      if (fault.dropConnection === 'afterCommit') {
        dropInsteadOfAnswering(req, res);
        return next();
      }
      if (fault.status !== undefined) {
        if (fault.retryAfter !== undefined) res.set('Retry-After', fault.retryAfter);
        res.status(fault.status).json(fault.body ?? { message: REASONS[fault.status] ?? `HTTP ${fault.status}` });
        return;
      }
      next();
    };
  }
}

/** Parses a fault posted as JSON to `/__emulator/faults`; `pathRegex` stands in for a RegExp `path`. */
export function faultFromJson(value: unknown): FaultSpec {
  if (!isRecord(value)) throw new Error('a fault must be a JSON object');
  const spec: FaultSpec = {};
  const { method, path, pathRegex, skip, times, status, retryAfter, delayMs, dropConnection, body } = value;
  if (method !== undefined) spec.method = text(method, 'method');
  if (path !== undefined) spec.path = text(path, 'path');
  if (pathRegex !== undefined) spec.path = new RegExp(text(pathRegex, 'pathRegex'));
  if (skip !== undefined) spec.skip = count(skip, 'skip');
  if (times !== undefined) spec.times = count(times, 'times');
  if (status !== undefined) spec.status = count(status, 'status');
  if (retryAfter !== undefined)
    spec.retryAfter = typeof retryAfter === 'number' ? String(retryAfter) : text(retryAfter, 'retryAfter');
  if (delayMs !== undefined) spec.delayMs = count(delayMs, 'delayMs');
  if (dropConnection !== undefined) {
    if (dropConnection !== 'before' && dropConnection !== 'afterCommit')
      throw new Error('dropConnection must be "before" or "afterCommit"');
    spec.dropConnection = dropConnection;
  }
  if (body !== undefined) spec.body = body;
  if (spec.status === undefined && spec.delayMs === undefined && spec.dropConnection === undefined) {
    throw new Error('a fault needs at least one of status, delayMs or dropConnection');
  }
  return spec;
}

export function describeFault(fault: ActiveFault): Record<string, unknown> {
  return { ...fault, path: fault.path instanceof RegExp ? { regex: fault.path.source } : fault.path };
}

function text(value: unknown, name: string): string {
  if (typeof value !== 'string') throw new Error(`${name} must be a string`);
  return value;
}

function count(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw new Error(`${name} must be a non-negative number`);
  return value;
}

function matches(fault: FaultSpec, method: string, path: string): boolean {
  if (fault.method && fault.method.toUpperCase() !== method.toUpperCase()) return false;
  if (fault.path === undefined) return true;
  if (fault.path instanceof RegExp) return fault.path.test(path);
  if (fault.path.endsWith('*')) return path.startsWith(fault.path.slice(0, -1));
  if (fault.path.endsWith('/')) return path.startsWith(fault.path);
  return path === fault.path;
}

/**
 * Lets the handler run and commit, then resets the socket at the moment it would answer: the client
 * sees a connection error although the write happened, which is what a duplicate-safe client must survive.
 */
function dropInsteadOfAnswering(req: Request, res: Response): void {
  const drop = (): Response => {
    req.socket.destroy();
    return res;
  };
  res.end = drop as Response['end'];
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
