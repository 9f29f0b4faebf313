import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { createEmulator } from '../../src/emulator/index.js';
import { createGroup, createUser, startEmulator } from './emulator-harness.js';

describe('emulator: state file persistence', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'jc-emulator-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('saves after each mutation and a second instance on the same file sees everything', async () => {
    const stateFile = join(dir, 'state.json');
    const first = await startEmulator({ apiKeys: ['k'], stateFile });
    let userId: string;
    let groupId: string;
    try {
      const user = await createUser(first.api, {
        username: 'persist',
        email: 'persist@example.com',
        attributes: [{ name: 'a', value: '1' }],
      });
      userId = user._id;
      const group = await createGroup(first.api, { name: 'Persisted' });
      groupId = group.id;
      await first.api.post(`/api/v2/usergroups/${group.id}/members`, { op: 'add', type: 'user', id: user._id });
      expect(existsSync(stateFile)).to.equal(true);
    } finally {
      await first.close();
    }

    const second = await startEmulator({ apiKeys: ['k'], stateFile });
    try {
      expect(second.emulator.store.organization).to.equal(first.emulator.store.organization);
      const user = await second.api.get(`/api/systemusers/${userId}`);
      expect(user.status).to.equal(200);
      expect(user.data.attributes).to.deep.equal([{ name: 'a', value: '1' }]);
      const members = await second.api.get(`/api/v2/usergroups/${groupId}/members`);
      expect(members.data).to.deep.equal([{ to: { id: userId, type: 'user' } }]);
      const duplicate = await second.api.post('/api/systemusers', { username: 'persist', email: 'x@example.com' });
      expect(duplicate.status).to.equal(400);

      const later = await createUser(second.api, { username: 'later', email: 'later@example.com' });
      expect(later._id > userId).to.equal(true);
      expect(later['unix_uid']).to.be.greaterThan(user.data.unix_uid);
      const listed = await second.api.get('/api/systemusers');
      expect(listed.data.results.map((u: { username: string }) => u.username)).to.deep.equal(['persist', 'later']);
    } finally {
      await second.close();
    }
    const saved = JSON.parse(readFileSync(stateFile, 'utf8'));
    expect(saved.users).to.have.length(2);
  });

  it('seeds example users idempotently across restarts', async () => {
    const stateFile = join(dir, 'seeded.json');
    const first = await startEmulator({ stateFile });
    first.emulator.seedExampleUsers();
    const count = first.emulator.store.users.size;
    expect(count).to.be.greaterThan(2);
    expect(first.emulator.store.groups.size).to.equal(1);
    await first.close();

    const second = await startEmulator({ stateFile });
    try {
      second.emulator.seedExampleUsers();
      expect(second.emulator.store.users.size).to.equal(count);
      expect(second.emulator.store.groups.size).to.equal(1);
      const managed = [...second.emulator.store.users.values()].filter((user) => user.manager !== undefined);
      expect(managed).to.have.length(1);
    } finally {
      await second.close();
    }
  });

  it('refuses to start on a file that is not emulator state', () => {
    const stateFile = join(dir, 'garbage.json');
    writeFileSync(stateFile, '{"hello":"world"}');
    expect(() => createEmulator({ stateFile })).to.throw(/not an emulator state file/);
  });
});
