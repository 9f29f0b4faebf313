import { expect } from 'chai';
import { createGroup, createUser, startEmulator, type Harness } from './emulator-harness.js';

describe('emulator: v1 systemusers', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await startEmulator();
  });
  afterEach(() => h.close());

  describe('POST /api/systemusers', () => {
    it('answers 200 (not 201) with the full systemuserreturn', async () => {
      const response = await h.api.post('/api/systemusers', {
        username: 'jdoe',
        email: 'jdoe@example.com',
        firstname: 'Jane',
        lastname: 'Doe',
        phoneNumbers: [{ type: 'work', number: '+1 555 0100' }],
        addresses: [{ type: 'work', locality: 'Boulder' }],
        attributes: [{ name: 'team', value: 'blue' }],
      });
      expect(response.status).to.equal(200);
      const user = response.data;
      expect(user._id).to.match(/^[0-9a-f]{24}$/);
      expect(new Date(user.created).toISOString()).to.equal(user.created);
      expect(user.organization).to.equal(h.emulator.store.organization);
      expect(user).to.include({
        username: 'jdoe',
        email: 'jdoe@example.com',
        firstname: 'Jane',
        lastname: 'Doe',
        state: 'ACTIVATED',
        suspended: false,
        activated: false,
        password_expired: false,
        account_locked: false,
      });
      expect(user.attributes).to.deep.equal([{ name: 'team', value: 'blue' }]);
      expect(user.phoneNumbers[0]).to.include({ type: 'work', number: '+1 555 0100' });
      expect(user.phoneNumbers[0].id).to.be.a('string');
      expect(user.addresses[0].id).to.be.a('string');
      expect(user).not.to.have.property('password');
    });

    it('marks a user created with a password as activated but never returns the password', async () => {
      const user = await createUser(h.api, {
        username: 'withpw',
        email: 'withpw@example.com',
        password: 'S3cret!pass',
      });
      expect(user['activated']).to.equal(true);
      expect(JSON.stringify(user)).not.to.contain('S3cret');
    });

    it('keeps state and suspended consistent and refuses a conflicting pair', async () => {
      const staged = await createUser(h.api, { username: 'staged', email: 'staged@example.com', state: 'STAGED' });
      expect(staged).to.include({ state: 'STAGED', suspended: false });
      const suspended = await createUser(h.api, { username: 'susp', email: 'susp@example.com', suspended: true });
      expect(suspended).to.include({ state: 'SUSPENDED', suspended: true });
      const conflict = await h.api.post('/api/systemusers', {
        username: 'bad',
        email: 'bad@example.com',
        state: 'ACTIVATED',
        suspended: true,
      });
      expect(conflict.status).to.equal(400);
      expect(conflict.data.message).to.match(/conflicting state and suspended/);
    });

    it('requires email and username', async () => {
      const response = await h.api.post('/api/systemusers', { username: 'nomail' });
      expect(response.status).to.equal(400);
      expect(response.data.message).to.contain('email');
      expect(h.emulator.store.users.size).to.equal(0);
    });

    for (const [username, rule] of [
      ['1abc', /start with a letter/],
      ['john doe', /spaces/],
      ['john@example.com', /"@"/],
      [`a${'b'.repeat(1024)}`, /at most 1024/],
    ] as const) {
      it(`refuses username "${username.slice(0, 20)}" naming the rule`, async () => {
        const response = await h.api.post('/api/systemusers', { username, email: 'rule@example.com' });
        expect(response.status).to.equal(400);
        expect(response.data.message).to.match(rule);
      });
    }

    it('enforces the employeeIdentifier and custom attribute length limits', async () => {
      const longId = await h.api.post('/api/systemusers', {
        username: 'len1',
        email: 'len1@example.com',
        employeeIdentifier: 'x'.repeat(257),
      });
      expect(longId.status).to.equal(400);
      expect(longId.data.message).to.match(/employeeIdentifier must be at most 256/);
      const longValue = await h.api.post('/api/systemusers', {
        username: 'len2',
        email: 'len2@example.com',
        attributes: [{ name: 'a', value: 'v'.repeat(1025) }],
      });
      expect(longValue.status).to.equal(400);
      expect(longValue.data.message).to.match(/attributes\/0\/value must be at most 1024/);
    });

    for (const [field, clash] of [
      ['username', { username: 'JDOE', email: 'other@example.com' }],
      ['email', { username: 'other', email: 'JDoe@Example.com' }],
      ['employeeIdentifier', { username: 'other', email: 'other@example.com', employeeIdentifier: 'e-1' }],
    ] as const) {
      it(`answers 400 "already exists" for a duplicate ${field}, case-insensitively`, async () => {
        await createUser(h.api, { username: 'jdoe', email: 'jdoe@example.com', employeeIdentifier: 'E-1' });
        const response = await h.api.post('/api/systemusers', clash);
        expect(response.status).to.equal(400);
        expect(response.data.message).to.contain('already exists');
        expect(response.data.message).to.contain(field);
        expect(response.data.status).to.equal('ALREADY_EXISTS');
        expect(h.emulator.store.users.size).to.equal(1);
      });
    }
  });

  describe('GET /api/systemusers/:id', () => {
    it('returns the user, 404 for an unknown id and 400 for a malformed one', async () => {
      const user = await createUser(h.api, { username: 'getme', email: 'getme@example.com' });
      const found = await h.api.get(`/api/systemusers/${user._id}`);
      expect(found.status).to.equal(200);
      expect(found.data.username).to.equal('getme');
      const projected = await h.api.get(`/api/systemusers/${user._id}?fields=email`);
      expect(projected.data).to.deep.equal({ _id: user._id, email: 'getme@example.com' });
      const missing = await h.api.get('/api/systemusers/0123456789abcdef01234567');
      expect(missing.status).to.equal(404);
      expect(missing.data).to.deep.equal({ message: 'Not Found' });
      const malformed = await h.api.get('/api/systemusers/not-an-id');
      expect(malformed.status).to.equal(400);
      expect(malformed.data).to.deep.equal({ message: 'invalid object id' });
    });
  });

  describe('PUT /api/systemusers/:id', () => {
    it('updates scalars partially but replaces arrays whole', async () => {
      const user = await createUser(h.api, {
        username: 'put1',
        email: 'put1@example.com',
        firstname: 'Keep',
        jobTitle: 'Old title',
        attributes: [
          { name: 'a', value: '1' },
          { name: 'b', value: '2' },
        ],
        phoneNumbers: [
          { type: 'work', number: '1' },
          { type: 'mobile', number: '2' },
        ],
      });
      const response = await h.api.put(`/api/systemusers/${user._id}`, {
        jobTitle: 'New title',
        attributes: [{ name: 'c', value: '3' }],
        phoneNumbers: [],
      });
      expect(response.status).to.equal(200);
      expect(response.data).to.include({ firstname: 'Keep', jobTitle: 'New title', email: 'put1@example.com' });
      expect(response.data.attributes).to.deep.equal([{ name: 'c', value: '3' }]);
      expect(response.data.phoneNumbers).to.deep.equal([]);
      const reread = await h.api.get(`/api/systemusers/${user._id}`);
      expect(reread.data.attributes).to.deep.equal([{ name: 'c', value: '3' }]);
    });

    it('refuses state STAGED (the PUT enum is ACTIVATED|SUSPENDED) and leaves the user unchanged', async () => {
      const user = await createUser(h.api, { username: 'put2', email: 'put2@example.com' });
      const response = await h.api.put(`/api/systemusers/${user._id}`, { state: 'STAGED', jobTitle: 'x' });
      expect(response.status).to.equal(400);
      expect(response.data.message).to.match(/state must be one of ACTIVATED, SUSPENDED/);
      expect(h.emulator.store.users.get(user._id)).to.include({ state: 'ACTIVATED', jobTitle: '' });
    });

    it('activates a staged user and couples suspended to state', async () => {
      const user = await createUser(h.api, { username: 'put3', email: 'put3@example.com', state: 'STAGED' });
      const activated = await h.api.put(`/api/systemusers/${user._id}`, { state: 'ACTIVATED' });
      expect(activated.data).to.include({ state: 'ACTIVATED', suspended: false });
      const suspended = await h.api.put(`/api/systemusers/${user._id}`, { suspended: true });
      expect(suspended.data).to.include({ state: 'SUSPENDED', suspended: true });
      const resumed = await h.api.put(`/api/systemusers/${user._id}`, { suspended: false });
      expect(resumed.data).to.include({ state: 'ACTIVATED', suspended: false });
    });

    it('sets a manager by _id, refuses an unknown one, and clears it with null or ""', async () => {
      const boss = await createUser(h.api, { username: 'boss', email: 'boss@example.com' });
      const worker = await createUser(h.api, { username: 'worker', email: 'worker@example.com' });
      const set = await h.api.put(`/api/systemusers/${worker._id}`, { manager: boss._id });
      expect(set.data.manager).to.equal(boss._id);
      const unknown = await h.api.put(`/api/systemusers/${worker._id}`, { manager: '0123456789abcdef01234567' });
      expect(unknown.status).to.equal(400);
      const cleared = await h.api.put(`/api/systemusers/${worker._id}`, { manager: null });
      expect(cleared.status).to.equal(200);
      expect(cleared.data).not.to.have.property('manager');
      await h.api.put(`/api/systemusers/${worker._id}`, { manager: boss._id });
      const clearedByEmpty = await h.api.put(`/api/systemusers/${worker._id}`, { manager: '' });
      expect(clearedByEmpty.data).not.to.have.property('manager');
    });

    it('applies the same uniqueness and username rules as POST', async () => {
      await createUser(h.api, { username: 'taken', email: 'taken@example.com' });
      const user = await createUser(h.api, { username: 'mine', email: 'mine@example.com' });
      const dup = await h.api.put(`/api/systemusers/${user._id}`, { email: 'TAKEN@example.com' });
      expect(dup.status).to.equal(400);
      expect(dup.data.message).to.contain('already exists');
      const self = await h.api.put(`/api/systemusers/${user._id}`, { email: 'MINE@example.com' });
      expect(self.status).to.equal(200);
      const rule = await h.api.put(`/api/systemusers/${user._id}`, { username: 'has space' });
      expect(rule.status).to.equal(400);
    });
  });

  describe('PUT /api/systemusers/:id: a user bound to a resource (fact boundUserRename)', () => {
    it("refuses a new username with JumpCloud's words, and the refusal takes the whole PUT with it", async () => {
      const bound = h.emulator.store.addUser({ username: 'bound', email: 'bound@example.com', bound: true });
      const refused = await h.api.put(`/api/systemusers/${bound._id}`, { username: 'renamed', jobTitle: 'Boss' });
      expect([refused.status, refused.data.message]).to.deep.equal([
        400,
        'Bad Request: The username cannot be modified because the user is bound to one or more resources',
      ]);
      expect(h.emulator.store.users.get(bound._id)).to.include({ username: 'bound', jobTitle: '' });
      // The same username, or none, is no rename: the rest of the PUT applies.
      const same = await h.api.put(`/api/systemusers/${bound._id}`, { username: 'bound', jobTitle: 'Boss' });
      expect([same.status, same.data.jobTitle]).to.deep.equal([200, 'Boss']);
    });

    it('renames a user bound to nothing; the boundRenameAllowed flip renames a bound one too', async () => {
      const free = await createUser(h.api, { username: 'free', email: 'free@example.com' });
      expect((await h.api.put(`/api/systemusers/${free._id}`, { username: 'freed' })).data.username).to.equal('freed');
      const flipped = await startEmulator({ modes: { unknowns: { boundRenameAllowed: true } } });
      try {
        const bound = flipped.emulator.store.addUser({ username: 'bound', email: 'bound@example.com', bound: true });
        const renamed = await flipped.api.put(`/api/systemusers/${bound._id}`, { username: 'renamed' });
        expect([renamed.status, renamed.data.username]).to.deep.equal([200, 'renamed']);
      } finally {
        await flipped.close();
      }
    });
  });

  describe('DELETE /api/systemusers/:id', () => {
    it('answers 409 for a manager unless cascade_manager=null, which clears the reports first', async () => {
      const boss = await createUser(h.api, { username: 'boss', email: 'boss@example.com' });
      const worker = await createUser(h.api, { username: 'worker', email: 'worker@example.com', manager: boss._id });
      const refused = await h.api.delete(`/api/systemusers/${boss._id}`);
      expect(refused.status).to.equal(409);
      expect(refused.data).to.deep.equal({ message: 'user is a manager of other users' });
      expect(h.emulator.store.users.has(boss._id)).to.equal(true);

      const cascaded = await h.api.delete(`/api/systemusers/${boss._id}?cascade_manager=null`);
      expect(cascaded.status).to.equal(200);
      expect(cascaded.data._id).to.equal(boss._id);
      expect(h.emulator.store.users.has(boss._id)).to.equal(false);
      expect(h.emulator.store.users.get(worker._id)).not.to.have.property('manager');
    });

    it('returns the deleted user and removes it from every group', async () => {
      const user = await createUser(h.api, { username: 'leaver', email: 'leaver@example.com' });
      const group = await createGroup(h.api, { name: 'Leavers' });
      await h.api.post(`/api/v2/usergroups/${group.id}/members`, { op: 'add', type: 'user', id: user._id });
      const response = await h.api.delete(`/api/systemusers/${user._id}`);
      expect(response.status).to.equal(200);
      expect(response.data.username).to.equal('leaver');
      expect(h.emulator.store.membersOf(group.id)).to.deep.equal([]);
      const again = await h.api.delete(`/api/systemusers/${user._id}`);
      expect(again.status).to.equal(404);
    });
  });
});
