import { connect, type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import express from 'express';
import { MAX_HEADER_BYTES, createHttpServer } from '../../../src/http/http-server.js';
import { createLogger } from '../../../src/observability/logger.js';
import { KEY, startBridge } from '../../helpers/bridge-harness.js';

/** Raw HTTP, so the test can send what a client library would refuse to. */
function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let got = '';
    socket.on('data', (b) => (got += String(b)));
    socket.on('end', () => resolve(got));
    socket.on('error', reject);
  });
}

describe('http: the HTTP server', () => {
  it('refuses headers over MAX_HEADER_BYTES with 431 before the app runs, and logs the refusal without them', async () => {
    const lines: string[] = [];
    const logger = createLogger(
      { logLevel: 'info', logFormat: 'json' },
      new Writable({
        write(chunk, _e, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    let reached = 0;
    const app = express();
    app.use((_req, res) => {
      reached += 1;
      res.end('ok');
    });
    const server = createHttpServer(app, logger);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    try {
      const token = 'T'.repeat(MAX_HEADER_BYTES);
      const refused = await raw(
        port,
        `GET /scim/v2/Users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n\r\n`,
      );
      expect(refused).to.match(/^HTTP\/1\.1 431 /);
      expect(reached).to.equal(0);
      expect(lines.join('')).to.include('"status":431');
      expect(lines.join('')).not.to.include('TTTTTTTT');
      const fine = await raw(
        port,
        `GET / HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${'t'.repeat(4096)}\r\nConnection: close\r\n\r\n`,
      );
      expect(fine).to.match(/^HTTP\/1\.1 200 /);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe('http: duplicate Authorization headers', () => {
  it('are a 400, not "the first one wins"', async () => {
    const h = await startBridge();
    try {
      const port = Number(new URL(h.base).port);
      const answer = await raw(
        port,
        `GET /scim/v2/Users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${KEY}\r\nAuthorization: Bearer other-key-0123456789\r\nConnection: close\r\n\r\n`,
      );
      expect(answer).to.match(/^HTTP\/1\.1 400 /);
      expect(answer).to.include('more than one Authorization header');
    } finally {
      await h.close();
    }
  });
});
