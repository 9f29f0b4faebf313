/** The side-by-side benchmark's figures: their shape in bench/results/<date>.json, and the markdown summary. */
import type { LoadResult } from './load.js';

export interface Cell extends LoadResult {
  /** user + system CPU of the process under test, from its own process.cpuUsage(), divided by requests. */
  cpuMicrosPerRequest: number;
  /** Calls the stub answered for this cell's directory, divided by requests (0 for DELETE-free proxies: always 1). */
  upstreamCallsPerRequest: number;
  /** TCP connections the stub accepted during the cell: 0 means every upstream call reused a kept-alive socket. */
  upstreamSocketsOpened: number;
}

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export interface Row {
  operation: string;
  title: string;
  connections: number;
  bridge: Cell[];
  proxy: Cell[];
  /** bridge CPU/request ÷ proxy CPU/request, per repetition (each pair measured back to back). */
  ratio: number[];
  /** Upstream calls per operation, by directory size. */
  callsPerOp: Record<string, number>;
  /** Failed requests of the calls pass at a directory size other than the timed one (counted in `summary.failures`). */
  callsPassFailures?: Record<string, { failures: Record<string, number>; firstFailure?: string }>;
  summary?: {
    bridgeCpuMicros: Spread;
    proxyCpuMicros: Spread;
    ratio: Spread;
    bridgeRps: Spread;
    proxyRps: Spread;
    bridgeP50: Spread;
    bridgeP99: Spread;
    bridgeSocketsOpened: number;
    failures: number;
    firstFailure: string | undefined;
  };
}

export interface Report {
  node: string;
  at: string;
  mode: 'full' | 'quick';
  command: string;
  machine: { cpus: number; model: string; loadavgAtStart: number[] };
  setup: Record<string, unknown>;
  rows: Row[];
  callsOnly: {
    operation: string;
    title: string;
    size: number;
    upstreamCallsPerRequest: number;
    failures: Record<string, number>;
  }[];
  soak?: {
    requests: number;
    warmupRequests: number;
    mix: string[];
    failures: number;
    rssGrowthMiB: number;
    rssTrendMiB: number;
    heapGrowthMiB: number;
    cpuMicrosPerRequest: number;
    requestsPerSecond: Spread;
    samples: { afterRequests: number; rssMiB: number; heapUsedMiB: number }[];
  };
  upstreamSocketsOpenedTotal?: number;
  durationSeconds?: number;
}

export function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median =
    sorted.length === 0
      ? 0
      : sorted.length % 2
        ? (sorted[mid] as number)
        : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { median: Math.round(median * 100) / 100, min: sorted[0] ?? 0, max: sorted[sorted.length - 1] ?? 0 };
}

/** "12.3 (11.9–13.0)" with one repetition shown as the bare value. */
const show = (s: Spread, digits = 1): string => {
  const f = (n: number): string => n.toFixed(digits);
  return s.min === s.max ? f(s.median) : `${f(s.median)} (${f(s.min)}–${f(s.max)})`;
};

/** "429 Too many failed authentications…": the status and the SCIM error's detail, not the start of its JSON. */
function failureText(first: string): string {
  const [, status = '', body = ''] = /^(\S*)\s*([\s\S]*)$/.exec(first) ?? [];
  let detail = body;
  try {
    const parsed = JSON.parse(body) as { detail?: unknown };
    if (typeof parsed.detail === 'string') detail = parsed.detail;
  } catch {
    // not JSON: the text as it came
  }
  return `${status} ${detail}`.trim().slice(0, 100).replace(/\|/g, '/');
}

export function markdown(r: Report): string {
  const sizes = Object.keys(r.rows[0]?.callsPerOp ?? {}).sort((a, b) => Number(a) - Number(b));
  const lines = [
    `# Side-by-side benchmark, ${r.at.slice(0, 16).replace('T', ' ')} UTC (${r.mode})`,
    '',
    `\`${r.command}\` · Node ${r.node} · ${r.machine.cpus} × ${r.machine.model} · load average at start ${r.machine.loadavgAtStart.join(' / ')} · ${r.durationSeconds ?? '?'} s`,
    '',
    `Bridge = production build (\`dist/src/server.js\`, LOG_LEVEL=warn); proxy = bare \`node:http\` pass-through with a keep-alive agent, sent each operation's primary JumpCloud call; both on the same indexed stub, ${Number(r.setup.directoryForTimedCells).toLocaleString('en')} users. CPU is µs per request from the process's own \`process.cpuUsage()\`; median of ${String(r.setup.repetitions)} repetition(s), spread in brackets. The ratio is the figure to read: requests/s and latency on a shared 2-core machine only restate it.`,
    '',
    `| operation | conn | bridge req/s | bridge p50 / p99 ms | bridge CPU µs/req | proxy CPU µs/req | × proxy | upstream calls/op ${sizes.map((s) => Number(s).toLocaleString('en')).join(' / ')} users | upstream sockets opened | failures |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of r.rows) {
    const s = row.summary;
    if (!s) continue;
    lines.push(
      `| ${row.title} | ${row.connections} | ${show(s.bridgeRps, 0)} | ${s.bridgeP50.median.toFixed(2)} / ${s.bridgeP99.median.toFixed(2)} | ${show(s.bridgeCpuMicros, 0)} | ${show(s.proxyCpuMicros, 0)} | ${show(s.ratio, 2)} | ${sizes.map((k) => String(row.callsPerOp[k] ?? '?')).join(' / ')} | ${s.bridgeSocketsOpened} | ${s.failures}${s.firstFailure ? ` (${failureText(s.firstFailure)})` : ''} |`,
    );
  }
  for (const c of r.callsOnly)
    lines.push(
      `\n${c.title}: ${c.upstreamCallsPerRequest} upstream call(s) per operation at ${c.size.toLocaleString('en')} users${Object.keys(c.failures).length ? ` (failures: ${JSON.stringify(c.failures)})` : ''}.`,
    );
  if (r.soak) {
    const k = r.soak;
    lines.push(
      '',
      `**Soak**: ${k.requests.toLocaleString('en')} mixed requests at 50 connections (${k.mix.join(', ')} repeating), ${k.failures} failures. ` +
        `RSS growth after the first ${k.warmupRequests.toLocaleString('en')} (warm-up), each reading after a full GC: **${k.rssGrowthMiB} MiB** last − first, ${k.rssTrendMiB} MiB along the fitted line (heap ${k.heapGrowthMiB} MiB); ` +
        `CPU ${k.cpuMicrosPerRequest} µs/request; ${show(k.requestsPerSecond, 0)} requests/s.`,
      '',
      `RSS MiB by requests served: ${k.samples.map((x) => `${x.afterRequests / 1000}k ${x.rssMiB}`).join(' · ')}`,
    );
  }
  lines.push(
    '',
    `Upstream sockets the stub accepted over the whole run (bridge and proxy together): ${r.upstreamSocketsOpenedTotal ?? '?'}.`,
    '',
  );
  return lines.join('\n');
}
