import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Every text file below `dir`, relative to the repository root. */
function textFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...textFiles(rel));
    else if (/\.(ts|mts|mjs|js|json|md|yaml|yml)$/.test(entry.name)) out.push(rel);
  }
  return out;
}

/**
 * Comments, test names and docs say why, and the issue tracker is not part of the repository: a reference to an
 * issue's number or to the working session that wrote a line is dead for every later reader. The pattern is
 * the one the repository is checked with by grep (plus a capital I), written so this file does not match it.
 */
const HISTORY = /[Ii]ssue [0-9]+|[(]issue|this[ ]session/;

describe('repository: code, tests and docs carry no history', () => {
  it('no file in src, test, docs, config, bench or scripts (nor the README) cites an issue number or a working session', () => {
    const files = ['src', 'test', 'docs', 'config', 'bench', 'scripts'].flatMap(textFiles).concat('README.md');
    expect(files.length).to.be.greaterThan(100);
    const hits = files.flatMap((file) =>
      readFileSync(path.join(ROOT, file), 'utf8')
        .split('\n')
        .flatMap((line, i) => (HISTORY.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(hits).to.deep.equal([]);
  });
});
