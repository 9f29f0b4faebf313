// Re-makes the shipped example recording (test/fixtures/recordings/emulator-example) against the emulator:
//   npx tsx scripts/record-example.ts
// It holds an Entra-like SCIM session and a `doctor --write-check` run; test/contract/recordings.test.ts replays both
// offline in CI.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runDoctor } from '../src/cli/doctor.js';
import { createEmulator } from '../src/emulator/index.js';
import { KEY, startBridge } from '../test/helpers/bridge-harness.js';
import { entraSession } from '../test/helpers/entra-session.js';

const dir = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'test',
  'fixtures',
  'recordings',
  'emulator-example',
);
rmSync(dir, { recursive: true, force: true });
const emulator = createEmulator({ apiKeys: [KEY] });
emulator.seedExampleUsers();
const up = await emulator.listen();
const h = await startBridge({ JUMPCLOUD_URL: up.url, RECORD_DIR: dir, RECORD_PSEUDONYMISE: 'true' });
try {
  await entraSession(h);
  // And one doctor --write-check session, so CI replays the doctor's calls too.
  await runDoctor(
    { writeCheck: true, yes: true },
    { JUMPCLOUD_API_KEY: KEY, JUMPCLOUD_URL: up.url, RECORD_DIR: dir, RECORD_PSEUDONYMISE: 'true' },
    { regions: { US: up.url } },
  );
} finally {
  await h.close();
  await up.close();
}
process.stdout.write(`recorded into ${dir}\n`);
