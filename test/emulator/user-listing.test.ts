import { expect } from 'chai';
import { createUser, startEmulator, type Harness } from './emulator-harness.js';

interface Listed {
  totalCount: number;
  results: { _id: string; username: string; [key: string]: unknown }[];
}

describe('emulator: GET /api/systemusers listing and v1 filters', () => {
  let h: Harness;

  before(async () => {
    h = await startEmulator();
    await createUser(h.api, {
      username: 'alice',
      email: 'alice@example.com',
      department: 'Finance',
      costCenter: 'Atlanta|Tampa',
      unix_uid: 7001,
    });
    await createUser(h.api, {
      username: 'bob',
      email: 'bob@example.com',
      department: 'finance',
      costCenter: 'Chicago',
      state: 'STAGED',
    });
    await createUser(h.api, {
      username: 'carol',
      email: 'carol@corp.example',
      department: 'IT',
      costCenter: 'Tampa',
      addresses: [{ type: 'home', locality: 'Oslo' }],
    });
    await createUser(h.api, { username: 'dave', email: 'dave@example.com', department: 'IT', suspended: true });
  });
  after(() => h.close());

  const names = (data: Listed): string[] => data.results.map((user) => user.username);
  const list = async (query: string, headers: Record<string, string> = {}) =>
    h.api.get<Listed>(`/api/systemusers${query}`, { headers });

  it('returns {totalCount, results} in insertion order with a default page of 10', async () => {
    const response = await list('');
    expect(response.status).to.equal(200);
    expect(response.data.totalCount).to.equal(4);
    expect(names(response.data)).to.deep.equal(['alice', 'bob', 'carol', 'dave']);
  });

  it('matches $eq case-sensitively', async () => {
    expect(names((await list('?filter=department:$eq:Finance')).data)).to.deep.equal(['alice']);
    expect(names((await list('?filter=department:$eq:finance')).data)).to.deep.equal(['bob']);
    expect((await list('?filter=username:$eq:ALICE')).data.totalCount).to.equal(0);
  });

  it('supports $ne, $in with an escaped bar, $nin and $sw', async () => {
    expect(names((await list('?filter=department:$ne:IT')).data)).to.deep.equal(['alice', 'bob']);
    const escaped = encodeURIComponent('costCenter:$in:Atlanta\\|Tampa|Chicago');
    expect(names((await list(`?filter=${escaped}`)).data)).to.deep.equal(['alice', 'bob']);
    expect(names((await list(`?filter=${encodeURIComponent('username:$nin:alice|bob')}`)).data)).to.deep.equal([
      'carol',
      'dave',
    ]);
    expect(names((await list('?filter=email:$sw:carol@')).data)).to.deep.equal(['carol']);
  });

  it('compares with $lt/$lte/$gt/$gte and reaches booleans and numbers', async () => {
    expect(names((await list('?filter=username:$lt:bob')).data)).to.deep.equal(['alice']);
    expect(names((await list('?filter=username:$gte:carol')).data)).to.deep.equal(['carol', 'dave']);
    expect(names((await list('?filter=unix_uid:$gt:7000')).data)).to.deep.equal(['alice']);
    expect(names((await list('?filter=suspended:$eq:true')).data)).to.deep.equal(['dave']);
  });

  it('ANDs repeated and indexed filters and ORs filter[or][n]', async () => {
    expect(names((await list('?filter=department:$eq:IT&filter=suspended:$eq:false')).data)).to.deep.equal(['carol']);
    expect(names((await list('?filter[0]=department:$eq:IT&filter[1]=suspended:$eq:true')).data)).to.deep.equal([
      'dave',
    ]);
    expect(names((await list('?filter[or][0]=username:$eq:alice&filter[or][1]=username:$eq:dave')).data)).to.deep.equal(
      ['alice', 'dave'],
    );
  });

  it('reaches nested fields with dotted names', async () => {
    expect(names((await list('?filter=addresses.locality:$eq:Oslo')).data)).to.deep.equal(['carol']);
  });

  it('requires x-eventually-consistent for $ew, $co and $nco', async () => {
    const refused = await list('?filter=email:$ew:corp.example');
    expect(refused.status).to.equal(400);
    expect(refused.data).to.have.property('message').that.contains('x-eventually-consistent');
    const ew = await list('?filter=email:$ew:corp.example', { 'x-eventually-consistent': 'true' });
    expect(names(ew.data)).to.deep.equal(['carol']);
    const co = await list('?filter=username:$co:a', { 'x-eventually-consistent': 'true' });
    expect(names(co.data)).to.deep.equal(['alice', 'carol', 'dave']);
    const nco = await list('?filter=username:$nco:a', { 'x-eventually-consistent': 'true' });
    expect(names(nco.data)).to.deep.equal(['bob']);
  });

  it('refuses a malformed filter or an unknown operator with 400', async () => {
    expect((await list('?filter=department')).status).to.equal(400);
    expect((await list('?filter=department:eq:IT')).status).to.equal(400);
  });

  it('pages with limit and skip, keeping totalCount for the whole match', async () => {
    const response = await list('?limit=2&skip=1');
    expect(response.data.totalCount).to.equal(4);
    expect(names(response.data)).to.deep.equal(['bob', 'carol']);
  });

  it('refuses limit above 100', async () => {
    expect((await list('?limit=101')).status).to.equal(400);
    expect((await list('?limit=100')).status).to.equal(200);
  });

  it('sorts by space-separated keys with - for descending', async () => {
    expect(names((await list('?sort=department%20-username')).data)).to.deep.equal(['alice', 'dave', 'carol', 'bob']);
    expect(names((await list('?sort=-username')).data)).to.deep.equal(['dave', 'carol', 'bob', 'alice']);
  });

  it('projects space-separated fields, always keeping _id', async () => {
    const response = await list('?fields=username%20email&limit=1');
    expect(Object.keys(response.data.results[0] ?? {}).sort()).to.deep.equal(['_id', 'email', 'username']);
  });

  it('ignores comma-separated fields instead of refusing them', async () => {
    const response = await list('?fields=username,email&limit=1');
    expect(response.status).to.equal(200);
    expect(response.data.results[0]).to.have.property('department');
  });
});
