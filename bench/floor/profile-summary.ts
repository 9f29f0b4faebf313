/**
 * Reads a V8 `.cpuprofile` (from `node --cpu-prof`) and lists where the self time went: the top functions and the
 * same time grouped by where the code lives (a package in node_modules, a file of this project, Node's internals,
 * GC). This is what a missed target's note quotes. Usage: `npx tsx bench/floor/profile-summary.ts FILE [N]`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
}

export interface Frame {
  name: string;
  where: string;
  selfMs: number;
  percent: number;
}

/** node_modules/<pkg>, src/<file>, node:<internal>, or V8's own (GC, idle, program). */
export function owner(url: string): string {
  if (!url) return '(v8)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm?.[1]) return nm[1];
  if (url.startsWith('node:')) return url;
  const src = /\/(src|bench|dist\/src)\/(.+)$/.exec(url);
  return src?.[2] ? `${src[1] === 'dist/src' ? 'src' : src[1]}/${src[2].replace(/\.js$/, '.ts')}` : path.basename(url);
}

export function summarise(
  file: string,
  top = 25,
): { totalMs: number; idleMs: number; functions: Frame[]; owners: Frame[] } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const totalMs = (profile.endTime - profile.startTime) / 1000;
  const perSample = profile.samples.length ? totalMs / profile.samples.length : 0;
  const byFunction = new Map<string, Frame>();
  const byOwner = new Map<string, Frame>();
  let idleMs = 0;
  for (const node of profile.nodes) {
    const ms = (node.hitCount ?? 0) * perSample;
    if (!ms) continue;
    const name = node.callFrame.functionName || '(anonymous)';
    if (name === '(idle)') {
      idleMs += ms;
      continue;
    }
    const where = owner(node.callFrame.url);
    const key = `${name} ${where}:${node.callFrame.lineNumber + 1}`;
    const f = byFunction.get(key) ?? {
      name,
      where: `${where}:${node.callFrame.lineNumber + 1}`,
      selfMs: 0,
      percent: 0,
    };
    f.selfMs += ms;
    byFunction.set(key, f);
    const o = byOwner.get(where) ?? { name: where, where, selfMs: 0, percent: 0 };
    o.selfMs += ms;
    byOwner.set(where, o);
  }
  const busy = totalMs - idleMs;
  const rank = (m: Map<string, Frame>): Frame[] =>
    [...m.values()]
      .sort((a, b) => b.selfMs - a.selfMs)
      .slice(0, top)
      .map((f) => ({ ...f, selfMs: Math.round(f.selfMs), percent: Math.round((f.selfMs / busy) * 1000) / 10 }));
  return {
    totalMs: Math.round(totalMs),
    idleMs: Math.round(idleMs),
    functions: rank(byFunction),
    owners: rank(byOwner),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const [file, n] = process.argv.slice(2);
  if (!file) throw new Error('usage: profile-summary.ts FILE.cpuprofile [TOP]');
  const s = summarise(file, Number(n ?? 25));
  console.log(`busy ${s.totalMs - s.idleMs} ms of ${s.totalMs} ms\n\nby owner (self time, % of busy):`);
  for (const o of s.owners)
    console.log(`  ${String(o.percent).padStart(5)}%  ${String(o.selfMs).padStart(6)} ms  ${o.name}`);
  console.log('\ntop functions:');
  for (const f of s.functions)
    console.log(`  ${String(f.percent).padStart(5)}%  ${String(f.selfMs).padStart(6)} ms  ${f.name}  ${f.where}`);
}
