import { expect } from 'chai';
import { USER_GROUPS } from '../../src/jumpcloud/endpoints.js';
import { compileGroupTable } from '../../src/mapping/group-table.js';
import { planGroupQuery } from '../../src/mapping/group-query.js';
import { userGroupRecords } from '../../src/mapping/group-records.js';
import { TableResource, type ResourceDefinition } from '../../src/resources/table-resource.js';
import type { UserGroup, UserGroupWrite } from '../../src/jumpcloud/types.js';
import { startStack, type Stack } from './stack.js';

const TEAM = 'urn:example:params:scim:schemas:core:2.0:Team';

/**
 * A resource type nobody ships, declared the way docs/adding-a-resource-type.md says: its table, its JumpCloud
 * endpoint, its query planner. It rides on JumpCloud user groups (the emulator has no other five-call collection),
 * under its own SCIM schema, with no module of its own in src/resources: the scaffold alone serves it.
 */
const table = compileGroupTable(
  [
    { scim: 'displayName', jumpcloud: 'name', required: true },
    { scim: 'description', jumpcloud: 'description' },
    { scim: 'externalId', jumpcloud: 'attributes.teamExternalId', caseExact: true },
  ],
  { resourceType: 'Team', endpoint: '/Teams', schemaId: TEAM },
);
const teams: ResourceDefinition<UserGroup, UserGroupWrite> = {
  table: userGroupRecords(table),
  endpoint: USER_GROUPS,
  planner: {
    plan: (filter) => {
      const { terms } = planGroupQuery(filter, table);
      return { query: terms.length ? { filter: terms.join(',') } : {}, residual: filter };
    },
    advice: 'Add a displayName condition.',
  },
};

/** Each JumpCloud call of the exchange that answered `method url`, as `METHOD path?query`. */
function callsOf(s: Stack, method: string, url: string): string[] {
  const exchange = [...s.exchanges].reverse().find((e) => e.method === method && e.url === `/scim/v2${url}`);
  if (!exchange) throw new Error(`no exchange for ${method} ${url}`);
  return exchange.upstream.map((c) => {
    const query = c.query
      ? `?${new URLSearchParams(Object.entries(c.query).map(([k, v]): [string, string] => [k, String(v)])).toString()}`
      : '';
    return `${c.method} ${c.path}${query}`;
  });
}

describe('e2e: a made-up resource type, registered and served by the resource scaffold alone', function () {
  this.timeout(20_000);
  let s: Stack;
  before(async () => {
    s = await startStack({}, undefined, {
      resourceTypes: ({ config, locks }) => [new TableResource(teams, config, locks)],
    });
  });
  after(async () => s.close());

  it('is discovered with its own schema', async () => {
    const types = await s.scim.get('/ResourceTypes');
    const names = (types.data as { Resources: { name: string; endpoint: string; schema: string }[] }).Resources;
    expect(names).to.deep.include({ ...names.find((t) => t.name === 'Team'), endpoint: '/Teams', schema: TEAM });
  });

  it('create, get, list with a filter, patch, put and delete: HTTP in, the emulator’s user groups out', async () => {
    const created = await s.scim.post('/Teams', {
      schemas: [TEAM],
      displayName: 'Platform',
      description: 'Runs the platform',
      externalId: 'T-1',
    });
    expect(created.status).to.equal(201);
    const id = String((created.data as { id: string }).id);
    const location = `${s.origin}/scim/v2/Teams/${id}`;
    const platform = {
      schemas: [TEAM],
      id,
      displayName: 'Platform',
      description: 'Runs the platform',
      externalId: 'T-1',
      meta: { resourceType: 'Team', location },
    };
    expect(created.data).to.deep.equal(platform);
    expect(created.headers.location).to.equal(location);
    expect(callsOf(s, 'POST', '/Teams')).to.deep.equal(['POST /api/v2/usergroups']);
    const stored = s.emulator.store.groups.get(id);
    expect(stored).to.deep.include({ name: 'Platform', description: 'Runs the platform' });
    expect(stored?.attributes).to.deep.equal({ teamExternalId: 'T-1' });

    await s.scim.post('/Teams', { schemas: [TEAM], displayName: 'Security' });

    const got = await s.scim.get(`/Teams/${id}`);
    expect(got.status).to.equal(200);
    expect(got.data).to.deep.equal(platform);
    expect(callsOf(s, 'GET', `/Teams/${id}`)).to.deep.equal([`GET /api/v2/usergroups/${id}`]);

    // displayName is pushed down as a case-insensitive search and decided here, ignoring case.
    const listUrl = `/Teams?filter=${encodeURIComponent('displayName eq "platform"')}`;
    const listed = await s.scim.get(listUrl);
    expect(listed.status).to.equal(200);
    expect(listed.data).to.deep.include({ totalResults: 1, Resources: [platform] });
    expect(callsOf(s, 'GET', listUrl)).to.deep.equal([
      'GET /api/v2/usergroups?filter=name%3Asearch%3Aplatform&limit=100&skip=0',
    ]);
    const all = await s.scim.get('/Teams?count=1');
    expect(all.data).to.deep.include({ totalResults: 2, itemsPerPage: 1 });
    // Registered, it joins the search at the service root by itself; meta.resourceType keeps the search to it.
    const root = await s.scim.post('/.search', {
      filter: 'meta.resourceType eq "Team" and displayName eq "platform"',
    });
    expect(root.status).to.equal(200);
    expect(root.data).to.deep.include({ totalResults: 1, Resources: [platform] });

    const patched = await s.scim.patch(`/Teams/${id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', path: 'description', value: 'Runs the platform and the CI' }],
    });
    expect(patched.status).to.equal(200);
    expect(patched.data).to.deep.equal({ ...platform, description: 'Runs the platform and the CI' });
    const put = [...s.exchanges]
      .reverse()
      .find((e) => e.method === 'PATCH')
      ?.upstream.find((c) => c.method === 'PUT');
    expect(put?.path).to.equal(`/api/v2/usergroups/${id}`);
    // A full-update PUT: the mapped fields, and what the group held besides (its settings) sent back unchanged.
    expect(put?.requestBody).to.deep.include({
      name: 'Platform',
      description: 'Runs the platform and the CI',
      attributes: { teamExternalId: 'T-1' },
    });
    expect(s.emulator.store.groups.get(id)?.description).to.equal('Runs the platform and the CI');

    // A PATCH that changes nothing reads the record and sends nothing.
    const unchanged = await s.scim.patch(`/Teams/${id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', path: 'displayName', value: 'Platform' }],
    });
    expect(unchanged.status).to.equal(200);
    expect(callsOf(s, 'PATCH', `/Teams/${id}`)).to.deep.equal([`GET /api/v2/usergroups/${id}`]);

    const replaced = await s.scim.put(`/Teams/${id}`, { schemas: [TEAM], displayName: 'Platform Team' });
    expect(replaced.status).to.equal(200);
    expect(replaced.data).to.deep.equal({ schemas: [TEAM], id, displayName: 'Platform Team', meta: platform.meta });
    expect(s.emulator.store.groups.get(id)).to.deep.include({ name: 'Platform Team' });

    const deleted = await s.scim.delete(`/Teams/${id}`);
    expect(deleted.status).to.equal(204);
    expect(callsOf(s, 'DELETE', `/Teams/${id}`)).to.deep.equal([`DELETE /api/v2/usergroups/${id}`]);
    expect(s.emulator.store.groups.has(id)).to.equal(false);
    expect((await s.scim.get(`/Teams/${id}`)).status).to.equal(404);
  });

  it('a create, an update and a delete whose answers are lost are looked up, not repeated: one record, no error', async () => {
    const faults = s.emulator.faults;
    faults.inject({ method: 'POST', path: '/api/v2/usergroups', dropConnection: 'afterCommit' });
    const created = await s.scim.post('/Teams', { schemas: [TEAM], displayName: 'Lost Answers', externalId: 'T-9' });
    expect(created.status).to.equal(201);
    const id = String((created.data as { id: string }).id);
    expect([...s.emulator.store.groups.values()].filter((g) => g.name === 'Lost Answers')).to.have.length(1);
    expect(callsOf(s, 'POST', '/Teams')).to.deep.equal([
      'POST /api/v2/usergroups',
      'GET /api/v2/usergroups?filter=name%3Asearch%3ALost+Answers&limit=100&skip=0',
    ]);

    // Every attempt of the PUT commits and loses its answer, so the client's retries end without one.
    faults.inject({ method: 'PUT', path: `/api/v2/usergroups/${id}`, dropConnection: 'afterCommit', times: 50 });
    const patched = await s.scim.patch(`/Teams/${id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'add', path: 'description', value: 'found after the fact' }],
    });
    faults.clear();
    expect(patched.status).to.equal(200);
    expect(patched.data).to.deep.include({ description: 'found after the fact' });
    expect(callsOf(s, 'PATCH', `/Teams/${id}`).at(-1)).to.equal(`GET /api/v2/usergroups/${id}`);

    faults.inject({ method: 'DELETE', path: `/api/v2/usergroups/${id}`, dropConnection: 'afterCommit', times: 50 });
    const deleted = await s.scim.delete(`/Teams/${id}`);
    faults.clear();
    expect(deleted.status).to.equal(204);
    expect(s.emulator.store.groups.has(id)).to.equal(false);
  });

  it('refuses what its table does not hold, as the shipped types do', async () => {
    const res = await s.scim.post('/Teams', { schemas: [TEAM], displayName: 'Ops', owner: 'bjensen' });
    expect(res.status).to.equal(400);
    expect(res.data).to.deep.include({ status: '400' });
    expect(s.exchanges.at(-1)?.upstream).to.deep.equal([]);
  });
});
