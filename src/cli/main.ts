#!/usr/bin/env node
import { ConfigError, loadDotEnv } from '../config.js';
import { EXPLAIN_USAGE, UsageError, parseExplainArgs } from './explain-args.js';
import { runExplain, runReplay } from './explain.js';
import { DOCTOR_USAGE, parseDoctorArgs, runDoctor } from './doctor.js';
import { KeyError } from './api-key.js';
import { serve } from '../serve.js';
import { VERSION } from '../version.js';

const USAGE = `Usage: jumpcloud-scim-bridge <command> [options]

Commands:
  serve                               run the SCIM bridge (the service; configuration from the environment)
  explain <METHOD> <PATH> [options]   show how the bridge turns one SCIM request into JumpCloud calls
  explain --replay <FILE|->           replay a debug-page export through the bridge, exchange by exchange
  doctor [--write-check]              check a real JumpCloud org for what the bridge relies on

Options:
  --version                           print the version
  --help                              this text; 'jumpcloud-scim-bridge <command> --help' for a command's options
`;

const SERVE_USAGE = `Usage: jumpcloud-scim-bridge serve

Runs the SCIM bridge until SIGTERM or SIGINT, which drain requests in flight and exit 0.
Configuration comes from the environment, and from ./.env in the working directory when it exists
(the real environment wins). Every variable, its default and bounds: the README's "Configuration" section,
or .env.example in the package. A bad value stops start-up with one line naming it (exit code 2).

Run it under a supervisor (systemd, a container runtime) directly, not through npm, so that the
supervisor's SIGTERM reaches it: deploy/jumpcloud-scim-bridge.service in the package is an example unit.
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

/**
 * Returns the process exit code: 0 for success, 1 otherwise, 2 for a usage or configuration error; undefined for
 * `serve`, which runs until a signal and exits by itself.
 */
async function main(argv: readonly string[], env: Env = process.env): Promise<number | undefined> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(USAGE);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    console.log(VERSION);
    return 0;
  }
  if (name === 'serve') {
    if (rest.includes('--help') || rest.includes('-h')) {
      console.log(SERVE_USAGE);
      return 0;
    }
    if (rest.length > 0) {
      console.error(`serve: unexpected argument '${rest[0]}'\n\n${SERVE_USAGE}`);
      return 2;
    }
    // Runs until a signal; serve() sets the exit code itself.
    serve();
    return undefined;
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
    if (code !== undefined) process.exitCode = code;
  },
  (e: unknown) => {
    console.error(`jumpcloud-scim-bridge: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  },
);
