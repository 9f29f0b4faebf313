import { expect } from 'chai';
import type { Emulator } from '../../src/emulator/index.js';
import { emulatedBridge, type Harness } from '../helpers/bridge-harness.js';

/** Behaviour that only shows through the whole HTTP path: concurrency, derive mode, retries against the emulator. */
describe('e2e: Users semantics over the emulator', () => {
  const stack = emulatedBridge();
  let emulator: Emulator;
  let h: Harness;
  beforeEach(() => {
    ({ h, emulator } = stack());
    emulator.reset();
  });

  const create = async (userName: string, extra: Record<string, unknown> = {}): Promise<string> => {
    const res = await h.request('POST', '/Users', {
      userName,
      emails: [{ value: `${userName}@example.com` }],
      ...extra,
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return String(res.body.id);
  };

  it('concurrent PATCHes of one user lose no update (writes are serialised per user)', async () => {
    const id = await create('racer');
    const types = ['work', 'mobile', 'fax', 'home', 'pager', 'other', 'main', 'assistant'];
    const results = await Promise.all(
      types.map((type, i) =>
        h.request('PATCH', `/Users/${id}`, {
          Operations: [{ op: 'Add', path: `phoneNumbers[type eq "${type}"].value`, value: `555-000${i}` }],
        }),
      ),
    );
    expect(results.map((r) => r.status)).to.deep.equal(types.map(() => 200));
    const final = await h.request('GET', `/Users/${id}`);
    expect(final.body.phoneNumbers.map((p: { type: string }) => p.type).sort()).to.deep.equal([...types].sort());
  });

  it('concurrent creates of the same userName make exactly one user and one 409', async () => {
    const body = { userName: 'twin', emails: [{ value: 'twin@example.com' }] };
    const [a, b] = await Promise.all([h.request('POST', '/Users', body), h.request('POST', '/Users', body)]);
    expect([a.status, b.status].sort()).to.deep.equal([201, 409]);
    expect([...emulator.store.users.values()].filter((u) => u.username === 'twin')).to.have.length(1);
  });

  it('a create whose connection drops after JumpCloud committed it answers 201 and leaves exactly one user', async () => {
    emulator.faults.inject({ method: 'POST', path: '/api/systemusers', dropConnection: 'afterCommit' });
    const res = await h.request('POST', '/Users', { userName: 'dropped', emails: [{ value: 'dropped@example.com' }] });
    expect(res.status).to.equal(201);
    expect([...emulator.store.users.values()].filter((u) => u.username === 'dropped')).to.have.length(1);
    const again = await h.request('POST', '/Users', {
      userName: 'dropped',
      emails: [{ value: 'dropped@example.com' }],
    });
    expect(again.status).to.equal(409);
  });

  it('a disabled user is still returned by GET and by filters', async () => {
    const id = await create('sleepy');
    await h.request('PATCH', `/Users/${id}`, { Operations: [{ op: 'Replace', path: 'active', value: 'False' }] });
    expect((await h.request('GET', `/Users/${id}`)).body.active).to.equal(false);
    const found = await h.request('GET', '/Users?filter=userName+eq+%22SLEEPY%22');
    expect(found.body.totalResults).to.equal(1);
    expect(found.body.Resources[0].active).to.equal(false);
    expect(emulator.store.users.get(id)?.suspended).to.equal(true);
  });

  it('data the bridge did not write (two JumpCloud addresses of one type) does not block Entra disabling the user', async () => {
    const id = await create('legacy');
    const stored = emulator.store.users.get(id);
    if (!stored) throw new Error('user not stored');
    stored.addresses = [
      { id: 'a1', type: 'work', streetAddress: 'A' },
      { id: 'a2', type: 'work', streetAddress: 'B' },
    ] as never;
    const res = await h.request('PATCH', `/Users/${id}`, {
      Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(emulator.store.users.get(id)?.suspended).to.equal(true);
    expect(emulator.store.users.get(id)?.addresses).to.have.length(2);
  });

  it('JumpCloud throttling is absorbed by retries within the budget', async () => {
    const id = await create('patient');
    emulator.faults.inject({ method: 'GET', path: `/api/systemusers/${id}`, status: 429, retryAfter: '0', times: 2 });
    const res = await h.request('GET', `/Users/${id}`);
    expect(res.status).to.equal(200);
  });
});

describe('e2e: DERIVE_USERNAME_FROM_EMAIL', () => {
  const stack = emulatedBridge({ DERIVE_USERNAME_FROM_EMAIL: 'true' });
  let emulator: Emulator;
  let h: Harness;
  beforeEach(() => ({ h, emulator } = stack()));

  it('stores the local part in JumpCloud, reads the UPN back exactly, and userName eq still matches', async () => {
    const upn = 'Joy.Young@Contoso.com';
    const created = await h.request('POST', '/Users', { userName: upn, emails: [{ value: upn }] });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    expect(created.body.userName).to.equal(upn);
    const stored = emulator.store.users.get(String(created.body.id));
    expect(stored?.username).to.equal('Joy.Young');
    const found = await h.request('GET', `/Users?filter=${encodeURIComponent('userName eq "joy.young@contoso.com"')}`);
    expect(found.body.totalResults).to.equal(1);
    expect(found.body.Resources[0].userName).to.equal(upn);
    const miss = await h.request('GET', `/Users?filter=${encodeURIComponent('userName eq "joy.young@fabrikam.com"')}`);
    expect(miss.body.totalResults).to.equal(0);
  });

  it('two UPNs with the same local part: the second gets a 409 that names the clash', async () => {
    const res = await h.request('POST', '/Users', {
      userName: 'Joy.Young@Fabrikam.com',
      emails: [{ value: 'jy@fabrikam.com' }],
    });
    expect(res.status).to.equal(409);
    expect(res.body.detail).to.contain('Joy.Young');
  });
});
