import { isRecord } from './api-error.js';

/**
 * The values a dotted path reaches, Mongo-style: arrays met on the way (or at the end) fan out to
 * their elements, which is how JumpCloud lets `attributes.value` or `addresses.type` match any element.
 */
export function valuesAt(source: unknown, path: string): unknown[] {
  return walk(source, path.split('.'));
}

function walk(node: unknown, segments: readonly string[]): unknown[] {
  if (Array.isArray(node)) return node.flatMap((element) => walk(element, segments));
  const [head, ...rest] = segments;
  if (head === undefined) return [node];
  if (!isRecord(node) || !(head in node)) return [];
  const child = node[head];
  if (child === undefined) return [];
  return walk(child, rest);
}

/** Whether the path reaches anything at all (a present null counts, an empty array does not). */
export function pathExists(source: unknown, path: string): boolean {
  return valuesAt(source, path).length > 0;
}

/** Total order used for sorting and range operators: numbers numerically, everything else as text. */
export function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (a === undefined || a === null) return b === undefined || b === null ? 0 : -1;
  if (b === undefined || b === null) return 1;
  const left = String(a);
  const right = String(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

/** Sorts by several keys; `-key` sorts descending. The sort is stable so equal keys keep insertion order. */
export function sortRecords<T>(records: readonly T[], keys: readonly string[]): T[] {
  const parsed = keys
    .filter((key) => key.length > 0)
    .map((key) => (key.startsWith('-') ? { path: key.slice(1), direction: -1 } : { path: key, direction: 1 }));
  if (parsed.length === 0) return [...records];
  return [...records].sort((a, b) => {
    for (const { path, direction } of parsed) {
      const diff = compareValues(valuesAt(a, path)[0], valuesAt(b, path)[0]);
      if (diff !== 0) return diff * direction;
    }
    return 0;
  });
}

/** Keeps only the named top-level fields (the first segment of a dotted name) plus the id field. */
export function project<T extends Record<string, unknown>>(
  record: T,
  fields: readonly string[],
  idField: string,
): Partial<T> {
  if (fields.length === 0) return record;
  const keep = new Set([idField, ...fields.map((field) => field.split('.')[0] ?? field)]);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) if (keep.has(key)) out[key] = value;
  return out as Partial<T>;
}
