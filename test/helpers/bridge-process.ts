import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './redis-server.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A bridge as its own OS process (`node --import tsx src/server.ts`), the way a replica runs. */
export interface BridgeProcess {
  origin: string;
  /** Its operating-system process id (benchmarks read its memory and CPU time from /proc). */
  pid: number;
  /** Everything it wrote to stdout/stderr (JSON log lines). */
  output(): string;
  stop(): Promise<void>;
}

/**
 * `nodeArgs` go before the entry point (a benchmark's `--cpu-prof`); `built` runs dist/src/server.js, as production
 * does (a benchmark's memory figures should not include the TypeScript loader).
 */
export async function startBridgeProcess(
  env: Record<string, string>,
  options: { nodeArgs?: readonly string[]; built?: boolean } = {},
): Promise<BridgeProcess> {
  const port = await freePort();
  let out = '';
  const entry = options.built
    ? [path.join(ROOT, 'dist', 'src', 'server.js')]
    : ['--import', 'tsx', path.join(ROOT, 'src', 'server.ts')];
  const child: ChildProcess = spawn(process.execPath, [...(options.nodeArgs ?? []), ...entry], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'production',
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      PORT: String(port),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (b: Buffer) => (out += String(b)));
  child.stderr?.on('data', (b: Buffer) => (out += String(b)));
  const origin = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`bridge exited with ${child.exitCode}: ${out}`);
    try {
      if ((await fetch(`${origin}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`bridge did not start within 20 s: ${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    origin,
    pid: child.pid ?? 0,
    output: () => out,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
