import { expect } from 'chai';
import { createEmulator, type Emulator, type RunningEmulator } from '../../src/emulator/index.js';
import { startBridgeProcess, type BridgeProcess } from '../helpers/bridge-process.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { describeNeeding } from '../helpers/system-binaries.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/**
 * Two bridge processes on one Redis in front of one JumpCloud (the emulator): the deployment the README
 * describes for replicas. Requests alternate between the replicas, as a round-robin load balancer sends them.
 * Without the shared lock, 18-20 of 40 concurrent phone-number adds were lost this way.
 */
describeNeeding('redis-server', 'e2e: two bridge replicas on one Redis', function () {
  this.timeout(60_000);
  let redis: RedisServer;
  let emulator: Emulator;
  let running: RunningEmulator;
  let replicas: BridgeProcess[] = [];
  let key = '';

  before(async () => {
    redis = await startRedis();
    emulator = createEmulator();
    running = await emulator.listen(0, '127.0.0.1');
    key = emulator.apiKeys[0] ?? '';
    const env = { JUMPCLOUD_URL: running.url, REDIS_URL: redis.url, LOG_LEVEL: 'info' };
    replicas = await Promise.all([startBridgeProcess(env), startBridgeProcess(env)]);
  });
  after(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await running?.close();
    await redis?.stop();
  });

  const send = async (
    replica: number,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: any; headers: Headers }> => {
    const res = await fetch(`${replicas[replica % 2]!.origin}/scim/v2${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/scim+json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  };
  const patch = (ops: unknown[]): unknown => ({
    schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
    Operations: ops,
  });

  it('each replica logs at start-up that it shares state through Redis', () => {
    for (const r of replicas) {
      const line = r
        .output()
        .split('\n')
        .find((l) => l.includes('"coordination"'));
      expect(line, r.output()).to.be.a('string');
      expect(JSON.parse(line!).coordination).to.equal('redis');
      expect(line).not.to.include(key);
    }
  });

  it('50 concurrent PATCHes to one user spread over both replicas lose no update', async () => {
    const created = await send(0, 'POST', '/Users', {
      userName: 'replicated',
      emails: [{ value: 'replicated@example.com' }],
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const id = String(created.body.id);
    const scalars: [string, string][] = [
      ['title', 'Engineer'],
      ['displayName', 'Re Plicated'],
      ['userType', 'Employee'],
      ['locale', 'en-GB'],
      ['preferredLanguage', 'en'],
      ['name.givenName', 'Re'],
      ['name.familyName', 'Plicated'],
      [`${ENTERPRISE}:department`, 'R&D'],
      [`${ENTERPRISE}:costCenter`, 'CC-7'],
      [`${ENTERPRISE}:organization`, 'Contoso'],
    ];
    const phones = Array.from(
      { length: 40 },
      (_, i) => [`line${i}`, `+1 555 01${String(i).padStart(2, '0')}`] as const,
    );
    const ops = [
      ...phones.map(([type, value]) => ({ op: 'add', path: `phoneNumbers[type eq "${type}"].value`, value })),
      ...scalars.map(([path, value]) => ({ op: 'replace', path, value })),
    ];
    const answers = await Promise.all(ops.map((op, i) => send(i, 'PATCH', `/Users/${id}`, patch([op]))));
    expect(answers.map((a) => a.status)).to.deep.equal(ops.map(() => 200));

    const user = [...emulator.store.users.values()].find((u) => u._id === id);
    expect(user).to.not.equal(undefined);
    const stored = new Map((user!.phoneNumbers as { type: string; number: string }[]).map((p) => [p.type, p.number]));
    const lost = phones.filter(([type, value]) => stored.get(type) !== value).map(([type]) => type);
    expect(lost, 'phone numbers lost').to.deep.equal([]);
    const read = await send(1, 'GET', `/Users/${id}`);
    const valueAt = (path: string): unknown => {
      if (path.startsWith(ENTERPRISE)) return read.body[ENTERPRISE]?.[path.slice(ENTERPRISE.length + 1)];
      return path.split('.').reduce<any>((o, k) => o?.[k], read.body);
    };
    expect(
      scalars.filter(([path, value]) => valueAt(path) !== value).map(([path]) => path),
      'scalars lost',
    ).to.deep.equal([]);
  });

  it('50 concurrent member adds to one group spread over both replicas all land', async () => {
    const ids = Array.from(
      { length: 50 },
      (_, i) => emulator.store.addUser({ username: `member${i}`, email: `member${i}@example.com` })._id,
    );
    const group = await send(0, 'POST', '/Groups', { displayName: 'Replicated Group' });
    expect(group.status, JSON.stringify(group.body)).to.equal(201);
    const gid = String(group.body.id);
    const answers = await Promise.all(
      ids.map((uid, i) =>
        send(i, 'PATCH', `/Groups/${gid}`, patch([{ op: 'Add', path: 'members', value: [{ value: uid }] }])),
      ),
    );
    expect(
      answers.every((a) => a.status === 204 || a.status === 200),
      JSON.stringify(answers.filter((a) => a.status >= 300)),
    ).to.equal(true);
    expect(emulator.store.membersOf(gid).sort()).to.deep.equal([...ids].sort());
  });

  it('4 racing creates of one userName in different letter case make exactly one user; the others get 409', async () => {
    const names = ['RaceCase', 'racecase', 'RACECASE', 'rAcEcAsE'];
    const answers = await Promise.all(
      names.map((userName, i) =>
        send(i, 'POST', '/Users', { userName, emails: [{ value: `racecase${i}@example.com` }] }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).to.deep.equal([201, 409, 409, 409]);
    for (const a of answers.filter((x) => x.status === 409)) expect(a.body.scimType).to.equal('uniqueness');
    expect([...emulator.store.users.values()].filter((u) => u.username.toLowerCase() === 'racecase')).to.have.length(1);
  });

  it('4 racing creates of one group name in different letter case make exactly one group; the others get 409', async () => {
    const names = ['Race Group', 'race group', 'RACE GROUP', 'rAcE gRoUp'];
    const answers = await Promise.all(names.map((displayName, i) => send(i, 'POST', '/Groups', { displayName })));
    expect(answers.map((a) => a.status).sort()).to.deep.equal([201, 409, 409, 409]);
    expect([...emulator.store.groups.values()].filter((g) => g.name.toLowerCase() === 'race group')).to.have.length(1);
  });

  it('while Redis is away, writes answer 503 with Retry-After and write nothing, reads work, /readyz stays ready and names Redis as degraded; then all recover', async () => {
    const created = await send(0, 'POST', '/Users', { userName: 'outage', emails: [{ value: 'outage@example.com' }] });
    expect(created.status).to.equal(201);
    const id = String(created.body.id);
    const readyz = async (replica: number): Promise<{ status: number; body: any }> => {
      const res = await fetch(`${replicas[replica]!.origin}/readyz`);
      return { status: res.status, body: await res.json() };
    };
    expect((await readyz(0)).status).to.equal(200);

    await redis.stop();
    const refused = await send(
      0,
      'PATCH',
      `/Users/${id}`,
      patch([{ op: 'replace', path: 'title', value: 'Unlocked' }]),
    );
    expect(refused.status, JSON.stringify(refused.body)).to.equal(503);
    expect(Number(refused.headers.get('retry-after'))).to.be.at.least(1);
    expect(refused.body.detail).to.match(/Redis/);
    const created2 = await send(1, 'POST', '/Users', {
      userName: 'outage2',
      emails: [{ value: 'outage2@example.com' }],
    });
    expect(created2.status).to.equal(503);
    expect(emulator.store.findUserByUsername('outage2')).to.equal(undefined);
    expect([...emulator.store.users.values()].find((u) => u._id === id)?.jobTitle ?? '').to.equal('');
    const read = await send(1, 'GET', `/Users/${id}`);
    expect(read.status).to.equal(200);
    // Still ready (the replica stays in the load balancer, so Entra gets 503 + Retry-After, not connection
    // errors), and saying what is degraded.
    const down = await readyz(1);
    expect(down.status).to.equal(200);
    expect(down.body.status).to.equal('degraded');
    expect(down.body.checks).to.deep.include({ redis: false });
    expect(down.body.degraded[0].whenDown).to.match(/writes answer 503/);

    await redis.restart();
    for (let i = 0; i < 100 && (await readyz(0)).body.status !== 'ready'; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect((await readyz(0)).body.status).to.equal('ready');
    const retried = await send(
      0,
      'PATCH',
      `/Users/${id}`,
      patch([{ op: 'replace', path: 'title', value: 'Locked again' }]),
    );
    expect(retried.status).to.equal(200);
    expect(retried.body.title).to.equal('Locked again');
    const logs = replicas[0]!.output();
    expect(logs).to.include('redis unreachable');
    expect(logs).to.include('redis connected');
  });
});
