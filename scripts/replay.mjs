// `npm run replay -- DIR`: replays a RECORD_DIR recording offline as nock-pinned contract tests (one per fixture).
// The specs live in test/replay/recording.spec.ts and read the directory from REPLAY_DIR.
import console from 'node:console';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';

const dir = process.argv[2];
if (!dir || !existsSync(dir)) {
  console.error('Usage: npm run replay -- DIR   (a directory written with RECORD_DIR=DIR)');
  process.exit(2);
}
const root = fileURLToPath(new URL('..', import.meta.url));
const mocha = path.join(root, 'node_modules', '.bin', 'mocha');
const run = spawnSync(mocha, [path.join(root, 'test', 'replay', 'recording.spec.ts')], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, REPLAY_DIR: path.resolve(dir) },
});
process.exit(run.status ?? 1);
