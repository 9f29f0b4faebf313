/**
 * Runs every bench module (bench/*.ts, or bench/*.js once built) that exports `run(): Promise<Record<string, unknown>>`
 * and prints their figures as one JSON object keyed by module name. Usage: `npx tsx bench/run.ts [name ...]`.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

type BenchModule = { run?: () => Promise<Record<string, unknown>> };

async function main(): Promise<void> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const only = process.argv.slice(2);
  const files = readdirSync(here)
    .filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith('.d.ts') && !/^run\.(ts|js)$/.test(f))
    .sort();
  const results: Record<string, unknown> = {};
  for (const file of files) {
    const name = file.replace(/\.(ts|js)$/, '');
    if (only.length && !only.includes(name)) continue;
    const mod = (await import(pathToFileURL(path.join(here, file)).href)) as BenchModule;
    if (typeof mod.run !== 'function') continue;
    try {
      results[name] = await mod.run();
    } catch (e) {
      results[name] = { error: e instanceof Error ? e.message : String(e) };
      process.exitCode = 1;
    }
  }
  console.log(JSON.stringify({ node: process.version, at: new Date().toISOString(), results }, null, 2));
}

await main();
