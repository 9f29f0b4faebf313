import { keyFingerprint, type KeyPace } from '../coordination/primitives.js';
import { deadlineOf } from '../util/deadline-signal.js';
import { JumpCloudError, parseRetryAfter } from './errors.js';
import { unfitted, type FanOutCaller, type FanOutFit } from './fan-out-fit.js';
import type { Layer, UpstreamRequest } from './layer.js';
import type { PacerSnapshot } from './observed.js';
import { isRecoveryRead } from './recovery-read.js';

/**
 * A call the pacer refused to queue because, at the key's current rate and backlog, it would not be answered
 * before its request's deadline. Nothing was sent: the request can stop now and say "come back later" instead of
 * holding Entra's connection until the deadline. Its `retryAfterMs` is when the backlog ahead of it should be gone.
 */
function throttledBeyondDeadline(
  req: { method: string; path: string },
  retryAfterMs: number,
  attempts: number,
): JumpCloudError {
  return new JumpCloudError(
    'throttled',
    "JumpCloud is throttling this API key; at the rate it allows, this call would not be answered before the request's deadline",
    { method: req.method, path: req.path, status: 429, attempts },
    retryAfterMs,
  );
}

export const isThrottledBeyondDeadline = (e: unknown): e is JumpCloudError =>
  e instanceof JumpCloudError && e.kind === 'throttled';

export interface PacerOptions {
  /** JUMPCLOUD_CONCURRENCY: the most calls per key on the wire at once (the in-flight limit never grows past it). */
  maxInFlight: number;
  now?: () => number;
}

interface Waiter {
  flow: object;
  /** A recovery read (recoveryRead): served before every flow, never refused for its deadline. */
  urgent: boolean;
  deadline: number | undefined;
  req: Pick<UpstreamRequest, 'method' | 'path'>;
  attempts: number;
  grant(at: number): void;
  refuse(e: unknown): void;
}

/** Requests without a signal (tools, tests) share one flow. */
const NO_FLOW = {};
/** In-flight AIMD: multiplicative decrease on a congestion event. */
const IN_FLIGHT_DECREASE = 0.85;
/**
 * A call with no deadline (a tool's, a test's) is not re-sent after a 429 without end: past this many throttled
 * attempts its 429 is answered as it is.
 */
const UNBOUNDED_ATTEMPTS = 20;
/** A first guess at JumpCloud's latency, until answers measure it. */
const LATENCY_GUESS_MS = 100;
/**
 * The share of a key's rate fan-outs may hold before their deadlines: the rest stays for the single calls of other
 * requests (user creates, reads), which round-robin serves between the fan-outs' calls.
 */
const FAN_OUT_SHARE = 0.95;
/** Room left between a fan-out's last call and its deadline, to write the answer. */
const ANSWER_MARGIN_MS = 250;

class KeyQueue {
  /** Waiting calls per flow (one flow per SCIM request), in round-robin order: the next flow served is first. */
  readonly flows = new Map<object, Waiter[]>();
  /** Recovery reads, first come first served, ahead of every flow. */
  readonly urgent: Waiter[] = [];
  waiting = 0;
  inFlight = 0;
  limit: number;
  latencyMs = LATENCY_GUESS_MS;
  lastDecreaseAt = 0;
  pumping = false;
  timer: NodeJS.Timeout | undefined;
  /** A call with this key (and org) was answered other than 401/403. */
  proven = false;
  /** Calls fan-outs were granted and have not finished: the rate they hold before their deadlines. */
  committed = 0;
  /** When the work of the fan-outs told to come back later is expected to end: each later one queues behind it. */
  promisedUntil = 0;
  /** Flows (requests) holding a fan-out grant, in the order they were granted. */
  readonly fanOuts = new Set<object>();

  constructor(
    readonly org: string | undefined,
    maxInFlight: number,
  ) {
    this.limit = maxInFlight;
  }
}

/** Handed to a call once admitted: say how it went, so the pace and the in-flight limit learn. */
export interface Admission {
  /** The call ended: with JumpCloud's status, or without an answer (a network error). */
  done(status?: number): void;
  throttled(retryAfterMs: number | undefined): Promise<void>;
}

/**
 * One pacer per JumpCloud key (and org), shared by every request of this process; the rate and the pause are the
 * key's `KeyPace` (shared by every replica with Redis). It replaces "each call sleeps its own Retry-After":
 * - calls wait in one queue per key, served round-robin between requests (flows), so a 100-member PATCH and a
 *   create each get their turn: neither starves the other;
 * - admission needs the pace's turn (the learned calls/s, or none while JumpCloud has not throttled) and a free
 *   in-flight slot; the in-flight limit shrinks on a throttling event and grows back by one per window of answers;
 * - a call whose wait would outlast its request's deadline is refused at once (a `throttled` failure), not
 *   queued to be aborted later;
 * - a recovery read (the lookup that tells whether a write whose answer was lost landed) goes ahead of every flow
 *   and is never refused that way: it waits for the key's turn until its request's deadline, because refusing it
 *   would answer an error about a write that may have been made.
 */
export class Pacer {
  private readonly queues = new Map<string, KeyQueue>();
  private readonly now: () => number;

  constructor(
    private readonly pace: KeyPace,
    private readonly options: PacerOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  private queueOf(key: string, org: string | undefined): KeyQueue {
    let q = this.queues.get(key);
    if (!q) {
      q = new KeyQueue(org, this.options.maxInFlight);
      this.queues.set(key, q);
    }
    return q;
  }

  /** The rate the queue drains at: the learned one, or what the in-flight limit gives at the measured latency. */
  private drainRate(key: string, q: KeyQueue): number {
    return this.pace.state(key).rate ?? (q.limit * 1000) / q.latencyMs;
  }

  /** How long until a call at `position` in its flow is answered, with round-robin between flows. */
  private estimateMs(key: string, q: KeyQueue, flow: object, position: number): number {
    let ahead = position + q.urgent.length;
    for (const [f, waiters] of q.flows) if (f !== flow) ahead += Math.min(waiters.length, position + 1);
    return this.pace.state(key).pausedMs + ((ahead + 1) * 1000) / this.drainRate(key, q) + q.latencyMs;
  }

  /** When the whole backlog should be gone: what a refused call is told to wait. */
  private backlogMs(key: string, q: KeyQueue): number {
    return this.pace.state(key).pausedMs + ((q.waiting + q.inFlight) * 1000) / this.drainRate(key, q);
  }

  /** Waits for the call's turn. Rejects with the signal's reason on abort, or a `throttled` failure. */
  admit(req: UpstreamRequest, attempts = 1): Promise<Admission> {
    const key = keyFingerprint(req.apiKey, req.orgId);
    const q = this.queueOf(key, req.orgId);
    const flow = req.signal ?? NO_FLOW;
    const deadline = deadlineOf(req.signal);
    const { signal } = req;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const urgent = isRecoveryRead(signal);
    const mine = q.flows.get(flow);
    if (!urgent && deadline !== undefined && this.now() + this.estimateMs(key, q, flow, mine?.length ?? 0) > deadline)
      return Promise.reject(throttledBeyondDeadline(req, this.backlogMs(key, q), attempts));
    return new Promise<Admission>((resolve, reject) => {
      const onAbort = (): void => {
        this.remove(q, waiter);
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        flow,
        urgent,
        deadline,
        req,
        attempts,
        grant: (at) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(this.admission(key, q, at));
        },
        refuse: (e) => {
          signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      if (urgent) q.urgent.push(waiter);
      else if (mine) mine.push(waiter);
      else q.flows.set(flow, [waiter]);
      q.waiting += 1;
      void this.pump(key, q);
    });
  }

  private admission(key: string, q: KeyQueue, grantedAt: number): Admission {
    const started = this.now();
    let settled = false;
    const settle = (): void => {
      settled = true;
      q.inFlight -= 1;
      q.latencyMs = 0.8 * q.latencyMs + 0.2 * Math.max(1, this.now() - started);
    };
    return {
      done: (status) => {
        if (settled) return;
        settle();
        if (status !== undefined && status !== 401 && status !== 403) q.proven = true;
        if (q.waiting > 0) q.limit = Math.min(this.options.maxInFlight, q.limit + 1 / q.limit);
        if (!q.proven && q.waiting === 0 && q.inFlight === 0) {
          // A key JumpCloud never accepted (a wrong token, a made-up org) keeps no state once idle: a stream of
          // junk keys must not grow the pacer.
          this.queues.delete(key);
          this.pace.forget(key);
          return;
        }
        void this.pump(key, q);
      },
      throttled: async (retryAfterMs) => {
        if (settled) return;
        settle();
        if (started >= q.lastDecreaseAt) {
          const rate = this.pace.state(key).rate;
          // Enough calls in flight to keep the learned rate busy at the measured latency, never fewer.
          const floor = rate === undefined ? 1 : Math.max(1, Math.ceil((rate * q.latencyMs * 2) / 1000));
          q.limit = Math.max(Math.min(floor, this.options.maxInFlight), q.limit * IN_FLIGHT_DECREASE);
          q.lastDecreaseAt = this.now();
        }
        await this.pace.throttled(key, grantedAt, retryAfterMs);
        void this.pump(key, q);
      },
    };
  }

  private remove(q: KeyQueue, waiter: Waiter): void {
    if (waiter.urgent) {
      const i = q.urgent.indexOf(waiter);
      if (i < 0) return;
      q.urgent.splice(i, 1);
      q.waiting -= 1;
      return;
    }
    const list = q.flows.get(waiter.flow);
    if (!list) return;
    const i = list.indexOf(waiter);
    if (i < 0) return;
    list.splice(i, 1);
    q.waiting -= 1;
    if (list.length === 0) q.flows.delete(waiter.flow);
  }

  /**
   * The next call: a recovery read first, then round-robin between flows (the served flow moves to the back). A
   * granted fan-out's turn goes to the earliest granted fan-out with a call waiting: fan-outs together keep the
   * share round-robin gives them, but finish one after the other, so a rate slower than the grants assumed makes the
   * last one miss its deadline instead of all of them.
   */
  private next(q: KeyQueue): Waiter | undefined {
    const urgent = q.urgent.shift();
    if (urgent) {
      q.waiting -= 1;
      return urgent;
    }
    for (const [flow, list] of q.flows) {
      const lane = q.fanOuts.has(flow) ? (this.earliestFanOut(q) ?? flow) : flow;
      const from = lane === flow ? list : (q.flows.get(lane) ?? list);
      const w = from.shift();
      q.flows.delete(flow);
      if (lane !== flow && from.length === 0) q.flows.delete(lane);
      if (list.length) q.flows.set(flow, list);
      if (!w) continue;
      q.waiting -= 1;
      return w;
    }
    return undefined;
  }

  private earliestFanOut(q: KeyQueue): object | undefined {
    for (const flow of q.fanOuts) if (q.flows.get(flow)?.length) return flow;
    return undefined;
  }

  /** While the key waits (a pause, the rate's spacing), calls that can no longer make their deadline are let go. */
  private shed(key: string, q: KeyQueue, waitMs: number): void {
    const now = this.now();
    for (const [flow, list] of [...q.flows]) {
      list.forEach((w, position) => {
        if (w.deadline === undefined) return;
        if (now + waitMs + this.estimateMs(key, q, flow, position) <= w.deadline) return;
        this.remove(q, w);
        w.refuse(throttledBeyondDeadline(w.req, this.backlogMs(key, q), w.attempts));
      });
    }
  }

  private async pump(key: string, q: KeyQueue): Promise<void> {
    if (q.pumping || q.timer) return;
    q.pumping = true;
    try {
      while (q.waiting > 0 && q.inFlight < Math.max(1, Math.floor(q.limit))) {
        const turn = await this.pace.take(key, q.waiting > 1);
        if (!turn.admitted) {
          this.shed(key, q, turn.waitMs);
          if (q.waiting > 0)
            q.timer = setTimeout(
              () => {
                q.timer = undefined;
                void this.pump(key, q);
              },
              Math.max(1, Math.ceil(turn.waitMs)),
            );
          return;
        }
        const w = this.next(q);
        // Every waiter gave up while the turn was asked for: the turn is spent, as it would be on the wire.
        if (!w) return;
        q.inFlight += 1;
        w.grant(turn.at);
      }
    } finally {
      q.pumping = false;
    }
  }

  /**
   * How many of a fan-out's `calls` fit before its deadline: the key's rate (less a share for other requests) over
   * the time left, less what earlier fan-outs hold. The first fan-outs get all they ask; a later one, only what is
   * left, and is told to come back when the work ahead of it (including that of fan-outs told before it) should be
   * done. Nothing is refused while no rate is known (JumpCloud has not throttled and JUMPCLOUD_RATE_LIMIT is unset),
   * but the calls are still counted as held.
   */
  fit(caller: FanOutCaller, calls: number): FanOutFit {
    const key = keyFingerprint(caller.apiKey, caller.orgId);
    const q = this.queues.get(key);
    if (!q || calls <= 0) return unfitted(calls);
    const deadline = deadlineOf(caller.signal);
    const { rate, pausedMs } = this.pace.state(key);
    let granted = calls;
    let retryAfterMs = 0;
    if (deadline !== undefined && rate !== undefined) {
      const now = this.now();
      const share = rate * FAN_OUT_SHARE;
      const leftMs = deadline - now - pausedMs - q.latencyMs - ANSWER_MARGIN_MS;
      const capacity = Math.floor((Math.max(0, leftMs) / 1000) * share) - q.committed;
      granted = Math.max(0, Math.min(calls, capacity));
      if (granted < calls) {
        const start = Math.max(now + pausedMs + ((q.committed + granted) * 1000) / share, q.promisedUntil);
        q.promisedUntil = start + ((calls - granted) * 1000) / share;
        retryAfterMs = Math.max(1_000, start - now);
      }
    }
    q.committed += granted;
    const flow = caller.signal;
    if (flow && granted > 0) q.fanOuts.add(flow);
    let held = granted;
    return {
      granted,
      retryAfterMs,
      sent: () => {
        if (held <= 0) return;
        held -= 1;
        q.committed -= 1;
      },
      release: () => {
        q.committed -= held;
        held = 0;
        if (flow) q.fanOuts.delete(flow);
      },
    };
  }

  /** Every key's state, by org (never the key): for metrics and the debug page. */
  snapshot(): PacerSnapshot[] {
    return [...this.queues].map(([key, q]) => {
      const s = this.pace.state(key);
      return {
        org: q.org,
        proven: q.proven,
        rate: s.rate,
        pausedMs: s.pausedMs,
        queued: q.waiting,
        inFlight: q.inFlight,
        inFlightLimit: Math.floor(q.limit),
        pauses: s.pauses,
        throttles: s.throttles,
      };
    });
  }
}

/**
 * The wire layer: every call waits for its key's turn; a 429 ("not applied") pauses the key and the call is sent
 * again, whatever its method, for as long as its request's deadline allows (not a number of attempts). A call
 * that cannot be admitted in time ends with a `throttled` failure, having sent nothing more.
 */
export function paced(pacer: Pacer): Layer {
  return (next) => async (req) => {
    for (let attempts = 1; ; attempts++) {
      const admission = await pacer.admit(req, attempts);
      let res;
      try {
        res = await next(req);
      } catch (e) {
        admission.done();
        throw e;
      }
      if (res.status !== 429 || (deadlineOf(req.signal) === undefined && attempts >= UNBOUNDED_ATTEMPTS)) {
        admission.done(res.status);
        return attempts > 1 ? { ...res, attempts } : res;
      }
      await admission.throttled(parseRetryAfter(res.headers['retry-after']));
    }
  };
}
