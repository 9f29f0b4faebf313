/**
 * The floor: the least a Node process can do to put Entra's request in front of JumpCloud. A bare `node:http`
 * pass-through with a keep-alive agent: it turns `Authorization: Bearer <key>` into `x-api-key`, forwards method,
 * path and body unchanged to the upstream origin, and pipes the answer back. No parsing, no logging, no mapping.
 * The side-by-side benchmark sends it the JumpCloud call behind each Entra operation and compares CPU per request.
 *
 * Child-process entry (`fork` with the probe): argv[2] is the upstream origin; it reports `{proxy: 'ready', url}`.
 */
import http from 'node:http';

const upstream = new URL(process.argv[2] ?? 'http://127.0.0.1:1');
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'authorization',
  'host',
]);

const server = http.createServer((req, res) => {
  const headers: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(name)) headers[name] = value;
  const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  if (bearer?.[1]) headers['x-api-key'] = bearer[1];
  headers.host = upstream.host;
  const out = http.request(
    { hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  out.on('error', () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  req.pipe(out);
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send?.({
    proxy: 'ready',
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
  });
});
