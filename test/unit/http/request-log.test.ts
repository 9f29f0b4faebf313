import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import express from 'express';
import { loadConfig } from '../../../src/config.js';
import { requestLog } from '../../../src/http/request-log.js';
import { locals } from '../../../src/http/scim-response.js';
import type { Exchange, ExchangeSink } from '../../../src/observability/exchange.js';
import { createLogger, type Logger } from '../../../src/observability/logger.js';

/**
 * The request log builds its line and the exchange only when something reads them (building them costs CPU per request): the level lets the
 * line through, the request is traced, or a sink wants the exchange. When one is built it is complete and masked.
 */

const KEY = 'jcTestKey0123456789abcdefABCDEF0123456789';

interface Rig {
  url: string;
  lines: string[];
  logCalls: string[];
  close(): Promise<void>;
}

async function rig(level: 'warn' | 'info', sinks: ExchangeSink[], env: Record<string, string> = {}): Promise<Rig> {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const config = loadConfig({ LOG_LEVEL: level, LOG_FORMAT: 'json', ...env });
  const logger: Logger = createLogger(config, stream);
  const logCalls: string[] = [];
  const log = logger.log.bind(logger) as (...args: unknown[]) => Logger;
  // Counts the objects handed to winston: a disabled level must not even be asked.
  (logger as unknown as { log: (...args: unknown[]) => Logger }).log = (...args: unknown[]) => {
    logCalls.push(String(args[1]));
    return log(...args);
  };
  const app = express();
  app.use(express.json());
  app.use(requestLog(config, logger, sinks));
  app.post('/scim/v2/Users', (req, res) => {
    const l = locals(res);
    l.apiKey = KEY;
    l.calls.push({
      method: 'POST',
      path: '/api/systemusers',
      requestBody: { username: 'u', echoed: KEY },
      status: 200,
      responseBody: { _id: 'x' },
      durationMs: 1,
      attempts: 1,
    });
    l.responseBody = { id: 'x', note: `key ${KEY}` };
    res.status(201).json(l.responseBody);
  });
  app.get('/scim/v2/Users', (_req, res) => {
    res.status(200).json({ totalResults: 0, Resources: [] });
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    lines,
    logCalls,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

const post = async (r: Rig, headers: Record<string, string> = {}): Promise<void> => {
  const res = await fetch(`${r.url}/scim/v2/Users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}`, ...headers },
    body: JSON.stringify({ userName: 'u', password: 'hunter22' }),
  });
  await res.arrayBuffer();
  // 'finish' runs after the answer is flushed; give it its turn.
  await new Promise((r) => setImmediate(r));
};

class Recording implements ExchangeSink {
  readonly seen: Exchange[] = [];
  constructor(private readonly want: boolean) {}
  wants(): boolean {
    return this.want;
  }
  record(e: Exchange): void {
    this.seen.push(e);
  }
}

describe('http/request-log: lazy, masked, complete when wanted', () => {
  it('logs a SCIM request at info whatever the letter case of its path, as the router serves it', async () => {
    const r = await rig('info', []);
    try {
      const res = await fetch(`${r.url}/SCIM/V2/Users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
        body: JSON.stringify({ userName: 'u' }),
      });
      expect(res.status).to.equal(201);
      await new Promise((resolve) => setImmediate(resolve));
      expect(r.logCalls).to.deep.equal(['scim request']);
      expect(r.lines.join('')).to.include('"path":"/SCIM/V2/Users"').and.include('"level":"info"');
    } finally {
      await r.close();
    }
  });

  it('at LOG_LEVEL=warn, untraced, with no sink wanting it: no log object reaches winston and no exchange is recorded', async () => {
    const sink = new Recording(false);
    const r = await rig('warn', [sink]);
    try {
      await post(r);
      expect(r.logCalls).to.deep.equal([]);
      expect(r.lines).to.deep.equal([]);
      expect(sink.seen).to.deep.equal([]);
    } finally {
      await r.close();
    }
  });

  it('at LOG_LEVEL=info the request line is logged with its upstream calls, and the key masked', async () => {
    const r = await rig('info', []);
    try {
      await post(r);
      expect(r.logCalls).to.deep.equal(['scim request']);
      const line = JSON.parse(r.lines[0] as string) as Record<string, unknown>;
      expect(line).to.include({ message: 'scim request', method: 'POST', path: '/scim/v2/Users', status: 201 });
      expect(line.upstream).to.deep.equal([
        { method: 'POST', path: '/api/systemusers', status: 200, durationMs: 1, retries: 0 },
      ]);
      expect(r.lines.join('')).to.not.contain(KEY);
    } finally {
      await r.close();
    }
  });

  it('a sink that wants the exchange gets it whole (bodies, upstream calls) with the key and secrets masked, even at warn', async () => {
    const sink = new Recording(true);
    const r = await rig('warn', [sink]);
    try {
      await post(r);
      expect(r.logCalls).to.deep.equal([]);
      expect(sink.seen).to.have.length(1);
      const e = sink.seen[0] as Exchange;
      expect(e).to.include({ method: 'POST', url: '/scim/v2/Users', status: 201, traced: false, dryRun: false });
      expect(e.requestBody).to.deep.equal({ userName: 'u', password: '***' });
      expect(e.responseBody).to.deep.equal({ id: 'x', note: 'key ***' });
      expect(e.upstream).to.deep.equal([
        {
          method: 'POST',
          path: '/api/systemusers',
          requestBody: { username: 'u', echoed: '***' },
          status: 200,
          responseBody: { _id: 'x' },
          durationMs: 1,
          attempts: 1,
        },
      ]);
      expect(JSON.stringify(e)).to.not.contain(KEY);
    } finally {
      await r.close();
    }
  });

  it('a trace (an info line) is not even built at warn; at info it is written whole and masked', async () => {
    const sink = new Recording(false);
    const r = await rig('warn', [sink], { TRACE_USERS: 'someone' });
    try {
      await post(r, { 'x-bridge-trace': 'true' });
      expect(sink.seen).to.deep.equal([]);
      expect(r.logCalls).to.deep.equal([]);
    } finally {
      await r.close();
    }
    const r2 = await rig('info', [], { TRACE_USERS: 'u' });
    try {
      await post(r2);
      const trace = r2.lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.message === 'trace');
      expect(trace?.trace).to.deep.include({
        method: 'POST',
        url: '/scim/v2/Users',
        traced: true,
        requestBody: { userName: 'u', password: '***' },
      });
      expect(r2.lines.join('')).to.not.contain(KEY);
    } finally {
      await r2.close();
    }
  });
});

describe('http/request-log: LOG_PERSONAL_DATA=false', () => {
  const FILTER = '/scim/v2/Users?filter=' + encodeURIComponent('userName eq "Ada.Lovelace@contoso.com"');
  const get = async (r: Rig, url: string): Promise<string> => {
    await (await fetch(r.url + url, { headers: { authorization: `Bearer ${KEY}` } })).arrayBuffer();
    await new Promise((res) => setImmediate(res));
    const line = JSON.parse(r.lines.at(-1) ?? '{}') as { path?: string };
    return line.path ?? '';
  };

  it('replaces the userName, e-mail and filter values in the log line with stable pseudonyms', async () => {
    const r = await rig('info', [], { LOG_PERSONAL_DATA: 'false', LOG_PSEUDONYM_KEY: 'k'.repeat(32) });
    try {
      const first = await get(r, FILTER);
      expect(first).to.match(/^\/scim\/v2\/Users\?filter=/);
      expect(decodeURIComponent(first.replace(/\+/g, ' '))).to.match(
        /^\/scim\/v2\/Users\?filter=userName eq "\w+\.\w+@\w+\.\w+"$/,
      );
      for (const word of ['Ada', 'Lovelace', 'contoso']) expect(first.toLowerCase()).to.not.include(word.toLowerCase());
      expect(await get(r, FILTER), 'the same person, the same stand-in').to.equal(first);
      const other = await get(r, '/scim/v2/Users?filter=' + encodeURIComponent('externalId eq "jdoe4711"'));
      expect(other).to.not.include('jdoe4711');
    } finally {
      await r.close();
    }
    const again = await rig('info', [], { LOG_PERSONAL_DATA: 'false', LOG_PSEUDONYM_KEY: 'k'.repeat(32) });
    const elsewhere = await rig('info', [], { LOG_PERSONAL_DATA: 'false' });
    try {
      const a = await get(again, FILTER);
      expect(a, 'the same key on another replica or after a restart').to.equal(await get(again, FILTER));
      expect(await get(elsewhere, FILTER)).to.not.equal(a);
    } finally {
      await again.close();
      await elsewhere.close();
    }
  });

  it('logs personal data as it is by default', async () => {
    const r = await rig('info', []);
    try {
      expect(decodeURIComponent(await get(r, FILTER))).to.include('Ada.Lovelace@contoso.com');
    } finally {
      await r.close();
    }
  });
});
