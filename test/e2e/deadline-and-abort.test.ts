import { expect } from 'chai';
import type { Emulator } from '../../src/emulator/index.js';
import { KEY, emulatedBridge, type Harness } from '../helpers/bridge-harness.js';
import { expectScimError } from '../helpers/scim-error.js';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const DEADLINE_MS = 1500;

/** One deadline bounds everything a request does; a client that leaves stops the work done for it. */
describe('e2e: one deadline per request, and work stops when the client leaves', function () {
  this.timeout(20_000);
  const stack = emulatedBridge({
    REQUEST_DEADLINE_MS: String(DEADLINE_MS),
    SHUTDOWN_GRACE_MS: String(DEADLINE_MS),
    JUMPCLOUD_TIMEOUT_MS: '400',
    RETRY_MIN_DELAY_MS: '50',
    RETRY_MAX_DELAY_MS: '200',
    MAX_MEMBER_OPERATIONS: '500',
    MEMBER_CONCURRENCY: '4',
  });
  let emulator: Emulator;
  let h: Harness;
  beforeEach(() => {
    ({ h, emulator } = stack());
    emulator.reset();
  });

  const user = async (name: string): Promise<string> => {
    const res = await h.request('POST', '/Users', { userName: name, emails: [{ value: `${name}@example.com` }] });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return String(res.body.id);
  };
  const timed = async <T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> => {
    const started = performance.now();
    const result = await work();
    return { result, ms: performance.now() - started };
  };

  it('a group create with members against a slow JumpCloud answers 503 + Retry-After within the deadline, saying what was done', async () => {
    const ids = await Promise.all(Array.from({ length: 12 }, (_, i) => user(`slowmember${i}`)));
    emulator.faults.inject({ method: 'POST', path: /\/members$/, delayMs: 1200, times: 1000 });
    const { result: res, ms } = await timed(() =>
      h.request('POST', '/Groups', { displayName: 'Slow Group', members: ids.map((value) => ({ value })) }),
    );
    emulator.faults.clear();
    expect(ms).to.be.below(DEADLINE_MS + 400);
    expectScimError(res, 503);
    expect(res.headers.get('retry-after')).to.match(/^\d+$/);
    expect(res.body.detail)
      .to.match(/deadline of 1\.5 s/)
      .and.match(/JumpCloud confirmed \d+ writes?/)
      .and.match(/POST \/api\/v2\/usergroups → 20[01]/);
    // Entra's retry converges: the group exists once, and a PATCH adding the members completes.
    const groups = [...emulator.store.groups.values()].filter((g) => g.name === 'Slow Group');
    expect(groups).to.have.length(1);
  });

  it('a create through a 429, a slow search and timeouts answers within the deadline', async () => {
    emulator.faults.inject({ method: 'POST', path: '/api/search/systemusers', delayMs: 600, times: 1 });
    emulator.faults.inject({ method: 'POST', path: '/api/systemusers', status: 429, times: 1 });
    emulator.faults.inject({ method: 'POST', path: '/api/search/systemusers', delayMs: 2000, times: 100 });
    const { result: res, ms } = await timed(() =>
      h.request('POST', '/Users', { userName: 'throttled', emails: [{ value: 'throttled@example.com' }] }),
    );
    emulator.faults.clear();
    expect(ms).to.be.below(DEADLINE_MS + 400);
    expect(res.status).to.be.oneOf([201, 503]);
    if (res.status === 503) expect(res.headers.get('retry-after')).to.match(/^\d+$/);
  });

  it('a group PATCH with more member operations than MAX_MEMBER_OPERATIONS is refused before any write', async () => {
    const id = await (async () => {
      const res = await h.request('POST', '/Groups', { displayName: 'Capped' });
      expect(res.status).to.equal(201);
      return String(res.body.id);
    })();
    const before = emulator.requests.length;
    const members = Array.from({ length: 501 }, (_, i) => ({ value: i.toString(16).padStart(24, '0') }));
    const res = await h.request('PATCH', `/Groups/${id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'add', path: 'members', value: members }],
    });
    expectScimError(res, 413);
    expect(res.body.detail).to.match(/MAX_MEMBER_OPERATIONS/);
    expect(emulator.requests.slice(before).filter((r) => r.method !== 'GET')).to.deep.equal([]);
  });

  it('a client that hangs up stops the member fan-out, and the request is still logged (status 499)', async () => {
    const group = await h.request('POST', '/Groups', { displayName: 'Abandoned' });
    const ids = Array.from({ length: 400 }, (_, i) => (0x100000 + i).toString(16).padStart(24, 'a'));
    emulator.faults.inject({ method: 'POST', path: /\/members$/, delayMs: 40, times: 10_000 });
    const ctl = new AbortController();
    const sent = fetch(`${h.base}/Groups/${String(group.body.id)}`, {
      method: 'PATCH',
      signal: ctl.signal,
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({
        schemas: [PATCH_OP],
        Operations: [{ op: 'add', path: 'members', value: ids.map((value) => ({ value })) }],
      }),
    }).catch(() => 'aborted');
    const memberCalls = (): number =>
      emulator.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/members')).length;
    for (let waited = 0; memberCalls() < 4 && waited < 5000; waited += 10) await new Promise((r) => setTimeout(r, 10));
    ctl.abort();
    expect(await sent).to.equal('aborted');
    await new Promise((r) => setTimeout(r, 300));
    const atStop = memberCalls();
    await new Promise((r) => setTimeout(r, 300));
    emulator.faults.clear();
    expect(memberCalls(), 'no member call starts after the client left').to.equal(atStop);
    expect(atStop).to.be.below(40);
    const line = h.logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.message === 'scim request' && l.method === 'PATCH' && l.status === 499);
    expect(line, 'the abandoned request is logged').to.not.equal(undefined);
    expect(line?.clientGone).to.equal(true);
  });
});
