import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import axios from 'axios';
import { expect } from 'chai';
import { createServer as createHttpServer } from 'node:http';
import { listenNearby, sandboxBanner, startSandbox } from '../../src/cli/sandbox-session.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/observability/logger.js';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// Absolute, because the child runs in a scratch directory where a bare 'tsx' would not resolve.
const TSX = import.meta.resolve('tsx');

async function outcome(
  file: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(file, args, { cwd, env, timeout: 15_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

function occupy(port: number): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(undefined));
    s.listen(port, '127.0.0.1', () => resolve(s));
  });
}

/** A free loopback port whose successor is free too (the sandbox must move from the first to the second). */
async function busyPair(): Promise<{ port: number; blocker: Server }> {
  for (let i = 0; i < 20; i += 1) {
    const probe = await occupy(0);
    const port = (probe?.address() as { port: number }).port;
    await new Promise((done) => probe?.close(done));
    if (port >= 65_535) continue;
    const next = await occupy(port + 1);
    if (!next) continue;
    await new Promise((done) => next.close(done));
    const blocker = await occupy(port);
    if (blocker) return { port, blocker };
  }
  throw new Error('no free pair of loopback ports');
}

describe('e2e: the first run (.env, a busy port, no build yet)', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'first-run-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('the server reads .env from its working directory (a bad value in it stops start-up, naming the variable)', async () => {
    writeFileSync(path.join(dir, '.env'), 'LOG_LEVEL=chatty\n');
    const env = { ...process.env };
    delete env.LOG_LEVEL;
    const { code, stderr } = await outcome(
      process.execPath,
      ['--import', TSX, path.join(ROOT, 'src', 'server.ts')],
      dir,
      env,
    );
    expect(code).to.equal(2);
    expect(stderr.trim()).to.equal(
      "jumpcloud-scim-bridge: configuration error: LOG_LEVEL must be one of error, warn, info, debug (got 'chatty')",
    );
  });

  it('the real environment wins over .env, for the server and for explain', async () => {
    writeFileSync(path.join(dir, '.env'), 'LOG_LEVEL=chatty\nDRY_RUN=maybe\n');
    const env = { ...process.env, LOG_LEVEL: 'error' };
    // LOG_LEVEL from the environment is accepted; DRY_RUN, only in the file, is read and refused.
    const server = await outcome(process.execPath, ['--import', TSX, path.join(ROOT, 'src', 'server.ts')], dir, env);
    expect(server.stderr.trim()).to.equal(
      "jumpcloud-scim-bridge: configuration error: DRY_RUN must be true or false (got 'maybe')",
    );
    const explain = await outcome(
      process.execPath,
      ['--import', TSX, path.join(ROOT, 'src', 'cli', 'main.ts'), 'explain', 'GET', '/Users'],
      dir,
      env,
    );
    expect(explain.code).to.equal(2);
    expect(explain.stderr.trim()).to.equal("explain: configuration error: DRY_RUN must be true or false (got 'maybe')");
  });

  it('the sandbox takes the next free port when the default one is busy, and prints URLs that work', async () => {
    const { port, blocker } = await busyPair();
    const server = createHttpServer((_req, res) => res.end('ok'));
    try {
      // PORT unset: the sandbox's own default goes through here (8080 in real use; a busy test port here).
      const address = await listenNearby(server, port, '127.0.0.1', false);
      expect(address.port).to.equal(port + 1);
      const base = `http://localhost:${address.port}`;
      const banner = sandboxBanner({
        apiKey: 'jca_k',
        tenantUrl: `${base}/scim/v2`,
        debugUrl: `${base}/debug`,
        emulatorUrl: 'http://127.0.0.1:1',
        config: loadConfig({}),
        busyPort: port,
      });
      expect(banner).to.contain(`Tenant URL:   http://localhost:${port + 1}/scim/v2`);
      expect(banner).to.contain(`Port:         ${port + 1} (port ${port} was busy; set PORT to choose one)`);
      expect(banner).to.contain(`curl -sS 'http://localhost:${port + 1}/scim/v2/Users?count=10'`);
      expect((await axios.get(`${base}/`)).data).to.equal('ok');
    } finally {
      server.close();
      await new Promise((done) => blocker.close(done));
    }
  });

  it('a running sandbox answers on the port and with the key its banner prints', async () => {
    const first = await startSandbox({}, { PORT: '0', LOG_LEVEL: 'error' }, silentLogger());
    try {
      const banner = sandboxBanner(first);
      const list = /curl -sS '([^']+)' -H 'Authorization: Bearer ([^']+)'/.exec(banner);
      const res = await axios.get(list?.[1] ?? '', { headers: { Authorization: `Bearer ${list?.[2] ?? ''}` } });
      expect(res.status).to.equal(200);
      expect(res.data.totalResults).to.be.greaterThan(0);
      expect(first.busyPort).to.equal(undefined);
      expect(banner).to.not.contain('was busy');
    } finally {
      await first.close();
    }
  });

  it('an explicit PORT that is busy is not moved: one line says which variable to set', async () => {
    const blocker = await occupy(0);
    const port = (blocker?.address() as { port: number }).port;
    try {
      let error: Error | undefined;
      await startSandbox({}, { PORT: String(port), LOG_LEVEL: 'error' }, silentLogger()).then(
        (s) => s.close(),
        (e: Error) => {
          error = e;
        },
      );
      expect(error?.message).to.equal(
        `port ${port} on 127.0.0.1 is already in use: set PORT to a free port (or leave PORT unset to take the next free one)`,
      );
    } finally {
      await new Promise((done) => blocker?.close(done));
    }
  });

  it('npm start before npm run build says in one line what to run', async () => {
    copyFileSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
    mkdirSync(path.join(dir, 'scripts'));
    copyFileSync(path.join(ROOT, 'scripts', 'require-build.mjs'), path.join(dir, 'scripts', 'require-build.mjs'));
    const { code, stderr } = await outcome('npm', ['start', '--silent'], dir);
    expect(code).to.equal(1);
    expect(stderr.trim()).to.equal(
      'jumpcloud-scim-bridge is not built yet: run `npm run build` first, then `npm start` (or `npm run sandbox` to try it on the emulator).',
    );
    expect(stderr).to.not.contain('ERR_MODULE_NOT_FOUND');
  });
});
