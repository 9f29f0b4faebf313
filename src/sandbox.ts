#!/usr/bin/env node
import { ConfigError, loadDotEnv } from './config.js';
import {
  SANDBOX_USAGE,
  parseSandboxArgs,
  sandboxBanner,
  startSandbox,
  type SandboxOptions,
} from './cli/sandbox-session.js';

/** `npm run sandbox`: the emulator plus the bridge on loopback, ready for curl or an Entra test tenant behind a tunnel. */
async function main(): Promise<void> {
  let options: SandboxOptions | 'help';
  try {
    loadDotEnv();
    options = parseSandboxArgs(process.argv.slice(2), process.env);
  } catch (e) {
    console.error(`sandbox: ${(e as Error).message}\n\n${SANDBOX_USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (options === 'help') {
    console.log(SANDBOX_USAGE);
    return;
  }
  let sandbox;
  try {
    sandbox = await startSandbox(options);
  } catch (e) {
    const why = e instanceof ConfigError ? `configuration error: ${e.message}` : (e as Error).message;
    console.error(`sandbox: ${why}`);
    process.exitCode = 2;
    return;
  }
  console.log(sandboxBanner(sandbox, options.stateFile));
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`\nsandbox: ${signal} received, shutting down`);
    sandbox.close().then(
      () => process.exit(0),
      (e: unknown) => {
        console.error('sandbox: error while closing', e);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

void main();
