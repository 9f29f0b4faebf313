import { apiKeyFrom } from './api-key.js';
import { SCIM_BASE } from '../http/scim-response.js';

export interface ExplainArgs {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Always under the SCIM base, with any query string, e.g. /scim/v2/Users?filter=… */
  path: string;
  bodyFile?: string;
  key?: string;
  /** A JumpCloud console origin; absent means an in-process emulator with example users. */
  jumpcloudUrl?: string;
  dryRun: boolean;
  seed: boolean;
}

/** `explain --replay FILE`: every exchange of a debug-page export, replayed in the order they happened. */
export interface ReplayArgs {
  /** The export file, or '-' for standard input. */
  replay: string;
  key?: string;
  jumpcloudUrl?: string;
  dryRun: boolean;
  seed: boolean;
}

export class UsageError extends Error {}

export const EXPLAIN_USAGE = `Usage: jumpcloud-scim-bridge explain <METHOD> <PATH> [options]
       jumpcloud-scim-bridge explain --replay <FILE|-> [options]
       npm run explain -- <METHOD> <PATH> [options]

Sends one SCIM request through the bridge and shows what it did: each JumpCloud call, the attribute
mapping for a user body, and the SCIM answer. Without --jumpcloud-url it runs against an in-process
JumpCloud emulator seeded with example users, so nothing real is touched.

  METHOD                GET, POST, PUT, PATCH or DELETE
  PATH                  e.g. /Users, '/Users?filter=userName eq "ada.lovelace"' (the /scim/v2 prefix is optional)
  --body FILE           JSON request body (SCIM resource or PatchOp)
  --replay FILE         replay every exchange of a debug-page export (the page's "export" button; '-' reads
                        standard input, as the page's "copy as explain" does), oldest first. The in-process
                        emulator starts with the users and groups JumpCloud returned in those exchanges.
  --key-file FILE       file holding the JumpCloud API key for --jumpcloud-url (or set JUMPCLOUD_API_KEY);
                        a key is never taken from the command line, where shell history, ps and npm's
                        script banner would show it
  --jumpcloud-url URL   run against this JumpCloud console (https, or http on loopback for an emulator)
  --dry-run             DRY_RUN: reads are real, writes are computed and shown but not sent
  --seed                with a loopback --jumpcloud-url emulator: add its example users first
  --help                show this text

Exit code: 0 when the SCIM answer is 2xx (with --replay: when every exchange answers as recorded), 1 otherwise,
2 for a usage error.
`;

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

function scimPath(raw: string): string {
  if (!raw.startsWith('/')) throw new UsageError(`PATH must start with '/' (got '${raw}')`);
  if (
    raw.toLowerCase() === SCIM_BASE.toLowerCase() ||
    raw.toLowerCase().startsWith(`${SCIM_BASE.toLowerCase()}/`) ||
    raw.toLowerCase().startsWith(`${SCIM_BASE.toLowerCase()}?`)
  )
    return raw;
  return `${SCIM_BASE}${raw}`;
}

/** `argv` is what follows `explain`. */
export function parseExplainArgs(
  argv: readonly string[],
  env: Record<string, string | undefined> = {},
): ExplainArgs | ReplayArgs | 'help' {
  const positional: string[] = [];
  const out: Omit<ExplainArgs, 'method' | 'path'> = { dryRun: false, seed: false };
  let replay: string | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    const value = (): string => {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`${arg} needs a value`);
      i += 1;
      return next;
    };
    if (arg === '--help' || arg === '-h') return 'help';
    else if (arg === '--body') out.bodyFile = value();
    else if (arg === '--replay') replay = value();
    else if (arg === '--key' || arg.startsWith('--key=')) {
      // Not even read: the value is already in shell history and npm's banner, so say so and stop.
      throw new UsageError(
        "--key is not accepted: a key on the command line shows in shell history, ps and npm's script banner. Set JUMPCLOUD_API_KEY or use --key-file FILE",
      );
    } else if (arg === '--key-file') out.key = apiKeyFrom(value(), env);
    else if (arg === '--jumpcloud-url') out.jumpcloudUrl = value();
    else if (arg === '--dry-run') out.dryRun = true;
    else if (arg === '--seed') out.seed = true;
    else if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}`);
    else positional.push(arg);
  }
  if (!out.key && env.JUMPCLOUD_API_KEY?.trim()) out.key = env.JUMPCLOUD_API_KEY.trim();
  if (out.jumpcloudUrl && !out.key)
    throw new UsageError('--jumpcloud-url needs a key: set JUMPCLOUD_API_KEY or use --key-file FILE');
  // The in-process emulator is always seeded; --seed is only meaningful for an emulator started elsewhere.
  if (out.seed && !out.jumpcloudUrl) out.seed = false;
  if (replay !== undefined) {
    if (positional.length)
      throw new UsageError(`--replay takes no METHOD or PATH (got '${positional[0] ?? ''}'): the file holds them`);
    if (out.bodyFile) throw new UsageError('--replay takes no --body: the file holds the bodies');
    const { bodyFile: _unused, ...rest } = out;
    return { replay, ...rest };
  }
  const [rawMethod, rawPath, ...extra] = positional;
  if (rawMethod === undefined || rawPath === undefined) throw new UsageError('explain needs a METHOD and a PATH');
  if (extra.length) throw new UsageError(`unexpected argument '${extra[0] ?? ''}' (quote a PATH that contains spaces)`);
  const method = METHODS.find((m) => m === rawMethod.toUpperCase());
  if (!method) throw new UsageError(`METHOD must be one of ${METHODS.join(', ')} (got '${rawMethod}')`);
  if (out.bodyFile && (method === 'GET' || method === 'DELETE'))
    throw new UsageError(`--body does not go with ${method}`);
  return { method, path: scimPath(rawPath), ...out };
}
