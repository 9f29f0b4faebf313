import { isWrite } from './dry-run.js';
import type { Layer } from './layer.js';

/**
 * Runs `check` right before every write attempt goes on the wire; when it throws, the write is not sent.
 * The bridge uses it as the fencing check of the shared lock (a replica whose lease is gone must not write).
 * Reads pass through unchecked.
 */
export function writeGuard(check: () => Promise<void>): Layer {
  return (next) => async (req) => {
    if (isWrite(req)) await check();
    return next(req);
  };
}
