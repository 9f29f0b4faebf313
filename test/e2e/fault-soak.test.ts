import { expect } from 'chai';
import type { FaultSpec } from '../../src/emulator/faults.js';
import type { Emulator } from '../../src/emulator/index.js';
import { emulatedBridge, type Harness } from '../helpers/bridge-harness.js';
import { prng } from '../helpers/prng.js';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const TIMEOUT_MS = 400;

/** The faults of the issue: 429 with and without Retry-After, 500/502/503/504, resets, delays past the timeout, reset-after-commit. */
const FAULTS: Omit<FaultSpec, 'method' | 'path'>[] = [
  { status: 429 },
  { status: 429, retryAfter: '0' },
  { status: 500 },
  { status: 502 },
  { status: 503 },
  { status: 504 },
  { dropConnection: 'before' },
  { delayMs: TIMEOUT_MS + 150 },
  { dropConnection: 'afterCommit' },
];
const TARGETS: Pick<FaultSpec, 'method' | 'path'>[] = [
  { method: 'POST', path: '/api/systemusers' },
  { method: 'POST', path: '/api/search/systemusers' },
  { method: 'PUT', path: '/api/systemusers/' },
  { method: 'GET', path: '/api/systemusers/' },
  { method: 'DELETE', path: '/api/systemusers/' },
];

interface Tally {
  ops: number;
  duplicates: number;
  lost: number;
  phantom: number;
  byStatus: Record<string, number>;
  problems: string[];
}

/**
 * A few hundred creates, PATCHes and DELETEs through random upstream faults. After every answer the
 * client's view is compared with the emulator's state: a 2xx must be true (else "lost"), an error must have left
 * nothing behind (else "phantom"), and a username is never held twice ("duplicate").
 */
describe('e2e: fault soak (random upstream faults, client view vs JumpCloud state)', function () {
  this.timeout(120_000);
  const stack = emulatedBridge({
    JUMPCLOUD_TIMEOUT_MS: String(TIMEOUT_MS),
    RETRY_MAX_RETRIES: '4',
    RETRY_MIN_DELAY_MS: '5',
    RETRY_MAX_DELAY_MS: '20',
    REQUEST_DEADLINE_MS: '10000',
    CREATE_LOOKUP_WINDOW_MS: '1200',
    JUMPCLOUD_CONCURRENCY: '32',
  });
  let emulator: Emulator;
  let h: Harness;
  beforeEach(() => {
    ({ h, emulator } = stack());
    emulator.reset();
  });

  it('300 operations over 10 lanes: 0 duplicates, 0 lost, 0 phantom', async () => {
    const random = prng(20261201);
    const tally: Tally = { ops: 0, duplicates: 0, lost: 0, phantom: 0, byStatus: {}, problems: [] };
    const users = (name: string) => [...emulator.store.users.values()].filter((u) => u.username === name);
    // After an error answer, long enough for a delayed commit to land, so a phantom cannot hide.
    const settle = (): Promise<void> => new Promise((r) => setTimeout(r, TIMEOUT_MS + 250));
    const LANES = 10;
    const OPS_PER_LANE = 30;

    const lane = async (n: number): Promise<void> => {
      let id: string | undefined;
      let generation = 0;
      for (let i = 0; i < OPS_PER_LANE; i += 1) {
        const name = `soak${n}x${generation}`;
        // One fault per operation at most, gone when the operation ends: faults do not pile up for later ones.
        const fault =
          random() < 0.45
            ? emulator.faults.inject({
                ...TARGETS[Math.floor(random() * TARGETS.length)],
                ...FAULTS[Math.floor(random() * FAULTS.length)],
                times: 1,
              })
            : undefined;
        tally.ops += 1;
        if (id === undefined) {
          const res = await h.request('POST', '/Users', { userName: name, emails: [{ value: `${name}@example.com` }] });
          tally.byStatus[`POST ${res.status}`] = (tally.byStatus[`POST ${res.status}`] ?? 0) + 1;
          if (res.status !== 201) await settle();
          const found = users(name);
          if (found.length > 1) tally.duplicates += 1;
          if (res.status === 201) {
            if (found.length !== 1 || found[0]?._id !== res.body.id) {
              tally.lost += 1;
              tally.problems.push(`create ${name} told 201 but state has ${found.length}`);
            }
            id = String(res.body.id);
          } else if (found.length > 0) {
            tally.phantom += 1;
            tally.problems.push(
              `create ${name} told ${res.status} ${JSON.stringify(res.body?.detail)} but the user exists`,
            );
            id = found[0]?._id;
          }
        } else if (random() < 0.7) {
          const next = `title-${n}-${i}`;
          const before = String(emulator.store.users.get(id)?.jobTitle ?? '');
          const res = await h.request('PATCH', `/Users/${id}`, {
            schemas: [PATCH_OP],
            Operations: [{ op: 'replace', path: 'title', value: next }],
          });
          tally.byStatus[`PATCH ${res.status}`] = (tally.byStatus[`PATCH ${res.status}`] ?? 0) + 1;
          if (res.status !== 200) await settle();
          const now = String(emulator.store.users.get(id)?.jobTitle ?? '');
          if (res.status === 200 && now !== next) {
            tally.lost += 1;
            tally.problems.push(`patch ${id} told 200 but title is ${now}`);
          }
          if (res.status !== 200 && now !== before) {
            tally.phantom += 1;
            tally.problems.push(`patch ${id} told ${res.status} but title changed to ${now}`);
          }
        } else {
          const res = await h.request('DELETE', `/Users/${id}`);
          tally.byStatus[`DELETE ${res.status}`] = (tally.byStatus[`DELETE ${res.status}`] ?? 0) + 1;
          if (res.status !== 204) await settle();
          const still = emulator.store.users.has(id);
          if (res.status === 204 && still) {
            tally.lost += 1;
            tally.problems.push(`delete ${id} told 204 but the user remains`);
          }
          if (res.status !== 204 && !still) {
            tally.phantom += 1;
            tally.problems.push(`delete ${id} told ${res.status} but the user is gone`);
          }
          if (!still) {
            id = undefined;
            generation += 1;
          }
        }
        if (fault) fault.remaining = 0;
      }
    };
    await Promise.all(Array.from({ length: LANES }, (_, n) => lane(n)));
    emulator.faults.clear();

    const names = [...emulator.store.users.values()].map((u) => u.username);
    tally.duplicates += names.length - new Set(names).size;
    expect(tally.ops).to.be.at.least(300);
    expect(
      { duplicates: tally.duplicates, lost: tally.lost, phantom: tally.phantom },
      tally.problems.join('\n'),
    ).to.deep.equal({ duplicates: 0, lost: 0, phantom: 0 });
    // The run is not all happy paths: some operations did fail, visibly and truthfully.
    expect(
      Object.keys(tally.byStatus).some((k) => !/ (200|201|204)$/.test(k)),
      JSON.stringify(tally.byStatus),
    ).to.equal(true);
    expect(emulator.violations).to.deep.equal([]);
  });
});
