import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { envExample, withConfigReference } from '../src/config-docs.js';

// Rewrites the README's configuration reference and .env.example from src/config-table.ts.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const readme = path.join(root, 'README.md');
writeFileSync(readme, withConfigReference(readFileSync(readme, 'utf8')));
writeFileSync(path.join(root, '.env.example'), envExample());
process.stdout.write('README.md configuration reference and .env.example regenerated\n');
