import { JUMPCLOUD_FACTS } from '../jumpcloud/facts.js';
import { isRecord } from '../util/guards.js';
import type { CheckResult } from './checks.js';
import { messageOf, type ProbeAnswer, type ProbeRequest } from './upstream.js';

/**
 * The `--write-check` probes that settle the facts list's unknowns on Entra's hot path against the admin's own org.
 * Each prints JumpCloud's answer: the bridge works with either answer, so an answer is a pass, and only a probe that
 * could not get one (a refused setup, no answer) is a skip. Everything a probe creates is deleted by the write check.
 */
export const WRITE_PROBES = [
  'dottedKeyInOr',
  'searchOperators',
  'putElementIds',
  'duplicateUser',
  'mspWithoutOrgId',
  'groupAttributes',
  'nameSearchCase',
  'emptyEmployeeIdentifier',
  'danglingManager',
  'alternateEmailUnique',
  'boundUserRename',
] as const;

/** Every doctor probe a fact may name: the write probes, and read-only checks and write steps that settle one. */
export const DOCTOR_PROBES: readonly string[] = [
  ...WRITE_PROBES,
  'searchForms',
  'organizations',
  'writePermission',
  'clearWithEmptyString',
];

type WriteProbe = (typeof WRITE_PROBES)[number];

/** Every text the probes make up from the suffix (a recording keeps them, so its replay sends the same bodies). */
function madeUp(suffix: string, username: string) {
  return {
    nobody: `${username}.nobody`,
    nobodyEmail: 'nobody@example.com',
    upperUsername: username.toUpperCase(),
    duplicateEmail: `doctor.duplicate.${suffix}@example.com`,
    groupName: `Doctor-Throwaway-${suffix}`,
    groupSearch: `doctor-throwaway-${suffix}`,
    groupKey: `scimDoctor${suffix}`,
    groupDescription: 'Created by jumpcloud-scim-bridge doctor --write-check and deleted at its end. Safe to delete.',
    second: `doctor.second.${suffix}`,
    secondEmail: `doctor.second.${suffix}@example.com`,
    third: `doctor.third.${suffix}`,
    thirdEmail: `doctor.third.${suffix}@example.com`,
    shared: `doctor.shared.${suffix}@example.com`,
    renamed: `doctor.renamed.${suffix}`,
    phone: '+1 555 010 0177',
  };
}

/** The made-up texts, for the recorder (pseudonymisation keeps them). */
export function probeTexts(suffix: string, username: string): string[] {
  return Object.values(madeUp(suffix, username));
}

const QUESTIONS: Record<WriteProbe, string> = {
  dottedKeyInOr: 'a dotted key into an array (attributes.value) inside an or',
  searchOperators: '$ne, $in and $exists in a search',
  putElementIds: "an element's id inside a PUT's phoneNumbers",
  duplicateUser: "the duplicate-user refusal's text, and whether username uniqueness ignores case",
  mspWithoutOrgId: 'a call without x-org-id',
  groupAttributes: "unknown keys in a user group's attributes",
  nameSearchCase: 'whether v2 filter=name:search: ignores case',
  emptyEmployeeIdentifier: 'employeeIdentifier "" on two users',
  danglingManager: 'a manager id that is no user',
  alternateEmailUnique: 'an alternateEmail another user holds as alternateEmail',
  boundUserRename: 'renaming a user bound to a resource',
};

/** What the read-only doctor says it left unchecked: each write probe's question. */
export function unsettledWithoutWriting(): string[] {
  return WRITE_PROBES.map((p) => `[${p}] ${QUESTIONS[p]}`);
}

const ok = (a: ProbeAnswer): a is Extract<ProbeAnswer, { status: number }> =>
  'status' in a && a.status >= 200 && a.status < 300;
const said = (a: ProbeAnswer): string =>
  'status' in a ? `${a.status}${a.status >= 300 ? ` "${messageOf(a.data)}"` : ''}` : `no answer (${a.error})`;
const totalOf = (a: ProbeAnswer): number | undefined =>
  ok(a) && isRecord(a.data) && typeof a.data.totalCount === 'number' ? a.data.totalCount : undefined;

function bridgeCopes(probe: WriteProbe): string[] {
  const fact = JUMPCLOUD_FACTS.find((f) => f.probe === probe && f.bridge);
  return fact?.bridge ? [`the bridge: ${fact.bridge}`] : [];
}

export interface ProbeContext {
  call(req: ProbeRequest, log: string[]): Promise<ProbeAnswer>;
  suffix: string;
  /** The throwaway user (created STAGED by the write check) and its username, email and custom attribute value. */
  user: { id: string; username: string; attributeValue: string };
  /** Registers something to delete at the end (whatever happens). */
  created(kind: 'user' | 'group', id: string): void;
}

/** Runs every write probe in order; each returns one result. */
export async function runUnknownProbes(c: ProbeContext): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const probe of WRITE_PROBES) {
    const log: string[] = [];
    let answer: string | undefined;
    try {
      answer = await PROBES[probe](c, log);
    } catch (e) {
      log.push(`probe failed: ${(e as Error).message}`);
    }
    results.push(
      answer === undefined
        ? { title: `[${probe}] ${QUESTIONS[probe]}: not settled`, verdict: 'skip', evidence: log }
        : {
            title: `[${probe}] ${QUESTIONS[probe]}: ${answer}`,
            verdict: 'pass',
            evidence: [...bridgeCopes(probe), ...log],
          },
    );
  }
  return results;
}

const t = (c: ProbeContext) => madeUp(c.suffix, c.user.username);

const search = (filter: unknown): ProbeRequest => ({
  method: 'POST',
  path: '/api/search/systemusers',
  query: { limit: 2, skip: 0 },
  body: { filter, fields: '_id username' },
});

/** Each probe: the answer in a few words, or undefined when JumpCloud gave none usable (then the log says why). */
const PROBES: Record<WriteProbe, (c: ProbeContext, log: string[]) => Promise<string | undefined>> = {
  dottedKeyInOr: async (c, log) => {
    const a = await c.call(
      search({ or: [{ username: t(c).nobody }, { 'attributes.value': c.user.attributeValue }] }),
      log,
    );
    const total = totalOf(a);
    if (!ok(a)) return `refused (${said(a)})`;
    return total === 1 ? 'works (found the throwaway user)' : `accepted but misread (${total ?? '?'} users matched)`;
  },
  searchOperators: async (c, log) => {
    const forms: [string, unknown][] = [
      ['$ne', { and: [{ username: c.user.username }, { email: { $ne: t(c).nobodyEmail } }] }],
      ['$in', { and: [{ username: { $in: [c.user.username] } }] }],
      ['$exists', { and: [{ username: c.user.username }, { username: { $exists: true } }] }],
    ];
    const parts: string[] = [];
    for (const [op, filter] of forms) {
      const a = await c.call(search(filter), log);
      parts.push(`${op} ${!ok(a) ? `refused (${said(a)})` : totalOf(a) === 1 ? 'works' : 'misread'}`);
    }
    return parts.join(', ');
  },
  putElementIds: async (c, log) => {
    const read = await c.call({ method: 'GET', path: `/api/systemusers/${c.user.id}` }, log);
    const phones =
      ok(read) && isRecord(read.data) && Array.isArray(read.data.phoneNumbers) ? read.data.phoneNumbers : [];
    const first = phones.find(isRecord);
    if (!first || typeof first.id !== 'string') {
      log.push('the throwaway user has no phone element with an id to send back');
      return undefined;
    }
    const sent = { id: first.id, type: first.type, number: t(c).phone };
    const put = await c.call(
      { method: 'PUT', path: `/api/systemusers/${c.user.id}`, body: { phoneNumbers: [sent] } },
      log,
    );
    if (!ok(put)) return `refused (${said(put)})`;
    const stored =
      isRecord(put.data) && Array.isArray(put.data.phoneNumbers) ? put.data.phoneNumbers.find(isRecord) : undefined;
    return stored?.id === first.id ? 'accepted, the id is kept' : 'accepted, the element gets a new id';
  },
  duplicateUser: async (c, log) => {
    const body = {
      username: t(c).upperUsername,
      email: t(c).duplicateEmail,
      state: 'STAGED',
    };
    const a = await c.call({ method: 'POST', path: '/api/systemusers', body }, log);
    if (ok(a)) {
      if (isRecord(a.data) && typeof a.data._id === 'string') c.created('user', a.data._id);
      return 'accepted: username uniqueness compares case (the bridge still refuses such a pair itself)';
    }
    return `refused, ignoring case: ${said(a)}`;
  },
  mspWithoutOrgId: async (c, log) => {
    const a = await c.call(
      { method: 'GET', path: '/api/systemusers', query: { limit: 1, fields: '_id' }, withoutOrgId: true },
      log,
    );
    return ok(a) ? "served (the key's default organization)" : `refused (${said(a)})`;
  },
  groupAttributes: async (c, log) => {
    const key = t(c).groupKey;
    const a = await c.call(
      {
        method: 'POST',
        path: '/api/v2/usergroups',
        body: {
          name: t(c).groupName,
          description: t(c).groupDescription,
          attributes: { [key]: 'probe' },
        },
      },
      log,
    );
    if (!ok(a) || !isRecord(a.data) || typeof a.data.id !== 'string') {
      log.push('the throwaway group could not be created');
      return undefined;
    }
    c.created('group', a.data.id);
    const got = await c.call({ method: 'GET', path: `/api/v2/usergroups/${a.data.id}` }, log);
    const attrs = ok(got) && isRecord(got.data) && isRecord(got.data.attributes) ? got.data.attributes : {};
    return attrs[key] === 'probe' ? 'stored and returned (members inherit them)' : 'not stored';
  },
  nameSearchCase: async (c, log) => {
    const wanted = t(c).groupSearch;
    const a = await c.call(
      { method: 'GET', path: '/api/v2/usergroups', query: { filter: `name:search:${wanted}`, limit: 10 } },
      log,
    );
    if (!ok(a) || !Array.isArray(a.data)) return undefined;
    const groups = a.data.filter(isRecord);
    if (!groups.some((g) => typeof g.name === 'string' && g.name.toLowerCase() === wanted)) {
      // Without the group the groupAttributes probe made, the lower-case search finding nothing proves nothing.
      const exact = await c.call(
        {
          method: 'GET',
          path: '/api/v2/usergroups',
          query: { filter: `name:search:${t(c).groupName}`, limit: 10 },
        },
        log,
      );
      if (!ok(exact) || !Array.isArray(exact.data) || exact.data.length === 0) return undefined;
      return 'compares case';
    }
    return 'ignores case';
  },
  emptyEmployeeIdentifier: async (c, log) => {
    const second = await c.call(
      {
        method: 'POST',
        path: '/api/systemusers',
        body: {
          username: t(c).second,
          email: t(c).secondEmail,
          state: 'STAGED',
        },
      },
      log,
    );
    if (!ok(second) || !isRecord(second.data) || typeof second.data._id !== 'string') return undefined;
    c.created('user', second.data._id);
    const put = (id: string): Promise<ProbeAnswer> =>
      c.call({ method: 'PUT', path: `/api/systemusers/${id}`, body: { employeeIdentifier: '' } }, log);
    const a = await put(c.user.id);
    const b = await put(second.data._id);
    if (!ok(a)) return `refused on the first user (${said(a)})`;
    return ok(b) ? 'no clash ("" means none)' : `a duplicate (${said(b)})`;
  },
  danglingManager: async (c, log) => {
    const a = await c.call(
      { method: 'PUT', path: `/api/systemusers/${c.user.id}`, body: { manager: '000000000000000000000000' } },
      log,
    );
    if (!ok(a)) return `refused (${said(a)})`;
    await c.call({ method: 'PUT', path: `/api/systemusers/${c.user.id}`, body: { manager: null } }, log);
    return 'stored dangling';
  },
  alternateEmailUnique: async (c, log) => {
    const alternateEmail = t(c).shared;
    const held = await c.call({ method: 'PUT', path: `/api/systemusers/${c.user.id}`, body: { alternateEmail } }, log);
    if (!ok(held)) return undefined;
    const a = await c.call(
      {
        method: 'POST',
        path: '/api/systemusers',
        body: {
          username: t(c).third,
          email: t(c).thirdEmail,
          alternateEmail,
          state: 'STAGED',
        },
      },
      log,
    );
    if (ok(a)) {
      if (isRecord(a.data) && typeof a.data._id === 'string') c.created('user', a.data._id);
      return 'accepted: not unique';
    }
    return `refused: unique (${said(a)})`;
  },
  boundUserRename: async (c, log) => {
    // Binding the throwaway user to a device or an app would touch real resources, so only the unbound rename is
    // tried; the bound case is JumpCloud's documented refusal, which the bridge answers by keeping the username.
    const renamed = t(c).renamed;
    const a = await c.call({ method: 'PUT', path: `/api/systemusers/${c.user.id}`, body: { username: renamed } }, log);
    if (!ok(a)) return `refused even unbound (${said(a)})`;
    await c.call({ method: 'PUT', path: `/api/systemusers/${c.user.id}`, body: { username: c.user.username } }, log);
    log.push('not forced: a bound user was not created; JumpCloud documents that its username cannot change');
    return 'an unbound user is renamed; bound users are refused (documented, not forced)';
  },
};
