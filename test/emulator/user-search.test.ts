import { expect } from 'chai';
import { createUser, startEmulator, type Harness } from './emulator-harness.js';

interface Listed {
  totalCount: number;
  results: { _id: string; username: string; [key: string]: unknown }[];
}

describe('emulator: POST /api/search/systemusers', () => {
  let h: Harness;

  before(async () => {
    h = await startEmulator();
    await createUser(h.api, {
      username: 'bjensen',
      email: 'Barbara.Jensen@example.com',
      department: 'IT',
      attributes: [{ name: 'entraId', value: 'aaa-111' }],
      recoveryEmail: { address: 'bj@home.example' },
    });
    await createUser(h.api, {
      username: 'jsmith',
      email: 'john.smith@example.com',
      department: 'Sales',
      addresses: [{ type: 'work', locality: 'Paris' }],
    });
    await createUser(h.api, {
      username: 'mjones',
      email: 'mary.jones@corp.example',
      department: 'IT',
      attributes: [{ name: 'entraId', value: 'bbb-222' }],
    });
    for (let i = 0; i < 12; i += 1)
      await createUser(h.api, { username: `bulk${i}`, email: `bulk${i}@example.com`, department: 'Bulk' });
  });
  after(() => h.close());

  const search = async (body: unknown, query = '') => h.api.post<Listed>(`/api/search/systemusers${query}`, body);
  const names = (data: Listed): string[] => data.results.map((user) => user.username);

  it("matches $regex with a leading (?i) case-insensitively, as JumpCloud's own module does", async () => {
    const response = await search({ filter: { and: [{ username: { $regex: '(?i)(^BJENSEN$)' } }] } });
    expect(response.status).to.equal(200);
    expect(names(response.data)).to.deep.equal(['bjensen']);
    const caseSensitive = await search({ filter: { and: [{ username: { $regex: '^BJENSEN$' } }] } });
    expect(caseSensitive.data.totalCount).to.equal(0);
  });

  it('refuses an invalid regex with 400', async () => {
    const response = await search({ filter: { and: [{ username: { $regex: '(?i)([unclosed' } }] } });
    expect(response.status).to.equal(400);
    expect(response.data).to.have.property('message').that.contains('$regex');
  });

  it('compares plain values case-sensitively', async () => {
    expect(names((await search({ filter: [{ email: 'barbara.jensen@example.com' }] })).data)).to.deep.equal([]);
    expect(names((await search({ filter: [{ email: 'Barbara.Jensen@example.com' }] })).data)).to.deep.equal([
      'bjensen',
    ]);
  });

  it('reaches array elements and nested objects through dotted keys', async () => {
    expect(names((await search({ filter: [{ 'attributes.value': 'bbb-222' }] })).data)).to.deep.equal(['mjones']);
    expect(names((await search({ filter: [{ 'recoveryEmail.address': 'bj@home.example' }] })).data)).to.deep.equal([
      'bjensen',
    ]);
    expect(names((await search({ filter: { and: [{ 'addresses.type': 'work' }] } })).data)).to.deep.equal(['jsmith']);
  });

  it('combines expressions with and / or, and treats a bare array as and', async () => {
    const and = await search({ filter: { and: [{ department: 'IT' }, { 'attributes.value': 'aaa-111' }] } });
    expect(names(and.data)).to.deep.equal(['bjensen']);
    const bare = await search({ filter: [{ department: 'IT' }, { username: 'mjones' }] });
    expect(names(bare.data)).to.deep.equal(['mjones']);
    const or = await search({ filter: { or: [{ department: 'Sales' }, { username: 'mjones' }] } });
    expect(names(or.data)).to.deep.equal(['jsmith', 'mjones']);
  });

  it('supports $in, $ne, $exists and range operators', async () => {
    expect(names((await search({ filter: [{ username: { $in: ['jsmith', 'mjones'] } }] })).data)).to.deep.equal([
      'jsmith',
      'mjones',
    ]);
    expect((await search({ filter: [{ department: { $ne: 'Bulk' } }] })).data.totalCount).to.equal(3);
    expect(names((await search({ filter: [{ 'recoveryEmail.address': { $exists: true } }] })).data)).to.deep.equal([
      'bjensen',
    ]);
    expect(names((await search({ filter: [{ username: { $gte: 'j', $lt: 'k' } }] })).data)).to.deep.equal(['jsmith']);
  });

  it('refuses nested and/or inside the expression list, which JumpCloud does not document', async () => {
    const response = await search({ filter: { and: [{ or: [{ department: 'IT' }, { department: 'Sales' }] }] } });
    expect(response.status).to.equal(400);
    expect(response.data).to.have.property('message').that.contains('nested');
  });

  it('text-searches with searchFilter case-insensitively, with one or several terms', async () => {
    const one = await search({ searchFilter: { searchTerm: '@CORP.example', fields: ['email'] } });
    expect(names(one.data)).to.deep.equal(['mjones']);
    const several = await search({ searchFilter: { searchTerm: ['JENSEN', 'smith'], fields: ['email', 'username'] } });
    expect(names(several.data)).to.deep.equal(['bjensen', 'jsmith']);
    const combined = await search({
      searchFilter: { searchTerm: 'example.com', fields: ['email'] },
      filter: { or: [{ department: 'IT' }, { department: 'Sales' }] },
    });
    expect(names(combined.data)).to.deep.equal(['bjensen', 'jsmith']);
  });

  it('pages with query limit/skip and reports totalCount before paging', async () => {
    const first = await search({ filter: [{ department: 'Bulk' }] }, '?limit=5');
    expect(first.data.totalCount).to.equal(12);
    expect(names(first.data)).to.deep.equal(['bulk0', 'bulk1', 'bulk2', 'bulk3', 'bulk4']);
    const last = await search({ filter: [{ department: 'Bulk' }] }, '?limit=5&skip=10');
    expect(names(last.data)).to.deep.equal(['bulk10', 'bulk11']);
    const defaultPage = await search({});
    expect(defaultPage.data.totalCount).to.equal(15);
    expect(defaultPage.data.results).to.have.length(10);
    expect((await search({}, '?limit=101')).status).to.equal(400);
  });

  it('projects the space-separated fields from the body or the query', async () => {
    const body = await search({ filter: [{ username: 'jsmith' }], fields: 'email department' });
    expect(Object.keys(body.data.results[0] ?? {}).sort()).to.deep.equal(['_id', 'department', 'email']);
    const query = await search({ filter: [{ username: 'jsmith' }] }, '?fields=username');
    expect(Object.keys(query.data.results[0] ?? {}).sort()).to.deep.equal(['_id', 'username']);
  });
});
