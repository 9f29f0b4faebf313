import { randomBytes } from 'node:crypto';
import type { UserTable } from '../mapping/attribute-table.js';
import { userFields } from '../mapping/user-fields.js';
import { regex } from '../mapping/user-query.js';
import { UPSTREAM_PAGE } from '../resources/users.js';
import { consoleProbe, describeCall, messageOf, type Probe, type ProbeAnswer, type ProbeRequest } from './upstream.js';
import { searchForms } from './search-forms.js';

export type Verdict = 'pass' | 'fail' | 'skip';

export interface CheckResult {
  title: string;
  verdict: Verdict;
  /** What was asked and what JumpCloud answered, one line each. */
  evidence: string[];
  /** What the admin should do, for a failure. */
  fix?: string;
}

/** JumpCloud's consoles, one per region; a key works only on the console of the region it was made in. */
const REGIONS: Readonly<Record<string, string>> = {
  US: 'https://console.jumpcloud.com',
  EU: 'https://console.eu.jumpcloud.com',
  IN: 'https://console.in.jumpcloud.com',
};

export interface DoctorSettings {
  jumpcloudUrl: string;
  orgId: string | undefined;
  apiKey: string;
  table: UserTable;
  maxFilterScan: number;
  timeoutMs: number;
  /** Consoles tried with the key after a 401 (default: the other JumpCloud regions; tests use emulators). */
  regions?: Readonly<Record<string, string>>;
  /** The probe on the configured console (default: the bridge's transport, no retries). */
  probe?: Probe;
  /** The value search probes use (random by default; a replayed recording needs the one it was made with). */
  token?: string;
  /** Makes a probe for another region's console. */
  probeFor?: (baseUrl: string) => { probe: Probe; close(): void };
}

/** Facts one check finds and later checks use. */
interface Found {
  first?: ProbeAnswer;
  keyWorks: boolean;
  users?: number;
  groups?: number;
  pageMs?: number;
  sample: { _id: string; username: string }[];
}

const NOT_AN_ID = '000000000000000000000000';
const ok = (a: ProbeAnswer | undefined): a is Extract<ProbeAnswer, { status: number }> =>
  !!a && 'status' in a && a.status >= 200 && a.status < 300;
const statusOf = (a: ProbeAnswer | undefined): number | undefined => (a && 'status' in a ? a.status : undefined);
const isOrgRefusal = (a: ProbeAnswer | undefined): boolean =>
  !!a &&
  'status' in a &&
  [401, 404, 400, 403].includes(a.status) &&
  /organi[sz]ation|multi-tenant|org id/i.test(messageOf(a.data));
const plural = (n: number, word: string): string => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

function regionOf(url: string, regions: Readonly<Record<string, string>> = REGIONS): string | undefined {
  return Object.entries(regions).find(([, u]) => u === url)?.[0];
}

function looksLikeJson(a: Extract<ProbeAnswer, { status: number }>): boolean {
  const type = String(a.headers['content-type'] ?? '');
  return /json/i.test(type) || (typeof a.data === 'object' && a.data !== null);
}

/**
 * The read-only checks, in order. Each returns one result; a check that needs what an earlier one could not
 * establish is skipped (and a skip is not a pass). Nothing here writes: the one PUT goes to an id that cannot
 * exist, to learn whether the key may write at all.
 */
export async function runChecks(settings: DoctorSettings): Promise<CheckResult[]> {
  const own = settings.probe
    ? undefined
    : consoleProbe({
        baseUrl: settings.jumpcloudUrl,
        apiKey: settings.apiKey,
        ...(settings.orgId ? { orgId: settings.orgId } : {}),
        timeoutMs: settings.timeoutMs,
      });
  const probe = settings.probe ?? (own as NonNullable<typeof own>).probe;
  const found: Found = { keyWorks: false, sample: [] };
  const call = async (req: ProbeRequest, log: string[]): Promise<ProbeAnswer> => {
    const answer = await probe(req);
    log.push(describeCall(req, answer));
    return answer;
  };
  try {
    const results: CheckResult[] = [];
    const consoleCheck = await checkConsole(settings, found, call);
    results.push(consoleCheck);
    const reachable = consoleCheck.verdict === 'pass';
    const step = async (title: string, needs: boolean, why: string, run: () => Promise<CheckResult>): Promise<void> => {
      results.push(needs ? await run() : { title, verdict: 'skip', evidence: [`skipped: ${why}`] });
    };
    await step('API key is valid and may write', reachable, 'the console did not answer as expected', () =>
      checkKey(found, call),
    );
    await step('x-org-id (multi-tenant keys)', reachable, 'the console did not answer as expected', () =>
      checkOrg(settings, found, call),
    );
    const usable = (): boolean => found.keyWorks;
    await step(
      'Users and user groups can be listed',
      usable(),
      'needs a working key (and x-org-id for an MSP key)',
      () => checkLists(found, call),
    );
    await step('Search accepts every expression form the bridge sends', usable(), 'needs a working key', () =>
      checkSearchForms(settings, call),
    );
    await step(
      'Searches return the fields the bridge reads',
      usable() && found.users !== undefined,
      'needs the user list',
      () => checkFields(settings, found, call),
    );
    await step('Custom attributes named by the mapping', usable(), 'needs a working key', () =>
      checkCustomAttributes(settings, call),
    );
    await step('Directory size and unpushable filters', found.users !== undefined, 'needs the user count', async () =>
      checkSize(settings, found),
    );
    return results;
  } finally {
    own?.close();
  }
}

type Call = (req: ProbeRequest, log: string[]) => Promise<ProbeAnswer>;

async function checkConsole(settings: DoctorSettings, found: Found, call: Call): Promise<CheckResult> {
  const title = 'Console URL answers and the region is right';
  const regions = settings.regions ?? REGIONS;
  const evidence: string[] = [];
  const region = regionOf(settings.jumpcloudUrl, regions);
  evidence.push(
    region
      ? `${settings.jumpcloudUrl} is JumpCloud's ${region} console`
      : `${settings.jumpcloudUrl} is not one of JumpCloud's consoles (${Object.values(regions).join(', ')}): an emulator or a proxy`,
  );
  const first = await call({ method: 'GET', path: '/api/systemusers', query: { limit: 1, fields: '_id' } }, evidence);
  found.first = first;
  const urlFix = `Set JUMPCLOUD_URL to the console your admin portal runs on: ${Object.entries(regions)
    .map(([r, u]) => `${u} (${r})`)
    .join(', ')}.`;
  if ('error' in first)
    return {
      title,
      verdict: 'fail',
      evidence,
      fix: `${urlFix} Check that this host can reach it over HTTPS (proxy, firewall, DNS).`,
    };
  if (first.status >= 300 && first.status < 400) {
    return {
      title,
      verdict: 'fail',
      evidence: [
        ...evidence,
        `redirect to ${String(first.headers.location ?? '?')}: JumpCloud's answer when no key arrives`,
      ],
      fix: `${urlFix} A proxy in between may be stripping the x-api-key header.`,
    };
  }
  if (!looksLikeJson(first))
    return {
      title,
      verdict: 'fail',
      evidence: [...evidence, "the answer is not JSON: this is not JumpCloud's API"],
      fix: urlFix,
    };
  // 401 for the key itself, not JumpCloud refusing the org id.
  const keyRefused = first.status === 401 && !isOrgRefusal(first);
  if (keyRefused && !region) {
    evidence.push("other regions not tried: the key only goes to JumpCloud's own consoles, and this URL is not one");
  } else if (keyRefused) {
    // A key is known only to the console of its own region, which answers 401 like for a wrong key. Ask the others.
    for (const [name, url] of Object.entries(regions)) {
      if (url === settings.jumpcloudUrl) continue;
      const other = (
        settings.probeFor ??
        ((baseUrl: string) => consoleProbe({ baseUrl, apiKey: settings.apiKey, timeoutMs: settings.timeoutMs }))
      )(url);
      try {
        const answer = await other.probe({
          method: 'GET',
          path: '/api/systemusers',
          query: { limit: 1, fields: '_id' },
          withoutOrgId: true,
        });
        evidence.push(
          `${name} console: ${describeCall({ method: 'GET', path: '/api/systemusers', query: { limit: 1, fields: '_id' } }, answer)}`,
        );
        if (ok(answer)) {
          return {
            title,
            verdict: 'fail',
            evidence: [
              ...evidence,
              `the key is rejected here (401) but accepted by the ${name} console: it belongs to the ${name} region`,
            ],
            fix: `Set JUMPCLOUD_URL=${url}`,
          };
        }
      } finally {
        other.close();
      }
    }
    evidence.push('no other region accepts the key either: the region is not the problem');
  }
  if (first.status >= 500)
    return {
      title,
      verdict: 'fail',
      evidence,
      fix: 'JumpCloud is failing right now; try again in a few minutes and check status.jumpcloud.com.',
    };
  return { title, verdict: 'pass', evidence };
}

async function checkKey(found: Found, call: Call): Promise<CheckResult> {
  const title = 'API key is valid and may write';
  const first = found.first;
  const evidence: string[] = [];
  if (statusOf(first) === 401 && !isOrgRefusal(first)) {
    return {
      title,
      verdict: 'fail',
      evidence: [`JumpCloud answered 401 "${messageOf(first && 'status' in first ? first.data : '')}" to the key`],
      fix: "Copy the key again from JumpCloud's admin console (your name → My API Key). Keys belong to one administrator, and generating a new key invalidates the old one.",
    };
  }
  if (isOrgRefusal(first)) {
    found.keyWorks = false;
    return {
      title,
      verdict: 'pass',
      evidence: ['the key is known (JumpCloud refused the organization, not the key; see the next check)'],
    };
  }
  if (!ok(first))
    return { title, verdict: 'fail', evidence: [`unexpected answer ${statusOf(first) ?? 'none'} to the first read`] };
  found.keyWorks = true;
  evidence.push('the key reads: GET /api/systemusers answered 200');
  // An update of an id that cannot exist changes nothing; it tells a read-only administrator (403) from one who may write (404).
  const put = await call({ method: 'PUT', path: `/api/systemusers/${NOT_AN_ID}`, body: {} }, evidence);
  if (statusOf(put) === 403) {
    return {
      title,
      verdict: 'fail',
      evidence: [...evidence, 'JumpCloud refuses writes with this key: its administrator has a read-only role'],
      fix: 'Use the key of an administrator with the Administrator (or Manager) role; the bridge creates, updates and deletes users and groups.',
    };
  }
  if (statusOf(put) === 404 || statusOf(put) === 400)
    return {
      title,
      verdict: 'pass',
      evidence: [
        ...evidence,
        'writes are not refused (an update of an id that cannot exist was answered "not found", not 403)',
      ],
    };
  return {
    title,
    verdict: 'fail',
    evidence: [...evidence, 'could not tell whether the key may write'],
    fix: 'Run `doctor --write-check` to try a real write on a throwaway user.',
  };
}

async function checkOrg(settings: DoctorSettings, found: Found, call: Call): Promise<CheckResult> {
  const title = 'x-org-id (multi-tenant keys)';
  const evidence: string[] = [];
  const orgs = await call(
    { method: 'GET', path: '/api/organizations', query: { limit: 100, fields: '_id displayName' }, withoutOrgId: true },
    evidence,
  );
  const list =
    ok(orgs) && Array.isArray((orgs.data as { results?: unknown }).results)
      ? (orgs.data as { results: { _id?: unknown; displayName?: unknown }[] }).results
      : undefined;
  const named = (list ?? []).map((o) => `${String(o._id)} (${String(o.displayName ?? '')})`);
  const first = found.first;
  if (settings.orgId) {
    const listed = list?.some((o) => o._id === settings.orgId);
    if (isOrgRefusal(first) || (list && !listed)) {
      return {
        title,
        verdict: 'fail',
        evidence: [
          ...evidence,
          `JUMPCLOUD_ORG_ID=${settings.orgId} is not an organization this key reaches${named.length ? `; it reaches: ${named.join(', ')}` : ''}`,
          ...(isOrgRefusal(first)
            ? [`the first read was refused: "${messageOf(first && 'status' in first ? first.data : '')}"`]
            : []),
        ],
        fix: named.length
          ? `Set JUMPCLOUD_ORG_ID to one of: ${named.join(', ')}`
          : 'Check JUMPCLOUD_ORG_ID (Settings → Organization profile in the admin console).',
      };
    }
    found.keyWorks = ok(first);
    return {
      title,
      verdict: 'pass',
      evidence: [
        ...evidence,
        `x-org-id ${settings.orgId} is accepted${listed ? ` and is one of ${plural(list?.length ?? 0, 'organization')} this key reaches` : ''}`,
      ],
    };
  }
  if (isOrgRefusal(first) || (list && list.length > 1)) {
    found.keyWorks = false;
    return {
      title,
      verdict: 'fail',
      evidence: [
        ...evidence,
        `this is a multi-tenant (MSP) key reaching ${list ? plural(list.length, 'organization') : 'several organizations'}; without x-org-id JumpCloud refuses the call or silently uses the key's default organization`,
        ...(isOrgRefusal(first)
          ? [`the first read was refused: "${messageOf(first && 'status' in first ? first.data : '')}"`]
          : []),
      ],
      fix: `Set JUMPCLOUD_ORG_ID to the organization the bridge should provision${named.length ? `: one of ${named.join(', ')}` : ''}.`,
    };
  }
  return {
    title,
    verdict: 'pass',
    evidence: [
      ...evidence,
      list
        ? `not needed: the key reaches one organization${named[0] ? `, ${named[0]}` : ''}`
        : 'not needed: reads work without it',
    ],
  };
}

async function checkLists(found: Found, call: Call): Promise<CheckResult> {
  const title = 'Users and user groups can be listed';
  const evidence: string[] = [];
  const users = await call(
    { method: 'GET', path: '/api/systemusers', query: { limit: 3, skip: 0, sort: '_id', fields: '_id username' } },
    evidence,
  );
  const groups = await call({ method: 'GET', path: '/api/v2/usergroups', query: { limit: 1, skip: 0 } }, evidence);
  if (!ok(users) || !ok(groups))
    return { title, verdict: 'fail', evidence, fix: "Give the key's administrator access to Users and User Groups." };
  const body = users.data as { totalCount?: unknown; results?: unknown };
  found.users = typeof body.totalCount === 'number' ? body.totalCount : 0;
  found.pageMs = users.ms;
  found.sample = (Array.isArray(body.results) ? body.results : []).filter(
    (u): u is { _id: string; username: string } => typeof u?._id === 'string' && typeof u?.username === 'string',
  );
  const header = Number(groups.headers['x-total-count']);
  found.groups = Number.isFinite(header) ? header : Array.isArray(groups.data) ? groups.data.length : 0;
  return {
    title,
    verdict: 'pass',
    evidence: [...evidence, `${plural(found.users, 'user')}, ${plural(found.groups, 'user group')}`],
  };
}

async function checkSearchForms(settings: DoctorSettings, call: Call): Promise<CheckResult> {
  const title = 'Search accepts every expression form the bridge sends';
  const token = settings.token ?? `zzdoctor${randomBytes(5).toString('hex')}`;
  const forms = searchForms(settings.table, token);
  const evidence: string[] = [
    `${forms.length} forms, from the bridge's own query planner over the attribute table; each probe matches no user (value "${token}")`,
  ];
  const failed: string[] = [];
  for (const form of forms) {
    const lines: string[] = [];
    const answer = await call(
      {
        method: 'POST',
        path: '/api/search/systemusers',
        query: { limit: 1, skip: 0 },
        body: { filter: form.probe, fields: '_id' },
      },
      lines,
    );
    const total = ok(answer) ? (answer.data as { totalCount?: unknown }).totalCount : undefined;
    const usedBy = `used by ${form.usedBy.slice(0, 3).join('; ')}${form.usedBy.length > 3 ? ` and ${form.usedBy.length - 3} more` : ''}`;
    const status = 'status' in answer ? answer.status : undefined;
    if (status === 429 || (status !== undefined && status >= 500) || 'error' in answer)
      failed.push(
        `✗ ${form.form}: no verdict, JumpCloud did not answer it (throttled or failing) — ${lines[0] ?? ''} — run doctor again`,
      );
    else if (!ok(answer)) failed.push(`✗ ${form.form}: refused — ${lines[0] ?? ''} — ${usedBy}`);
    else if (total !== 0)
      failed.push(
        `✗ ${form.form}: matched ${String(total)} users for a value nobody has — JumpCloud does not read it as the bridge means it — ${usedBy}`,
      );
    else evidence.push(`✓ ${form.form}: 0 users in ${answer.ms} ms`);
  }
  if (failed.length === 0) return { title, verdict: 'pass', evidence };
  return {
    title,
    verdict: 'fail',
    evidence: [...failed, ...evidence],
    fix: "SCIM filters that need a refused form will fail or return wrong users. Send this report (and a RECORD_DIR recording of `doctor`) to the project; meanwhile keep Entra's matching on attributes whose forms passed.",
  };
}

async function checkFields(settings: DoctorSettings, found: Found, call: Call): Promise<CheckResult> {
  const title = 'Searches return the fields the bridge reads';
  const fields = userFields(settings.table);
  const evidence: string[] = [`the bridge asks for: ${fields}`];
  if (found.sample.length === 0)
    return {
      title,
      verdict: 'pass',
      evidence: [...evidence, 'no users yet: nothing to compare (run `doctor --write-check` to try one)'],
    };
  const missing = new Set<string>();
  const omittedByDefault = new Set<string>();
  for (const user of found.sample) {
    const full = await call({ method: 'GET', path: `/api/systemusers/${user._id}` }, evidence);
    const search = { filter: { and: [{ username: regex('eq', user.username, false) }] } };
    const asked = await call(
      { method: 'POST', path: '/api/search/systemusers', query: { limit: 1, skip: 0 }, body: { ...search, fields } },
      evidence,
    );
    const byDefault = await call(
      { method: 'POST', path: '/api/search/systemusers', query: { limit: 1, skip: 0 }, body: search },
      evidence,
    );
    if (!ok(full) || !ok(asked))
      return { title, verdict: 'fail', evidence, fix: 'The reads above failed; fix the earlier checks first.' };
    const record = full.data as Record<string, unknown>;
    const first = (a: ProbeAnswer): Record<string, unknown> =>
      (ok(a) ? (a.data as { results?: Record<string, unknown>[] }).results?.[0] : undefined) ?? {};
    for (const f of fields.split(' ')) {
      const has = record[f] !== undefined;
      if (has && first(asked)[f] === undefined) missing.add(f);
      if (has && first(byDefault)[f] === undefined) omittedByDefault.add(f);
    }
  }
  const note = omittedByDefault.size
    ? `without "fields" JumpCloud leaves out: ${[...omittedByDefault].join(', ')} (the bridge always names its fields, so this is only for the record)`
    : 'without "fields" JumpCloud returns every field the bridge reads';
  if (missing.size === 0)
    return {
      title,
      verdict: 'pass',
      evidence: [
        ...evidence,
        `${plural(found.sample.length, 'user')} compared with GET /api/systemusers/{id}: every field the bridge reads came back`,
        note,
      ],
    };
  return {
    title,
    verdict: 'fail',
    evidence: [...evidence, `the search dropped ${[...missing].join(', ')}, which GET /api/systemusers/{id} has`, note],
    fix: 'SCIM attributes stored in those fields would read as empty and Entra would re-write them every cycle. Send this report to the project.',
  };
}

async function checkCustomAttributes(settings: DoctorSettings, call: Call): Promise<CheckResult> {
  const title = 'Custom attributes named by the mapping';
  const names = [...new Set(settings.table.rows.flatMap((r) => (r.target.kind === 'custom' ? [r.target.name] : [])))];
  const evidence: string[] = [];
  const lines: string[] = [];
  for (const name of names) {
    const answer = await call(
      {
        method: 'POST',
        path: '/api/search/systemusers',
        query: { limit: 1, skip: 0 },
        body: { filter: { and: [{ 'attributes.name': name }] }, fields: '_id' },
      },
      evidence,
    );
    if (!ok(answer))
      return {
        title,
        verdict: 'fail',
        evidence,
        fix: 'JumpCloud would not say which users carry these attributes; check the search-forms result above (dotted keys).',
      };
    const total = Number((answer.data as { totalCount?: unknown }).totalCount ?? 0);
    lines.push(
      total > 0
        ? `${name}: on ${plural(total, 'user')} (the bridge reads and updates it on the users it provisions)`
        : `${name}: on no user, free for the bridge`,
    );
  }
  return { title, verdict: 'pass', evidence: [...lines, ...evidence] };
}

function checkSize(settings: DoctorSettings, found: Found): CheckResult {
  const title = 'Directory size and unpushable filters';
  const users = found.users ?? 0;
  const pages = Math.max(1, Math.ceil(users / UPSTREAM_PAGE));
  const seconds = ((found.pageMs ?? 0) * pages) / 1000;
  const evidence = [
    `${plural(users, 'user')}: a filter JumpCloud cannot answer alone (a dateTime or ordered comparison, "or" across attributes with a residual, sortBy) reads ${plural(pages, 'page')} of ${UPSTREAM_PAGE}, about ${seconds.toFixed(1)} s at the ${found.pageMs ?? 0} ms one page took`,
    `MAX_FILTER_SCAN=${settings.maxFilterScan}`,
  ];
  if (users <= settings.maxFilterScan)
    return { title, verdict: 'pass', evidence: [...evidence, 'within the bound: such filters are answered'] };
  return {
    title,
    verdict: 'fail',
    evidence: [...evidence, `the directory is larger than the bound: such filters are refused with 400 tooMany`],
    fix: `Raise MAX_FILTER_SCAN to at least ${users} if those filters must work (each then costs ${pages} JumpCloud calls and must finish inside Entra's 60 s), or keep Entra's filters to ones JumpCloud can answer (eq on userName, emails, externalId).`,
  };
}
