import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { createEmulator, type Emulator, type RunningEmulator } from '../../src/emulator/index.js';
import { freePort } from '../helpers/redis-server.js';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const VERSION = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** The environment of a machine that has only what the command needs: no npm_* variables of this test run. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.homedir(), ...extra };
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}

async function until(what: string, done: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/**
 * The package as an administrator gets it: packed (prepack builds it), installed from the tarball into an empty
 * folder with production dependencies only, and run from there: `serve`, `doctor`, `explain`, `--version`, `--help`.
 */
describe('e2e: the packed package, installed into an empty folder', function () {
  this.timeout(600_000);
  let work: string;
  let tarball: string;
  let bin: string;
  let emulator: Emulator;
  let running: RunningEmulator;
  let key: string;

  before(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), 'jumpcloud-scim-bridge-pack-'));
    const packed = await run(NPM, ['pack', '--json', '--pack-destination', work], {
      cwd: ROOT,
      maxBuffer: 32 * 1024 * 1024,
    });
    const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as { filename: string }[];
    tarball = path.join(work, path.basename(info?.filename ?? ''));
    const consumer = path.join(work, 'consumer');
    await run('mkdir', ['-p', consumer]);
    writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
    // Dependencies from npm's cache where it has them (npm ci filled it); the registry only for what it lacks.
    await run(NPM, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--omit=dev', tarball], {
      cwd: consumer,
      env: cleanEnv(),
      maxBuffer: 32 * 1024 * 1024,
    });
    bin = path.join(consumer, 'node_modules', '.bin', 'jumpcloud-scim-bridge');
    emulator = createEmulator();
    running = await emulator.listen(0, '127.0.0.1');
    key = emulator.apiKeys[0] ?? '';
  });
  after(async () => {
    await running?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const cli = (args: string[], env: Record<string, string> = {}) =>
    run(bin, args, { cwd: path.dirname(path.dirname(path.dirname(bin))), env: cleanEnv(env) }).then(
      (r) => ({ code: 0, out: r.stdout + r.stderr }),
      (e: { code?: number; stdout?: string; stderr?: string }) => ({
        code: e.code ?? -1,
        out: `${e.stdout ?? ''}${e.stderr ?? ''}`,
      }),
    );

  it('holds the compiled code, the mapping, the deploy examples and the docs, and nothing of the repository', async () => {
    const { stdout } = await run('tar', ['tzf', tarball]);
    const files = stdout.split('\n').filter(Boolean);
    for (const f of [
      'package/package.json',
      'package/README.md',
      'package/LICENSE',
      'package/CHANGELOG.md',
      'package/.env.example',
      'package/config/mapping.json',
      'package/dist/src/cli/main.js',
      'package/dist/src/server.js',
      'package/deploy/jumpcloud-scim-bridge.service',
    ])
      expect(files).to.include(f);
    expect(
      files.filter((f) => !/^package\/(dist\/src|config|deploy)\//.test(f) && f.split('/').length > 2),
    ).to.deep.equal([]);
    expect(files.some((f) => /\/(test|bench|fixtures)\//.test(f))).to.equal(false);
  });

  it('--version and every --help answer, and the help never sends anyone to npm start', async () => {
    const version = await cli(['--version']);
    expect(version).to.deep.equal({ code: 0, out: `${VERSION}\n` });
    for (const sub of [[], ['serve'], ['doctor'], ['explain']]) {
      const help = await cli([...sub, '--help']);
      expect(help.code, sub.join(' ')).to.equal(0);
      expect(help.out).to.match(/^Usage: jumpcloud-scim-bridge/);
      expect(help.out).to.not.include('npm start');
    }
  });

  it('explain runs from the installed package on its built-in emulator', async () => {
    const explained = await cli(['explain', 'GET', '/Users?count=1']);
    expect(explained.code, explained.out).to.equal(0);
    expect(explained.out).to.include('GET /api/systemusers');
  });

  it('doctor checks an org from the installed package', async () => {
    const checked = await cli(['doctor'], { JUMPCLOUD_URL: running.url, JUMPCLOUD_API_KEY: key });
    expect(checked.code, checked.out).to.equal(0);
    expect(checked.out).to.include('All 8 checks passed.');
  });

  it('serve runs the bridge with the package mapping; SIGTERM drains it and it exits 0', async () => {
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const child = spawn(bin, ['serve'], {
      cwd: path.dirname(tarball),
      env: cleanEnv({ PORT: String(port), HOST: '127.0.0.1', JUMPCLOUD_URL: running.url, LOG_FORMAT: 'json' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout?.on('data', (b: Buffer) => (out += String(b)));
    child.stderr?.on('data', (b: Buffer) => (out += String(b)));
    try {
      await until('serve answers /healthz', () => answers(`${origin}/healthz`));
      const health = (await (await fetch(`${origin}/healthz`)).json()) as { version?: string };
      expect(health.version).to.equal(VERSION);
      const created = await fetch(`${origin}/scim/v2/Users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/scim+json' },
        body: JSON.stringify({ userName: 'packaged', emails: [{ value: 'packaged@example.com' }] }),
      });
      expect(created.status, await created.clone().text()).to.equal(201);
      expect(emulator.store.findUserByUsername('packaged')).to.not.equal(undefined);
      expect(out).to.include(path.join('node_modules', 'jumpcloud-scim-bridge', 'config', 'mapping.json'));
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exitOf(child), out).to.deep.equal({ code: 0, signal: null });
    expect(await answers(`${origin}/healthz`)).to.equal(false);
  });

  it('npm start in the repository leaves no orphan: SIGTERM to npm stops the server and frees the port', async () => {
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const npm = spawn(NPM, ['start'], {
      cwd: ROOT,
      env: cleanEnv({ PORT: String(port), HOST: '127.0.0.1', JUMPCLOUD_URL: running.url }),
      stdio: 'ignore',
    });
    await until('npm start answers /healthz', () => answers(`${origin}/healthz`));
    npm.kill('SIGTERM');
    await exitOf(npm);
    await until('the server behind npm has stopped', async () => !(await answers(`${origin}/healthz`)), 10_000);
  });
});
