import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import express from 'express';
import { loadConfig } from '../../../src/config.js';
import { healthRoutes, newLifecycle, type Lifecycle } from '../../../src/http/health.js';
import { requestLog } from '../../../src/http/request-log.js';
import { createLogger } from '../../../src/observability/logger.js';

interface Probe {
  status: number;
  body: any;
}

async function withHealth(
  lifecycle: Lifecycle,
  run: (get: (path: string) => Promise<Probe>, lines: string[]) => Promise<void>,
): Promise<void> {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const config = loadConfig({ LOG_LEVEL: 'info', LOG_FORMAT: 'json' });
  const app = express();
  app.use(requestLog(config, createLogger(config, stream), []));
  app.use(healthRoutes(config, lifecycle, '9.8.7'));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    await run(async (path) => {
      const res = await fetch(base + path);
      const body: unknown = await res.json();
      await new Promise((r) => setImmediate(r));
      return { status: res.status, body };
    }, lines);
  } finally {
    await new Promise((r) => server.close(r));
  }
}

const redisCheck = (up: () => boolean | Promise<boolean>): Lifecycle['checks'][string] => ({
  check: async () => up(),
  whenDown: 'Redis unreachable: reads work; writes answer 503 with Retry-After until it is back',
});

describe('health: liveness and readiness never cause an outage', () => {
  it('/healthz says the process works and which version it runs', async () => {
    await withHealth(newLifecycle(), async (get) => {
      const live = await get('/healthz');
      expect(live.status).to.equal(200);
      expect(live.body).to.deep.include({ status: 'ok', version: '9.8.7' });
    });
  });

  it('/readyz stays 200 while a dependency is down, and names what is degraded', async () => {
    let up = true;
    const lifecycle = newLifecycle();
    lifecycle.checks.redis = redisCheck(() => up);
    await withHealth(lifecycle, async (get) => {
      expect(await get('/readyz')).to.deep.equal({
        status: 200,
        body: { status: 'ready', checks: { redis: true }, degraded: [] },
      });
      up = false;
      const degraded = await get('/readyz');
      expect(degraded.status).to.equal(200);
      expect(degraded.body.status).to.equal('degraded');
      expect(degraded.body.checks).to.deep.equal({ redis: false });
      expect(degraded.body.degraded).to.deep.equal([{ name: 'redis', whenDown: lifecycle.checks.redis!.whenDown }]);
    });
  });

  it('a check that throws or hangs counts as down within a second, and the probe still answers', async () => {
    const lifecycle = newLifecycle();
    lifecycle.checks.broken = { check: () => Promise.reject(new Error('boom')), whenDown: 'broken' };
    lifecycle.checks.hanging = { check: () => new Promise<boolean>(() => undefined), whenDown: 'hanging' };
    await withHealth(lifecycle, async (get) => {
      const started = Date.now();
      const probe = await get('/readyz');
      expect(Date.now() - started).to.be.below(3_000);
      expect(probe.status).to.equal(200);
      expect(probe.body.checks).to.deep.equal({ broken: false, hanging: false });
    });
  });

  it('/readyz is 503 only while draining; /healthz stays 200; neither is logged as an error', async () => {
    const lifecycle = newLifecycle();
    await withHealth(lifecycle, async (get, lines) => {
      lifecycle.draining = true;
      const draining = await get('/readyz');
      expect(draining.status).to.equal(503);
      expect(draining.body.status).to.equal('draining');
      expect((await get('/healthz')).status).to.equal(200);
      expect(await get('/READYZ')).to.have.property('status', 503);
      // LOG_LEVEL=info: probes are logged at debug, so nothing at all reaches the log.
      expect(lines).to.deep.equal([]);
    });
  });
});
