import path from 'node:path';
import { expect } from 'chai';
import { packageRoot } from '../../../src/config.js';
import { compileRegex } from '../../../src/emulator/search-filter.js';
import { loadAttributeTable } from '../../../src/mapping/attribute-table.js';
import { escapeRegex, planUserQuery, valuesCompared } from '../../../src/mapping/user-query.js';
import { parseFilter } from '../../../src/scim/filter.js';
import type { Filter } from '../../../src/scim/filter.js';
import { filterAttributes, validateFilter } from '../../../src/scim/filter-eval.js';
import type { SearchCondition, SearchExpression } from '../../../src/jumpcloud/types.js';
import { expandFilter, filterCases, KNOWN_ISSUES } from '../../fixtures/directory/directory.js';
import { scimErrorOf } from '../../helpers/scim-error.js';
import { prng } from '../../helpers/prng.js';

const table = loadAttributeTable(path.join(packageRoot(), 'config', 'mapping.json'), {
  deriveUsernameFromEmail: false,
}).users;
/** Stand-in ids for `{{id:…}}` placeholders, so the pinned plans are literal. */
const FAKE_IDS: Record<string, string> = { bjensen: 'a1b2c3d4e5f6a7b8c9d0e1f2', aLICE: 'b1b2c3d4e5f6a7b8c9d0e1f2' };
const expand = (text: string): string =>
  expandFilter(text, (u) => {
    const id = FAKE_IDS[u];
    if (!id) throw new Error(`no fake id for ${u}`);
    return id;
  });

/** What the bridge does with a filter before any upstream call: parse, validate against /Schemas, plan. */
function plan(text: string): ReturnType<typeof planUserQuery> {
  const f = parseFilter(text);
  validateFilter(f, table.schema);
  return planUserQuery(f, table);
}

const cases = filterCases();
const valid = cases.filter((c) => !c.error);
const invalid = cases.filter((c) => c.error);

/** JumpCloud fields a plan may name: every field the attribute table can search. */
const SEARCH_FIELDS = new Set([
  'username',
  'email',
  'alternateEmail',
  'state',
  'firstname',
  'middlename',
  'lastname',
  'displayname',
  'jobTitle',
  'employeeType',
  'location',
  'suspended',
  'attributes.value',
  'phoneNumbers.number',
  'phoneNumbers.type',
  'addresses.type',
  'addresses.streetAddress',
  'addresses.locality',
  'addresses.region',
  'addresses.postalCode',
  'addresses.country',
  'employeeIdentifier',
  'costCenter',
  'company',
  'department',
  'manager',
]);
const OPERATORS = new Set(['$regex', '$ne', '$gt', '$gte', '$lt', '$lte']);
const META = new Set([...'\\^$.*+?()[]{}|']);

/**
 * Reads a planned `$regex` as a literal: an optional `(?i)`, an optional leading `^`, escaped characters, an optional
 * trailing `$`. Throws on anything else — an unescaped quantifier, group, class or alternation — so a regex that
 * passes has no backtracking by construction and can match only the one literal.
 */
function regexLiteral(re: string): { caseInsensitive: boolean; start: boolean; end: boolean; literal: string } {
  let s = re;
  const caseInsensitive = s.startsWith('(?i)');
  if (caseInsensitive) s = s.slice(4);
  const start = s.startsWith('^');
  if (start) s = s.slice(1);
  let literal = '';
  let end = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c === '\\') {
      const e = s[i + 1];
      if (e === undefined) throw new Error(`dangling backslash in ${re}`);
      // Control-character escapes mean the same single character in PCRE, RE2 and JavaScript.
      const control: Record<string, string> = { t: '\t', n: '\n', r: '\r', f: '\f', v: '\v' };
      if (control[e] !== undefined) {
        literal += control[e];
        i += 1;
        continue;
      }
      if (/[A-Za-z0-9]/.test(e)) throw new Error(`escape '\\${e}' has a regex meaning in ${re}`);
      literal += e;
      i++;
      continue;
    }
    if (c === '$' && i === s.length - 1) {
      end = true;
      continue;
    }
    if (META.has(c)) throw new Error(`unescaped '${c}' at ${i} in ${re}`);
    literal += c;
  }
  return { caseInsensitive, start, end, literal };
}

/** Every condition of a plan, checked for shape: known field, plain value or one known operator. */
function conditions(search: { and: SearchExpression[] } | { or: SearchExpression[] }): [string, SearchCondition][] {
  const keys = Object.keys(search);
  expect(keys).to.have.length(1);
  const list = 'and' in search ? search.and : search.or;
  const out: [string, SearchCondition][] = [];
  for (const expr of list) {
    const entries = Object.entries(expr);
    expect(entries, JSON.stringify(expr)).to.have.length(1);
    for (const [field, cond] of entries) {
      expect(SEARCH_FIELDS.has(field), `field ${field}`).to.equal(true);
      if (cond !== null && typeof cond === 'object') {
        const ops = Object.keys(cond);
        expect(ops, JSON.stringify(cond)).to.have.length(1);
        expect(OPERATORS.has(ops[0] as string), `operator ${ops[0]}`).to.equal(true);
        const operand = (cond as Record<string, unknown>)[ops[0] as string];
        expect(['string', 'boolean'].includes(typeof operand), JSON.stringify(cond)).to.equal(true);
      } else {
        expect(['string', 'boolean'].includes(typeof cond), JSON.stringify(cond)).to.equal(true);
      }
      out.push([field, cond]);
    }
  }
  return out;
}

const ALPHABET = [
  ...'\\^$.*+?()[]{}|/#-"\'`~!@%&=:;,<>',
  ...'aZ09_ ',
  '\t',
  '\n',
  '\r',
  '\f',
  '\v',
  '\u0000',
  '\u0001',
  '\u007f',
  '\u00a0',
  '\u2028',
  '\u2029',
  '\ufeff',
  'é',
  'Ö',
  'ß',
  'İ',
  'ſ',
  '\u212a',
  'Ω',
  '李',
  '🚀',
  '\ud83d',
  '\ude80',
  '(?i)',
  '.*',
  '^$',
  '$where',
  '{"$gt":""}',
  '\\u0041',
  '\\x41',
  '\\1',
  '(a+)+',
  '[^]',
  '\\b',
  '\\Q',
  '\\E',
];
function randomString(rand: () => number): string {
  const len = 1 + Math.floor(rand() * 24);
  let s = '';
  for (let i = 0; i < len; i++) s += ALPHABET[Math.floor(rand() * ALPHABET.length)];
  return s;
}

describe('planUserQuery: SCIM filter → JumpCloud search body (pinned)', () => {
  it('has cases for every operator, every attribute the table can search, and every way a filter is refused', () => {
    const named = new Set(
      valid.flatMap((c) => filterAttributes(parseFilter(expand(c.filter))).map((p) => table.rowFor(p)?.scim)),
    );
    expect(
      table.rows.filter((r) => r.codec.search && !named.has(r.scim)).map((r) => r.scim),
      'searchable rows without a case',
    ).to.deep.equal([]);
    const refusals = new Set(
      invalid.map((c) =>
        /^Invalid filter at position \d+/.test(c.error?.detail ?? '')
          ? 'syntax'
          : /is not supported by this bridge/.test(c.error?.detail ?? '')
            ? 'unknown attribute'
            : 'misuse of an attribute',
      ),
    );
    expect([...refusals].sort()).to.deep.equal(['misuse of an attribute', 'syntax', 'unknown attribute']);
    const ops = new Set(
      valid.flatMap((c) =>
        [...c.filter.matchAll(/\s(eq|ne|co|sw|ew|gt|ge|lt|le|pr)\b/gi)].map((m) => (m[1] as string).toLowerCase()),
      ),
    );
    expect([...ops].sort()).to.deep.equal(['co', 'eq', 'ew', 'ge', 'gt', 'le', 'lt', 'ne', 'pr', 'sw']);
    for (const c of cases) if (c.known) expect(KNOWN_ISSUES).to.have.property(c.known);
  });

  describe('valid filters: exact upstream body and residual', () => {
    for (const c of valid) {
      it(`${c.name}: ${c.filter.slice(0, 100)}`, () => {
        const p = plan(expand(c.filter));
        expect(p.search ?? null).to.deep.equal(c.search);
        expect(p.residual !== undefined, 'residual').to.equal(c.residual);
      });
    }
  });

  describe('invalid filters: SCIM error', () => {
    for (const c of invalid) {
      it(`${c.name}: ${c.filter.slice(0, 80)}`, () => {
        const e = scimErrorOf(() => plan(expand(c.filter)));
        expect({ status: e.status, scimType: e.scimType, detail: e.detail }).to.deep.equal(c.error);
      });
    }
  });

  describe('query shape cannot be changed by values', () => {
    it('every planned condition names a known field with a plain value or a single known operator', () => {
      for (const c of valid) if (c.search) conditions(c.search);
    });

    it('every planned $regex is an anchored/escaped literal (no unescaped quantifier, group, class or alternation)', () => {
      const adversarial = `${'a'.repeat(10_000)}!`;
      const regexOps = new Set<string>();
      for (const c of valid) {
        const p = plan(expand(c.filter));
        if (!p.search) continue;
        for (const [, cond] of conditions(p.search)) {
          if (cond === null || typeof cond !== 'object' || cond.$regex === undefined) continue;
          const compared = parseFilter(expand(c.filter));
          if (compared.kind === 'compare') regexOps.add(compared.op);
          const { literal } = regexLiteral(cond.$regex);
          const re = compileRegex(cond.$regex);
          expect(re.test(literal), `${cond.$regex} matches its own literal`).to.equal(true);
          re.test(adversarial); // linear by construction (checked above); must not throw
        }
      }
      // Every operator that is pushed down as a regex (eq ignoring case, co, sw, ew) had its regexes checked here.
      expect([...regexOps].sort()).to.deep.equal(['co', 'eq', 'ew', 'sw']);
    });

    const hostile = valid.filter(
      (c) => /^(displayName|externalId|userName) (eq|co|sw|ew) /.test(c.filter) && !/ (and|or) /i.test(c.filter),
    );
    for (const c of hostile) {
      it(`the value of '${c.filter.slice(0, 60)}' appears once, as a literal`, () => {
        const f = parseFilter(expand(c.filter)) as Extract<Filter, { kind: 'compare' }>;
        const value = f.value as string;
        const p = plan(expand(c.filter));
        const conds = conditions(p.search as NonNullable<typeof p.search>);
        // userName eq also searches the recorded userName (a kept rename): the same literal, once per field.
        expect(conds.map(([field]) => field)).to.deep.equal(
          f.op === 'eq' && /^userName/.test(c.filter) ? ['username', 'attributes.value'] : [conds[0]?.[0]],
        );
        for (const [, cond] of conds) {
          if (typeof cond === 'string') {
            expect(cond).to.equal(value);
          } else {
            const parsed = regexLiteral((cond as { $regex: string }).$regex);
            expect(parsed.literal).to.equal(value);
            expect({ start: parsed.start, end: parsed.end }).to.deep.equal({
              start: f.op === 'eq' || f.op === 'sw',
              end: f.op === 'eq' || f.op === 'ew',
            });
          }
        }
      });
    }

    it('fuzz: 500 random strings × eq/co/sw/ew on a case-insensitive and a case-exact attribute match themselves and only themselves', () => {
      const rand = prng(0x5c1a);
      for (let n = 0; n < 500; n++) {
        const value = randomString(rand);
        for (const attr of ['displayName', 'externalId'] as const) {
          for (const op of ['eq', 'co', 'sw', 'ew'] as const) {
            const text = `${attr} ${op} ${JSON.stringify(value)}`;
            const f = parseFilter(text);
            expect((f as Extract<Filter, { kind: 'compare' }>).value, text).to.equal(value);
            const p = plan(text);
            const conds = conditions(p.search as NonNullable<typeof p.search>);
            expect(conds, text).to.have.length(1);
            const [, cond] = conds[0] as [string, SearchCondition];
            if (attr === 'externalId' && op === 'eq') {
              expect(cond, text).to.equal(value);
              continue;
            }
            const source = (cond as { $regex: string }).$regex;
            const parsed = regexLiteral(source);
            expect(parsed.literal, text).to.equal(value);
            expect(parsed.caseInsensitive, text).to.equal(attr === 'displayName');
            const re = compileRegex(source);
            expect(re.test(value), `${source} on ${JSON.stringify(value)}`).to.equal(true);
            const other = value.startsWith('\u0001') ? '\u0002' : '\u0001'; // no case variants
            if (op === 'eq') {
              expect(re.test(value + other), text).to.equal(false);
              expect(re.test(other + value), text).to.equal(false);
              expect(re.test(other + value.slice(1)), text).to.equal(false);
            }
            if (op === 'sw') expect(re.test(other + value), text).to.equal(false);
            if (op === 'ew') expect(re.test(value + other), text).to.equal(false);
            if (op === 'co') expect(re.test(other + value + other), text).to.equal(true);
          }
        }
      }
    });

    it('escapeRegex: 500 random strings round-trip through new RegExp and never throw', () => {
      const rand = prng(42);
      for (let n = 0; n < 500; n++) {
        const value = randomString(rand);
        const body = escapeRegex(value);
        expect(regexLiteral(body).literal).to.equal(value);
        expect(new RegExp(`^${body}$`).test(value)).to.equal(true);
        expect(new RegExp(`^${body}$`, 'i').test(value)).to.equal(true);
      }
    });
  });
});

describe('mapping/user-query valuesCompared', () => {
  const row = table.userNameRow;
  it("collects the values a filter compares the row's attribute with by eq, in any spelling of its path", () => {
    const f = parseFilter(
      'UserName eq "a@x" or (urn:ietf:params:scim:schemas:core:2.0:User:userName eq "b@x" and title eq "c")',
    );
    expect(valuesCompared(f, table, row)).to.deep.equal(['a@x', 'b@x']);
  });
  it('ignores other operators, other attributes, non-strings and anything under not', () => {
    for (const text of [
      'userName sw "a"',
      'displayName eq "a"',
      'userName eq null',
      'not (userName eq "a")',
      'emails[value eq "a"]',
    ]) {
      expect(valuesCompared(parseFilter(text), table, row), text).to.deep.equal([]);
    }
  });
});
