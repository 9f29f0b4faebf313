import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { configReference, envExample, REFERENCE_END, REFERENCE_START } from '../../src/config-docs.js';
import { variableNames } from '../../src/config-table.js';
import { loadConfig } from '../../src/config.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const read = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');
const REGENERATE = 'run npm run docs:config and commit the result';

/** Every variable name src/config.ts reads from its environment, found in its source. */
function namesReadByConfig(): Set<string> {
  const source = read('src/config.ts');
  const names = new Set<string>();
  for (const m of source.matchAll(/\benv\.([A-Z][A-Z0-9_]*)/g)) names.add(m[1] ?? '');
  for (const m of source.matchAll(/\benv\[['`]([A-Z][A-Z0-9_]*)/g)) names.add(m[1] ?? '');
  for (const m of source.matchAll(
    /\b(?:int|decimal|bool|oneOf|text|secret|proxyUrl|operatorToken)\(env, '([A-Z][A-Z0-9_]*)'/g,
  )) {
    names.add(m[1] ?? '');
    if (m[0].startsWith('secret')) names.add(`${m[1]}_FILE`);
  }
  return names;
}

describe('configuration table: validation, README reference and .env.example never drift apart', () => {
  it('lists exactly the variables src/config.ts reads', () => {
    const read = [...namesReadByConfig()].sort();
    const listed = [...variableNames()].sort();
    expect(
      read.filter((n) => !listed.includes(n)),
      'read by config.ts but missing from the table',
    ).to.deep.equal([]);
    expect(
      listed.filter((n) => !read.includes(n)),
      'in the table but never read by config.ts',
    ).to.deep.equal([]);
  });

  it("the README's configuration reference is the one generated from the table, naming every variable", () => {
    const readme = read('README.md');
    const block = readme.slice(readme.indexOf(REFERENCE_START), readme.indexOf(REFERENCE_END) + REFERENCE_END.length);
    expect(block, REGENERATE).to.equal(configReference());
    for (const name of variableNames()) expect(block).to.include(`\`${name}\``);
  });

  it('.env.example is the one generated from the table, naming every variable', () => {
    const example = read('.env.example');
    expect(example, REGENERATE).to.equal(envExample());
    for (const name of variableNames()) expect(example).to.match(new RegExp(`^#${name}=`, 'm'));
  });

  it('.env.example shows the true defaults: uncommenting every default it shows changes nothing', () => {
    const env: Record<string, string> = {};
    for (const m of envExample().matchAll(/^#([A-Z][A-Z0-9_]*)=(.+)$/gm)) {
      if (!m[1]?.endsWith('_FILE')) env[m[1] ?? ''] = m[2] ?? '';
    }
    expect(Object.keys(env).length).to.be.greaterThan(30);
    expect(loadConfig(env)).to.deep.equal(loadConfig({}));
  });
});
