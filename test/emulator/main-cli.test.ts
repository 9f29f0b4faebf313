import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import axios from 'axios';
import { expect } from 'chai';

const MAIN = fileURLToPath(new URL('../../src/emulator/main.ts', import.meta.url));

/** Resolves with everything printed once the URL line has appeared. */
function waitForBanner(child: ChildProcessWithoutNullStreams): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (/x-api-key: \S+/.test(output)) resolve(output);
    });
    child.once('exit', (code) => reject(new Error(`emulator exited early with ${String(code)}: ${output}`)));
  });
}

describe('emulator: command line entry point', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'jc-emulator-cli-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('prints its URL and key, serves the seeded org from its state file, and exits 0 on SIGTERM', async () => {
    const stateFile = join(dir, 'state.json');
    const child = spawn(process.execPath, [
      '--import',
      'tsx',
      MAIN,
      '--port',
      '0',
      '--key',
      'cli-key',
      '--state-file',
      stateFile,
      '--seed',
    ]);
    try {
      const banner = await waitForBanner(child);
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(banner)?.[1];
      expect(url).to.be.a('string');
      expect(banner).to.contain('x-api-key: cli-key');

      const response = await axios.get(`${url ?? ''}/api/systemusers`, { headers: { 'x-api-key': 'cli-key' } });
      expect(response.data.totalCount).to.be.greaterThan(0);

      const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exit).to.equal(0);
      expect(JSON.parse(readFileSync(stateFile, 'utf8')).users.length).to.equal(response.data.totalCount);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('refuses an unknown option with exit code 2 and the usage text', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '--bogus']);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).to.equal(2);
    expect(stderr).to.contain('unknown option --bogus');
    expect(stderr).to.contain('Usage:');
  });
});
