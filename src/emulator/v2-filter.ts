import { ApiError } from './api-error.js';
import { valuesAt } from './field-path.js';
import { splitTerms, type Predicate } from './v1-filter.js';

const OPERATORS = ['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'search', 'in'] as const;
const EXPRESSION_START = /^[A-Za-z_][\w.]*:[a-z]+:/;

/**
 * v2 `filter` (`field:op:value`, no `$`). Several filters may be comma-joined in one parameter
 * (`explode: false`) or repeated; all are ANDed. A comma only starts a new filter when what follows
 * looks like `field:op:`, so values containing commas survive.
 */
export function v2FilterPredicate(
  params: URLSearchParams,
  options: { searchCaseSensitive?: boolean } = {},
): Predicate | undefined {
  const expressions = params
    .getAll('filter')
    .flatMap(splitExpressions)
    .filter((expression) => expression !== '');
  if (expressions.length === 0) return undefined;
  const predicates = expressions.map((expression) =>
    parseV2Expression(expression, options.searchCaseSensitive === true),
  );
  return (record) => predicates.every((predicate) => predicate(record));
}

function splitExpressions(raw: string): string[] {
  const out: string[] = [];
  for (const piece of raw.split(',')) {
    if (out.length === 0 || EXPRESSION_START.test(piece)) out.push(piece);
    else out[out.length - 1] += `,${piece}`;
  }
  return out;
}

function parseV2Expression(expression: string, searchCaseSensitive: boolean): Predicate {
  const first = expression.indexOf(':');
  const second = first < 0 ? -1 : expression.indexOf(':', first + 1);
  if (first <= 0 || second < 0) {
    throw v2BadRequest(`invalid filter "${expression}": expected <field>:<operator>:<value>`);
  }
  const field = expression.slice(0, first);
  const operator = expression.slice(first + 1, second);
  const value = expression.slice(second + 1);
  if (!(OPERATORS as readonly string[]).includes(operator)) {
    throw v2BadRequest(`invalid filter "${expression}": unsupported operator "${operator}"`);
  }
  const anyValue =
    (test: (candidate: unknown) => boolean): Predicate =>
    (record) =>
      valuesAt(record, field).some(test);
  switch (operator) {
    case 'eq':
      return anyValue((candidate) => textOf(candidate) === value);
    case 'ne':
      return (record) => !valuesAt(record, field).some((candidate) => textOf(candidate) === value);
    case 'in': {
      const terms = splitTerms(value);
      return anyValue((candidate) => terms.includes(textOf(candidate) ?? '\u0000'));
    }
    case 'search': {
      // Fact `v2NameSearchCase`: JumpCloud's docs call it case-insensitive, the v2 spec says filter values are
      // case sensitive. The default is the docs' reading; the `nameSearchCaseSensitive` flip is the spec's.
      if (searchCaseSensitive)
        return anyValue((candidate) => typeof candidate === 'string' && candidate.includes(value));
      const needle = value.toLowerCase();
      return anyValue((candidate) => typeof candidate === 'string' && candidate.toLowerCase().includes(needle));
    }
    default:
      return anyValue((candidate) => {
        const diff = compare(candidate, value);
        if (Number.isNaN(diff)) return false;
        if (operator === 'gt') return diff > 0;
        if (operator === 'ge') return diff >= 0;
        if (operator === 'lt') return diff < 0;
        return diff <= 0;
      });
  }
}

function textOf(candidate: unknown): string | undefined {
  if (typeof candidate === 'string') return candidate;
  if (typeof candidate === 'number' || typeof candidate === 'boolean') return String(candidate);
  return undefined;
}

function compare(candidate: unknown, text: string): number {
  if (typeof candidate === 'number') return candidate - Number(text);
  if (typeof candidate !== 'string') return Number.NaN;
  return candidate < text ? -1 : candidate > text ? 1 : 0;
}

/** v2 errors use the v2 `Error` schema `{code, message}`. */
export function v2BadRequest(message: string): ApiError {
  return new ApiError(400, { code: 400, message });
}
