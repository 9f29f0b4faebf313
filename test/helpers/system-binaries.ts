import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/**
 * Suites that need a Debian binary (a real redis-server, a real browser). On a developer's machine without it they
 * are left out, and the run says so in its output with the install command; with `CI` set they always run, so a
 * missing binary fails the build instead of silently proving nothing (.ci/run installs both).
 */
export type SystemBinary = 'redis-server' | 'chromium';

export const CHROMIUM_PATH = '/usr/bin/chromium';
const INSTALL = 'apt-get install redis-server chromium';

function onPath(name: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => {
    if (!dir) return false;
    try {
      accessSync(path.join(dir, name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function installed(binary: SystemBinary): boolean {
  if (binary === 'redis-server') return onPath('redis-server');
  try {
    accessSync(CHROMIUM_PATH, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const skipped: { binary: SystemBinary; title: string }[] = [];

/** `describe`, or (without the binary and outside CI) a line in the run's summary instead of the suite. */
export function describeNeeding(binary: SystemBinary, title: string, body: (this: Mocha.Suite) => void): void {
  if (process.env.CI || installed(binary)) {
    describe(title, body);
    return;
  }
  skipped.push({ binary, title });
}

/** Root hook (registered in .mocharc.json): the suites left out, printed once at the end of the run. */
export const mochaHooks = {
  afterAll(): void {
    if (skipped.length === 0) return;
    const lines = skipped.map((s) => `    - ${s.title} (needs ${s.binary}, not installed)`);
    process.stdout.write(
      [
        '',
        `  SKIPPED ${skipped.length} suite(s): the binaries they need are not installed on this machine.`,
        ...lines,
        `  Install them to run everything: ${INSTALL}  (CI never skips these: with CI set they fail instead)`,
        '',
      ].join('\n') + '\n',
    );
  },
};
