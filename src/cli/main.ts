#!/usr/bin/env node
import { ConfigError, loadDotEnv } from '../config.js';
import { EXPLAIN_USAGE, UsageError, parseExplainArgs } from './explain-args.js';
import { runExplain } from './explain.js';

const USAGE = `Usage: jumpcloud-scim-bridge <command> [options]

Commands:
  explain <METHOD> <PATH> [options]   show how the bridge turns one SCIM request into JumpCloud calls

Run 'jumpcloud-scim-bridge explain --help' for the options. The server itself starts with 'npm start'.
`;

/** Returns the process exit code: 0 for a 2xx answer, 1 otherwise, 2 for a usage or configuration error. */
async function main(argv: readonly string[], env: Record<string, string | undefined> = process.env): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command !== 'explain') {
    console.error(`jumpcloud-scim-bridge: unknown command '${command}'\n\n${USAGE}`);
    return 2;
  }
  try {
    loadDotEnv();
    const args = parseExplainArgs(rest, env);
    if (args === 'help') {
      console.log(EXPLAIN_USAGE);
      return 0;
    }
    const result = await runExplain(args, env);
    console.log(result.text);
    return result.exitCode;
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`explain: ${e.message}\n\n${EXPLAIN_USAGE}`);
      return 2;
    }
    if (e instanceof ConfigError) {
      console.error(`explain: configuration error: ${e.message}`);
      return 2;
    }
    throw e;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(`explain: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  },
);
