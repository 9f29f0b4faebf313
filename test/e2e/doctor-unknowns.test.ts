import { expect } from 'chai';
import { createEmulator, type EmulatorModes } from '../../src/emulator/index.js';
import { runDoctor } from '../../src/cli/doctor.js';
import { WRITE_PROBES } from '../../src/doctor/unknown-probes.js';

const KEY = 'doctorKey0123456789abcdef';
const ORG = '5f0000000000000000000001';

/** Runs the doctor (read-only, or with --write-check) against a seeded emulator in `modes`; returns its ✓/- lines. */
async function doctor(writeCheck: boolean, modes: EmulatorModes = {}): Promise<{ text: string; probes: string[] }> {
  const emulator = createEmulator({ apiKeys: [KEY], orgId: ORG, modes });
  emulator.seedExampleUsers();
  const running = await emulator.listen();
  try {
    const [users, groups] = [emulator.store.users.size, emulator.store.groups.size];
    const { text } = await runDoctor(
      { writeCheck, yes: true },
      { JUMPCLOUD_API_KEY: KEY, JUMPCLOUD_URL: running.url, JUMPCLOUD_TIMEOUT_MS: '5000', JUMPCLOUD_ORG_ID: ORG },
      { regions: { US: running.url }, suffix: 'cafe0101' },
    );
    expect(emulator.store.users.size, 'every throwaway user is deleted').to.equal(users);
    expect(emulator.store.groups.size, 'the throwaway group is deleted').to.equal(groups);
    return { text, probes: text.split('\n').filter((l) => /^[✓✗-] \[/.test(l)) };
  } finally {
    await running.close();
  }
}

const answer = (probes: string[], name: string): string => {
  const found = probes.find((l) => l.includes(`[${name}]`));
  if (!found) throw new Error(`no probe ${name} in ${probes.join('\n')}`);
  return found;
};

describe('e2e: doctor settles the unknowns on the hot path', function () {
  this.timeout(30_000);

  it('read-only: lists each unknown it could not check without writing', async () => {
    const { text, probes } = await doctor(false);
    expect(probes).to.deep.equal([]);
    expect(text).to.include('Not checked without writing (doctor --write-check settles each');
    for (const probe of WRITE_PROBES) expect(text).to.include(`  - [${probe}] `);
  });

  it('--write-check: prints the answer of every probe, and the emulator default answers each', async () => {
    const { probes } = await doctor(true);
    expect(probes.map((l) => /\[(\w+)\]/.exec(l)?.[1])).to.deep.equal([...WRITE_PROBES]);
    expect(
      probes.every((l) => l.startsWith('✓ ')),
      probes.join('\n'),
    ).to.equal(true);
    expect(answer(probes, 'dottedKeyInOr')).to.match(/: works/);
    expect(answer(probes, 'searchOperators')).to.match(/\$ne works, \$in works, \$exists works/);
    expect(answer(probes, 'putElementIds')).to.match(/accepted, the id is kept/);
    expect(answer(probes, 'duplicateUser')).to.match(/refused, ignoring case: 400 "Bad Request: User already exists/);
    expect(answer(probes, 'mspWithoutOrgId')).to.match(/served/);
    expect(answer(probes, 'groupAttributes')).to.match(/stored and returned/);
    expect(answer(probes, 'nameSearchCase')).to.match(/ignores case/);
    expect(answer(probes, 'emptyEmployeeIdentifier')).to.match(/no clash/);
    expect(answer(probes, 'danglingManager')).to.match(/refused/);
    expect(answer(probes, 'alternateEmailUnique')).to.match(/refused: unique/);
    expect(answer(probes, 'boundUserRename')).to.match(/documented, not forced/);
  });

  it('--write-check: each flipped unknown prints the other answer', async () => {
    const flips: [EmulatorModes, string, RegExp][] = [
      [{ refuseSearch: { dottedKeys: true } }, 'dottedKeyInOr', /refused \(400/],
      [{ refuseSearch: { operators: ['$in'] } }, 'searchOperators', /\$in refused/],
      [{ unknowns: { elementIdsRefused: true } }, 'putElementIds', /refused \(400/],
      [
        { unknowns: { duplicateMessage: 'has already been registered' } },
        'duplicateUser',
        /"has already been registered"/,
      ],
      [{ multiTenant: { organizations: [{ _id: ORG, displayName: 'Org' }] } }, 'mspWithoutOrgId', /refused \(401/],
      [{ unknowns: { groupAttributesDropped: true } }, 'groupAttributes', /not stored/],
      [{ unknowns: { nameSearchCaseSensitive: true } }, 'nameSearchCase', /compares case/],
      [{ unknowns: { emptyEmployeeIdentifierClashes: true } }, 'emptyEmployeeIdentifier', /a duplicate/],
      [{ unknowns: { danglingManagerStored: true } }, 'danglingManager', /stored dangling/],
      [{ unknowns: { alternateEmailNotUnique: true } }, 'alternateEmailUnique', /accepted: not unique/],
    ];
    for (const [modes, probe, expected] of flips) {
      const { probes } = await doctor(true, modes);
      expect(answer(probes, probe), JSON.stringify(modes)).to.match(expected);
    }
  });
});
