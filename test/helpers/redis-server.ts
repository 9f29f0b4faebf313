import { spawn, type ChildProcess } from 'node:child_process';
import { connectRedis, type RedisConnection } from '../../src/coordination/redis-connection.js';
import { createServer } from 'node:net';

/**
 * A throw-away `redis-server` (Debian's package, installed by .ci/run) on a free loopback port, with no
 * persistence. Redis cannot be told "port 0", so a port is reserved by binding it once and released just
 * before redis binds it; a lost race is retried on another port.
 */
export interface RedisServer {
  port: number;
  url: string;
  /** Stops the server (SIGTERM) and waits for the process to exit. Safe to call twice. */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty (an outage and recovery, as a replica would see it). */
  restart(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', resolve);
  });
  const addr = srv.address();
  await new Promise<void>((r) => srv.close(() => r()));
  if (addr === null || typeof addr === 'string') throw new Error('no port');
  return addr.port;
}

function launch(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--protected-mode',
      'no',
      '--loglevel',
      'notice',
      '--logfile',
      '',
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server did not start on ${port}: ${out}`));
    }, 10_000);
    const onData = (b: Buffer): void => {
      out += String(b);
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (b: Buffer) => (out += String(b)));
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(
        new Error(
          `redis-server could not be started (is Debian's redis-server installed? .ci/run installs it): ${e.message}`,
        ),
      );
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code} on port ${port}: ${out}`));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => child.once('exit', () => r()));
}

export async function startRedis(): Promise<RedisServer> {
  let child: ChildProcess | undefined;
  let port = 0;
  for (let attempt = 0; attempt < 5 && !child; attempt++) {
    port = await freePort();
    try {
      child = await launch(port);
    } catch (e) {
      if (attempt === 4) throw e;
    }
  }
  const server: RedisServer = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      if (!child) return;
      const c = child;
      child = undefined;
      c.kill('SIGTERM');
      await exited(c);
    },
    async restart() {
      await server.stop();
      child = await launch(port);
    },
  };
  return server;
}

/** Two connections standing for two replicas, on one throw-away server, with a key prefix unique to the test. */
export interface RedisPair {
  server: RedisServer;
  a: RedisConnection;
  b: RedisConnection;
  prefix: string;
  /** Waits until a connection is back after `server.restart()`. */
  waitReady(c: RedisConnection): Promise<void>;
}

/**
 * Mocha hooks for a suite on one redis-server; the returned object is filled in before each test.
 * Call inside `describe`.
 */
export function redisReplicaPair(): RedisPair {
  let n = 0;
  const pair = {
    async waitReady(c: RedisConnection) {
      for (let i = 0; i < 100 && !c.isReady(); i++) await new Promise((r) => setTimeout(r, 50));
    },
  } as RedisPair;
  before(async () => {
    pair.server = await startRedis();
  });
  after(async () => {
    await pair.server?.stop();
  });
  beforeEach(async () => {
    pair.a = await connectRedis(pair.server.url);
    pair.b = await connectRedis(pair.server.url);
    pair.prefix = `t${++n}:`;
  });
  afterEach(async () => {
    await pair.a.close();
    await pair.b.close();
  });
  return pair;
}
