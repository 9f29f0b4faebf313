import { STATUS_CODES, createServer, type RequestListener, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '../observability/logger.js';

/**
 * Most bytes of request headers the bridge reads (Node's default is 16 KiB). Entra's headers, a 1.5 kB token
 * included, take well under half of it, and the longest bearer token accepted (4096 characters) fits; anything
 * larger is refused by Node's HTTP parser before any JavaScript runs, so a flood of oversized credentials costs
 * almost nothing.
 */
export const MAX_HEADER_BYTES = 8 * 1024;

const STATUS_BY_CODE: Record<string, number> = {
  HPE_HEADER_OVERFLOW: 431,
  ERR_HTTP_REQUEST_TIMEOUT: 408,
};

/**
 * The bridge's HTTP server. A request Node's parser refuses (oversized headers, malformed HTTP, a request that took
 * too long to arrive) never reaches the app; it is still answered and logged, without anything it carried.
 */
export function createHttpServer(app: RequestListener, logger: Logger): Server {
  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, app);
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = STATUS_BY_CODE[err.code ?? ''] ?? 400;
    logger.info('http request refused', { status, reason: err.code ?? 'malformed request' });
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  });
  return server;
}
