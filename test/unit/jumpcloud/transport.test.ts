import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { expect } from 'chai';
import nock from 'nock';
import { JumpCloudError } from '../../../src/jumpcloud/errors.js';
import { rejectionOf } from '../../helpers/rejection.js';
import { httpTransport, urlOf } from '../../../src/jumpcloud/transport.js';

const JC = 'https://console.jumpcloud.com';

describe('jumpcloud/transport (the wire)', () => {
  const wire = httpTransport({ baseUrl: JC, orgId: '0123456789abcdef01234567', timeoutMs: 200 });
  before(() => nock.disableNetConnect());
  after(() => {
    wire.close();
    nock.enableNetConnect();
  });
  beforeEach(() => nock.cleanAll());
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending).to.deep.equal([]);
  });

  it('sends the key, the org id, JSON only with a body, and the query', async () => {
    nock(JC, {
      reqheaders: {
        'x-api-key': 'k1',
        'x-org-id': '0123456789abcdef01234567',
        'content-type': 'application/json',
        accept: 'application/json',
      },
    })
      .post('/api/search/systemusers', { filter: { and: [] } })
      .query({ limit: '1', skip: '0' })
      .reply(200, { totalCount: 0, results: [] }, { 'x-total-count': '0' });
    const res = await wire.send({
      method: 'POST',
      path: '/api/search/systemusers',
      query: { limit: 1, skip: 0 },
      body: { filter: { and: [] } },
      idempotent: true,
      apiKey: 'k1',
    });
    expect(res.status).to.equal(200);
    expect(res.data).to.deep.equal({ totalCount: 0, results: [] });
    expect(res.headers['x-total-count']).to.equal('0');
    nock(JC, { badheaders: ['content-type'] })
      .get('/api/systemusers/x')
      .reply(200, {});
    await wire.send({ method: 'GET', path: '/api/systemusers/x', idempotent: true, apiKey: 'k1' });
  });

  it('returns every status as an answer and never follows a redirect (JumpCloud sends a missing key to /login)', async () => {
    nock(JC).get('/api/systemusers').reply(302, '<html/>', { Location: 'https://evil.example/login' });
    nock(JC).get('/api/v2/usergroups').reply(503, { message: 'down' });
    expect(
      (await wire.send({ method: 'GET', path: '/api/systemusers', idempotent: true, apiKey: 'k' })).status,
    ).to.equal(302);
    expect(
      (await wire.send({ method: 'GET', path: '/api/v2/usergroups', idempotent: true, apiKey: 'k' })).status,
    ).to.equal(503);
  });

  it('only reaches the configured host, whatever the path says', async () => {
    nock(JC).get('/https://evil.example/x').reply(200, { here: true });
    // An absolute URL in the path is appended to the console origin, never followed to another host.
    const res = await wire.send({ method: 'GET', path: 'https://evil.example/x', idempotent: true, apiKey: 'k' });
    expect(res.data).to.deep.equal({ here: true });
  });

  it('a lost connection is a network error and no answer in time a timeout', async () => {
    nock(JC).get('/a').replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    nock(JC).get('/b').delay(1_000).reply(200, {});
    const a = await rejectionOf(
      wire.send({ method: 'GET', path: '/a', idempotent: true, apiKey: 'k' }),
      JumpCloudError,
    );
    expect([a.kind, a.upstreamMessage, a.call]).to.deep.equal([
      'network',
      'connection failed',
      { method: 'GET', path: '/a', attempts: 1 },
    ]);
    const b = await rejectionOf(
      wire.send({ method: 'GET', path: '/b', idempotent: true, apiKey: 'k' }),
      JumpCloudError,
    );
    expect([b.kind, b.upstreamMessage]).to.deep.equal(['timeout', 'no answer within the timeout']);
  });
});

/** The node:http wire: what it sends, what it hands back, and how it fails. */
describe('jumpcloud/transport: the node:http wire against a real socket', () => {
  let server: http.Server;
  let origin: string;
  const seen: { method?: string; url?: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
  let answer: (req: http.IncomingMessage, res: http.ServerResponse) => void = (_req, res) => res.end();

  before(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({
          method: req.method,
          url: req.url,
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        answer(req, res);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise((r) => server.close(r)));
  beforeEach(() => {
    seen.length = 0;
  });

  it('encodes the query with ":", "$", "," kept and a space as +, as JumpCloud documents its filters', () => {
    expect(urlOf('/api/v2/usergroups', { filter: 'name:search:Sales, EMEA $x', limit: 100, skip: 0 })).to.equal(
      '/api/v2/usergroups?filter=name:search:Sales,+EMEA+$x&limit=100&skip=0',
    );
    expect(urlOf('/api/systemusers/abc', undefined)).to.equal('/api/systemusers/abc');
  });

  it('sends the key, org, JSON body and accept headers, and hands back status, parsed JSON and headers', async () => {
    answer = (_req, res) =>
      res.writeHead(201, { 'content-type': 'application/json', 'x-total-count': '7' }).end('{"ok":true}');
    const t = httpTransport({ baseUrl: origin, timeoutMs: 2000, orgId: '0123456789abcdef01234567' });
    try {
      const res = await t.send({
        method: 'POST',
        path: '/api/search/systemusers',
        query: { limit: 10, skip: 0 },
        body: { filter: { and: [] } },
        idempotent: true,
        apiKey: 'k-123456789',
      });
      expect(res.status).to.equal(201);
      expect(res.data).to.deep.equal({ ok: true });
      expect(res.headers['x-total-count']).to.equal('7');
      const [req] = seen;
      expect(req).to.deep.include({
        method: 'POST',
        url: '/api/search/systemusers?limit=10&skip=0',
        body: '{"filter":{"and":[]}}',
      });
      expect(req?.headers).to.include({
        'x-api-key': 'k-123456789',
        'x-org-id': '0123456789abcdef01234567',
        'content-type': 'application/json',
        accept: 'application/json',
      });
      expect(req?.headers.authorization).to.equal(undefined);
    } finally {
      t.close();
    }
  });

  it('decodes a gzip answer, keeps a non-JSON answer as text, and returns a redirect instead of following it', async () => {
    const t = httpTransport({ baseUrl: origin, timeoutMs: 2000 });
    try {
      answer = (_req, res) =>
        res.writeHead(200, { 'content-encoding': 'gzip' }).end(zlib.gzipSync('{"results":[1,2]}'));
      expect((await t.send({ method: 'GET', path: '/a', idempotent: true, apiKey: 'k' })).data).to.deep.equal({
        results: [1, 2],
      });
      answer = (_req, res) => res.writeHead(500, { 'content-type': 'text/html' }).end('<html>oops</html>');
      expect(await t.send({ method: 'GET', path: '/b', idempotent: true, apiKey: 'k' })).to.deep.include({
        status: 500,
        data: '<html>oops</html>',
      });
      answer = (_req, res) => res.writeHead(302, { location: 'https://elsewhere.example/login' }).end();
      const redirected = await t.send({ method: 'GET', path: '/c', idempotent: true, apiKey: 'k' });
      expect(redirected.status).to.equal(302);
      expect(seen.map((s) => s.url)).to.deep.equal(['/a', '/b', '/c']);
    } finally {
      t.close();
    }
  });

  it('asks for compressed answers and decodes every encoding it asks for (x-gzip and any letter case too); an empty answer stays ""', async () => {
    const t = httpTransport({ baseUrl: origin, timeoutMs: 2000 });
    const body = '{"results":[3]}';
    try {
      for (const [encoding, packed] of [
        ['x-gzip', zlib.gzipSync(body)],
        ['DEFLATE', zlib.deflateSync(body)],
        ['br', zlib.brotliCompressSync(body)],
      ] as const) {
        answer = (_req, res) => res.writeHead(200, { 'content-encoding': encoding }).end(packed);
        expect(
          (await t.send({ method: 'GET', path: '/z', idempotent: true, apiKey: 'k' })).data,
          encoding,
        ).to.deep.equal({ results: [3] });
      }
      expect(seen[0]?.headers['accept-encoding']).to.equal('gzip, deflate, br');
      answer = (_req, res) => res.writeHead(204).end();
      expect(await t.send({ method: 'DELETE', path: '/gone', idempotent: true, apiKey: 'k' })).to.deep.include({
        status: 204,
        data: '',
      });
    } finally {
      t.close();
    }
  });

  it('a signal aborted before the call sends nothing and fails at once', async () => {
    const t = httpTransport({ baseUrl: origin, timeoutMs: 5000 });
    try {
      const controller = new AbortController();
      controller.abort();
      const started = performance.now();
      const e = await t
        .send({ method: 'GET', path: '/never', idempotent: true, apiKey: 'k', signal: controller.signal })
        .then(
          () => undefined,
          (err: unknown) => err,
        );
      expect((e as JumpCloudError).kind).to.equal('network');
      expect(performance.now() - started).to.be.below(2000);
      expect(seen.map((x) => x.url)).to.not.include('/never');
    } finally {
      t.close();
    }
  });

  it('a call with no answer in time fails as kind timeout; a refused connection as kind network', async () => {
    answer = () => undefined; // never answers
    const t = httpTransport({ baseUrl: origin, timeoutMs: 100 });
    try {
      const e = await t.send({ method: 'GET', path: '/slow', idempotent: true, apiKey: 'k' }).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(e).to.be.instanceOf(JumpCloudError);
      expect((e as JumpCloudError).kind).to.equal('timeout');
    } finally {
      t.close();
    }
    const closed = httpTransport({ baseUrl: 'http://127.0.0.1:1', timeoutMs: 1000 });
    try {
      const e = await closed.send({ method: 'GET', path: '/x', idempotent: true, apiKey: 'k' }).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect((e as JumpCloudError).kind).to.equal('network');
    } finally {
      closed.close();
    }
  });

  it("the caller's signal aborts the call", async () => {
    answer = () => undefined;
    const t = httpTransport({ baseUrl: origin, timeoutMs: 5000 });
    try {
      const controller = new AbortController();
      const pending = t
        .send({ method: 'GET', path: '/abort', idempotent: true, apiKey: 'k', signal: controller.signal })
        .then(
          () => undefined,
          (err: unknown) => err,
        );
      setTimeout(() => controller.abort(), 20);
      const e = await pending;
      expect(e).to.be.instanceOf(JumpCloudError);
      expect((e as JumpCloudError).kind).to.equal('network');
    } finally {
      t.close();
    }
  });
});
