import { expect } from 'chai';
import { InProcessDoneMembers, RedisDoneMembers } from '../../../src/coordination/done-members.js';
import type { DoneMembers } from '../../../src/coordination/primitives.js';
import { redisReplicaPair } from '../../helpers/redis-server.js';

/** What every implementation does: remembered entries are found, the opposite change forgets them. */
async function remembersAndForgets(a: DoneMembers, b: DoneMembers): Promise<void> {
  await a.remember('org:g1', ['add:u1', 'add:u2', 'remove:u3'], 60_000);
  expect([...(await b.take('org:g1', ['add:u1', 'add:u2', 'add:u4'], []))].sort()).to.deep.equal(['add:u1', 'add:u2']);
  expect([...(await b.take('org:g2', ['add:u1'], []))], 'per group').to.deep.equal([]);
  // A request that now removes u1 makes "u1 was added" wrong: it is forgotten before the lookup.
  expect([...(await b.take('org:g1', ['remove:u1', 'add:u2'], ['add:u1', 'remove:u2']))]).to.deep.equal(['add:u2']);
  expect([...(await a.take('org:g1', ['add:u1'], []))]).to.deep.equal([]);
}

describe('done members (in process)', () => {
  it('remembers per group, forgets an entry the opposite change makes wrong', async () => {
    const m = new InProcessDoneMembers();
    await remembersAndForgets(m, m);
  });

  it('forgets a group when its time is up', async () => {
    let now = 0;
    const m = new InProcessDoneMembers(() => now);
    await m.remember('g', ['add:u1'], 1_000);
    now = 999;
    expect((await m.take('g', ['add:u1'], [])).size).to.equal(1);
    now = 1_000;
    expect((await m.take('g', ['add:u1'], [])).size).to.equal(0);
  });
});

describe('done members shared through a real redis-server', () => {
  const r = redisReplicaPair();

  it('what one replica remembered, the other finds; the key holds only group and member ids, and expires', async () => {
    const [a, b] = [new RedisDoneMembers(r.a.client, r.prefix), new RedisDoneMembers(r.b.client, r.prefix)];
    await remembersAndForgets(a, b);
    const keys = await r.a.client.keys(`${r.prefix}*`);
    expect(keys).to.deep.equal([`${r.prefix}members-done:org:g1`]);
    expect(await r.a.client.pttl(keys[0] as string)).to.be.within(1, 60_000);
  });

  it('remembers nothing while Redis cannot be asked (a re-sent member is then repeated, never wrongly skipped)', async () => {
    const m = new RedisDoneMembers(r.a.client, r.prefix);
    await r.a.close();
    await m.remember('g', ['add:u1'], 60_000);
    expect((await m.take('g', ['add:u1'], [])).size).to.equal(0);
  });
});
