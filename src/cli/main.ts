#!/usr/bin/env node
import { ConfigError, loadDotEnv } from '../config.js';
import { EXPLAIN_USAGE, UsageError, parseExplainArgs } from './explain-args.js';
import { runExplain, runReplay } from './explain.js';
import { DOCTOR_USAGE, parseDoctorArgs, runDoctor } from './doctor.js';
import { KeyError } from './api-key.js';

const USAGE = `Usage: jumpcloud-scim-bridge <command> [options]

Commands:
  explain <METHOD> <PATH> [options]   show how the bridge turns one SCIM request into JumpCloud calls
  explain --replay <FILE|->           replay a debug-page export through the bridge, exchange by exchange
  doctor [--write-check]              check a real JumpCloud org for what the bridge relies on

Run 'jumpcloud-scim-bridge <command> --help' for the options. The server itself starts with 'npm start'.
`;

type Env = Record<string, string | undefined>;

/** One CLI command: its usage text, its argument parser and what it runs. */
interface Command<A> {
  usage: string;
  parse(argv: readonly string[], env: Env): A | 'help';
  run(args: A, env: Env): Promise<{ text: string; exitCode: number }>;
}

const command = <A>(c: Command<A>): Command<unknown> => c as Command<unknown>;

const COMMANDS: Record<string, Command<unknown>> = {
  // One request typed in, or every exchange of a debug-page export (--replay).
  explain: command({
    usage: EXPLAIN_USAGE,
    parse: parseExplainArgs,
    run: (args, env) => ('replay' in args ? runReplay(args, env) : runExplain(args, env)),
  }),
  doctor: command({ usage: DOCTOR_USAGE, parse: parseDoctorArgs, run: runDoctor }),
};

/** Returns the process exit code: 0 for success, 1 otherwise, 2 for a usage or configuration error. */
async function main(argv: readonly string[], env: Env = process.env): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(USAGE);
    return name === undefined ? 2 : 0;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    console.error(`jumpcloud-scim-bridge: unknown command '${name}'\n\n${USAGE}`);
    return 2;
  }
  try {
    loadDotEnv();
    const args = cmd.parse(rest, env);
    if (args === 'help') {
      console.log(cmd.usage);
      return 0;
    }
    const result = await cmd.run(args, env);
    console.log(result.text);
    return result.exitCode;
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`${name}: ${e.message}\n\n${cmd.usage}`);
      return 2;
    }
    if (e instanceof ConfigError || e instanceof KeyError) {
      console.error(`${name}: ${e instanceof ConfigError ? 'configuration error: ' : ''}${e.message}`);
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
    console.error(`jumpcloud-scim-bridge: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  },
);
