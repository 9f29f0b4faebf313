import { expect } from 'chai';
import { rejectionOf } from '../../helpers/rejection.js';
import type { RetryConfig } from '../../../src/config.js';
import { JumpCloudError } from '../../../src/jumpcloud/errors.js';
import { mayRetry, retryPolicy } from '../../../src/jumpcloud/retry-policy.js';
import type { Send, UpstreamRequest, UpstreamResponse } from '../../../src/jumpcloud/layer.js';

const GET: UpstreamRequest = { method: 'GET', path: '/api/systemusers/x', idempotent: true, apiKey: 'k' };
const POST: UpstreamRequest = { method: 'POST', path: '/api/systemusers', idempotent: false, apiKey: 'k' };
const OK: UpstreamResponse = { status: 200, data: { ok: true }, headers: {} };
const fast: RetryConfig = { retries: 3, minDelayMs: 1, maxDelayMs: 2, budgetMs: 5_000 };

const failure = (kind: JumpCloudError['kind'], status?: number, retryAfterMs?: number): JumpCloudError =>
  new JumpCloudError(
    kind,
    `${kind} ${status ?? ''}`,
    { method: 'GET', path: '/p', ...(status ? { status } : {}), attempts: 1 },
    retryAfterMs,
  );

/** A fake wire answering with the scripted outcomes in order (the last one repeats), counting attempts. */
function script(...outcomes: (UpstreamResponse | JumpCloudError)[]): Send & { calls: number } {
  const send = Object.assign(
    async (): Promise<UpstreamResponse> => {
      const o = outcomes[Math.min(send.calls, outcomes.length - 1)] as UpstreamResponse | JumpCloudError;
      send.calls += 1;
      if (o instanceof JumpCloudError) throw o;
      return o;
    },
    { calls: 0 },
  );
  return send;
}

const rejected = (p: Promise<unknown>): Promise<JumpCloudError> => rejectionOf(p, JumpCloudError);

describe('jumpcloud/retry-policy', () => {
  it('retries a transient failure of an idempotent call and reports the attempts', async () => {
    const wire = script(failure('unavailable', 503), failure('network'), OK);
    const res = await retryPolicy(fast)(wire)(GET);
    expect(res).to.deep.equal({ ...OK, attempts: 3 });
    expect(wire.calls).to.equal(3);
  });

  it('gives up after `retries` retries with the last error and the attempt count', async () => {
    const wire = script(failure('unavailable', 502));
    const e = await rejected(retryPolicy(fast)(wire)(GET));
    expect(wire.calls).to.equal(4);
    expect(e.call.attempts).to.equal(4);
    expect(e.kind).to.equal('unavailable');
    expect(e.call.status).to.equal(502);
  });

  it('never re-sends a non-idempotent call, whatever the failure: a re-sent create could make a duplicate', async () => {
    for (const f of [
      failure('unavailable', 503),
      failure('unavailable', 502),
      failure('network'),
      failure('timeout'),
    ]) {
      const wire = script(f, OK);
      const e = await rejected(retryPolicy(fast)(wire)(POST));
      expect(wire.calls, f.kind).to.equal(1);
      expect(e.call.attempts).to.equal(1);
    }
  });

  it('re-sends even a create after a 429: JumpCloud did nothing with it', async () => {
    const wire = script(failure('rateLimited', 429, 0), OK);
    const res = await retryPolicy(fast, async () => undefined)(wire)(POST);
    expect(res.attempts).to.equal(2);
  });

  it('does not retry failures that would fail again (500, 4xx)', async () => {
    for (const f of [
      failure('unavailable', 500),
      failure('badRequest', 400),
      failure('notFound', 404),
      failure('unauthorized', 401),
    ]) {
      const wire = script(f, OK);
      await rejected(retryPolicy(fast)(wire)(GET));
      expect(wire.calls, `${f.kind} ${f.call.status}`).to.equal(1);
    }
  });

  it('with retries 0 sends once', async () => {
    const wire = script(failure('unavailable', 503), OK);
    await rejected(retryPolicy({ ...fast, retries: 0 })(wire)(GET));
    expect(wire.calls).to.equal(1);
  });

  it('sleeps Retry-After instead of the backoff, not on top of it', async function () {
    // A backoff of 10 s would blow this test's timeout; only the 20 ms Retry-After may be waited.
    this.timeout(3_000);
    const waits: number[] = [];
    const slow: RetryConfig = { retries: 3, minDelayMs: 10_000, maxDelayMs: 10_000, budgetMs: 50_000 };
    const wire = script(failure('rateLimited', 429, 20), OK);
    const res = await retryPolicy(slow, async (ms) => {
      waits.push(ms);
    })(wire)(GET);
    expect(res.attempts).to.equal(2);
    expect(waits).to.deep.equal([20]);
  });

  it('really sleeps Retry-After by default', async () => {
    const wire = script(failure('rateLimited', 429, 60), OK);
    const started = performance.now();
    await retryPolicy({ ...fast, minDelayMs: 0, maxDelayMs: 0 })(wire)(GET);
    expect(performance.now() - started).to.be.at.least(55);
  });

  it('counts Retry-After retries against `retries`', async () => {
    const wire = script(failure('rateLimited', 429, 0));
    const e = await rejected(retryPolicy({ ...fast, retries: 2 }, async () => undefined)(wire)(GET));
    expect(wire.calls).to.equal(3);
    expect(e.call.attempts).to.equal(3);
  });

  it("gives up at once when Retry-After is beyond the remaining budget (it could not be honoured inside Entra's 60 s)", async () => {
    const waits: number[] = [];
    const wire = script(failure('rateLimited', 429, 30_000), OK);
    const e = await rejected(
      retryPolicy({ ...fast, budgetMs: 10_000 }, async (ms) => {
        waits.push(ms);
      })(wire)(GET),
    );
    expect(e.kind).to.equal('rateLimited');
    expect(wire.calls).to.equal(1);
    expect(waits).to.deep.equal([]);
  });

  it('does not sleep Retry-After for a failure it will not retry', async () => {
    const waits: number[] = [];
    const wire = script(failure('unavailable', 503, 10), OK);
    await rejected(
      retryPolicy(fast, async (ms) => {
        waits.push(ms);
      })(wire)(POST),
    );
    expect(waits).to.deep.equal([]);
  });

  it('stops retrying when the budget is spent', async () => {
    const wire = script(failure('unavailable', 503));
    await rejected(retryPolicy({ retries: 10, minDelayMs: 40, maxDelayMs: 40, budgetMs: 100 })(wire)(GET));
    // 10 retries would take 400 ms; the 100 ms budget allows about 4 attempts (timers may fire a little early).
    expect(wire.calls).to.be.within(2, 6);
  });

  it('reports a non-JumpCloud failure as a network error with the attempt count', async () => {
    const send: Send = async () => {
      throw new Error('boom');
    };
    const e = await rejected(retryPolicy(fast)(send)(GET));
    expect(e.kind).to.equal('network');
    expect(e.upstreamMessage).to.equal('Error: boom');
    expect(e.call).to.deep.equal({ method: 'GET', path: '/api/systemusers/x', attempts: 1 });
  });

  it('stops waiting when the request is aborted', async () => {
    const controller = new AbortController();
    const wire = script(failure('rateLimited', 429, 10_000), OK);
    const pending = retryPolicy({ ...fast, budgetMs: 50_000 })(wire)({ ...GET, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('deadline')), 20);
    await rejected(pending);
    expect(wire.calls).to.equal(1);
  });

  it('mayRetry is the one rule: idempotent (or refused with 429), transient, and retries left', () => {
    const transient = failure('unavailable', 503);
    expect(mayRetry(GET, { error: transient, attemptNumber: 1 }, 1)).to.equal(true);
    expect(mayRetry(GET, { error: transient, attemptNumber: 2 }, 1)).to.equal(false);
    expect(mayRetry(POST, { error: transient, attemptNumber: 1 }, 1)).to.equal(false);
    expect(mayRetry(POST, { error: failure('rateLimited', 429), attemptNumber: 1 }, 1)).to.equal(true);
    expect(mayRetry(POST, { error: failure('rateLimited', 429), attemptNumber: 2 }, 1)).to.equal(false);
    expect(mayRetry(GET, { error: failure('unavailable', 500), attemptNumber: 1 }, 1)).to.equal(false);
    expect(mayRetry(GET, { error: new Error('x'), attemptNumber: 1 }, 1)).to.equal(false);
  });
});
