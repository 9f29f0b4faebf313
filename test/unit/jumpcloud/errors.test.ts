import { expect } from 'chai';
import {
  JumpCloudError,
  failuresAsErrors,
  isRetryable,
  parseRetryAfter,
  upstreamMessage,
} from '../../../src/jumpcloud/errors.js';
import { kindForStatus } from '../../../src/jumpcloud/failure-kinds.js';
import { rejectionOf } from '../../helpers/rejection.js';
import type { UpstreamRequest } from '../../../src/jumpcloud/layer.js';

const err = (kind: JumpCloudError['kind'], status?: number): JumpCloudError =>
  new JumpCloudError(kind, 'm', { method: 'GET', path: '/p', ...(status ? { status } : {}), attempts: 1 });

describe('jumpcloud/errors', () => {
  it('classifies every status once', () => {
    const cases: [number, string, JumpCloudError['kind']][] = [
      [302, '', 'unauthorized'],
      [399, '', 'unauthorized'],
      [401, '', 'unauthorized'],
      [403, '', 'forbidden'],
      [404, '', 'notFound'],
      [409, 'User already exists', 'alreadyExists'],
      [409, 'version mismatch', 'conflict'],
      [429, '', 'rateLimited'],
      [500, '', 'unavailable'],
      [503, '', 'unavailable'],
      [400, 'Bad Request: User ALREADY EXISTS', 'alreadyExists'],
      [400, 'invalid email', 'badRequest'],
      [422, '', 'badRequest'],
    ];
    for (const [status, message, kind] of cases)
      expect(kindForStatus(status, message), `${status} ${message}`).to.equal(kind);
  });

  it('retries only transient failures: network, timeout, 429 and 502/503/504, never a 500 or a client error', () => {
    expect(isRetryable(err('network'))).to.equal(true);
    expect(isRetryable(err('timeout'))).to.equal(true);
    expect(isRetryable(err('rateLimited', 429))).to.equal(true);
    for (const s of [502, 503, 504]) expect(isRetryable(err('unavailable', s)), String(s)).to.equal(true);
    expect(isRetryable(err('unavailable', 500))).to.equal(false);
    expect(isRetryable(err('unavailable', 501))).to.equal(false);
    for (const k of ['unauthorized', 'forbidden', 'notFound', 'badRequest', 'alreadyExists', 'conflict'] as const)
      expect(isRetryable(err(k, 400)), k).to.equal(false);
  });

  it('calls a failure ambiguous (the write may have landed) unless JumpCloud said it was not processed', () => {
    expect(err('timeout').ambiguous).to.equal(true);
    expect(err('network').ambiguous).to.equal(true);
    // 502/504 come from a gateway that may have forwarded the write; a 503 means JumpCloud refused it.
    expect(err('unavailable', 502).ambiguous).to.equal(true);
    expect(err('unavailable', 504).ambiguous).to.equal(true);
    expect(err('unavailable', 500).ambiguous).to.equal(true);
    expect(err('unavailable', 503).ambiguous).to.equal(false);
    expect(err('rateLimited', 429).ambiguous).to.equal(false);
    expect(err('badRequest', 400).ambiguous).to.equal(false);
  });

  it("reads JumpCloud's varied error bodies, trimmed and bounded, and never an HTML page", () => {
    expect(upstreamMessage({ message: ' bad ' }, 400)).to.equal('bad');
    expect(upstreamMessage({ error: 'nope' }, 400)).to.equal('nope');
    expect(upstreamMessage({ detail: 'why' }, 400)).to.equal('why');
    expect(upstreamMessage({ message: '  ', error: 'second' }, 400)).to.equal('second');
    expect(upstreamMessage({ message: 42 }, 418)).to.equal('HTTP 418');
    expect(upstreamMessage(' plain ', 400)).to.equal('plain');
    expect(upstreamMessage('<html>login</html>', 302)).to.equal('HTTP 302');
    expect(upstreamMessage('', 500)).to.equal('HTTP 500');
    expect(upstreamMessage(undefined, 500)).to.equal('HTTP 500');
    expect(upstreamMessage({ message: 'x'.repeat(900) }, 400)).to.have.length(500);
    expect(upstreamMessage('y'.repeat(900), 400)).to.have.length(500);
  });

  it('parses Retry-After as seconds or an HTTP date, and ignores anything else', () => {
    expect(parseRetryAfter('3')).to.equal(3000);
    expect(parseRetryAfter(' 0 ')).to.equal(0);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).to.equal(5000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT', now)).to.equal(0);
    expect(parseRetryAfter('-1')).to.equal(undefined);
    expect(parseRetryAfter('soon')).to.equal(undefined);
    expect(parseRetryAfter('')).to.equal(undefined);
    expect(parseRetryAfter(undefined)).to.equal(undefined);
    expect(parseRetryAfter(['3'])).to.equal(undefined);
  });

  describe('failuresAsErrors', () => {
    const req: UpstreamRequest = { method: 'GET', path: '/api/x', idempotent: true, apiKey: 'sekrit-key' };
    it('passes 2xx answers through unchanged', async () => {
      const res = { status: 204, data: '', headers: {} };
      expect(await failuresAsErrors(async () => res)(req)).to.equal(res);
    });
    it("turns any other status into a classified error scrubbed of the caller's key, with its Retry-After", async () => {
      const send = failuresAsErrors(async () => ({
        status: 429,
        data: { message: 'key sekrit-key is throttled' },
        headers: { 'retry-after': '2' },
      }));
      const e = await rejectionOf(send(req), JumpCloudError);
      expect(e.kind).to.equal('rateLimited');
      expect(e.upstreamMessage).to.equal('key *** is throttled');
      expect(e.retryAfterMs).to.equal(2000);
      expect(e.call).to.deep.equal({ method: 'GET', path: '/api/x', status: 429, attempts: 1 });
      expect(e.message).to.equal('JumpCloud GET /api/x failed (429): key *** is throttled');
    });
    it('treats 199 and 300 as failures', async () => {
      for (const status of [199, 300]) {
        await rejectionOf(failuresAsErrors(async () => ({ status, data: {}, headers: {} }))(req), JumpCloudError);
      }
    });
  });
});
