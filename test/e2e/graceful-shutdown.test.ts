import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { expect } from 'chai';
import { createBridge } from '../../src/bridge.js';
import { loadConfig } from '../../src/config.js';
import { drain, trackConnections } from '../../src/http/graceful-shutdown.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createEmulator, type Emulator } from '../../src/emulator/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const KEY = 'jcShutdownKey0123456789abcdefABCDEF012345';

interface Child {
  proc: ChildProcess;
  port: number;
  lines: string[];
  exit: Promise<number | null>;
}

/** The production entry (src/server.ts) as its own process, as a deploy would run it. */
async function startServer(env: Record<string, string>): Promise<Child> {
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', 'server.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', LOG_FORMAT: 'json', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const exit = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  const port = await new Promise<number>((resolve, reject) => {
    let buf = '';
    proc.stdout?.on('data', (chunk: Buffer) => {
      buf += chunk.toString();
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        lines.push(line);
        try {
          const rec = JSON.parse(line) as { message?: string; port?: number };
          if (rec.message === 'listening' && rec.port) resolve(rec.port);
        } catch {
          // not JSON: ignore
        }
      }
    });
    proc.stderr?.on('data', (chunk: Buffer) => lines.push(chunk.toString()));
    proc.once('exit', (code) => reject(new Error(`server exited early (${code}): ${lines.join('\n')}`)));
  });
  return { proc, port, lines, exit };
}

/** Whether a fresh TCP connection to the port is accepted. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('e2e: graceful shutdown on SIGTERM', function () {
  this.timeout(30_000);
  let emulator: Emulator;
  let up: { url: string; close(): Promise<void> };
  before(async () => {
    emulator = createEmulator({ apiKeys: [KEY] });
    up = await emulator.listen(0, '127.0.0.1');
  });
  after(async () => {
    await up.close();
  });

  it('stops accepting, finishes every in-flight write, then exits 0', async () => {
    const server = await startServer({ JUMPCLOUD_URL: up.url, REQUEST_DEADLINE_MS: '8000', SHUTDOWN_GRACE_MS: '8000' });
    const base = `http://127.0.0.1:${server.port}`;
    expect((await fetch(`${base}/readyz`)).status).to.equal(200);
    // Every create is slow upstream, so all of them are in flight when the signal arrives.
    emulator.faults.inject({ method: 'POST', path: '/api/systemusers', delayMs: 700, times: 1000 });
    const creates = Array.from({ length: 20 }, (_, i) =>
      fetch(`${base}/scim/v2/Users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/scim+json' },
        body: JSON.stringify({ userName: `drain${i}`, emails: [{ value: `drain${i}@example.com` }] }),
      }).then(
        async (r) => ({ status: r.status, body: (await r.json()) as { id?: string } }),
        (e: unknown) => ({ status: -1, body: { id: String((e as Error).cause) } }),
      ),
    );
    // SIGTERM once every create is in flight, i.e. has reached JumpCloud (whose answer is slow).
    const inFlight = (): number =>
      emulator.requests.filter((r) => r.method === 'POST' && r.path === '/api/systemusers').length;
    for (let waited = 0; inFlight() < 20 && waited < 10_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
    expect(inFlight()).to.equal(20);
    server.proc.kill('SIGTERM');
    for (let waited = 0; !server.lines.some((l) => l.includes('"draining"')) && waited < 5000; waited += 10)
      await new Promise((r) => setTimeout(r, 10));
    // A fresh TCP connection, not a pooled keep-alive one: the listener itself must be closed.
    const refused = !(await accepts(server.port));
    const results = await Promise.all(creates);
    const code = await server.exit;
    emulator.faults.clear();
    expect(results.every((r) => r.status === 201)).to.equal(true);

    expect(
      results.map((r) => r.status),
      JSON.stringify(results) + server.lines.join('\n'),
    ).to.deep.equal(results.map(() => 201));
    expect(refused, 'new connections are refused once draining').to.equal(true);
    expect(code).to.equal(0);
    const names = [...emulator.store.users.values()].map((u) => u.username);
    for (let i = 0; i < 20; i += 1) expect(names).to.include(`drain${i}`);
    expect(server.lines.some((l) => l.includes('every request finished'))).to.equal(true);
  });

  it('with SHUTDOWN_DELAY_MS, /readyz is 503 at once but new connections are still served until the delay ends', async () => {
    const server = await startServer({
      JUMPCLOUD_URL: up.url,
      REQUEST_DEADLINE_MS: '8000',
      SHUTDOWN_GRACE_MS: '8000',
      SHUTDOWN_DELAY_MS: '1500',
    });
    const base = `http://127.0.0.1:${server.port}`;
    server.proc.kill('SIGTERM');
    for (let waited = 0; !server.lines.some((l) => l.includes('"draining"')) && waited < 5000; waited += 10)
      await new Promise((r) => setTimeout(r, 10));
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).to.equal(503);
    // A connection the load balancer routed before it saw the 503: accepted, not reset.
    const accepted = await accepts(server.port);
    const created = await fetch(`${base}/scim/v2/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/scim+json', connection: 'close' },
      body: JSON.stringify({ userName: 'latecomer', emails: [{ value: 'latecomer@example.com' }] }),
    });
    expect(accepted, 'the listener still accepts during the delay').to.equal(true);
    expect(created.status).to.equal(201);
    expect(await server.exit).to.equal(0);
    expect([...emulator.store.users.values()].map((u) => u.username)).to.include('latecomer');
  });

  it('/readyz turns 503 the moment draining starts while an in-flight request still completes', async () => {
    const config = loadConfig({ JUMPCLOUD_URL: up.url, LOG_LEVEL: 'error', REQUEST_DEADLINE_MS: '5000' });
    const bridge = createBridge(config, silentLogger());
    const listen = async (): Promise<Server> => {
      const s = createServer(bridge.app);
      await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
      return s;
    };
    const [draining, probe] = [await listen(), await listen()];
    const sockets = trackConnections(draining);
    const port = (s: Server): number => (s.address() as AddressInfo).port;
    expect((await fetch(`http://127.0.0.1:${port(probe)}/readyz`)).status).to.equal(200);
    emulator.faults.inject({ method: 'POST', path: '/api/systemusers', delayMs: 500 });
    const slow = fetch(`http://127.0.0.1:${port(draining)}/scim/v2/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({ userName: 'readyz1', emails: [{ value: 'readyz1@example.com' }] }),
    });
    for (
      let waited = 0;
      !emulator.requests.some(
        (r) => r.method === 'POST' && r.path === '/api/systemusers' && JSON.stringify(r.body).includes('readyz1'),
      ) && waited < 5000;
      waited += 10
    ) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const drained = drain(draining, sockets, bridge.lifecycle, 5000);
    const ready = await fetch(`http://127.0.0.1:${port(probe)}/readyz`);
    expect(ready.status).to.equal(503);
    expect(await ready.json()).to.deep.include({ status: 'draining' });
    const res = await slow;
    expect(res.status).to.equal(201);
    expect(res.headers.get('connection')).to.equal('close');
    expect(await drained).to.equal('drained');
    await new Promise((r) => probe.close(r));
    bridge.close();
  });
});
