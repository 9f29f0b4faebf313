import { expect } from 'chai';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readRecording, replayRecordings } from '../helpers/replay.js';

const EXAMPLE = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'fixtures',
  'recordings',
  'emulator-example',
);

/**
 * The shipped example recording (made against the emulator by scripts/record-example.ts, pseudonymised), replayed
 * offline: each fixture is a contract test pinning the JumpCloud calls of one SCIM request. A real org's recording
 * dropped next to it becomes a regression test the same way.
 */
describe('contract: recorded exchanges replayed', () => {
  it('the example recording covers a whole provisioning session', () => {
    const fixtures = readRecording(EXAMPLE).filter((f) => f.recording.kind === 'scim');
    expect(fixtures.map((f) => `${f.recording.scim?.method} ${f.recording.scim?.status}`)).to.deep.equal([
      'POST 201',
      'GET 200',
      'PATCH 200',
      'GET 200',
      'POST 201',
      'PATCH 204',
      'GET 404',
      'DELETE 204',
    ]);
    expect(fixtures.every((f) => f.recording.calls.length > 0 || f.recording.scim?.status === 404)).to.equal(true);
  });

  it('and a doctor --write-check run whose every check passed', () => {
    const doctor = readRecording(EXAMPLE).find((f) => f.recording.session?.name === 'doctor')?.recording;
    expect(doctor?.session?.args).to.deep.equal(['--write-check', '--yes']);
    // A whole run: the read-only checks, then the write check from its throwaway user's create to its delete.
    const checks = (doctor?.verdicts ?? []).map((v) => v.slice(2));
    expect(checks[0]).to.equal('Console URL answers and the region is right');
    expect(checks).to.include('API key is valid and may write');
    expect(checks.findIndex((c) => c.startsWith('Create a STAGED throwaway user '))).to.be.greaterThan(
      checks.indexOf('API key is valid and may write'),
    );
    expect(checks.at(-1)).to.match(/^Delete the throwaway user /);
    expect(doctor?.verdicts?.every((v) => v.startsWith('✓'))).to.equal(true);
  });

  describe('emulator-example', () => replayRecordings(EXAMPLE));
});
