#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { createEmulator, type EmulatorOptions } from './index.js';
import { modesFromJson } from './modes.js';

const USAGE = `Usage: node dist/src/emulator/main.js [options]

Runs a JumpCloud API emulator (v1 systemusers/search, v2 usergroups) on loopback.

  --port N          port to listen on (default 8081; 0 picks a free one)
  --host HOST       interface to bind (default 127.0.0.1)
  --key KEY         accepted x-api-key (repeatable; default: a random key, printed)
  --org-id ID       organization id; other x-org-id values get 404
  --state-file PATH load state from and save it to this JSON file
  --max-limit N     largest accepted list limit (default 100)
  --seed            add example users and a group (skipped when they already exist)
  --modes FILE      real-org behaviours as JSON: readOnlyKeys, multiTenant, refuseSearch, searchFields,
                    normalise, latencyMs, rateLimit (see src/emulator/modes.ts; also PUT /__emulator/modes)
  --help            show this text
`;

interface Cli {
  port: number;
  host: string;
  seed: boolean;
  options: EmulatorOptions;
}

function parseArgs(argv: readonly string[]): Cli | 'help' {
  const cli: Cli = { port: 8081, host: '127.0.0.1', seed: false, options: {} };
  const keys: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    const value = (): string => {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new Error(`${flag} needs a value`);
      i += 1;
      return next;
    };
    switch (flag) {
      case '--port':
        cli.port = integer(value(), '--port');
        break;
      case '--host':
        cli.host = value();
        break;
      case '--key':
        keys.push(value());
        break;
      case '--org-id':
        cli.options.orgId = value();
        break;
      case '--state-file':
        cli.options.stateFile = value();
        break;
      case '--max-limit':
        cli.options.maxLimit = integer(value(), '--max-limit');
        break;
      case '--seed':
        cli.seed = true;
        break;
      case '--modes':
        cli.options.modes = modesFromJson(JSON.parse(readFileSync(value(), 'utf8')));
        break;
      case '--help':
      case '-h':
        return 'help';
      default:
        throw new Error(`unknown option ${flag ?? ''}`);
    }
  }
  if (keys.length > 0) cli.options.apiKeys = keys;
  return cli;
}

function integer(raw: string, flag: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${flag} must be a non-negative integer, got "${raw}"`);
  return value;
}

async function main(): Promise<void> {
  let cli: Cli | 'help';
  try {
    cli = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`jumpcloud emulator: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (cli === 'help') {
    console.log(USAGE);
    return;
  }
  const emulator = createEmulator(cli.options);
  if (cli.seed) emulator.seedExampleUsers();
  const running = await emulator.listen(cli.port, cli.host);
  console.log(`JumpCloud emulator listening on ${running.url}`);
  console.log(`  v1 base: ${running.url}/api   v2 base: ${running.url}/api/v2`);
  console.log(`  x-api-key: ${emulator.apiKeys[0] ?? ''}`);
  console.log(`  organization: ${emulator.store.organization}`);
  if (cli.options.stateFile) console.log(`  state file: ${cli.options.stateFile}`);
  console.log(`  admin: ${running.url}/__emulator/{state,faults,violations,requests,reset}`);

  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    console.log(`JumpCloud emulator: ${signal} received, shutting down`);
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('JumpCloud emulator: error while closing', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

void main();
