import { badRequest } from './api-error.js';
import { valuesAt } from './field-path.js';

/** Predicate over a stored record. */
export type Predicate = (record: unknown) => boolean;

const PLAIN_OPERATORS = new Set(['$eq', '$ne', '$in', '$nin', '$lt', '$lte', '$gt', '$gte', '$sw']);
/** The spec says these need `x-eventually-consistent: true`; without it JumpCloud refuses them. */
const EVENTUALLY_CONSISTENT_OPERATORS = new Set(['$ew', '$co', '$nco']);

/**
 * Builds the predicate for v1 `filter` query parameters (`field:$op:value`). Plain `filter=` and
 * `filter[n]=` entries are ANDed; `filter[or][n]=` entries are ORed with each other, and that group is
 * ANDed with the rest. Matching is case-sensitive, as JumpCloud documents.
 */
export function v1FilterPredicate(params: URLSearchParams, eventuallyConsistent: boolean): Predicate | undefined {
  const all: Predicate[] = [];
  const any: Predicate[] = [];
  for (const [key, raw] of params) {
    if (raw === '') continue;
    if (key === 'filter' || /^filter\[\d+\]$/.test(key) || /^filter\[and\]\[\d+\]$/.test(key)) {
      all.push(parseV1Expression(raw, eventuallyConsistent));
    } else if (/^filter\[or\]\[\d+\]$/.test(key)) {
      any.push(parseV1Expression(raw, eventuallyConsistent));
    } else if (key.startsWith('filter')) {
      throw badRequest(`unsupported filter parameter "${key}"`);
    }
  }
  if (any.length > 0) all.push((record) => any.some((predicate) => predicate(record)));
  if (all.length === 0) return undefined;
  return (record) => all.every((predicate) => predicate(record));
}

function parseV1Expression(expression: string, eventuallyConsistent: boolean): Predicate {
  const first = expression.indexOf(':');
  const second = first < 0 ? -1 : expression.indexOf(':', first + 1);
  if (first <= 0 || second < 0) {
    throw badRequest(`invalid filter "${expression}": expected <field>:<operator>:<value>`);
  }
  const field = expression.slice(0, first);
  const operator = expression.slice(first + 1, second);
  const value = expression.slice(second + 1);
  const terms = splitTerms(value);
  const ecOnly = EVENTUALLY_CONSISTENT_OPERATORS.has(operator) || (operator === '$sw' && terms.length > 1);
  if (!PLAIN_OPERATORS.has(operator) && !EVENTUALLY_CONSISTENT_OPERATORS.has(operator)) {
    throw badRequest(`invalid filter "${expression}": unsupported operator "${operator}"`);
  }
  if (ecOnly && !eventuallyConsistent) {
    throw badRequest(`filter operator ${operator} requires the header x-eventually-consistent: true`);
  }

  const matches = (test: (candidate: unknown) => boolean) => (record: unknown) => valuesAt(record, field).some(test);
  switch (operator) {
    case '$eq':
      return matches((candidate) => equalsText(candidate, value));
    case '$ne':
      return (record) => !matches((candidate) => equalsText(candidate, value))(record);
    case '$in':
      return matches((candidate) => terms.some((term) => equalsText(candidate, term)));
    case '$nin':
      return (record) => !matches((candidate) => terms.some((term) => equalsText(candidate, term)))(record);
    case '$lt':
      return matches((candidate) => compareText(candidate, value) < 0);
    case '$lte':
      return matches((candidate) => compareText(candidate, value) <= 0);
    case '$gt':
      return matches((candidate) => compareText(candidate, value) > 0);
    case '$gte':
      return matches((candidate) => compareText(candidate, value) >= 0);
    case '$sw':
      return matches((candidate) => typeof candidate === 'string' && terms.some((term) => candidate.startsWith(term)));
    case '$ew':
      return matches((candidate) => typeof candidate === 'string' && candidate.endsWith(value));
    case '$co':
      return matches((candidate) => typeof candidate === 'string' && candidate.includes(value));
    default:
      return (record) => !matches((candidate) => typeof candidate === 'string' && candidate.includes(value))(record);
  }
}

/** Splits `a|b\|c` into ["a", "b|c"]: a backslash escapes a literal bar. */
export function splitTerms(value: string): string[] {
  const terms: string[] = [];
  let current = '';
  for (let i = 0; i < value.length; i += 1) {
    const char = value[i];
    if (char === '\\' && value[i + 1] === '|') {
      current += '|';
      i += 1;
    } else if (char === '|') {
      terms.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  terms.push(current);
  return terms;
}

/** Query-string values are text; compare them to booleans and numbers by their natural spelling. */
function equalsText(candidate: unknown, text: string): boolean {
  if (typeof candidate === 'string') return candidate === text;
  if (typeof candidate === 'boolean' || typeof candidate === 'number') return String(candidate) === text;
  if (candidate === null) return text === 'null';
  return false;
}

function compareText(candidate: unknown, text: string): number {
  if (typeof candidate === 'number') {
    const number = Number(text);
    return Number.isNaN(number) ? Number.NaN : candidate - number;
  }
  if (typeof candidate !== 'string') return Number.NaN;
  return candidate < text ? -1 : candidate > text ? 1 : 0;
}
