import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from './config.js';

/** The package's version, from its own package.json (installed or in the repository): /healthz, build_info, --version. */
export const VERSION: string = (() => {
  const parsed: unknown = JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8'));
  const version = typeof parsed === 'object' && parsed !== null ? (parsed as { version?: unknown }).version : undefined;
  return typeof version === 'string' ? version : 'unknown';
})();
