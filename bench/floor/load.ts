/**
 * A small closed-loop load generator on `node:http`: `connections` keep-alive sockets, each sending its next
 * request as soon as the previous answer has been read, until `total` requests are done. It is deliberately
 * cheaper than a general tool (no per-request objects beyond the request itself), because on a 2-core machine
 * every microsecond it spends is taken from the process under test.
 */
import http from 'node:http';

export interface Shot {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface LoadResult {
  requests: number;
  /** Answers outside 2xx, by status; a benchmark of failures would measure the wrong thing, so they are shown. */
  failures: Record<string, number>;
  /** The first failing answer, for the report. */
  firstFailure?: string;
  wallMs: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p99: number };
}

const round = (n: number, digits: number): number => Math.round(n * 10 ** digits) / 10 ** digits;

export function summary(latencies: number[]): LoadResult['latencyMs'] {
  const sorted = Float64Array.from(latencies).sort();
  return { p50: round(percentile(sorted, 50), 2), p99: round(percentile(sorted, 99), 2) };
}

export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function once(agent: http.Agent, target: URL, shot: Shot): Promise<{ status: number; text?: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...shot.headers };
    if (shot.body !== undefined) headers['content-length'] = Buffer.byteLength(shot.body);
    const req = http.request(
      { agent, hostname: target.hostname, port: target.port, method: shot.method, path: shot.path, headers },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) {
          res.resume();
          res.on('end', () => resolve({ status }));
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status, text: Buffer.concat(chunks).toString('utf8').slice(0, 500) }));
      },
    );
    req.on('error', reject);
    req.end(shot.body);
  });
}

/**
 * `shot(i)` builds request number `i` (from `first`), so consecutive runs never repeat a create or an add.
 * Latencies are also appended to `keep` when given, so slices of one measurement can be summarised together.
 */
export async function drive(
  agent: http.Agent,
  target: URL,
  connections: number,
  total: number,
  first: number,
  shot: (i: number) => Shot,
  keep?: number[],
): Promise<LoadResult> {
  const latencies = new Float64Array(total);
  const failures: Record<string, number> = {};
  let firstFailure: string | undefined;
  let next = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    for (let n = next++; n < total; n = next++) {
      const t = performance.now();
      let outcome: { status: number; text?: string };
      try {
        outcome = await once(agent, target, shot(first + n));
      } catch (e) {
        outcome = { status: 0, text: e instanceof Error ? e.message : String(e) };
      }
      latencies[n] = performance.now() - t;
      if (outcome.status < 200 || outcome.status >= 300) {
        failures[outcome.status] = (failures[outcome.status] ?? 0) + 1;
        firstFailure ??= `${outcome.status} ${outcome.text ?? ''}`.trim();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(connections, total) }, worker));
  const wallMs = performance.now() - started;
  keep?.push(...latencies);
  latencies.sort();
  return {
    requests: total,
    failures,
    ...(firstFailure ? { firstFailure } : {}),
    wallMs: round(wallMs, 0),
    requestsPerSecond: round((total / wallMs) * 1000, 0),
    latencyMs: { p50: round(percentile(latencies, 50), 2), p99: round(percentile(latencies, 99), 2) },
  };
}
