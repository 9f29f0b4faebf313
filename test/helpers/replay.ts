import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import nock from 'nock';
import type { Recording } from '../../src/recording/fixture.js';
import { parseDoctorArgs, runDoctor, verdictLines } from '../../src/cli/doctor.js';
import { JC, KEY, startBridge } from './bridge-harness.js';

/** Reads every fixture of a RECORD_DIR recording, in the order it was written. */
export function readRecording(dir: string): { file: string; recording: Recording }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, recording: JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Recording }));
}

/** Pins each recorded call with nock exactly: method, path, query, the key and x-org-id headers, and the body. */
function pinCalls(recording: Recording): void {
  for (const call of recording.calls) {
    const { request, response } = call;
    const headers: Record<string, string> = { 'x-api-key': KEY, ...request.headers };
    let scope: nock.Interceptor = nock(JC, { reqheaders: headers }).intercept(
      request.path,
      request.method,
      request.body as nock.RequestBodyMatcher | undefined,
    );
    scope = scope.query(
      request.query ? Object.fromEntries(Object.entries(request.query).map(([k, v]) => [k, String(v)])) : {},
    );
    if (response.status === 0)
      scope.replyWithError({ code: 'ECONNRESET', message: 'socket hang up (recorded: no answer)' });
    else
      scope.reply(response.status, response.body === undefined ? '' : (response.body as nock.Body), response.headers);
  }
}

/**
 * Replays one SCIM fixture offline: the bridge's real HTTP stack (with the recorded settings) in front of nock, which
 * holds exactly the recorded JumpCloud calls. The SCIM answer must equal the recorded one, and every recorded call
 * must be made — so a change in what the bridge sends, or in how it reads JumpCloud's answers, fails the replay.
 */
export async function replayScim(recording: Recording): Promise<void> {
  const scim = recording.scim;
  if (!scim) throw new Error('not a SCIM recording');
  const h = await startBridge({ ...recording.env, RETRY_MIN_DELAY_MS: '0', RETRY_MAX_DELAY_MS: '0' });
  try {
    pinCalls(recording);
    const res = await h.request(scim.method, scim.url, scim.body);
    const expected =
      scim.responseBody === undefined
        ? undefined
        : JSON.parse(JSON.stringify(scim.responseBody).split(scim.base).join(h.base));
    expect(res.status, `${scim.method} ${scim.url}`).to.equal(scim.status);
    expect(res.body, `${scim.method} ${scim.url}`).to.deep.equal(expected);
    expect(nock.pendingMocks(), 'every recorded JumpCloud call was made').to.deep.equal([]);
  } finally {
    nock.cleanAll();
    await h.close();
  }
}

/** Replays a `doctor` session offline: the same calls must be made, and the same ✓/✗ lines printed. */
export async function replayDoctor(recording: Recording): Promise<void> {
  const session = recording.session;
  if (!session || session.name !== 'doctor') throw new Error('not a doctor recording');
  const args = parseDoctorArgs(session.args);
  if (args === 'help') throw new Error('a recorded doctor run has arguments');
  pinCalls(recording);
  try {
    const result = await runDoctor(
      args,
      { ...recording.env, JUMPCLOUD_API_KEY: KEY, JUMPCLOUD_URL: JC },
      {
        regions: { US: JC },
        ...(session.suffix ? { suffix: session.suffix } : {}),
        ...(session.probeValue ? { token: session.probeValue } : {}),
        ask: () => Promise.resolve('yes'),
      },
    );
    expect(verdictLines(result.text)).to.deep.equal(recording.verdicts);
    expect(nock.pendingMocks(), 'every recorded JumpCloud call was made').to.deep.equal([]);
  } finally {
    nock.cleanAll();
  }
}

/**
 * The mocha helper: one contract test per fixture of a recording. Use it in a spec file:
 *
 *   describe('replay: my org', () => replayRecordings('test/fixtures/recordings/my-org'));
 *
 * or run `npm run replay -- DIR` on a recording without writing a spec.
 */
export function replayRecordings(dir: string): void {
  before(() => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
  });
  after(() => nock.enableNetConnect());
  for (const { file, recording } of readRecording(dir)) {
    if (recording.kind === 'scim')
      it(`${file}: ${recording.scim?.method ?? ''} ${recording.scim?.url ?? ''} → ${recording.scim?.status ?? ''}`, () =>
        replayScim(recording));
    else if (recording.session?.name === 'doctor')
      it(`${file}: doctor ${recording.session.args.join(' ')}`, () => replayDoctor(recording));
  }
}
