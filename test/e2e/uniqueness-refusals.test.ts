import { expect } from 'chai';
import type { Emulator } from '../../src/emulator/index.js';
import { freshEmulatedBridge, type Harness } from '../helpers/bridge-harness.js';

/**
 * JumpCloud's uniqueness rules as the emulator plays them (facts uniqueUserFields, alternateEmailUnique,
 * duplicateUserMessage), through the bridge: a create is sent without a search first, JumpCloud's refusal is explained
 * by one clash read, and a clash already in JumpCloud never blocks a change that does not touch the clashing address.
 */
describe('e2e: uniqueness is JumpCloud’s to refuse, and the bridge names the clash', () => {
  const stack = freshEmulatedBridge();
  let emulator: Emulator;
  let h: Harness;
  beforeEach(() => {
    ({ h, emulator } = stack());
    emulator.setModes({});
  });
  after(() => emulator.setModes({}));

  const upstream = (): { method: string; path: string }[] =>
    emulator.requests.map((r) => ({ method: r.method, path: r.path }));

  const twoEmails = (userName: string, second: string): Record<string, unknown> => ({
    userName,
    emails: [
      { value: `${userName}@corp.example`, type: 'work', primary: true },
      { value: second, type: 'other' },
    ],
  });

  it('a create that clashes with nobody is one JumpCloud call', async () => {
    const before = emulator.requests.length;
    const res = await h.request('POST', '/Users', twoEmails('solo', 'solo@home.example'));
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(upstream().slice(before)).to.deep.equal([{ method: 'POST', path: '/api/systemusers' }]);
  });

  it('a second email another user already has as alternateEmail: 409 naming alternateEmail and the holder', async () => {
    const holder = await h.request('POST', '/Users', twoEmails('first', 'shared@home.example'));
    expect(holder.status).to.equal(201);
    const res = await h.request('POST', '/Users', twoEmails('second', 'Shared@home.example'));
    expect(res.status, JSON.stringify(res.body)).to.equal(409);
    expect(res.body.scimType).to.equal('uniqueness');
    expect(res.body.detail).to.contain(
      `JumpCloud user "first" (id ${String(holder.body.id)}) already has "Shared@home.example" as its alternateEmail`,
    );
    expect(res.body.detail).to.contain('as alternateEmail (the second address of emails)');
    expect([...emulator.store.users.values()].map((u) => u.username).sort()).to.deep.equal(['first']);
  });

  it('a second email that is another user’s primary email: 409 naming alternateEmail, and who holds it as email', async () => {
    const holder = await h.request('POST', '/Users', { userName: 'owner', emails: [{ value: 'owner@corp.example' }] });
    const res = await h.request('POST', '/Users', twoEmails('borrower', 'owner@corp.example'));
    expect(res.status, JSON.stringify(res.body)).to.equal(409);
    expect(res.body.detail).to.contain(
      `JumpCloud user "owner" (id ${String(holder.body.id)}) already has "owner@corp.example" as its email`,
    );
  });

  it('a clash already in JumpCloud does not block active:false or a displayName change: the alternateEmail is not re-sent', async () => {
    const a = emulator.store.addUser({
      username: 'ann',
      email: 'ann@corp.example',
      alternateEmail: 'team@corp.example',
    });
    const b = emulator.store.addUser({
      username: 'bob',
      email: 'bob@corp.example',
      alternateEmail: 'team@corp.example',
    });
    expect(a.alternateEmail).to.equal(b.alternateEmail);
    const off = await h.request('PATCH', `/Users/${b._id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
    });
    expect(off.status, JSON.stringify(off.body)).to.equal(200);
    expect(emulator.store.users.get(b._id)?.suspended).to.equal(true);
    const renamed = await h.request('PATCH', `/Users/${b._id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        { op: 'Replace', path: 'displayName', value: 'Bob B' },
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'bob.b@corp.example' },
      ],
    });
    expect(renamed.status, JSON.stringify(renamed.body)).to.equal(200);
    expect(emulator.store.users.get(b._id)).to.include({ displayname: 'Bob B', email: 'bob.b@corp.example' });
    const puts = emulator.requests.filter((r) => r.method === 'PUT').map((r) => Object.keys(r.body as object).sort());
    expect(puts, 'PUT bodies').to.deep.equal([
      ['state', 'suspended'],
      ['displayname', 'email'],
    ]);
  });

  it('a duplicate refused with a text that names no duplicate (duplicateMessage flip) is still a 409 naming the holder', async () => {
    emulator.setModes({ unknowns: { duplicateMessage: 'Bad Request: has already been registered' } });
    const holder = await h.request('POST', '/Users', { userName: 'taken', emails: [{ value: 'taken@corp.example' }] });
    const res = await h.request('POST', '/Users', { userName: 'taken', emails: [{ value: 'other@corp.example' }] });
    expect(res.status, JSON.stringify(res.body)).to.equal(409);
    expect(res.body.detail).to.contain(
      `(id ${String(holder.body.id)}, SCIM userName "taken") already holds the username`,
    );
  });
});
