import { expect } from 'chai';
import fc from 'fast-check';
import { ScimError } from '../../../src/scim/errors.js';
import { formatAttrPath, formatFilter, parseFilter, parsePatchPath } from '../../../src/scim/filter.js';
import type { AttrPath, CompareOp, Filter, FilterValue, PatchPath } from '../../../src/scim/filter.js';
import { scimErrorOf } from '../../helpers/scim-error.js';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const ACME = 'urn:acme:params:scim:schemas:extension:acme:1.0:User';

const p = (name: string, sub?: string, uri?: string): AttrPath => ({
  ...(uri !== undefined ? { uri } : {}),
  name,
  ...(sub !== undefined ? { sub } : {}),
});
const cmp = (path: AttrPath | string, op: CompareOp, value: FilterValue): Filter => ({
  kind: 'compare',
  op,
  path: typeof path === 'string' ? p(path) : path,
  value,
});
const pr = (path: AttrPath | string): Filter => ({ kind: 'present', path: typeof path === 'string' ? p(path) : path });
const and = (...filters: Filter[]): Filter => ({ kind: 'and', filters });
const or = (...filters: Filter[]): Filter => ({ kind: 'or', filters });
const not = (filter: Filter): Filter => ({ kind: 'not', filter });
const vp = (path: AttrPath | string, filter: Filter): Filter => ({
  kind: 'valuePath',
  path: typeof path === 'string' ? p(path) : path,
  filter,
});

const valid: Array<[string, Filter]> = [
  // every operator
  ['userName eq "bjensen"', cmp('userName', 'eq', 'bjensen')],
  ['userName ne "bjensen"', cmp('userName', 'ne', 'bjensen')],
  ['name.familyName co "O\'Malley"', cmp(p('name', 'familyName'), 'co', "O'Malley")],
  ['userName sw "J"', cmp('userName', 'sw', 'J')],
  ['userName ew "@example.com"', cmp('userName', 'ew', '@example.com')],
  ['meta.lastModified gt "2011-05-13T04:42:34Z"', cmp(p('meta', 'lastModified'), 'gt', '2011-05-13T04:42:34Z')],
  ['meta.lastModified ge "2011-05-13T04:42:34Z"', cmp(p('meta', 'lastModified'), 'ge', '2011-05-13T04:42:34Z')],
  ['meta.lastModified lt "2011-05-13T04:42:34Z"', cmp(p('meta', 'lastModified'), 'lt', '2011-05-13T04:42:34Z')],
  ['meta.lastModified le "2011-05-13T04:42:34Z"', cmp(p('meta', 'lastModified'), 'le', '2011-05-13T04:42:34Z')],
  ['title pr', pr('title')],
  // letter case of operators and keywords; attribute case is preserved
  ['UserName EQ "x"', cmp('UserName', 'eq', 'x')],
  ['userName Eq "x" AND title PR', and(cmp('userName', 'eq', 'x'), pr('title'))],
  ['a pr Or b pr', or(pr('a'), pr('b'))],
  ['NOT (a pr)', not(pr('a'))],
  ['nOt(a pr)', not(pr('a'))],
  // precedence and grouping
  ['a pr or b pr and c pr', or(pr('a'), and(pr('b'), pr('c')))],
  ['a pr and b pr or c pr', or(and(pr('a'), pr('b')), pr('c'))],
  ['(a pr or b pr) and c pr', and(or(pr('a'), pr('b')), pr('c'))],
  ['a pr and (b pr and c pr)', and(pr('a'), pr('b'), pr('c'))],
  ['(a pr or b pr) or (c pr or d pr)', or(pr('a'), pr('b'), pr('c'), pr('d'))],
  ['a pr and b pr and c pr and d pr', and(pr('a'), pr('b'), pr('c'), pr('d'))],
  ['((((a pr))))', pr('a')],
  ['( a pr )', pr('a')],
  ['not (a pr) and b pr', and(not(pr('a')), pr('b'))],
  ['not (a pr or b pr)', not(or(pr('a'), pr('b')))],
  ['not (not (a pr))', not(not(pr('a')))],
  ['a pr and not (b eq "x") or c pr', or(and(pr('a'), not(cmp('b', 'eq', 'x'))), pr('c'))],
  ['not pr', pr('not')],
  ['notes pr', pr('notes')],
  ['order eq 1 or andy eq 2', or(cmp('order', 'eq', 1), cmp('andy', 'eq', 2))],
  // whitespace: runs of spaces and tabs, leading and trailing
  ['  userName   eq\t"x"  ', cmp('userName', 'eq', 'x')],
  ['a pr\tand\tb pr', and(pr('a'), pr('b'))],
  ['userName eq"x"', cmp('userName', 'eq', 'x')],
  // values: strings, escapes, unicode
  ['userName eq "a\\"b"', cmp('userName', 'eq', 'a"b')],
  ['userName eq "a\\\\b"', cmp('userName', 'eq', 'a\\b')],
  ['userName eq "caf\\u00e9"', cmp('userName', 'eq', 'café')],
  ['userName eq "\\ud83d\\ude00 \\/ \\t\\n\\r\\b\\f"', cmp('userName', 'eq', '\u{1F600} / \t\n\r\b\f')],
  ['displayName eq "Zoë 山田 😀"', cmp('displayName', 'eq', 'Zoë 山田 😀')],
  ['displayName eq "Group (A) or B"', cmp('displayName', 'eq', 'Group (A) or B')],
  ['displayName eq "x] and [y"', cmp('displayName', 'eq', 'x] and [y')],
  ['userName eq ""', cmp('userName', 'eq', '')],
  // values: numbers, booleans, null
  ['age gt 42', cmp('age', 'gt', 42)],
  ['age ge -1.5e3', cmp('age', 'ge', -1500)],
  ['score lt 0.25', cmp('score', 'lt', 0.25)],
  ['n eq 0', cmp('n', 'eq', 0)],
  ['active eq true', cmp('active', 'eq', true)],
  ['active eq FALSE', cmp('active', 'eq', false)],
  ['manager eq Null', cmp('manager', 'eq', null)],
  ['n eq 9007199254740991', cmp('n', 'eq', Number.MAX_SAFE_INTEGER)],
  // unquoted bare words, as sent by real clients
  ['userName sw O', cmp('userName', 'sw', 'O')],
  ['externalId eq jyoung', cmp('externalId', 'eq', 'jyoung')],
  ['externalId eq 00123', cmp('externalId', 'eq', '00123')],
  [
    'userName eq bjensen@example.com and active eq true',
    and(cmp('userName', 'eq', 'bjensen@example.com'), cmp('active', 'eq', true)),
  ],
  ['(userName eq jdoe)', cmp('userName', 'eq', 'jdoe')],
  ['emails[type eq work]', vp('emails', cmp('type', 'eq', 'work'))],
  ['userName eq x or userName eq y', or(cmp('userName', 'eq', 'x'), cmp('userName', 'eq', 'y'))],
  ['userName eq "x"and b pr', and(cmp('userName', 'eq', 'x'), pr('b'))],
  // value paths
  ['members[value eq "123"]', vp('members', cmp('value', 'eq', '123'))],
  [
    'emails[type eq "work" and value co "@example.com"]',
    vp('emails', and(cmp('type', 'eq', 'work'), cmp('value', 'co', '@example.com'))),
  ],
  ['emails[ not (primary eq true) ]', vp('emails', not(cmp('primary', 'eq', true)))],
  [
    'userType eq "Employee" and emails[type eq "work" and value co "@example.com"]',
    and(
      cmp('userType', 'eq', 'Employee'),
      vp('emails', and(cmp('type', 'eq', 'work'), cmp('value', 'co', '@example.com'))),
    ),
  ],
  [
    'emails[type eq "work"] or ims[type eq "xmpp"]',
    or(vp('emails', cmp('type', 'eq', 'work')), vp('ims', cmp('type', 'eq', 'xmpp'))),
  ],
  // Entra's `].sub op value` form: correlated to the same element
  ['emails[type eq "work"].value eq "x"', vp('emails', and(cmp('type', 'eq', 'work'), cmp('value', 'eq', 'x')))],
  ['emails[type eq "work"].value pr', vp('emails', and(cmp('type', 'eq', 'work'), pr('value')))],
  [
    'emails[type eq "work"].value co "@x.com"',
    vp('emails', and(cmp('type', 'eq', 'work'), cmp('value', 'co', '@x.com'))),
  ],
  [
    'emails[type eq "work" and primary eq true].value EW ".com"',
    vp('emails', and(cmp('type', 'eq', 'work'), cmp('primary', 'eq', true), cmp('value', 'ew', '.com'))),
  ],
  [
    'emails[type eq "work" or type eq "home"].value eq "x"',
    vp('emails', and(or(cmp('type', 'eq', 'work'), cmp('type', 'eq', 'home')), cmp('value', 'eq', 'x'))),
  ],
  [
    'not (emails[type eq "work"].value eq "x") and a pr',
    and(not(vp('emails', and(cmp('type', 'eq', 'work'), cmp('value', 'eq', 'x')))), pr('a')),
  ],
  // URN-qualified attributes
  [`${ENT}:employeeNumber eq "7"`, cmp(p('employeeNumber', undefined, ENT), 'eq', '7')],
  [
    `${ENT}:manager.value eq "26118915-6090-4610-87e4-49d8ca9f808d"`,
    cmp(p('manager', 'value', ENT), 'eq', '26118915-6090-4610-87e4-49d8ca9f808d'),
  ],
  [`${ENT}:department pr`, pr(p('department', undefined, ENT))],
  [`${ACME}:costCenter sw "CC-"`, cmp(p('costCenter', undefined, ACME), 'sw', 'CC-')],
  ['URN:acme:ext:badge_id$2 eq 5', cmp(p('badge_id$2', undefined, 'URN:acme:ext'), 'eq', 5)],
  [
    'urn:ietf:params:scim:schemas:core:2.0:User:userName eq "x"',
    cmp(p('userName', undefined, 'urn:ietf:params:scim:schemas:core:2.0:User'), 'eq', 'x'),
  ],
  [`${ACME}:emails[type eq "work"]`, vp(p('emails', undefined, ACME), cmp('type', 'eq', 'work'))],
  // attribute name characters
  ['x-custom_attr$1 pr', pr('x-custom_attr$1')],
];

const invalid: Array<[string, string]> = [
  ['', 'at position 1 (end of input): filter is empty'],
  ['   \t ', 'at position 6 (end of input): filter is empty'],
  [
    'userName',
    "at position 9 (end of input): expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr) after attribute 'userName'",
  ],
  ['userName "x"', `at position 10 near '"x"': expected an operator`],
  [
    'userName eqq "x"',
    `at position 10 near 'eqq "x"': expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr) after attribute 'userName'`,
  ],
  [
    'name.familyName eqq "x"',
    "at position 17 near 'eqq \"x\"': expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr) after attribute 'name.familyName'",
  ],
  ['userName like "x"', 'at position 10 near \'like "x"\': expected an operator'],
  ['userName eq', "at position 12 (end of input): expected a value after operator 'eq'"],
  ['userName eq ', "at position 13 (end of input): expected a value after operator 'eq'"],
  ['userName eq )', "at position 13 near ')': expected a value after operator 'eq'"],
  ['userName eq and b pr', "at position 13 near 'and b pr': expected a value after operator 'eq'"],
  ['userName eq OR', "at position 13 near 'OR': expected a value after operator 'eq'"],
  ['userName eq "x', `at position 13 near '"x': unterminated string (no closing '"')`],
  ['userName eq "x\\"', 'at position 13 near \'"x\\"\': unterminated string'],
  ['userName eq "x\\', "at position 13 near '\"x\\': unterminated string"],
  ['userName eq "\\q"', "at position 14 near '\\q\"': invalid escape '\\q' in string"],
  ['userName eq "\\u12G4"', "at position 14 near '\\u12G4\"': '\\u' must be followed by four hex digits"],
  ['userName eq "a\u0001b"', "at position 15 near '\\u0001b\"': control characters in a string must be escaped"],
  ['userName eq "x" and', "at position 20 (end of input): expected an attribute name, 'not (' or '(' after 'and'"],
  ['userName eq "x" or ', "at position 20 (end of input): expected an attribute name, 'not (' or '(' after 'or'"],
  ['and userName eq "x"', "at position 1 near 'and userName eq \"x\"': expected an attribute name, 'not (' or '('"],
  [
    'userName eq "x" and or b pr',
    "at position 21 near 'or b pr': expected an attribute name, 'not (' or '(' after 'and'",
  ],
  ['userName eq "x" title pr', "at position 17 near 'title pr': expected 'and', 'or' or end of filter"],
  ['title pr "x"', `at position 10 near '"x"': expected 'and', 'or' or end of filter`],
  ['(userName eq "x"', "at position 17 (end of input): missing ')' to close '(' at position 1"],
  ['((a pr) or (b pr)', "at position 18 (end of input): missing ')' to close '(' at position 1"],
  ['(a pr b pr)', "at position 7 near 'b pr)': expected 'and', 'or' or ')' to close '(' at position 1"],
  ['userName eq "x")', "at position 16 near ')': unbalanced ')' without a matching '('"],
  ['a pr) and (b pr', "at position 5 near ') and (b pr': unbalanced ')'"],
  ['()', "at position 2 near ')': expected an attribute name, 'not (' or '('"],
  ['not a pr', "at position 5 near 'a pr': expected '(' after 'not'"],
  ['a pr and not', "at position 13 (end of input): expected '(' after 'not'"],
  ['not (a pr', "at position 10 (end of input): missing ')' to close '(' at position 5"],
  ['emails[type eq "work"', "at position 22 (end of input): missing ']' to close '[' at position 7"],
  [
    'emails[type eq "work" title pr]',
    "at position 23 near 'title pr]': expected 'and', 'or' or ']' to close '[' at position 7",
  ],
  ['emails[]', "at position 8 near ']': empty value filter after 'emails'"],
  ['emails[type[value eq 1]]', "at position 12 near '[value eq 1]]': value filters cannot be nested"],
  ['emails[type eq "work" and x[y pr]]', "at position 28 near '[y pr]]': value filters cannot be nested"],
  ['emails[type eq "work"]]', "at position 23 near ']': expected 'and', 'or' or end of filter"],
  [
    'emails[type eq "work"].value',
    "at position 29 (end of input): expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr) after attribute 'emails[…].value'",
  ],
  ['emails[type eq "work"].', "at position 24 (end of input): expected a sub-attribute name after 'emails[…].'"],
  ['emails[type eq "work"].value eqq "x"', 'at position 30 near \'eqq "x"\': expected an operator'],
  [
    'name.givenName[a pr]',
    "at position 15 near '[a pr]': a value filter '[' cannot follow the sub-attribute 'name.givenName'",
  ],
  ['name. eq "x"', "at position 6 near ' eq \"x\"': expected a sub-attribute name after 'name.'"],
  ['a.b.c pr', "at position 4 near '.c pr': only one level of sub-attribute is allowed"],
  ['1abc eq 1', "at position 1 near '1abc eq 1': expected an attribute name, 'not (' or '('"],
  ['"userName" eq "x"', `at position 1 near '"userName" eq "x"': expected an attribute name`],
  ['$ref eq "x"', 'at position 1 near \'$ref eq "x"\': expected an attribute name'],
  [
    'urn:foo eq "x"',
    "at position 1 near 'urn:foo eq \"x\"': expected a schema URN followed by ':' and an attribute name",
  ],
  [`${ENT}: eq "x"`, 'at position 60 near \' eq "x"\': expected an attribute name'],
  [`${ENT}:2fa eq "x"`, 'at position 60 near \'2fa eq "x"\': expected an attribute name'],
  ['userName+eq+"x"', 'at position 9 near \'+eq+"x"\': expected an operator'],
  ['userName eq "x"\nand b pr', "at position 16 near '\\u000aand b pr': expected 'and', 'or' or end of filter"],
  ['n eq 12345678901234567890', "at position 6 near '12345678901234567890': integer is too large to represent exactly"],
  ['n eq 1e999', "at position 6 near '1e999': number is out of range"],
  ['userName eq x(y)', "at position 14 near '(y)': expected 'and', 'or' or end of filter"],
];

describe('scim/filter', () => {
  describe('parseFilter: valid filters', () => {
    for (const [input, expected] of valid) {
      it(`parses ${JSON.stringify(input)}`, () => {
        expect(parseFilter(input)).to.deep.equal(expected);
      });
    }
  });

  describe('formatFilter round-trips every valid filter', () => {
    for (const [input] of valid) {
      it(`parseFilter(formatFilter(parseFilter(${JSON.stringify(input)}))) is unchanged`, () => {
        const tree = parseFilter(input);
        expect(parseFilter(formatFilter(tree))).to.deep.equal(tree);
      });
    }
  });

  describe('parseFilter: invalid filters', () => {
    for (const [input, detail] of invalid) {
      it(`rejects ${JSON.stringify(input)}`, () => {
        const err = scimErrorOf(() => parseFilter(input));
        expect(err.status).to.equal(400);
        expect(err.scimType).to.equal('invalidFilter');
        expect(err.detail).to.match(/^Invalid filter at position \d+/);
        expect(err.detail).to.include(detail);
      });
    }
  });

  describe('limits on hostile input', () => {
    const nested = (levels: number): string => '('.repeat(levels) + 'a pr' + ')'.repeat(levels);
    const nestedNot = (levels: number): string => 'not ('.repeat(levels) + 'a pr' + ')'.repeat(levels);

    it('accepts 64 levels of parentheses', () => {
      expect(parseFilter(nested(64))).to.deep.equal(pr('a'));
    });

    it('rejects 65 levels of parentheses with the position of the 65th', () => {
      const err = scimErrorOf(() => parseFilter(nested(65)));
      expect(err.detail)
        .to.include('Invalid filter at position 65 near')
        .and.include('nesting is deeper than 64 levels');
    });

    it('rejects deep nesting of not', () => {
      const err = scimErrorOf(() => parseFilter(nestedNot(100)));
      expect(err.scimType).to.equal('invalidFilter');
      expect(err.detail).to.include('at position 325 near').and.include('nesting is deeper than 64 levels');
    });

    it('rejects 10k nested parentheses without exhausting the stack', () => {
      const err = scimErrorOf(() => parseFilter(nested(4_990)));
      expect(err.detail).to.include('nesting is deeper than 64 levels');
    });

    it('accepts exactly 10 000 characters', () => {
      const input = `userName eq "${'a'.repeat(10_000 - 14)}"`;
      expect(input).to.have.length(10_000);
      expect(parseFilter(input)).to.deep.equal(cmp('userName', 'eq', 'a'.repeat(10_000 - 14)));
    });

    it('rejects more than 10 000 characters, including a 1 MB filter', () => {
      for (const input of [`userName eq "${'a'.repeat(10_000 - 13)}"`, `userName eq "${'a'.repeat(1 << 20)}"`]) {
        const err = scimErrorOf(() => parseFilter(input));
        expect(err.scimType).to.equal('invalidFilter');
        expect(err.detail).to.include(
          `Invalid filter at position 10001: filter is ${input.length} characters long; the limit is 10000`,
        );
      }
    });

    it('parses a long flat or-chain into one n-ary node', () => {
      const input = Array.from({ length: 700 }, (_, i) => `id eq ${i}`).join(' or ');
      const tree = parseFilter(input);
      expect(tree.kind).to.equal('or');
      if (tree.kind === 'or') expect(tree.filters).to.have.length(700);
    });

    it('rejects non-string input from untyped callers with a ScimError', () => {
      for (const bad of [undefined, null, 42, ['a pr', 'b pr'], { filter: 'a pr' }]) {
        const err = scimErrorOf(() => parseFilter(bad as unknown as string));
        expect(err.scimType).to.equal('invalidFilter');
        expect(err.detail).to.match(/^Invalid filter: expected a string/);
      }
    });

    it('keeps control characters out of error details', () => {
      const err = scimErrorOf(() => parseFilter('userName eq "x" \u0000\u001b[31m'));
      expect(err.detail).to.include('\\u0000\\u001b[31m');
      expect([...err.detail].filter((ch) => ch.charCodeAt(0) < 0x20)).to.deep.equal([]);
    });

    it('fails only with a positional ScimError, never the crash fallback, and round-trips what it accepts (token soup)', () => {
      // `guarded()` turns any parser bug into a 400 "could not be parsed"; a crash must fail this test, so that
      // fallback message counts as a failure here.
      const tokens = [
        'a',
        'b.c',
        'emails',
        '[',
        ']',
        '(',
        ')',
        ' ',
        ' ',
        'eq',
        'pr',
        'and',
        'or',
        'not',
        '"x"',
        '"',
        '\\',
        '1',
        'true',
        '.',
        'value',
        `${ENT}:manager`,
        'urn:',
        ':',
        '\t',
        'é',
      ];
      const soup = fc.array(fc.constantFrom(...tokens), { minLength: 1, maxLength: 14 }).map((t) => t.join(''));
      let parsed = 0;
      const positional = (e: unknown): void => {
        expect(e).to.be.instanceOf(ScimError);
        expect((e as ScimError).detail).to.not.match(/could not be parsed/);
        expect((e as ScimError).detail).to.match(/at position \d+/);
      };
      fc.assert(
        fc.property(soup, (s) => {
          try {
            const tree = parseFilter(s);
            parsed++;
            expect(parseFilter(formatFilter(tree)), `round-trip of ${JSON.stringify(s)}`).to.deep.equal(tree);
          } catch (e) {
            positional(e);
          }
          try {
            expect(parsePatchPath(s).path.name).to.be.a('string');
          } catch (e) {
            positional(e);
          }
        }),
        { numRuns: 3000, seed: 12345 },
      );
      expect(parsed).to.be.greaterThan(0);
    });
  });

  describe('formatFilter', () => {
    const cases: Array<[string, string]> = [
      ['USERNAME EQ bjensen', 'USERNAME eq "bjensen"'],
      ['a pr and (b pr or c pr)', 'a pr and (b pr or c pr)'],
      ['(a pr and b pr) or c pr', 'a pr and b pr or c pr'],
      ['NOT(a pr)', 'not (a pr)'],
      ['emails[type eq "work"].value eq "x"', 'emails[type eq "work" and value eq "x"]'],
      [`${ENT}:manager.value eq "m"`, `${ENT}:manager.value eq "m"`],
      ['n eq -0', 'n eq -0'],
      ['userName eq "tab\\there \\"q\\" caf\\u00e9"', 'userName eq "tab\\there \\"q\\" café"'],
      ['active eq TRUE and manager eq NULL and n ge 1E3', 'active eq true and manager eq null and n ge 1000'],
    ];
    for (const [input, text] of cases) {
      it(`formats ${JSON.stringify(input)} as ${JSON.stringify(text)}`, () => {
        expect(formatFilter(parseFilter(input))).to.equal(text);
      });
    }

    it('keeps -0 distinct from 0 across a round trip', () => {
      const tree = parseFilter('n eq -0');
      expect(Object.is(tree.kind === 'compare' ? tree.value : undefined, -0)).to.equal(true);
      expect(parseFilter(formatFilter(tree))).to.deep.equal(tree);
    });

    it('parenthesises an or nested in an and built by hand', () => {
      const tree = and(pr('a'), or(pr('b'), pr('c')));
      expect(formatFilter(tree)).to.equal('a pr and (b pr or c pr)');
      expect(parseFilter(formatFilter(tree))).to.deep.equal(tree);
    });
  });

  describe('formatAttrPath', () => {
    it('formats plain, sub-attribute and URN-qualified paths', () => {
      expect(formatAttrPath(p('userName'))).to.equal('userName');
      expect(formatAttrPath(p('name', 'givenName'))).to.equal('name.givenName');
      expect(formatAttrPath(p('employeeNumber', undefined, ENT))).to.equal(`${ENT}:employeeNumber`);
      expect(formatAttrPath(p('manager', 'value', ENT))).to.equal(`${ENT}:manager.value`);
    });
  });

  describe('parsePatchPath', () => {
    const paths: Array<[string, PatchPath]> = [
      ['userName', { path: p('userName') }],
      ['name.givenName', { path: p('name', 'givenName') }],
      ['  active\t', { path: p('active') }],
      [`${ENT}:department`, { path: p('department', undefined, ENT) }],
      [`${ENT}:manager`, { path: p('manager', undefined, ENT) }],
      [`${ENT}:manager.value`, { path: p('manager', 'value', ENT) }],
      [`${ACME}:costCenter`, { path: p('costCenter', undefined, ACME) }],
      ['emails[type eq "work"].value', { path: p('emails'), valueFilter: cmp('type', 'eq', 'work'), sub: 'value' }],
      ['members[value eq "id"]', { path: p('members'), valueFilter: cmp('value', 'eq', 'id') }],
      [
        'addresses[type eq "work"].formatted',
        { path: p('addresses'), valueFilter: cmp('type', 'eq', 'work'), sub: 'formatted' },
      ],
      ['emails[Type eq "Work"].Value', { path: p('emails'), valueFilter: cmp('Type', 'eq', 'Work'), sub: 'Value' }],
      [
        'emails[type eq "work" and primary eq true].value',
        { path: p('emails'), valueFilter: and(cmp('type', 'eq', 'work'), cmp('primary', 'eq', true)), sub: 'value' },
      ],
      [
        'phoneNumbers[type eq work].value',
        { path: p('phoneNumbers'), valueFilter: cmp('type', 'eq', 'work'), sub: 'value' },
      ],
      [
        `${ACME}:emails[type eq "work"].value`,
        { path: p('emails', undefined, ACME), valueFilter: cmp('type', 'eq', 'work'), sub: 'value' },
      ],
    ];
    for (const [input, expected] of paths) {
      it(`parses ${JSON.stringify(input)}`, () => {
        expect(parsePatchPath(input)).to.deep.equal(expected);
      });
    }

    const badPaths: Array<[string, string]> = [
      ['', 'Invalid path at position 1 (end of input): path is empty'],
      ['   ', 'Invalid path at position 4 (end of input): path is empty'],
      ['userName extra', "Invalid path at position 10 near 'extra': unexpected text after the path"],
      ['userName eq "x"', 'Invalid path at position 10 near \'eq "x"\': unexpected text after the path'],
      [
        'emails[type eq "work"].value.x',
        "Invalid path at position 29 near '.x': only one level of sub-attribute is allowed",
      ],
      [
        'emails[type eq "work"].',
        "Invalid path at position 24 (end of input): expected a sub-attribute name after 'emails[…].'",
      ],
      ['emails[type eq "work"]value', "Invalid path at position 23 near 'value': unexpected text after the path"],
      ['emails[type eqq "work"].value', 'Invalid path at position 13 near \'eqq "work"].value\': expected an operator'],
      ['emails[type eq "work"', "Invalid path at position 22 (end of input): missing ']' to close '[' at position 7"],
      ['emails[type[value eq 1]]', "Invalid path at position 12 near '[value eq 1]]': value filters cannot be nested"],
      [
        'name.givenName[a pr]',
        "Invalid path at position 15 near '[a pr]': a value filter '[' cannot follow the sub-attribute",
      ],
      ['a.b.c', "Invalid path at position 4 near '.c': only one level of sub-attribute is allowed"],
      ['.value', "Invalid path at position 1 near '.value': expected an attribute name"],
      ['urn:x', "Invalid path at position 1 near 'urn:x': expected a schema URN followed by ':' and an attribute name"],
      [`${ENT}:`, 'Invalid path at position 60 (end of input): expected an attribute name'],
      ['emails[type eq "wo', `Invalid path at position 16 near '"wo': unterminated string`],
    ];
    for (const [input, detail] of badPaths) {
      it(`rejects ${JSON.stringify(input)}`, () => {
        const err = scimErrorOf(() => parsePatchPath(input));
        expect(err.status).to.equal(400);
        expect(err.scimType).to.equal('invalidPath');
        expect(err.detail).to.include(detail);
      });
    }

    it('rejects over-long and non-string paths with invalidPath', () => {
      const long = scimErrorOf(() => parsePatchPath('a'.repeat(10_001)));
      expect(long.scimType).to.equal('invalidPath');
      expect(long.detail).to.include(
        'Invalid path at position 10001: path is 10001 characters long; the limit is 10000',
      );
      const notString = scimErrorOf(() => parsePatchPath(7 as unknown as string));
      expect(notString.scimType).to.equal('invalidPath');
    });

    it('caps nesting inside a path value filter', () => {
      const err = scimErrorOf(() => parsePatchPath(`emails[${'('.repeat(80)}a pr${')'.repeat(80)}].value`));
      expect(err.scimType).to.equal('invalidPath');
      expect(err.detail).to.include('nesting is deeper than 64 levels');
    });
  });
});
