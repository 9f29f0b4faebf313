import { expect } from 'chai';
import { JumpCloudClient, type CollectionEndpoint } from '../../../src/jumpcloud/endpoints.js';
import { JumpCloudError } from '../../../src/jumpcloud/errors.js';
import { rejectionOf } from '../../helpers/rejection.js';
import type { UpstreamRequest, UpstreamResponse } from '../../../src/jumpcloud/layer.js';

const ID = '5F1B2C3D4E5F6A7B8C9D0E1F';

function client(answer: Partial<UpstreamResponse> = {}): { jc: JumpCloudClient; seen: UpstreamRequest[] } {
  const seen: UpstreamRequest[] = [];
  const signal = new AbortController().signal;
  const jc = new JumpCloudClient(
    async (r) => {
      seen.push(r);
      return { status: 200, data: {}, headers: {}, ...answer };
    },
    'key-1',
    signal,
  );
  return { jc, seen };
}

describe('jumpcloud/endpoints', () => {
  it('sends each call with its path, idempotency, the key and the request signal', async () => {
    const { jc, seen } = client();
    await jc.getUser(ID);
    await jc.createUser({ username: 'a', email: 'a@x' });
    await jc.updateUser(ID, { department: 'd' });
    await jc.deleteUser(ID);
    await jc.searchUsers({ filter: { and: [] } }, { limit: 10, skip: 20 });
    await jc.listUsers({ limit: 5, skip: 0, sort: '_id', fields: undefined });
    await jc.getGroup(ID);
    await jc.createGroup({ name: 'G' });
    await jc.updateGroup(ID, { name: 'G' });
    await jc.deleteGroup(ID);
    await jc.changeGroupMember(ID, { op: 'add', type: 'user', id: ID });
    const id = ID.toLowerCase();
    expect(seen.map((r) => [r.method, r.path, r.query, r.body, r.idempotent])).to.deep.equal([
      ['GET', `/api/systemusers/${id}`, undefined, undefined, true],
      ['POST', '/api/systemusers', undefined, { username: 'a', email: 'a@x' }, false],
      ['PUT', `/api/systemusers/${id}`, undefined, { department: 'd' }, true],
      ['DELETE', `/api/systemusers/${id}`, { cascade_manager: 'null' }, undefined, true],
      ['POST', '/api/search/systemusers', { limit: 10, skip: 20 }, { filter: { and: [] } }, true],
      ['GET', '/api/systemusers', { limit: 5, skip: 0, sort: '_id' }, undefined, true],
      ['GET', `/api/v2/usergroups/${id}`, undefined, undefined, true],
      ['POST', '/api/v2/usergroups', undefined, { name: 'G' }, false],
      ['PUT', `/api/v2/usergroups/${id}`, undefined, { name: 'G' }, true],
      ['DELETE', `/api/v2/usergroups/${id}`, undefined, undefined, true],
      ['POST', `/api/v2/usergroups/${id}/members`, undefined, { op: 'add', type: 'user', id: ID }, true],
    ]);
    expect(seen.every((r) => r.apiKey === 'key-1' && r.signal !== undefined)).to.equal(true);
    expect(seen.every((r) => !('query' in r) || r.query !== undefined)).to.equal(true);
  });

  it('never sends an id that is not a JumpCloud ObjectId: it is "not found" before any call', async () => {
    const { jc, seen } = client();
    for (const bad of ['../admin', `${ID}0`, 'x'.repeat(24), '']) {
      const e = await rejectionOf(jc.getUser(bad), JumpCloudError);
      expect(e.kind).to.equal('notFound');
      expect(e.call).to.deep.equal({ method: 'GET', path: '(not sent)', attempts: 0 });
    }
    const put = await rejectionOf(jc.updateGroup('nope', { name: 'x' }), JumpCloudError);
    expect(put.call.method).to.equal('PUT');
    const del = await rejectionOf(jc.deleteUser('nope'), JumpCloudError);
    expect(del.call.method).to.equal('DELETE');
    const post = await rejectionOf(jc.changeGroupMember('nope', { op: 'add', type: 'user', id: ID }), JumpCloudError);
    expect(post.call.method).to.equal('POST');
    expect(seen).to.deep.equal([]);
  });

  it('reads v2 pages with x-total-count, and marks the total estimated when the header is missing', async () => {
    const items = [{ id: 'a' }, { id: 'b' }];
    expect(
      await client({ data: items, headers: { 'x-total-count': '7' } }).jc.listGroups({ limit: 2, skip: 0 }),
    ).to.deep.equal({ items, total: 7 });
    expect(await client({ data: items }).jc.listGroupMembers(ID, { limit: 2, skip: 0 })).to.deep.equal({
      items,
      total: 2,
      estimated: true,
    });
    expect(
      await client({ data: { not: 'a list' }, headers: { 'x-total-count': '0' } }).jc.listUserMemberOf(ID, {
        limit: 2,
        skip: 0,
      }),
    ).to.deep.equal({ items: [], total: 0 });
  });

  describe('any collection of the five calls', () => {
    const v1: CollectionEndpoint = { path: '/api/systems', lists: 'v1', pageSize: 100 };

    it('sends list, get, create, update and delete on its path, a list with its filter and page', async () => {
      const { jc, seen } = client();
      const systems = jc.collection<unknown, { displayName: string }>(v1);
      await systems.list({ filter: 'hostname:$eq:mac-7' }, { limit: 10, skip: 20 });
      await systems.list({}, { limit: 10, skip: 0 });
      await systems.get(ID);
      await systems.create({ displayName: 'd' });
      await systems.update(ID, { displayName: 'd' });
      await systems.delete(ID);
      const id = ID.toLowerCase();
      expect(seen.map((r) => [r.method, r.path, r.query, r.body, r.idempotent])).to.deep.equal([
        ['GET', '/api/systems', { filter: 'hostname:$eq:mac-7', limit: 10, skip: 20 }, undefined, true],
        ['GET', '/api/systems', { limit: 10, skip: 0 }, undefined, true],
        ['GET', `/api/systems/${id}`, undefined, undefined, true],
        ['POST', '/api/systems', undefined, { displayName: 'd' }, false],
        ['PUT', `/api/systems/${id}`, undefined, { displayName: 'd' }, true],
        ['DELETE', `/api/systems/${id}`, undefined, undefined, true],
      ]);
    });

    it('reads v1 pages from totalCount and results, estimated when totalCount is missing', async () => {
      const results = [{ id: 'a' }];
      const page = { limit: 1, skip: 0 };
      expect(
        await client({ data: { totalCount: 9, results } })
          .jc.collection(v1)
          .list({}, page),
      ).to.deep.equal({
        items: results,
        total: 9,
      });
      expect(await client({ data: { results } }).jc.collection(v1).list({}, page)).to.deep.equal({
        items: results,
        total: 1,
        estimated: true,
      });
      expect(await client({ data: 'not json' }).jc.collection(v1).list({}, page)).to.deep.equal({
        items: [],
        total: 0,
        estimated: true,
      });
    });

    it('rejects a bad id before any call, as a promise', async () => {
      const { jc, seen } = client();
      const systems = jc.collection(v1);
      for (const call of [systems.get('x'), systems.update('x', {}), systems.delete('x')]) {
        expect((await rejectionOf(call, JumpCloudError)).kind).to.equal('notFound');
      }
      expect(seen).to.deep.equal([]);
    });
  });
});
