import { randomBytes } from 'node:crypto';
import { isRecord } from '../util/guards.js';
import type { CheckResult } from './checks.js';
import { describeCall, type Probe, type ProbeAnswer, type ProbeRequest } from './upstream.js';
import { probeTexts, runUnknownProbes } from './unknown-probes.js';

/** The throwaway user's name: recognisable in JumpCloud's console, a valid username on every OS. */
export function throwawayUsername(suffix: string): string {
  return `doctor.throwaway.${suffix}`;
}

const ok = (a: ProbeAnswer): a is Extract<ProbeAnswer, { status: number }> =>
  'status' in a && a.status >= 200 && a.status < 300;
const show = (v: unknown): string => (v === undefined ? 'absent' : JSON.stringify(v));
const blank = (v: unknown): boolean => v === undefined || v === null || v === '';

function phones(v: unknown): string[] {
  return (Array.isArray(v) ? v : [])
    .filter(isRecord)
    .map((p) => `${String(p.type ?? '')}:${String(p.number ?? '')}`)
    .sort();
}

/** How a stored value differs from the one sent, in words; undefined when JumpCloud kept it as sent. */
function difference(key: string, sent: unknown, stored: unknown): string | undefined {
  if (key === 'phoneNumbers') {
    const [a, b] = [phones(sent), phones(stored)];
    return a.join('|') === b.join('|')
      ? undefined
      : `phoneNumbers: sent ${JSON.stringify(a)} → stored ${JSON.stringify(b)}`;
  }
  if (key === 'attributes') {
    const storedList = (Array.isArray(stored) ? stored : []).filter(isRecord);
    const lost = (Array.isArray(sent) ? sent : [])
      .filter(isRecord)
      .filter((a) => !storedList.some((s) => s.name === a.name && s.value === a.value));
    return lost.length
      ? `attributes: ${lost.map((a) => `${String(a.name)}=${show(a.value)}`).join(', ')} sent but not stored`
      : undefined;
  }
  if (blank(sent))
    return blank(stored) ? undefined : `${key}: sent ${show(sent)} to clear it → still ${show(stored)} (not cleared)`;
  if (sent === stored) return undefined;
  let how = '';
  if (typeof sent === 'string' && typeof stored === 'string') {
    if (sent.toLowerCase() === stored.toLowerCase()) how = ' (case changed)';
    else if (sent.trim() === stored.trim()) how = ' (whitespace trimmed)';
  }
  return `${key}: sent ${show(sent)} → stored ${show(stored)}${how}`;
}

function differences(sent: Record<string, unknown>, stored: unknown, skip: readonly string[] = []): string[] {
  const record = isRecord(stored) ? stored : {};
  return Object.entries(sent).flatMap(([k, v]) => (skip.includes(k) ? [] : (difference(k, v, record[k]) ?? [])));
}

/** The throwaway user as created; every value is made up, so none of it is personal. */
function throwawayUser(suffix: string): Record<string, unknown> {
  return {
    username: throwawayUsername(suffix),
    // Mixed case on purpose: a JumpCloud that lower-cases e-mails would make Entra re-write them every cycle.
    email: `Doctor.Throwaway.${suffix}@Example.com`,
    firstname: 'Doctor',
    lastname: 'Throwaway',
    displayname: 'SCIM bridge doctor (throwaway, safe to delete)',
    description: 'Created by jumpcloud-scim-bridge doctor --write-check and deleted at its end. Safe to delete.',
    jobTitle: 'Temporary',
    alternateEmail: `doctor.alternate.${suffix}@example.com`,
    phoneNumbers: [
      { type: 'work', number: '+1 (555) 010-0100' },
      { type: 'mobile', number: '+1 555 010 0101' },
      // The JumpCloud type the bridge writes for SCIM's fax (codecs' phone vocabulary), so the check exercises it.
      { type: 'work_fax', number: '+1 555 010 0102' },
    ],
    attributes: [{ name: 'scimExternalId', value: `doctor-${suffix}` }],
    state: 'STAGED',
  };
}

/** Every text the write check makes up (RECORD_PSEUDONYMISE keeps it, so a recording replays). */
export function writeCheckTexts(suffix: string): string[] {
  return [
    JSON.stringify(throwawayUser(suffix)),
    changedAlternateEmail(suffix),
    REPLACEMENT_PHONE.number,
    ...probeTexts(suffix, throwawayUsername(suffix)),
  ];
}

const changedAlternateEmail = (suffix: string): string => `doctor.changed.${suffix}@example.com`;
const REPLACEMENT_PHONE = { type: 'mobile', number: '+1 555 010 0199' };

export interface WriteCheckOptions {
  probe: Probe;
  /** Random by default; a recording replays with the suffix it was made with. */
  suffix?: string;
}

/**
 * `doctor --write-check`: one STAGED throwaway user exercises each write the bridge relies on; every answer and a
 * fresh read are compared with what was sent. The user is deleted at the end, whatever happened before.
 */
export async function runWriteCheck(options: WriteCheckOptions): Promise<CheckResult[]> {
  const suffix = options.suffix ?? randomBytes(4).toString('hex');
  const username = throwawayUsername(suffix);
  const results: CheckResult[] = [];
  const call = async (req: ProbeRequest, log: string[]): Promise<ProbeAnswer> => {
    const answer = await options.probe(req);
    log.push(describeCall(req, answer));
    return answer;
  };

  const createBody = throwawayUser(suffix);
  const evidence: string[] = [];
  const created = await call({ method: 'POST', path: '/api/systemusers', body: createBody }, evidence);
  if (!ok(created) || !isRecord(created.data) || typeof created.data._id !== 'string') {
    const readOnly = 'status' in created && created.status === 403;
    results.push({
      title: `Create a STAGED throwaway user ${username}`,
      verdict: 'fail',
      evidence,
      fix: readOnly
        ? 'The key can read but not write (403): use the key of an administrator with the Administrator or Manager role.'
        : 'JumpCloud refused the create; its message is above.',
    });
    return results;
  }
  const id = created.data._id;
  // What the unknown probes create besides the throwaway user; deleted first, whatever happened.
  const extras: { kind: 'user' | 'group'; id: string }[] = [];
  const readBack = async (log: string[]): Promise<unknown> => {
    const got = await call({ method: 'GET', path: `/api/systemusers/${id}` }, log);
    return ok(got) ? got.data : undefined;
  };
  const step = async (
    title: string,
    sent: Record<string, unknown>,
    answer: ProbeAnswer,
    log: string[],
    skip: readonly string[] = [],
  ): Promise<void> => {
    if (!ok(answer)) {
      results.push({
        title,
        verdict: 'fail',
        evidence: log,
        fix: 'JumpCloud refused this write; the bridge relies on it. Send this report to the project.',
      });
      return;
    }
    const stored = await readBack(log);
    const diffs = [
      ...differences(sent, answer.data, skip).map((d) => `answer: ${d}`),
      ...differences(sent, stored, skip).map((d) => `read back: ${d}`),
    ];
    results.push(
      diffs.length
        ? {
            title,
            verdict: 'fail',
            evidence: [...diffs, ...log],
            fix: 'JumpCloud does not store this as sent: the bridge will see the difference as drift and Entra may re-write it every cycle. Send this report (or a RECORD_DIR recording) to the project.',
          }
        : { title, verdict: 'pass', evidence: ['stored exactly as sent', ...log] },
    );
  };

  try {
    await step(
      `Create a STAGED throwaway user ${username} (phone types, alternateEmail, custom attribute)`,
      createBody,
      created,
      evidence,
    );

    const put = async (title: string, body: Record<string, unknown>, skip: readonly string[] = []): Promise<void> => {
      const log: string[] = [];
      const answer = await call({ method: 'PUT', path: `/api/systemusers/${id}`, body }, log);
      await step(title, body, answer, log, skip);
    };
    await put('PUT with "" clears a field (jobTitle)', { jobTitle: '' });
    await put('PUT replaces the phone numbers whole (one mobile left)', { phoneNumbers: [REPLACEMENT_PHONE] });
    await put('PUT changes alternateEmail', { alternateEmail: changedAlternateEmail(suffix) });
    await put('PUT with "" clears alternateEmail', { alternateEmail: '' });

    const log: string[] = [];
    const other = await call(
      { method: 'GET', path: '/api/systemusers', query: { limit: 2, skip: 0, sort: '_id', fields: '_id' } },
      log,
    );
    const managerId = ok(other)
      ? (other.data as { results?: { _id?: unknown }[] }).results
          ?.map((u) => u._id)
          .find((u): u is string => typeof u === 'string' && u !== id)
      : undefined;
    if (managerId) {
      await put(`PUT sets a manager (${managerId}, only on the throwaway user)`, { manager: managerId });
      await put('PUT with manager null clears the manager', { manager: null });
    } else {
      results.push({
        title: 'PUT with manager null clears the manager',
        verdict: 'skip',
        evidence: ['skipped: no other user to act as manager', ...log],
      });
    }
    results.push(
      ...(await runUnknownProbes({
        call,
        suffix,
        user: { id, username, attributeValue: `doctor-${suffix}` },
        created: (kind, extra) => extras.push({ kind, id: extra }),
      })),
    );
  } finally {
    for (const extra of extras) {
      const log: string[] = [];
      const path = extra.kind === 'user' ? `/api/systemusers/${extra.id}` : `/api/v2/usergroups/${extra.id}`;
      const deleted = await call({ method: 'DELETE', path }, log);
      if (!ok(deleted))
        results.push({
          title: `Delete the probe's throwaway ${extra.kind} ${extra.id}`,
          verdict: 'fail',
          evidence: log,
          fix: `Delete ${extra.kind} ${extra.id} (its name starts with doctor.) in JumpCloud's admin console.`,
        });
    }
    const log: string[] = [];
    const deleted = await call(
      { method: 'DELETE', path: `/api/systemusers/${id}`, query: { cascade_manager: 'null' } },
      log,
    );
    const gone = ok(deleted) ? await call({ method: 'GET', path: `/api/systemusers/${id}` }, log) : undefined;
    const removed = gone !== undefined && 'status' in gone && gone.status === 404;
    results.push(
      removed
        ? { title: `Delete the throwaway user ${username}`, verdict: 'pass', evidence: log }
        : {
            title: `Delete the throwaway user ${username}`,
            verdict: 'fail',
            evidence: log,
            fix: `Delete user ${username} (id ${id}) in JumpCloud's admin console.`,
          },
    );
  }
  return results;
}
