import type { Server, ServerResponse } from 'node:http';
import net, { type Socket } from 'node:net';
import type { Lifecycle } from './health.js';

/** A socket with no request for this long while draining is closed: a request sent on it would have arrived. */
const IDLE_CLOSE_MS = 1_000;

interface Tracked {
  busy: number;
  idleSince: number;
  /** Responses not yet finished on this socket. */
  open: Set<ServerResponse>;
}

/**
 * Follows every connection's requests, so a drain can tell a socket that is between requests (safe to close)
 * from one whose request is still being read or answered. Node's own server.close() closes "idle" sockets at once,
 * including one whose request bytes have not been parsed yet, which resets a request the client already sent.
 */
export function trackConnections(server: Server): Map<Socket, Tracked> {
  const sockets = new Map<Socket, Tracked>();
  server.on('connection', (socket: Socket) => {
    sockets.set(socket, { busy: 0, idleSince: performance.now(), open: new Set() });
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('request', (req, res) => {
    const t = sockets.get(req.socket);
    if (!t) return;
    t.busy += 1;
    t.open.add(res);
    res.once('close', () => {
      t.busy -= 1;
      t.open.delete(res);
      t.idleSince = performance.now();
    });
  });
  return sockets;
}

/**
 * A deploy must not drop a request. On SIGTERM: /readyz answers 503 at once (the load balancer stops sending),
 * the listener stops accepting, in-flight requests finish (their answers carry `Connection: close`), sockets that
 * stay idle are closed, and then the process may exit. `graceMs` (at least the request deadline, so a request that
 * started just before the signal can still finish) bounds the wait; after it the remaining connections are cut.
 */
export function drain(
  server: Server,
  sockets: Map<Socket, Tracked>,
  lifecycle: Lifecycle,
  graceMs: number,
): Promise<'drained' | 'forced'> {
  lifecycle.draining = true;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (how: 'drained' | 'forced'): void => {
      if (settled) return;
      settled = true;
      clearInterval(sweeper);
      clearTimeout(cutoff);
      resolve(how);
    };
    // The listener only (net.Server's close): connections are closed below, one by one, when they are idle.
    net.Server.prototype.close.call(server, () => finish('drained'));
    // Answers still to come close their connection, so the client's next request goes to another instance.
    for (const t of sockets.values()) for (const res of t.open) res.shouldKeepAlive = false;
    const sweep = (): void => {
      const now = performance.now();
      for (const [socket, t] of sockets) if (t.busy === 0 && now - t.idleSince >= IDLE_CLOSE_MS) socket.destroy();
    };
    const sweeper = setInterval(sweep, 100);
    const cutoff = setTimeout(() => {
      server.closeAllConnections();
      for (const socket of sockets.keys()) socket.destroy();
      finish('forced');
    }, graceMs);
  });
}
