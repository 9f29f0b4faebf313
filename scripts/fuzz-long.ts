/**
 * The long fuzz run (npm run fuzz:long): the same hostile-input generators as the fixed-seed test, with a fresh
 * seed and many more requests, against the real HTTP stack over the emulator with TRACE_USERS, DEBUG_PAGE and
 * DRY_RUN varied. Prints requests, 5xx, crashes and peak RSS as JSON; exits 1 if any 5xx or crash was seen.
 *   FUZZ_RUNS=20000 npm run fuzz:long
 */
import fc from 'fast-check';
import { createEmulator } from '../src/emulator/index.js';
import { KEY, startBridge } from '../test/helpers/bridge-harness.js';
import { fuzzRequests } from '../test/fuzz/http-inputs.js';

const runs = Number(process.env.FUZZ_RUNS ?? 20_000);
const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2_147_483_647);
let crashes = 0;
process.on('uncaughtException', () => (crashes += 1));
process.on('unhandledRejection', () => (crashes += 1));

const emulator = createEmulator({ apiKeys: [KEY] });
emulator.seedExampleUsers();
const up = await emulator.listen(0, '127.0.0.1');
const modes: Record<string, string>[] = [
  { TRACE_USERS: 'ada.lovelace,x', DEBUG_PAGE: 'true', HOST: '127.0.0.1', DRY_RUN: 'false' },
  { TRACE_USERS: '', DEBUG_PAGE: 'false', DRY_RUN: 'true' },
  { TRACE_USERS: 'x', DEBUG_PAGE: 'true', HOST: '127.0.0.1', DRY_RUN: 'true' },
];
let requests = 0;
let fiveXx = 0;
let peakRss = 0;
const samples: string[] = [];
const started = Date.now();
for (const mode of modes) {
  const h = await startBridge({ JUMPCLOUD_URL: up.url, LOG_LEVEL: 'error', ...mode });
  await fc.assert(
    fc.asyncProperty(fuzzRequests(KEY), async (r) => {
      const res = await fetch(h.base + r.path, {
        method: r.method,
        headers: r.headers,
        ...(r.body !== undefined && r.method !== 'GET' && r.method !== 'HEAD' ? { body: r.body } : {}),
      }).catch(() => undefined);
      if (!res) return;
      requests += 1;
      const text = await res.text();
      if (res.status >= 500) {
        fiveXx += 1;
        if (samples.length < 10) samples.push(`${r.method} ${r.path} → ${res.status} ${text.slice(0, 200)}`);
      }
      if (requests % 500 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }),
    { seed, numRuns: Math.ceil(runs / modes.length), endOnFailure: false },
  );
  await h.close();
}
await up.close();
peakRss = Math.max(peakRss, process.memoryUsage().rss);
const result = {
  seed,
  requests,
  fiveXx,
  crashes,
  peakRssMb: Math.round(peakRss / 1024 / 1024),
  seconds: Math.round((Date.now() - started) / 1000),
  samples,
};
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
process.exitCode = fiveXx || crashes ? 1 : 0;
