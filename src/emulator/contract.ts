import { isRecord } from './api-error.js';
import type { ContractViolation } from './types.js';

/**
 * A deliberately small JSON-schema subset: just enough to express the request bodies the bridge
 * sends, so that drift between the bridge and JumpCloud's published contract becomes visible.
 */
export type Schema =
  | { type: 'string'; maxLength?: number; enum?: readonly string[]; nullable?: boolean }
  | { type: 'boolean'; nullable?: boolean }
  | { type: 'integer'; minimum?: number; nullable?: boolean }
  | { type: 'array'; items: Schema; nullable?: boolean }
  | {
      type: 'object';
      properties: Readonly<Record<string, Schema>>;
      required?: readonly string[];
      /** JumpCloud ignores unknown keys, so by default they are recorded but not rejected. */
      open?: boolean;
      nullable?: boolean;
    }
  | { type: 'any' }
  | { type: 'oneOf'; options: readonly Schema[]; label: string };

export type Finding = Omit<ContractViolation, 'method' | 'path'>;

export function validate(schema: Schema, value: unknown, pointer = ''): Finding[] {
  const findings: Finding[] = [];
  check(schema, value, pointer, findings);
  return findings;
}

function check(schema: Schema, value: unknown, pointer: string, out: Finding[]): void {
  if (schema.type === 'any') return;
  if (schema.type === 'oneOf') {
    const option = schema.options.find((candidate) => matchesType(candidate, value));
    if (option) check(option, value, pointer, out);
    else out.push({ pointer, kind: 'type', message: `must be ${schema.label}, got ${describe(value)}` });
    return;
  }
  if (value === null) {
    if (!schema.nullable) out.push({ pointer, kind: 'type', message: `must be ${schema.type}, not null` });
    return;
  }
  if (!matchesType(schema, value)) {
    out.push({ pointer, kind: 'type', message: `must be ${article(schema.type)}, got ${describe(value)}` });
    return;
  }
  switch (schema.type) {
    case 'string': {
      const text = value as string;
      if (schema.enum && !schema.enum.includes(text)) {
        out.push({ pointer, kind: 'enum', message: `must be one of ${schema.enum.join(', ')}; got "${text}"` });
      }
      if (schema.maxLength !== undefined && text.length > schema.maxLength) {
        out.push({
          pointer,
          kind: 'max-length',
          message: `must be at most ${schema.maxLength} characters; got ${text.length}`,
        });
      }
      return;
    }
    case 'integer':
      if (schema.minimum !== undefined && (value as number) < schema.minimum) {
        out.push({ pointer, kind: 'minimum', message: `must be >= ${schema.minimum}` });
      }
      return;
    case 'array':
      (value as unknown[]).forEach((item, index) => check(schema.items, item, `${pointer}/${index}`, out));
      return;
    case 'object': {
      const record = value as Record<string, unknown>;
      for (const key of schema.required ?? []) {
        if (record[key] === undefined)
          out.push({ pointer: `${pointer}/${escape(key)}`, kind: 'required', message: 'is required' });
      }
      for (const [key, child] of Object.entries(record)) {
        const childSchema = schema.properties[key];
        const childPointer = `${pointer}/${escape(key)}`;
        if (childSchema) check(childSchema, child, childPointer, out);
        else if (!schema.open)
          out.push({ pointer: childPointer, kind: 'unknown-property', message: `is not a property of this schema` });
      }
      return;
    }
    default:
      return;
  }
}

function matchesType(schema: Schema, value: unknown): boolean {
  switch (schema.type) {
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isRecord(value);
    default:
      return true;
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** RFC 6901 escaping so pointers stay unambiguous for keys holding "/" or "~". */
function escape(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Violations of these kinds are what JumpCloud itself would refuse with a 400. */
export function isRejecting(finding: Finding): boolean {
  return finding.kind !== 'unknown-property' && finding.kind !== 'content-type';
}
