/**
 * RFC 7644 §3.4.2.2 filters and §3.5.2 PATCH paths, parsed into a tree the bridge can translate
 * into JumpCloud queries. Why our own parser rather than a library: see docs/decisions.md.
 *
 * Every input is treated as hostile: the parser is a single left-to-right pass (linear time),
 * its recursion is bounded by MAX_DEPTH, its input by MAX_LENGTH, and the only thing it throws
 * is a ScimError whose detail names the 1-based character position of the problem.
 */
import { badRequest, isScimError } from './errors.js';
import type { ScimError } from './errors.js';

export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
export type FilterValue = string | number | boolean | null;
/** An attribute reference as written (case preserved); `uri` is the schema URN prefix when the attribute was URN-qualified. */
export interface AttrPath {
  uri?: string;
  name: string;
  sub?: string;
}
export type Filter =
  | { kind: 'compare'; op: CompareOp; path: AttrPath; value: FilterValue }
  | { kind: 'present'; path: AttrPath }
  | { kind: 'and'; filters: Filter[] } // n-ary, flattened: and(a, and(b,c)) => and(a,b,c)
  | { kind: 'or'; filters: Filter[] } // n-ary, flattened
  | { kind: 'not'; filter: Filter }
  /** `emails[type eq "work"]`; attribute names inside `filter` are relative to `path` (a sub-attribute, or the element itself for `value`). */
  | { kind: 'valuePath'; path: AttrPath; filter: Filter };

/** PATCH path: attrPath | valuePath [ "." subAttr ]  (RFC 7644 §3.5.2) */
export interface PatchPath {
  path: AttrPath;
  valueFilter?: Filter;
  sub?: string;
}

const MAX_LENGTH = 10_000;
// Each level costs a handful of stack frames; 64 is far beyond any real client and far below the stack limit.
const MAX_DEPTH = 64;
const OPERATORS = 'eq, ne, co, sw, ew, gt, ge, lt, le, pr';
const COMPARE_OPS: ReadonlySet<string> = new Set<CompareOp>(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);
const JSON_NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?$/;

type Mode = 'filter' | 'path';

const isAlpha = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isNameChar = (c: number): boolean => isAlpha(c) || isDigit(c) || c === 0x2d || c === 0x5f || c === 0x24;
const isWs = (c: number): boolean => c === 0x20 || c === 0x09;
// Characters a URN may contain here; `[`, `(`, whitespace etc. end it so they keep their filter meaning.
const isUrnChar = (c: number): boolean => isNameChar(c) || c === 0x2e || c === 0x3a || c === 0x25;
// An unquoted value ends where filter syntax begins, so `(a eq x)` and `emails[type eq work]` still parse.
const isBareValueChar = (c: number): boolean =>
  c > 0x20 && c !== 0x7f && c !== 0x22 && c !== 0x28 && c !== 0x29 && c !== 0x5b && c !== 0x5d;

/** Keep attacker-controlled text in messages short and printable; the detail ends up in logs and responses. */
function excerpt(s: string, max: number): string {
  let out = '';
  for (const ch of s.length > max ? s.slice(0, max) : s) {
    const c = ch.charCodeAt(0);
    out += c < 0x20 || c === 0x7f ? `\\u${c.toString(16).padStart(4, '0')}` : ch;
  }
  return s.length > max ? out + '…' : out;
}

class Parser {
  private pos = 0;
  private depth = 0;
  private inBrackets = false;

  constructor(
    private readonly text: string,
    private readonly mode: Mode,
  ) {}

  fail(message: string, at: number = this.pos): ScimError {
    const what = this.mode === 'filter' ? 'filter' : 'path';
    const where =
      at >= this.text.length
        ? `at position ${at + 1} (end of input)`
        : `at position ${at + 1} near '${excerpt(this.text.slice(at, at + 24), 20)}'`;
    return badRequest(this.mode === 'filter' ? 'invalidFilter' : 'invalidPath', `Invalid ${what} ${where}: ${message}`);
  }

  private code(at: number = this.pos): number {
    // NaN past the end makes every character-class test false, which is what the callers want.
    return this.text.charCodeAt(at);
  }

  private atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  skipWs(): boolean {
    const start = this.pos;
    while (isWs(this.code())) this.pos++;
    return this.pos > start;
  }

  /** Length of the run of name characters at `at`; bounded by the input, so callers stay linear. */
  private nameRunEnd(at: number): number {
    let i = at;
    while (isNameChar(this.code(i))) i++;
    return i;
  }

  /** Case-insensitive keyword test that only looks at the keyword's length + 1 characters. */
  private keywordAt(word: string, at: number = this.pos): boolean {
    const end = at + word.length;
    return this.text.slice(at, end).toLowerCase() === word && !isNameChar(this.code(end));
  }

  private enter(at: number): void {
    if (++this.depth > MAX_DEPTH) throw this.fail(`nesting is deeper than ${MAX_DEPTH} levels`, at);
  }

  parseOr(): Filter {
    const filters: Filter[] = [];
    pushFlat(filters, 'or', this.parseAnd());
    for (;;) {
      // Whitespace before a non-keyword is consumed too; every caller would skip it anyway.
      this.skipWs();
      if (!this.keywordAt('or')) break;
      this.pos += 2;
      this.skipWs();
      pushFlat(filters, 'or', this.parseAnd('or'));
    }
    return filters.length === 1 && filters[0] ? filters[0] : { kind: 'or', filters };
  }

  private parseAnd(after?: string): Filter {
    const filters: Filter[] = [];
    pushFlat(filters, 'and', this.parseUnary(after));
    for (;;) {
      // Whitespace before a non-keyword is consumed too; every caller would skip it anyway.
      this.skipWs();
      if (!this.keywordAt('and')) break;
      this.pos += 3;
      this.skipWs();
      pushFlat(filters, 'and', this.parseUnary('and'));
    }
    return filters.length === 1 && filters[0] ? filters[0] : { kind: 'and', filters };
  }

  private parseUnary(after?: string): Filter {
    const c = this.code();
    if (c === 0x28 /* ( */) return this.parseGroup();
    if (this.keywordAt('not')) {
      const notAt = this.pos;
      this.pos += 3;
      this.skipWs();
      if (this.code() === 0x28) return { kind: 'not', filter: this.parseGroup() };
      // `not` without `(` may still be an attribute that happens to be called "not" (`not pr`).
      this.pos = notAt;
      return this.parseAttrExpr(true);
    }
    // A keyword where an operand belongs (`a pr and or b pr`) would otherwise be misread as an attribute name.
    if (!isAlpha(c) || this.keywordAt('and') || this.keywordAt('or')) {
      const ctx = after ? ` after '${after}'` : '';
      throw this.fail(`expected an attribute name, 'not (' or '('${ctx}`);
    }
    return this.parseAttrExpr(false);
  }

  private parseGroup(): Filter {
    const open = this.pos;
    this.enter(open);
    this.pos++;
    this.skipWs();
    const inner = this.parseOr();
    this.skipWs();
    if (this.code() !== 0x29 /* ) */) {
      throw this.fail(
        this.atEnd()
          ? `missing ')' to close '(' at position ${open + 1}`
          : `expected 'and', 'or' or ')' to close '(' at position ${open + 1}`,
      );
    }
    this.pos++;
    this.depth--;
    return inner;
  }

  readName(what: string): string {
    const start = this.pos;
    if (!isAlpha(this.code())) throw this.fail(`expected ${what}`);
    this.pos = this.nameRunEnd(start);
    return this.text.slice(start, this.pos);
  }

  readAttrPath(): AttrPath {
    const start = this.pos;
    if (this.keywordAtPrefix('urn:')) {
      let end = start;
      while (isUrnChar(this.code(end))) end++;
      const lastColon = this.text.lastIndexOf(':', end - 1);
      // `urn:` itself contributes the first colon; a URN with nothing between it and the attribute is no schema.
      if (lastColon <= start + 4) {
        throw this.fail("expected a schema URN followed by ':' and an attribute name", start);
      }
      const uri = this.text.slice(start, lastColon);
      this.pos = lastColon + 1;
      return { uri, ...this.readLocalPath() };
    }
    return this.readLocalPath();
  }

  private keywordAtPrefix(prefix: string): boolean {
    return this.text.slice(this.pos, this.pos + prefix.length).toLowerCase() === prefix;
  }

  private readLocalPath(): AttrPath {
    const name = this.readName('an attribute name');
    if (this.code() !== 0x2e /* . */) return { name };
    this.pos++;
    const sub = this.readName(`a sub-attribute name after '${excerpt(name, 40)}.'`);
    if (this.code() === 0x2e) throw this.fail('only one level of sub-attribute is allowed');
    return { name, sub };
  }

  /** `[ valFilter ]` at the current position; returns the inner filter. */
  parseBrackets(path: AttrPath): Filter {
    const open = this.pos;
    if (path.sub !== undefined) {
      throw this.fail(`a value filter '[' cannot follow the sub-attribute '${excerpt(formatAttrPath(path), 60)}'`);
    }
    if (this.inBrackets) throw this.fail('value filters cannot be nested');
    this.enter(open);
    this.inBrackets = true;
    this.pos++;
    this.skipWs();
    if (this.code() === 0x5d /* ] */)
      throw this.fail(`empty value filter after '${excerpt(formatAttrPath(path), 60)}'`);
    const inner = this.parseOr();
    this.skipWs();
    if (this.code() !== 0x5d) {
      throw this.fail(
        this.atEnd()
          ? `missing ']' to close '[' at position ${open + 1}`
          : `expected 'and', 'or' or ']' to close '[' at position ${open + 1}`,
      );
    }
    this.pos++;
    this.inBrackets = false;
    this.depth--;
    return inner;
  }

  private parseAttrExpr(startsWithNot: boolean): Filter {
    const path = this.readAttrPath();
    if (this.code() === 0x5b /* [ */) {
      const inner = this.parseBrackets(path);
      if (this.code() !== 0x2e /* . */) return { kind: 'valuePath', path, filter: inner };
      // Entra sends `emails[type eq "work"].value eq "x"`; the condition on `value` must hold for the same
      // element as the bracket filter, so it joins the bracket filter rather than becoming a separate term.
      this.pos++;
      const sub = this.readName(`a sub-attribute name after '${excerpt(formatAttrPath(path), 60)}[…].'`);
      const subExpr = this.parseOperation({ name: sub }, `${formatAttrPath(path)}[…].${sub}`, false);
      const filters: Filter[] = [];
      pushFlat(filters, 'and', inner);
      pushFlat(filters, 'and', subExpr);
      return { kind: 'valuePath', path, filter: { kind: 'and', filters } };
    }
    return this.parseOperation(
      path,
      formatAttrPath(path),
      startsWithNot && path.uri === undefined && path.sub === undefined,
    );
  }

  private parseOperation(path: AttrPath, shown: string, wasNot: boolean): Filter {
    const hadWs = this.skipWs();
    const opAt = this.pos;
    const opEnd = this.nameRunEnd(opAt);
    const op = this.text.slice(opAt, opEnd).toLowerCase();
    if (!hadWs || (op !== 'pr' && !COMPARE_OPS.has(op))) {
      if (wasNot) throw this.fail("expected '(' after 'not'", opAt);
      throw this.fail(`expected an operator (${OPERATORS}) after attribute '${excerpt(shown, 60)}'`, opAt);
    }
    this.pos = opEnd;
    if (op === 'pr') return { kind: 'present', path };
    this.skipWs();
    return { kind: 'compare', op: op as CompareOp, path, value: this.parseValue(op) };
  }

  private parseValue(op: string): FilterValue {
    if (this.code() === 0x22 /* " */) return this.parseString();
    const start = this.pos;
    let end = start;
    while (isBareValueChar(this.code(end))) end++;
    const word = this.text.slice(start, end);
    const lower = word.toLowerCase();
    // A missing value must not turn the next keyword into one: `a eq and b pr` is an error, not a = "and".
    if (word === '' || lower === 'and' || lower === 'or') throw this.fail(`expected a value after operator '${op}'`);
    this.pos = end;
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    if (lower === 'null') return null;
    if (JSON_NUMBER.test(word)) {
      const n = Number(word);
      if (!Number.isFinite(n)) throw this.fail('number is out of range', start);
      if (/^-?[0-9]+$/.test(word) && !Number.isSafeInteger(n)) {
        throw this.fail('integer is too large to represent exactly; quote it to compare as a string', start);
      }
      return n;
    }
    // Real clients (and Microsoft's own docs) send `userName eq jdoe`; read it as the string it obviously is.
    return word;
  }

  private parseString(): string {
    const open = this.pos;
    const parts: string[] = [];
    let i = open + 1;
    let seg = i;
    const n = this.text.length;
    while (i < n) {
      const c = this.text.charCodeAt(i);
      if (c === 0x22) {
        parts.push(this.text.slice(seg, i));
        this.pos = i + 1;
        return parts.join('');
      }
      if (c < 0x20) throw this.fail('control characters in a string must be escaped', i);
      if (c !== 0x5c /* \ */) {
        i++;
        continue;
      }
      parts.push(this.text.slice(seg, i));
      const e = this.text[i + 1];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          parts.push(e);
          break;
        case 'b':
          parts.push('\b');
          break;
        case 'f':
          parts.push('\f');
          break;
        case 'n':
          parts.push('\n');
          break;
        case 'r':
          parts.push('\r');
          break;
        case 't':
          parts.push('\t');
          break;
        case 'u': {
          const hex = this.text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw this.fail("'\\u' must be followed by four hex digits", i);
          parts.push(String.fromCharCode(parseInt(hex, 16)));
          i += 4;
          break;
        }
        case undefined:
          throw this.fail("unterminated string (no closing '\"')", open);
        default:
          throw this.fail(`invalid escape '\\${excerpt(e, 1)}' in string`, i);
      }
      i += 2;
      seg = i;
    }
    throw this.fail("unterminated string (no closing '\"')", open);
  }

  /** After a complete top-level expression: only whitespace may remain. */
  expectEnd(): void {
    this.skipWs();
    if (this.atEnd()) return;
    if (this.mode === 'path') throw this.fail('unexpected text after the path');
    if (this.code() === 0x29) throw this.fail("unbalanced ')' without a matching '('");
    throw this.fail("expected 'and', 'or' or end of filter");
  }

  advance(): void {
    this.pos++;
  }

  peekCode(): number {
    return this.code();
  }

  atEndOfInput(): boolean {
    return this.atEnd();
  }
}

function pushFlat(into: Filter[], kind: 'and' | 'or', f: Filter): void {
  // A loop rather than push(...spread): spreading a huge argument list can itself overflow the stack.
  if (f.kind === kind) for (const c of f.filters) into.push(c);
  else into.push(f);
}

function checkInput(text: unknown, mode: Mode): string {
  const what = mode === 'filter' ? 'filter' : 'path';
  const type = mode === 'filter' ? 'invalidFilter' : 'invalidPath';
  // Query strings can arrive as arrays (`?filter=a&filter=b`) from untyped callers.
  if (typeof text !== 'string')
    throw badRequest(type, `Invalid ${what}: expected a string, got ${Array.isArray(text) ? 'an array' : typeof text}`);
  if (text.length > MAX_LENGTH) {
    throw badRequest(
      type,
      `Invalid ${what} at position ${MAX_LENGTH + 1}: ${what} is ${text.length} characters long; the limit is ${MAX_LENGTH}`,
    );
  }
  return text;
}

/** Never let a parser bug surface as a 500 or a stack trace: anything unexpected becomes a 400. */
function guarded<T>(mode: Mode, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (isScimError(e)) throw e;
    const what = mode === 'filter' ? 'filter' : 'path';
    throw badRequest(mode === 'filter' ? 'invalidFilter' : 'invalidPath', `Invalid ${what}: could not be parsed`);
  }
}

export function parseFilter(text: string): Filter {
  const input = checkInput(text, 'filter');
  return guarded('filter', () => {
    const p = new Parser(input, 'filter');
    p.skipWs();
    if (p.atEndOfInput()) throw p.fail('filter is empty');
    const f = p.parseOr();
    p.expectEnd();
    return f;
  });
}

export function parsePatchPath(text: string): PatchPath {
  const input = checkInput(text, 'path');
  return guarded('path', () => {
    const p = new Parser(input, 'path');
    p.skipWs();
    if (p.atEndOfInput()) throw p.fail('path is empty');
    const path = p.readAttrPath();
    const result: PatchPath = { path };
    if (p.peekCode() === 0x5b /* [ */) {
      result.valueFilter = p.parseBrackets(path);
      if (p.peekCode() === 0x2e /* . */) {
        p.advance();
        result.sub = p.readName(`a sub-attribute name after '${excerpt(formatAttrPath(path), 60)}[…].'`);
        if (p.peekCode() === 0x2e) throw p.fail('only one level of sub-attribute is allowed');
      }
    }
    p.expectEnd();
    return result;
  });
}

/** Canonical text of an AttrPath, e.g. "urn:…:User:manager.value" — for messages. */
export function formatAttrPath(p: AttrPath): string {
  const local = p.sub !== undefined ? `${p.name}.${p.sub}` : p.name;
  return p.uri !== undefined ? `${p.uri}:${local}` : local;
}

function formatValue(v: FilterValue): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  return String(v);
}

/** Canonical filter text, for logs and explain output; parseFilter(formatFilter(f)) deep-equals f. */
export function formatFilter(f: Filter): string {
  switch (f.kind) {
    case 'compare':
      return `${formatAttrPath(f.path)} ${f.op} ${formatValue(f.value)}`;
    case 'present':
      return `${formatAttrPath(f.path)} pr`;
    case 'and':
      // `or` binds looser than `and`, so an `or` operand needs parentheses to stay one operand.
      return f.filters.map((c) => (c.kind === 'or' ? `(${formatFilter(c)})` : formatFilter(c))).join(' and ');
    case 'or':
      return f.filters.map(formatFilter).join(' or ');
    case 'not':
      return `not (${formatFilter(f.filter)})`;
    case 'valuePath':
      return `${formatAttrPath(f.path)}[${formatFilter(f.filter)}]`;
  }
}
