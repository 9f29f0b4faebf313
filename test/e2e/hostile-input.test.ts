import { gzipSync } from 'node:zlib';
import { expect } from 'chai';
import { KEY, emulatedBridge, type Harness } from '../helpers/bridge-harness.js';
import { expectScimError } from '../helpers/scim-error.js';

/** Client input never makes a 5xx and never takes the process down. */
describe('e2e: hostile input', () => {
  const stack = emulatedBridge({ TRACE_USERS: 'someone', DEBUG_PAGE: 'true', HOST: '127.0.0.1', DRY_RUN: 'false' });
  let h: Harness;
  beforeEach(() => {
    ({ h } = stack());
  });

  const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

  it('an unauthenticated ~10 KB body of nested arrays gets a 4xx and the process keeps serving (TRACE_USERS set)', async () => {
    const res = await h.request('POST', '/Users', nested(5000), { authorization: '' });
    expect(res.status).to.be.within(400, 499);
    const uncaught: unknown[] = [];
    const onUncaught = (e: unknown): void => void uncaught.push(e);
    process.prependListener('uncaughtException', onUncaught);
    try {
      await new Promise((r) => setTimeout(r, 20));
    } finally {
      process.removeListener('uncaughtException', onUncaught);
    }
    expect(uncaught).to.deep.equal([]);
    const after = await h.request('GET', '/ServiceProviderConfig');
    expect(after.status).to.equal(200);
  });

  it('an authenticated deeply nested value answers 400, not 500', async () => {
    const res = await h.request(
      'POST',
      '/Users',
      `{"userName":"deep","emails":[{"value":"d@example.com"}],"x":${nested(20_000)}}`,
    );
    expectScimError(res, 400);
  });

  it('a malformed percent-escape in the path answers 400, not 500', async () => {
    const res = await h.request('GET', '/Schemas/%');
    expect(res.status).to.equal(400);
    expect(res.body.schemas).to.deep.equal(['urn:ietf:params:scim:api:messages:2.0:Error']);
    const user = await h.request('GET', '/Users/%E0%A4%A');
    expect(user.status).to.equal(400);
  });

  for (const encoding of ['gzip', 'deflate', 'br']) {
    it(`a body with Content-Encoding ${encoding} that does not decode answers 400, not 500`, async () => {
      const res = await h.request('POST', '/Users', '{"userName":"x"}', { 'content-encoding': encoding });
      expect(res.status).to.equal(400);
      expect(res.body.schemas).to.deep.equal(['urn:ietf:params:scim:api:messages:2.0:Error']);
    });
  }

  it('a gzip body that decodes is accepted', async () => {
    const body = gzipSync(JSON.stringify({ userName: 'zipped', emails: [{ value: 'zipped@example.com' }] }));
    const res = await fetch(`${h.base}/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/scim+json', 'content-encoding': 'gzip' },
      body,
    });
    expect(res.status).to.equal(201);
  });

  it('an unknown Content-Encoding answers 415 and an unknown Content-Type answers 415', async () => {
    const enc = await h.request('POST', '/Users', '{}', { 'content-encoding': 'x-unknown' });
    expect(enc.status).to.equal(415);
    const type = await h.request('POST', '/Users', 'userName=x', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(type.status).to.equal(415);
    expect(type.body.schemas).to.deep.equal(['urn:ietf:params:scim:api:messages:2.0:Error']);
  });

  it('a body over the size limit answers 413 as a SCIM error', async () => {
    const res = await h.request('POST', '/Users', JSON.stringify({ userName: 'x'.repeat(3 * 1024 * 1024) }));
    expectScimError(res, 413);
  });

  it('__proto__ and constructor keys do not pollute anything and never make a 5xx', async () => {
    const res = await h.request(
      'POST',
      '/Users',
      '{"userName":"proto","emails":[{"value":"proto@example.com"}],"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
    );
    expect(res.status).to.be.below(500);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    const patch = await h.request(
      'PATCH',
      '/Users/5f1b2c3d4e5f6a7b8c9d0e1f',
      '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","value":{"__proto__":{"polluted":true}}}]}',
    );
    expect(patch.status).to.be.below(500);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });
});
