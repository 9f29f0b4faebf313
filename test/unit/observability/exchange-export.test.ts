import { expect } from 'chai';
import { exchangeExport, parseExport } from '../../../src/observability/exchange-export.js';

const e = (seq: number, over: Record<string, unknown> = {}): Record<string, unknown> => ({
  seq,
  id: `r${seq}`,
  at: `2026-12-01T00:00:0${seq}.000Z`,
  method: 'GET',
  url: '/scim/v2/Users',
  status: 200,
  durationMs: 1,
  upstream: [],
  traced: false,
  dryRun: false,
  ...over,
});

describe('observability/exchange-export: the support-ticket file', () => {
  it('masks keys by name and by value, and reads back oldest first', () => {
    const secret = 'debug-token-0123456789';
    const file = exchangeExport(
      [e(2, { requestBody: { password: 'p4ss', note: secret } }), e(1)] as never,
      [secret],
      'why',
    );
    expect(file).to.deep.include({ format: 'jumpcloud-scim-bridge/exchanges', version: 1, note: 'why' });
    const text = JSON.stringify(file);
    expect(text).to.not.contain(secret);
    expect(text).to.not.contain('p4ss');
    expect(parseExport(text, 'f').map((x) => x.seq)).to.deep.equal([1, 2]);
  });

  it('accepts a bare array of exchanges', () => {
    expect(parseExport(JSON.stringify([e(1, { method: 'post' })]), 'f')[0]).to.deep.include({
      method: 'POST',
      url: '/scim/v2/Users',
    });
  });

  const bad: [string, RegExp][] = [
    ['nope', /^f is not JSON: /],
    [
      '{"a":1}',
      /^f is not a debug-page export \(expected "format": "jumpcloud-scim-bridge\/exchanges" or an array of exchanges\)$/,
    ],
    [
      '{"format":"jumpcloud-scim-bridge/exchanges","version":2,"exchanges":[]}',
      /^f is version 2 of jumpcloud-scim-bridge\/exchanges; this explain reads version 1$/,
    ],
    ['[{"method":"GET","url":"http://evil/","status":200}]', /^exchange 1 needs a 'url' starting with '\/'$/],
    ['[{"method":"GET","url":"/x"}]', /^exchange 1 needs a numeric 'status'$/],
    [
      '[{"method":"GET","url":"/x","status":200,"upstream":[{"method":"GET"}]}]',
      /^exchange 1, JumpCloud call 1, needs string 'method' and 'path'$/,
    ],
  ];
  for (const [text, message] of bad) {
    it(`refuses ${text.slice(0, 40)} with a message that says what is wrong`, () => {
      expect(() => parseExport(text, 'f')).to.throw(message);
    });
  }
});
