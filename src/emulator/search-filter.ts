import { badRequest, isRecord } from './api-error.js';
import { compareValues, pathExists, valuesAt } from './field-path.js';
import type { Predicate } from './v1-filter.js';

const OPERATORS = new Set(['$eq', '$ne', '$in', '$nin', '$gt', '$gte', '$lt', '$lte', '$exists', '$regex']);

/**
 * Compiles the body `filter` of `POST /api/search/systemusers`: `{and:[…]}`, `{or:[…]}` or a bare
 * array (treated as and). Each expression maps dotted field names to a plain value (case-sensitive
 * equality, any array element matches) or to an operator object. Nested and/or is not documented by
 * JumpCloud, so it is refused rather than guessed at.
 */
export function searchFilterPredicate(filter: unknown): Predicate | undefined {
  if (filter === undefined || filter === null) return undefined;
  if (Array.isArray(filter)) return combine('and', filter);
  if (!isRecord(filter)) throw badRequest('filter must be an object {"and"|"or": [...]} or an array');
  const keys = Object.keys(filter);
  if (keys.length === 0) return undefined;
  const [key] = keys;
  if (keys.length !== 1 || (key !== 'and' && key !== 'or')) {
    throw badRequest('filter must have exactly one property, "and" or "or", holding an array of expressions');
  }
  const list = filter[key];
  if (!Array.isArray(list)) throw badRequest(`filter.${key} must be an array of expressions`);
  return combine(key, list);
}

function combine(mode: 'and' | 'or', expressions: readonly unknown[]): Predicate {
  const predicates = expressions.map((expression, index) => compileExpression(expression, `${mode}[${index}]`));
  if (predicates.length === 0) return () => true;
  return mode === 'and'
    ? (record) => predicates.every((predicate) => predicate(record))
    : (record) => predicates.some((predicate) => predicate(record));
}

function compileExpression(expression: unknown, where: string): Predicate {
  if (!isRecord(expression)) throw badRequest(`filter ${where} must be an object of field conditions`);
  const parts: Predicate[] = [];
  for (const [field, condition] of Object.entries(expression)) {
    if (['and', 'or', '$and', '$or', '$nor', '$not'].includes(field)) {
      throw badRequest(`filter ${where}: nested "${field}" is not supported; use a single top-level and/or`);
    }
    if (field.startsWith('$')) throw badRequest(`filter ${where}: unsupported operator "${field}"`);
    parts.push(compileCondition(field, condition, where));
  }
  return (record) => parts.every((predicate) => predicate(record));
}

function compileCondition(field: string, condition: unknown, where: string): Predicate {
  const isOperatorObject = isRecord(condition) && Object.keys(condition).some((key) => key.startsWith('$'));
  if (!isOperatorObject)
    return (record) => valuesAt(record, field).some((candidate) => deepEqual(candidate, condition));

  const checks: Predicate[] = [];
  for (const [operator, operand] of Object.entries(condition)) {
    if (!OPERATORS.has(operator)) throw badRequest(`filter ${where}.${field}: unsupported operator "${operator}"`);
    checks.push(compileOperator(field, operator, operand, `${where}.${field}`));
  }
  return (record) => checks.every((check) => check(record));
}

function compileOperator(field: string, operator: string, operand: unknown, where: string): Predicate {
  const anyValue =
    (test: (candidate: unknown) => boolean): Predicate =>
    (record) =>
      valuesAt(record, field).some(test);
  switch (operator) {
    case '$eq':
      return anyValue((candidate) => deepEqual(candidate, operand));
    case '$ne':
      return (record) => !valuesAt(record, field).some((candidate) => deepEqual(candidate, operand));
    case '$in':
    case '$nin': {
      if (!Array.isArray(operand)) throw badRequest(`filter ${where}: ${operator} needs an array`);
      const hit = anyValue((candidate) => operand.some((option) => deepEqual(candidate, option)));
      return operator === '$in' ? hit : (record) => !hit(record);
    }
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte':
      return anyValue((candidate) => {
        if (!comparable(candidate, operand)) return false;
        const diff = compareValues(candidate, operand);
        if (operator === '$gt') return diff > 0;
        if (operator === '$gte') return diff >= 0;
        if (operator === '$lt') return diff < 0;
        return diff <= 0;
      });
    case '$exists':
      if (typeof operand !== 'boolean') throw badRequest(`filter ${where}: $exists needs true or false`);
      return (record) => pathExists(record, field) === operand;
    default: {
      if (typeof operand !== 'string') throw badRequest(`filter ${where}: $regex needs a string`);
      const regex = compileRegex(operand, where);
      return anyValue((candidate) => typeof candidate === 'string' && regex.test(candidate));
    }
  }
}

/**
 * JumpCloud's backend takes Go/PCRE-style inline flags such as `(?i)`; JavaScript does not, so a
 * leading flag group is translated into RegExp flags. Anything else that JavaScript cannot compile
 * is refused with 400 instead of silently matching nothing.
 */
export function compileRegex(pattern: string, where = 'filter'): RegExp {
  let source = pattern;
  let flags = '';
  const inline = /^\(\?([ims]+)\)/.exec(source);
  if (inline?.[1]) {
    flags = [...new Set(inline[1])].join('');
    source = source.slice(inline[0].length);
  }
  try {
    return new RegExp(source, flags);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw badRequest(`${where}: invalid $regex "${pattern}": ${reason}`);
  }
}

/** `searchFilter`: any term is a case-insensitive substring of any listed field. */
export function searchTermPredicate(searchFilter: unknown): Predicate | undefined {
  if (searchFilter === undefined || searchFilter === null) return undefined;
  if (!isRecord(searchFilter)) throw badRequest('searchFilter must be an object {searchTerm, fields}');
  const rawTerm = searchFilter['searchTerm'];
  const rawFields = searchFilter['fields'];
  const terms = (Array.isArray(rawTerm) ? rawTerm : [rawTerm]).filter(
    (term): term is string => typeof term === 'string',
  );
  if (terms.length === 0) throw badRequest('searchFilter.searchTerm must be a string or an array of strings');
  if (!Array.isArray(rawFields) || rawFields.length === 0 || !rawFields.every((field) => typeof field === 'string')) {
    throw badRequest('searchFilter.fields must be a non-empty array of field names');
  }
  const fields = rawFields as string[];
  const needles = terms.map((term) => term.toLowerCase());
  return (record) =>
    fields.some((field) =>
      valuesAt(record, field).some(
        (candidate) =>
          typeof candidate === 'string' && needles.some((needle) => candidate.toLowerCase().includes(needle)),
      ),
    );
}

function comparable(a: unknown, b: unknown): boolean {
  return (typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string');
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => deepEqual(a[key], b[key]));
  }
  return false;
}
