import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { getProxyForUrl } from 'proxy-from-env';
import { JumpCloudError } from './errors.js';
import type { Send, UpstreamResponse } from './layer.js';

export interface HttpTransportOptions {
  /** Console origin, e.g. https://console.jumpcloud.com; requests carry /api/... paths. */
  baseUrl: string;
  orgId?: string;
  timeoutMs: number;
}

/**
 * The outbound proxy for the console, from HTTPS_PROXY / HTTP_PROXY / ALL_PROXY and NO_PROXY (either case), the
 * variables every other tool on the host honours; '' when the console is reached directly.
 */
export function outboundProxyFor(baseUrl: string): string {
  return getProxyForUrl(baseUrl);
}

export interface HttpTransport {
  send: Send;
  close(): void;
}

/**
 * Query encoding that keeps `:`, `$` and `,` literal and sends a space as `+` (axios's helpers/buildURL `encode`):
 * JumpCloud's v2 `filter=name:search:…` and its documented examples are written that way.
 */
const encode = (value: string | number): string =>
  encodeURIComponent(String(value))
    .replace(/%3A/gi, ':')
    .replace(/%24/g, '$')
    .replace(/%2C/gi, ',')
    .replace(/%20/g, '+');

/**
 * Path and query string of one call. A path is always origin-relative: anything else (an absolute URL that slipped
 * into a path) is sent as a path below the configured console, never as a request for another host.
 */
export function urlOf(path: string, query: Record<string, string | number> | undefined): string {
  let out = path.startsWith('/') ? path : `/${path}`;
  let sep = '?';
  for (const key in query) {
    out += `${sep}${encode(key)}=${encode(query[key] as string | number)}`;
    sep = '&';
  }
  return out;
}

/** JumpCloud answers JSON; an answer that is not (an HTML error page) stays text for the error message. */
const fromJson = (data: string): unknown => {
  if (data === '') return data;
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
};

class UpstreamTimeout extends Error {}

/**
 * The wire: `node:http`/`node:https` with one keep-alive agent, pinned to the configured console. Every status comes
 * back as a response; only "no answer at all" throws (a JumpCloudError of kind timeout or network). The timeout
 * covers the whole call; the caller's signal aborts it. Redirects are never followed: JumpCloud answers a missing
 * key with 302 → /login, and following it would both mask the auth failure and send a request to a host we were not
 * configured for. Only paths are ever appended to the origin, so no call can reach another host.
 *
 * Plain node:http rather than an HTTP client library: axios's per-call config merging, header normalisation and
 * adapter were the largest part of the bridge's own CPU per request (docs/decisions.md, "The wire is node:http").
 * It sends Accept, Accept-Encoding, x-api-key, x-org-id and Content-Type, and decodes gzip, deflate and br answers.
 */
export function httpTransport(options: HttpTransportOptions): HttpTransport {
  const origin = new URL(options.baseUrl);
  const secure = origin.protocol === 'https:';
  const proxy = outboundProxyFor(origin.href);
  // Through a proxy every call is a CONNECT tunnel (TLS to the console inside it), kept alive like a direct socket.
  const agent = proxy
    ? new HttpsProxyAgent(proxy, { keepAlive: true, maxSockets: 64 })
    : secure
      ? new https.Agent({ keepAlive: true, maxSockets: 64 })
      : new http.Agent({ keepAlive: true, maxSockets: 64 });
  const request = secure ? https.request : http.request;
  const fixed: Record<string, string> = { Accept: 'application/json', 'Accept-Encoding': 'gzip, deflate, br' };
  const send: Send = (req) =>
    new Promise<UpstreamResponse>((resolve, reject) => {
      const body = req.body === undefined ? undefined : JSON.stringify(req.body);
      const headers: Record<string, string | number> = { ...fixed, 'x-api-key': req.apiKey };
      const orgId = req.orgId ?? options.orgId;
      if (orgId) headers['x-org-id'] = orgId;
      if (body !== undefined) {
        headers['Content-Type'] = 'application/json';
        headers['Content-Length'] = Buffer.byteLength(body);
      }
      const { signal } = req;
      const settle = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const fail = (err: unknown): void => {
        settle();
        const kind = err instanceof UpstreamTimeout ? 'timeout' : 'network';
        reject(
          new JumpCloudError(kind, kind === 'timeout' ? 'no answer within the timeout' : 'connection failed', {
            method: req.method,
            path: req.path,
            attempts: 1,
          }),
        );
      };
      const out = request(
        {
          protocol: origin.protocol,
          hostname: origin.hostname,
          port: origin.port,
          method: req.method,
          path: urlOf(req.path, req.query),
          headers,
          agent,
        },
        (res) => {
          const encoding = String(res.headers['content-encoding'] ?? '').toLowerCase();
          const stream =
            encoding === 'gzip' || encoding === 'x-gzip'
              ? res.pipe(zlib.createGunzip())
              : encoding === 'deflate'
                ? res.pipe(zlib.createInflate())
                : encoding === 'br'
                  ? res.pipe(zlib.createBrotliDecompress())
                  : res;
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('error', fail);
          stream.on('end', () => {
            settle();
            resolve({
              status: res.statusCode ?? 0,
              data: fromJson(Buffer.concat(chunks).toString('utf8')),
              headers: res.headers as Record<string, unknown>,
            });
          });
        },
      );
      const timer = setTimeout(() => out.destroy(new UpstreamTimeout()), options.timeoutMs);
      // The caller's signal destroys the call. One listener, removed when the call settles: http.request's own
      // `signal` option also watches the request stream's end with several listeners per call, a measurable cost.
      function onAbort(): void {
        out.destroy(new Error('aborted by the caller'));
      }
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
      out.on('error', fail);
      out.end(body);
    });
  return { send, close: () => agent.destroy() };
}
