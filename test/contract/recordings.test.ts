import { expect } from 'chai';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readRecording, replayRecordings } from '../helpers/replay.js';

const EXAMPLE = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'recordings', 'emulator-example');

/**
 * The shipped example recording (made against the emulator by scripts/record-example.ts, pseudonymised), replayed
 * offline: each fixture is a contract test pinning the JumpCloud calls of one SCIM request. A real org's recording
 * dropped next to it becomes a regression test the same way.
 */
describe('contract: recorded exchanges replayed', () => {
  it('the example recording covers a whole provisioning session', () => {
    const fixtures = readRecording(EXAMPLE).filter((f) => f.recording.kind === 'scim');
    expect(fixtures.map((f) => `${f.recording.scim?.method} ${f.recording.scim?.status}`)).to.deep.equal(['POST 201', 'GET 200', 'PATCH 200', 'GET 200', 'POST 201', 'PATCH 204', 'GET 404', 'DELETE 204']);
    expect(fixtures.every((f) => f.recording.calls.length > 0 || f.recording.scim?.status === 404)).to.equal(true);
  });

  it('and a doctor --write-check run whose every check passed', () => {
    const doctor = readRecording(EXAMPLE).find((f) => f.recording.session?.name === 'doctor')?.recording;
    expect(doctor?.session?.args).to.deep.equal(['--write-check', '--yes']);
    expect(doctor?.verdicts?.length).to.be.greaterThan(8);
    expect(doctor?.verdicts?.every((v) => v.startsWith('✓'))).to.equal(true);
  });

  describe('emulator-example', () => replayRecordings(EXAMPLE));
});
