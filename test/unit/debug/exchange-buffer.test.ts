import { expect } from 'chai';
import { ExchangeBuffer, MAX_BODY_CHARS } from '../../../src/debug/exchange-buffer.js';
import type { Exchange } from '../../../src/observability/exchange.js';

const exchange = (url: string, over: Partial<Exchange> = {}): Exchange => ({
  id: url,
  at: '2026-01-01T00:00:00.000Z',
  method: 'GET',
  url,
  status: 200,
  durationMs: 1,
  upstream: [],
  traced: false,
  dryRun: false,
  ...over,
});

describe('debug ExchangeBuffer', () => {
  it('keeps the newest `capacity` exchanges, newest first, with increasing sequence numbers', () => {
    const b = new ExchangeBuffer(3);
    for (let i = 1; i <= 5; i += 1) b.record(exchange(`/scim/v2/Users/${i}`));
    expect(b.size).to.equal(3);
    expect(b.list().map((e) => e.url)).to.deep.equal(['/scim/v2/Users/5', '/scim/v2/Users/4', '/scim/v2/Users/3']);
    expect(b.list(4).map((e) => e.seq)).to.deep.equal([5]);
    expect(b.last).to.equal(5);
  });

  it('does not keep its own page, health checks or favicon requests, but keeps wrong-base 404s', () => {
    const b = new ExchangeBuffer(10);
    for (const url of ['/debug', '/debug/exchanges?after=1', '/healthz', '/favicon.ico', '/Users'])
      b.record(exchange(url));
    expect(b.list().map((e) => e.url)).to.deep.equal(['/Users']);
  });

  it('scrubs again: secret-named keys, bearer values and the debug token', () => {
    const b = new ExchangeBuffer(10, ['debug-token-123456']);
    b.record(
      exchange('/scim/v2/Users?x=debug-token-123456', {
        requestBody: { password: 'hunter2', note: 'Bearer abc.def', echo: 'debug-token-123456' },
        upstream: [
          { method: 'GET', path: '/api/systemusers', durationMs: 1, attempts: 1, requestBody: { apiKey: 'k' } },
        ],
      }),
    );
    const text = JSON.stringify(b.list());
    expect(text).to.not.contain('hunter2');
    expect(text).to.not.contain('abc.def');
    expect(text).to.not.contain('debug-token-123456');
    expect(text).to.not.contain('"k"');
  });

  it('replaces very large bodies with a note', () => {
    const b = new ExchangeBuffer(10);
    b.record(exchange('/scim/v2/Users', { responseBody: { big: 'x'.repeat(MAX_BODY_CHARS + 1) } }));
    expect(b.list()[0]?.responseBody)
      .to.be.a('string')
      .and.match(/not kept/);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new ExchangeBuffer(0)).to.throw(RangeError);
  });
});
