#!/usr/bin/env node
import { ConfigError, loadDotEnv } from '../config.js';
import { EXPLAIN_USAGE, UsageError, parseExplainArgs } from './explain-args.js';
import { runExplain } from './explain.js';
import { DOCTOR_USAGE, parseDoctorArgs, runDoctor } from './doctor.js';
import { KeyError } from './api-key.js';

const USAGE = `Usage: jumpcloud-scim-bridge <command> [options]

Commands:
  explain <METHOD> <PATH> [options]   show how the bridge turns one SCIM request into JumpCloud calls
  doctor [--write-check]              check a real JumpCloud org for what the bridge relies on

Run 'jumpcloud-scim-bridge <command> --help' for the options. The server itself starts with 'npm start'.
`;

/** Returns the process exit code: 0 for a 2xx answer, 1 otherwise, 2 for a usage or configuration error. */
async function main(argv: readonly string[], env: Record<string, string | undefined> = process.env): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === 'doctor') return doctor(rest, env);
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

async function doctor(argv: readonly string[], env: Record<string, string | undefined>): Promise<number> {
  try {
    const args = parseDoctorArgs(argv);
    if (args === 'help') {
      console.log(DOCTOR_USAGE);
      return 0;
    }
    const result = await runDoctor(args, env);
    console.log(result.text);
    return result.exitCode;
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`doctor: ${e.message}\n\n${DOCTOR_USAGE}`);
      return 2;
    }
    if (e instanceof ConfigError || e instanceof KeyError) {
      console.error(`doctor: ${e instanceof ConfigError ? 'configuration error: ' : ''}${e.message}`);
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
