import { JumpCloudError } from './errors.js';
import type { Layer, UpstreamRequest } from './layer.js';

/** What the client tells its observer about every upstream call: for the request log, traces and the debug page. */
export interface UpstreamCall {
  method: string;
  path: string;
  query?: Record<string, string | number>;
  requestBody?: unknown;
  status?: number;
  responseBody?: unknown;
  durationMs: number;
  /** 1 + retries. */
  attempts: number;
  error?: string;
  /** The write was computed but not sent (DRY_RUN). */
  dryRun?: boolean;
}
export type CallObserver = (call: UpstreamCall) => void;

/** One key's state as metrics and the debug page show it: never the key, only its org. */
export interface PacerSnapshot {
  org: string | undefined;
  /** JumpCloud has accepted this key for this org: until then the org is only what a caller claimed. */
  proven: boolean;
  /** Calls/s admitted; undefined while no limit has been learned or configured. */
  rate: number | undefined;
  pausedMs: number;
  queued: number;
  inFlight: number;
  inFlightLimit: number;
  pauses: number;
  throttles: number;
}

/** The request half of an UpstreamCall: what was (or would have been) sent. Never the key. */
export function callOf(req: UpstreamRequest): Pick<UpstreamCall, 'method' | 'path' | 'query' | 'requestBody'> {
  return {
    method: req.method,
    path: req.path,
    ...(req.query && Object.keys(req.query).length ? { query: req.query } : {}),
    ...(req.body !== undefined ? { requestBody: req.body } : {}),
  };
}

const since = (started: number): number => Math.round((performance.now() - started) * 10) / 10;

/** Reports each finished call (all its attempts together) to the observer, success or failure. */
export function observed(observer: CallObserver): Layer {
  return (next) => async (req) => {
    const started = performance.now();
    try {
      const res = await next(req);
      observer({
        ...callOf(req),
        status: res.status,
        ...(res.data !== undefined ? { responseBody: res.data } : {}),
        durationMs: since(started),
        attempts: res.attempts ?? 1,
      });
      return res;
    } catch (err) {
      const e = err instanceof JumpCloudError ? err : undefined;
      observer({
        ...callOf(req),
        status: e?.call.status,
        durationMs: since(started),
        attempts: e?.call.attempts ?? 1,
        error: e?.upstreamMessage ?? String(err),
      });
      throw err;
    }
  };
}
