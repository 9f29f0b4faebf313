import { expect } from 'chai';
import { dryRun } from '../../../src/jumpcloud/dry-run.js';
import { JumpCloudError } from '../../../src/jumpcloud/errors.js';
import { observed, type UpstreamCall } from '../../../src/jumpcloud/observed.js';
import {
  compose,
  type Layer,
  type Send,
  type UpstreamRequest,
  type UpstreamResponse,
} from '../../../src/jumpcloud/layer.js';

const ID = '5f1b2c3d4e5f6a7b8c9d0e1f';
const req = (over: Partial<UpstreamRequest>): UpstreamRequest => ({
  method: 'GET',
  path: '/api/systemusers',
  idempotent: true,
  apiKey: 'k',
  ...over,
});

/** A fake wire that records what reached it and answers from a table of `METHOD path`. */
function wire(answers: Record<string, unknown> = {}): Send & { seen: UpstreamRequest[] } {
  const seen: UpstreamRequest[] = [];
  const send = async (r: UpstreamRequest): Promise<UpstreamResponse> => {
    seen.push(r);
    return { status: 200, data: answers[`${r.method} ${r.path}`] ?? { sent: true }, headers: {} };
  };
  return Object.assign(send, { seen });
}

describe('jumpcloud layers', () => {
  it('compose puts the first layer outermost', async () => {
    const order: string[] = [];
    const tag =
      (name: string): Layer =>
      (next) =>
      async (r) => {
        order.push(`${name}>`);
        const res = await next(r);
        order.push(`<${name}`);
        return res;
      };
    await compose([tag('a'), tag('b')], wire())(req({}));
    expect(order).to.deep.equal(['a>', 'b>', '<b', '<a']);
  });

  describe('observed', () => {
    it('reports a finished call with its request, answer and attempts, never the key', async () => {
      const calls: UpstreamCall[] = [];
      const send = observed((c) => calls.push(c))(async () => ({
        status: 201,
        data: { id: 1 },
        headers: {},
        attempts: 2,
      }));
      await send(req({ method: 'POST', path: '/api/x', query: { limit: 1 }, body: { a: 1 }, apiKey: 'secret' }));
      expect(calls).to.have.length(1);
      const { durationMs, ...rest } = calls[0] as UpstreamCall;
      expect(durationMs).to.be.a('number');
      expect(rest).to.deep.equal({
        method: 'POST',
        path: '/api/x',
        query: { limit: 1 },
        requestBody: { a: 1 },
        status: 201,
        responseBody: { id: 1 },
        attempts: 2,
      });
      expect(JSON.stringify(calls)).to.not.contain('secret');
    });

    it('reports a failed call with its status, attempts and message, and rethrows it', async () => {
      const calls: UpstreamCall[] = [];
      const failure = new JumpCloudError('unavailable', 'down', {
        method: 'GET',
        path: '/api/x',
        status: 503,
        attempts: 5,
      });
      const send = observed((c) => calls.push(c))(async () => {
        throw failure;
      });
      await send(req({ path: '/api/x', query: {} })).then(
        () => expect.fail('resolved'),
        (e: unknown) => expect(e).to.equal(failure),
      );
      const { durationMs: _d, ...rest } = calls[0] as UpstreamCall;
      expect(rest).to.deep.equal({ method: 'GET', path: '/api/x', status: 503, attempts: 5, error: 'down' });
    });
  });

  describe('dry run', () => {
    it('passes reads through, including the search sent as POST', async () => {
      const inner = wire();
      const calls: UpstreamCall[] = [];
      const send = dryRun((c) => calls.push(c))(inner);
      await send(req({}));
      await send(req({ method: 'POST', path: '/api/search/systemusers', body: {} }));
      expect(inner.seen.map((r) => `${r.method} ${r.path}`)).to.deep.equal([
        'GET /api/systemusers',
        'POST /api/search/systemusers',
      ]);
      expect(calls).to.deep.equal([]);
    });

    it('never sends a write: a create answers like JumpCloud would and is reported as a dry run', async () => {
      const inner = wire();
      const calls: UpstreamCall[] = [];
      const res = await dryRun((c) => calls.push(c))(inner)(
        req({
          method: 'POST',
          path: '/api/systemusers',
          body: { username: 'a', state: 'SUSPENDED' },
          idempotent: false,
        }),
      );
      expect(inner.seen).to.deep.equal([]);
      expect(res.dryRun).to.equal(true);
      expect(res.data).to.deep.include({
        _id: '0'.repeat(24),
        username: 'a',
        suspended: true,
        activated: false,
        attributes: [],
      });
      expect(calls).to.deep.equal([
        {
          method: 'POST',
          path: '/api/systemusers',
          requestBody: { username: 'a', state: 'SUSPENDED' },
          status: 200,
          responseBody: res.data,
          durationMs: 0,
          attempts: 0,
          dryRun: true,
        },
      ]);
    });

    it('a group create and a member change are simulated too (members answer 204)', async () => {
      const inner = wire();
      const send = dryRun()(inner);
      const created = await send(
        req({ method: 'POST', path: '/api/v2/usergroups', body: { name: 'G' }, idempotent: false }),
      );
      expect(created.data).to.deep.equal({
        id: '0'.repeat(24),
        type: 'user_group',
        membershipMethod: 'STATIC',
        name: 'G',
      });
      const member = await send(
        req({ method: 'POST', path: `/api/v2/usergroups/${ID}/members`, body: { op: 'add', type: 'user', id: ID } }),
      );
      expect(member.status).to.equal(204);
      const deleted = await send(req({ method: 'DELETE', path: `/api/systemusers/${ID}` }));
      expect(deleted).to.deep.equal({ status: 200, data: {}, headers: {}, attempts: 0, dryRun: true });
      expect(inner.seen).to.deep.equal([]);
    });

    it('a PUT answers with the current object (read through the layers below) merged with the change', async () => {
      const inner = wire({
        [`GET /api/systemusers/${ID}`]: { _id: ID, username: 'a', department: 'Old' },
        [`GET /api/v2/usergroups/${ID}`]: { id: ID, name: 'G', description: 'd' },
      });
      const send = dryRun()(inner);
      const user = await send(
        req({ method: 'PUT', path: `/api/systemusers/${ID}`, body: { department: 'New' }, apiKey: 'caller' }),
      );
      expect(user.data).to.deep.equal({ _id: ID, username: 'a', department: 'New' });
      const group = await send(req({ method: 'PUT', path: `/api/v2/usergroups/${ID}`, body: { name: 'H' } }));
      expect(group.data).to.deep.equal({ id: ID, name: 'H', description: 'd' });
      expect(inner.seen.map((r) => [r.method, r.path, r.apiKey, r.body])).to.deep.equal([
        ['GET', `/api/systemusers/${ID}`, 'caller', undefined],
        ['GET', `/api/v2/usergroups/${ID}`, 'k', undefined],
      ]);
    });
  });
});
