import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import nock from 'nock';
import { createEmulator } from '../../src/emulator/index.js';
import { KEY, startBridge } from '../helpers/bridge-harness.js';
import { entraSession } from '../helpers/entra-session.js';
import { readRecording, replayDoctor, replayScim } from '../helpers/replay.js';
import { runDoctor } from '../../src/cli/doctor.js';

async function record(dir: string, env: Record<string, string> = {}): Promise<void> {
  const emulator = createEmulator({ apiKeys: [KEY] });
  emulator.seedExampleUsers();
  const up = await emulator.listen();
  const h = await startBridge({ JUMPCLOUD_URL: up.url, RECORD_DIR: dir, ...env });
  try {
    await entraSession(h);
  } finally {
    await h.close();
    await up.close();
  }
}

describe('e2e: RECORD_DIR → replay round trip', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'recording-'));
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    nock.enableNetConnect();
  });

  it('records each SCIM exchange with its JumpCloud calls, the key masked, and replays every fixture offline', async () => {
    await record(dir);
    const fixtures = readRecording(dir);
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
    const create = fixtures[0]?.recording;
    expect(create?.calls.map((c) => `${c.request.method} ${c.request.path}`)).to.deep.equal(['POST /api/systemusers']);
    expect(create?.calls[0]?.request.headers).to.deep.equal({ 'content-type': 'application/json' });
    const text = readdirSync(dir)
      .map((f) => readFileSync(path.join(dir, f), 'utf8'))
      .join('\n');
    expect(text).to.not.include(KEY);
    for (const { recording } of fixtures) await replayScim(recording);
  });

  it('a replay fails when the bridge would send something else than was recorded', async () => {
    await record(dir);
    const [first] = readRecording(dir);
    if (!first?.recording.calls[0]?.request.body) throw new Error('no create call recorded');
    (first.recording.calls[0].request.body as Record<string, unknown>).displayname = 'Someone Else';
    let failure: unknown;
    try {
      await replayScim(first.recording);
    } catch (e) {
      failure = e;
    }
    expect(String(failure)).to.match(/every recorded JumpCloud call was made|expected .* to equal|Nock: No match/);
  });

  it('RECORD_PSEUDONYMISE=true replaces names, e-mails and phone numbers consistently, and the recording still replays', async () => {
    await record(dir, { RECORD_PSEUDONYMISE: 'true' });
    const text = readdirSync(dir)
      .map((f) => readFileSync(path.join(dir, f), 'utf8'))
      .join('\n');
    for (const personal of ['bjensen', 'Barbara', 'Jensen', 'Contoso', '425 555 0100', 'ada.lovelace', 'Lovelace'])
      expect(text).to.not.include(personal);
    expect(text).to.include('scimExternalId').and.to.include('urn:ietf:params:scim:schemas:core:2.0:User');
    const fixtures = readRecording(dir);
    const created = fixtures[0]?.recording.scim?.responseBody as { userName: string; emails: { value: string }[] };
    // One stand-in per word: the e-mail's local part is the username's stand-in, and the case pattern survives.
    expect(created.emails[0]?.value.split('@')[0]?.toLowerCase()).to.equal(created.userName.toLowerCase());
    expect(created.emails[0]?.value[0]).to.match(/[A-Z]/);
    for (const { recording } of fixtures) await replayScim(recording);
  });

  it('records a SCIM request whatever the letter case of its path', async () => {
    const emulator = createEmulator({ apiKeys: [KEY] });
    const up = await emulator.listen();
    const h = await startBridge({ JUMPCLOUD_URL: up.url, RECORD_DIR: dir });
    try {
      const origin = h.base.replace(/\/scim\/v2$/, '');
      const res = await fetch(`${origin}/SCIM/v2/Users?count=1`, { headers: { authorization: `Bearer ${KEY}` } });
      expect(res.status).to.equal(200);
    } finally {
      await h.close();
      await up.close();
    }
    const fixtures = readRecording(dir);
    expect(fixtures.map((f) => [f.recording.scim?.method, f.recording.scim?.url])).to.deep.equal([
      ['GET', '/Users?count=1'],
    ]);
  });

  it('a recorded doctor --write-check (pseudonymised) replays offline with the same verdicts', async () => {
    const emulator = createEmulator({ apiKeys: [KEY], modes: { normalise: { email: 'lowercase' } } });
    emulator.seedExampleUsers();
    const up = await emulator.listen();
    try {
      const run = await runDoctor(
        { writeCheck: true, yes: true },
        { JUMPCLOUD_API_KEY: KEY, JUMPCLOUD_URL: up.url, RECORD_DIR: dir, RECORD_PSEUDONYMISE: 'true' },
        { regions: { US: up.url } },
      );
      expect(run.exitCode, 'the normalised e-mail is a finding').to.equal(1);
    } finally {
      await up.close();
    }
    const [only, ...rest] = readRecording(dir);
    expect(rest).to.deep.equal([]);
    expect(only?.recording.kind).to.equal('session');
    expect(only?.recording.verdicts?.filter((v) => v.startsWith('✗'))).to.deep.equal([
      `✗ Create a STAGED throwaway user doctor.throwaway.${only?.recording.session?.suffix ?? ''} (phone types, alternateEmail, custom attribute)`,
    ]);
    const text = readFileSync(path.join(dir, only?.file ?? ''), 'utf8');
    for (const personal of ['ada.lovelace', 'Lovelace', 'grace']) expect(text).to.not.include(personal);
    expect(text).to.include('doctor.throwaway.');
    if (only) await replayDoctor(only.recording);
  });
});
