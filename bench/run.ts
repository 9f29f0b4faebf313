/**
 * Entry of `npm run bench`. Without a module name it runs the side-by-side benchmark (bench/side-by-side.ts:
 * bridge vs a bare proxy on a fast stub; writes bench/results/<date>.json and .md) and the upstream calls per
 * operation (bench/calls.ts: the bridge in front of the emulator at 1,000 and 100,000 users; writes
 * bench/results/calls-<date>.json and .md). With names it runs those bench modules (bench/*.ts exporting
 * `run(options)`) and prints their figures as one JSON object.
 *
 *   npm run bench                          side-by-side, full (3 repetitions, 200k soak), then calls per operation
 *   npm run bench -- calls                 calls per operation only (about half a minute)
 *   npm run bench -- --quick               side-by-side, one repetition, 20k soak
 *   npm run bench -- --no-build --cpu-prof reuse dist/, write CPU profiles of the bridge
 *   npm run bench -- --quick --no-soak --ops=getById,userNameMatch   iterate on one hot path
 *   npm run bench -- query users groups    the in-process micro benchmarks
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

type BenchModule = { run?: (options: Record<string, unknown>) => Promise<Record<string, unknown>> };

const FLAGS: Record<string, [string, boolean]> = {
  '--quick': ['quick', true],
  '--no-build': ['build', false],
  '--cpu-prof': ['cpuProf', true],
  '--no-soak': ['soak', false],
};
/**
 * `--ops=getById,userNameMatch`: only those operations (for iterating on one hot path); `--reps=N` and
 * `--soak-requests=N` override the plan's repetitions and soak length (a busy machine may need a shorter run).
 */
const VALUED = { '--ops': 'ops', '--reps': 'reps', '--soak-requests': 'soakRequests' } as const;

async function main(): Promise<void> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const args = process.argv.slice(2);
  const valued = (a: string): [string, string] | undefined => {
    const [flag, value] = a.split('=', 2) as [string, string | undefined];
    const name = (VALUED as Record<string, string>)[flag];
    return name && value ? [name, value] : undefined;
  };
  const unknown = args.filter((a) => a.startsWith('--') && !(a in FLAGS) && !valued(a));
  if (unknown.length)
    throw new Error(
      `unknown option ${unknown.join(', ')}; options: ${[...Object.keys(FLAGS), '--ops=a,b', '--reps=N', '--soak-requests=N'].join(', ')}`,
    );
  const options: Record<string, unknown> = Object.fromEntries(
    args.filter((a) => a in FLAGS).map((a) => FLAGS[a] as [string, boolean]),
  );
  for (const a of args) {
    const v = valued(a);
    if (v) options[v[0]] = v[0] === 'ops' ? v[1].split(',') : Number(v[1]);
  }
  const names = args.filter((a) => !a.startsWith('--'));
  const only = names.length ? names : ['side-by-side', 'calls'];
  const files = readdirSync(here)
    .filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith('.d.ts') && !/^run\.(ts|js)$/.test(f))
    .sort();
  const known = files.map((f) => f.replace(/\.(ts|js)$/, ''));
  const missing = only.filter((n) => !known.includes(n));
  if (missing.length) throw new Error(`no bench module ${missing.join(', ')}; modules: ${known.join(', ')}`);
  const results: Record<string, unknown> = {};
  for (const file of files) {
    const name = file.replace(/\.(ts|js)$/, '');
    if (!only.includes(name)) continue;
    const mod = (await import(pathToFileURL(path.join(here, file)).href)) as BenchModule;
    if (typeof mod.run !== 'function') continue;
    try {
      results[name] = await mod.run(options);
    } catch (e) {
      results[name] = { error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
      process.exitCode = 1;
    }
  }
  console.log(JSON.stringify({ node: process.version, at: new Date().toISOString(), results }, null, 2));
}

await main();
