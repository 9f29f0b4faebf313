import { expect } from 'chai';
import nock from 'nock';
import { JumpCloudError } from '../../../src/jumpcloud/errors.js';
import { rejectionOf } from '../../helpers/rejection.js';
import { httpTransport } from '../../../src/jumpcloud/transport.js';

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
    nock(JC, { reqheaders: { 'x-api-key': 'k1', 'x-org-id': '0123456789abcdef01234567', 'content-type': 'application/json', accept: 'application/json' } })
      .post('/api/search/systemusers', { filter: { and: [] } })
      .query({ limit: '1', skip: '0' })
      .reply(200, { totalCount: 0, results: [] }, { 'x-total-count': '0' });
    const res = await wire.send({ method: 'POST', path: '/api/search/systemusers', query: { limit: 1, skip: 0 }, body: { filter: { and: [] } }, idempotent: true, apiKey: 'k1' });
    expect(res.status).to.equal(200);
    expect(res.data).to.deep.equal({ totalCount: 0, results: [] });
    expect(res.headers['x-total-count']).to.equal('0');
    nock(JC, { badheaders: ['content-type'] }).get('/api/systemusers/x').reply(200, {});
    await wire.send({ method: 'GET', path: '/api/systemusers/x', idempotent: true, apiKey: 'k1' });
  });

  it('returns every status as an answer and never follows a redirect (JumpCloud sends a missing key to /login)', async () => {
    nock(JC).get('/api/systemusers').reply(302, '<html/>', { Location: 'https://evil.example/login' });
    nock(JC).get('/api/v2/usergroups').reply(503, { message: 'down' });
    expect((await wire.send({ method: 'GET', path: '/api/systemusers', idempotent: true, apiKey: 'k' })).status).to.equal(302);
    expect((await wire.send({ method: 'GET', path: '/api/v2/usergroups', idempotent: true, apiKey: 'k' })).status).to.equal(503);
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
    const a = await rejectionOf(wire.send({ method: 'GET', path: '/a', idempotent: true, apiKey: 'k' }), JumpCloudError);
    expect([a.kind, a.upstreamMessage, a.call]).to.deep.equal(['network', 'connection failed', { method: 'GET', path: '/a', attempts: 1 }]);
    const b = await rejectionOf(wire.send({ method: 'GET', path: '/b', idempotent: true, apiKey: 'k' }), JumpCloudError);
    expect([b.kind, b.upstreamMessage]).to.deep.equal(['timeout', 'no answer within the timeout']);
  });
});
