import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline/promises';
import { loadConfig, type Config } from '../config.js';
import { loadAttributeTable, type UserTable } from '../mapping/attribute-table.js';
import { Recorder } from '../recording/recorder.js';
import { runChecks, type CheckResult, type DoctorSettings } from '../doctor/checks.js';
import { allPassed, renderReport } from '../doctor/report.js';
import { unsettledWithoutWriting } from '../doctor/unknown-probes.js';
import { consoleProbe, type Probe } from '../doctor/upstream.js';
import { runWriteCheck, throwawayUsername, writeCheckTexts } from '../doctor/write-check.js';
import { apiKeyFrom } from './api-key.js';
import { UsageError } from './explain-args.js';

export const DOCTOR_USAGE = `Usage: jumpcloud-scim-bridge doctor [--key-file FILE] [--write-check [--yes]]
       npm run doctor -- [options]

Checks, against the real JumpCloud org, what the bridge relies on, and prints one ✓/✗ line per check with the
evidence and the fix. Read-only: nothing is written.

  The key comes from JUMPCLOUD_API_KEY or --key-file (never from the command line); the console from
  JUMPCLOUD_URL; a multi-tenant org from JUMPCLOUD_ORG_ID; the attribute table from MAPPING_FILE.

  --key-file FILE   read the JumpCloud API key from FILE
  --write-check     also create ONE clearly named STAGED throwaway user, try the writes the bridge relies on
                    (PUT clearing a field, manager null, phone types, alternateEmail), read each back, report every
                    difference, and delete the user. Asks for confirmation.
  --yes             do not ask before the write check
  --help            show this text

Exit code: 0 when every check passes, 1 otherwise, 2 for a usage or configuration error.
With RECORD_DIR set, every JumpCloud exchange is written there as a fixture (see "Record and replay" in CONTRIBUTING.md).
`;

export interface DoctorArgs {
  keyFile?: string;
  writeCheck: boolean;
  yes: boolean;
}

export function parseDoctorArgs(argv: readonly string[]): DoctorArgs | 'help' {
  const out: DoctorArgs = { writeCheck: false, yes: false };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') return 'help';
    if (arg === '--write-check') out.writeCheck = true;
    else if (arg === '--yes' || arg === '-y') out.yes = true;
    else if (arg === '--key-file') {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new UsageError('--key-file needs a file name');
      out.keyFile = next;
      i += 1;
    } else if (arg === '--key' || arg.startsWith('--key=')) {
      throw new UsageError(
        'the key is never taken from the command line: set JUMPCLOUD_API_KEY or use --key-file FILE',
      );
    } else throw new UsageError(`unknown argument ${arg}`);
  }
  if (out.yes && !out.writeCheck) throw new UsageError('--yes only goes with --write-check');
  return out;
}

export interface DoctorIo {
  /** Asks the admin; resolves to their answer. Default: a prompt on the terminal. */
  ask?: (question: string) => Promise<string>;
  /** Test seams: other regions' consoles and how to reach them, and a layer around the probe (recording). */
  regions?: DoctorSettings['regions'];
  probeFor?: DoctorSettings['probeFor'];
  /** The throwaway user's suffix and the search probes' value (a replayed recording needs the ones it was made with). */
  suffix?: string;
  token?: string;
}

async function terminalAsk(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

/** Returns the report and the exit code; throws UsageError / ConfigError / KeyError for exit code 2. */
export async function runDoctor(
  args: DoctorArgs,
  env: Record<string, string | undefined>,
  io: DoctorIo = {},
): Promise<{ text: string; exitCode: number }> {
  const apiKey = apiKeyFrom(args.keyFile, env);
  const config = loadConfig(env);
  const table = loadAttributeTable(config.mappingFile, { deriveUsernameFromEmail: config.deriveUsernameFromEmail });
  // RECORD_DIR: the whole run becomes one fixture, with the generated values a replay needs.
  // (x-org-id is not pinned: the doctor sends it on all calls but one, which the recorder cannot tell apart.)
  const recorder = config.record.dir
    ? new Recorder(config.record.dir, { pseudonymise: config.record.pseudonymise, env })
    : undefined;
  const generated = {
    suffix: io.suffix ?? randomBytes(4).toString('hex'),
    token: io.token ?? `zzdoctor${randomBytes(5).toString('hex')}`,
  };
  const own = consoleProbe({
    baseUrl: config.jumpcloudUrl,
    apiKey,
    ...(config.jumpcloudOrgId ? { orgId: config.jumpcloudOrgId } : {}),
    timeoutMs: config.upstreamTimeoutMs,
    ...(recorder ? { layers: [recorder.layer] } : {}),
  });
  const run = (): Promise<{ text: string; exitCode: number }> =>
    diagnose(args, io, { config, apiKey, table: table.users, probe: own.probe, ...generated });
  try {
    if (!recorder) return await run();
    const recordedArgs = [...(args.writeCheck ? ['--write-check'] : []), ...(args.yes ? ['--yes'] : [])];
    return await recorder.session(
      { name: 'doctor', args: recordedArgs, suffix: generated.suffix, probeValue: generated.token },
      run,
      (r) => ({ verdicts: verdictLines(r.text) }),
      args.writeCheck ? writeCheckTexts(generated.suffix) : [],
    );
  } finally {
    own.close();
  }
}

/** The ✓/✗/- lines of a report, without the evidence (timings vary from run to run). */
export function verdictLines(text: string): string[] {
  return text.split('\n').filter((l) => /^[✓✗-] /.test(l));
}

interface Diagnosis {
  config: Config;
  apiKey: string;
  table: UserTable;
  probe: Probe;
  suffix: string;
  token: string;
}

async function diagnose(args: DoctorArgs, io: DoctorIo, d: Diagnosis): Promise<{ text: string; exitCode: number }> {
  const { config, apiKey, probe } = d;
  const where = `${config.jumpcloudUrl}${config.jumpcloudOrgId ? ` (organization ${config.jumpcloudOrgId})` : ''}`;
  const results: CheckResult[] = await runChecks({
    jumpcloudUrl: config.jumpcloudUrl,
    orgId: config.jumpcloudOrgId,
    apiKey,
    table: d.table,
    token: d.token,
    maxFilterScan: config.maxFilterScan,
    timeoutMs: config.upstreamTimeoutMs,
    probe,
    ...(io.regions ? { regions: io.regions } : {}),
    ...(io.probeFor ? { probeFor: io.probeFor } : {}),
  });
  let heading = `jumpcloud-scim-bridge doctor: ${where}. Read-only checks; nothing is written.`;
  if (args.writeCheck) {
    const keyWorks = results.slice(0, 3).every((r) => r.verdict === 'pass');
    if (!keyWorks) {
      results.push({
        title: 'Write check',
        verdict: 'skip',
        evidence: ['skipped: the console, key and organization checks must pass first'],
      });
    } else {
      const suffix = d.suffix;
      const question = `The write check creates the STAGED user ${throwawayUsername(suffix)} in ${where}, changes it, and deletes it.\nType "yes" to continue: `;
      const answer = args.yes ? 'yes' : await (io.ask ?? terminalAsk)(question);
      if (answer.trim().toLowerCase() !== 'yes') {
        results.push({ title: 'Write check', verdict: 'skip', evidence: ['not confirmed: nothing was written'] });
      } else {
        heading = `jumpcloud-scim-bridge doctor --write-check: ${where}. One throwaway user is created, changed and deleted.`;
        results.push(...(await runWriteCheck({ probe, suffix })));
      }
    }
  }
  const unsettled = args.writeCheck
    ? ''
    : `\n\nNot checked without writing (doctor --write-check settles each against this organization):\n${unsettledWithoutWriting()
        .map((q) => `  - ${q}`)
        .join('\n')}`;
  return { text: renderReport(heading, results) + unsettled, exitCode: allPassed(results) ? 0 : 1 };
}
