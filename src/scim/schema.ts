import { unqualifiedExtensionName } from './entra-quirks.js';
import type { AttrPath } from './filter.js';
import type { AttributeDef, SchemaDef } from './attribute-def.js';

export const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

export function attribute(name: string, over: Partial<AttributeDef> = {}): AttributeDef {
  return {
    name,
    type: 'string',
    multiValued: false,
    description: '',
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...over,
  };
}

/** RFC 7643 §3.1 common attributes: present on every resource, not part of any schema's attribute list. */
const COMMON_ATTRIBUTES: AttributeDef[] = [
  attribute('id', {
    caseExact: true,
    mutability: 'readOnly',
    returned: 'always',
    uniqueness: 'server',
    description: 'The JumpCloud object id.',
  }),
  attribute('meta', {
    type: 'complex',
    mutability: 'readOnly',
    description: 'Resource metadata.',
    subAttributes: [
      attribute('resourceType', { caseExact: true, mutability: 'readOnly' }),
      attribute('created', { type: 'dateTime', mutability: 'readOnly' }),
      attribute('lastModified', { type: 'dateTime', mutability: 'readOnly' }),
      attribute('location', { type: 'reference', mutability: 'readOnly', referenceTypes: ['uri'] }),
    ],
  }),
];

/** Where an attribute path lands, with names in their canonical case. */
export interface ResolvedPath {
  /** Schema URN the attribute belongs to (the core schema for common attributes). */
  schema: string;
  attr: AttributeDef;
  sub?: AttributeDef;
  /** Keys into the resource document: `["name","givenName"]`, `["urn:…:User","manager","value"]`. */
  keys: string[];
  /** Canonical text, e.g. `name.givenName` or `urn:…:enterprise:2.0:User:manager`. */
  text: string;
}

const lower = (s: string): string => s.toLowerCase();

/**
 * A resource type's schemas with case-insensitive attribute lookup (RFC 7643 §2.1: attribute names are
 * case-insensitive; Microsoft's own test suites send `UserName`, `name.FamilyName`, `emails[Type eq "Work"].Value`).
 */
export class ResourceSchema {
  private readonly bySchema = new Map<string, SchemaDef>();

  constructor(
    readonly resourceType: string,
    readonly endpoint: string,
    readonly core: SchemaDef,
    readonly extensions: SchemaDef[] = [],
  ) {
    for (const s of [core, ...extensions]) this.bySchema.set(lower(s.id), s);
  }

  get schemaIds(): string[] {
    return [this.core.id, ...this.extensions.map((e) => e.id)];
  }

  extension(urn: string): SchemaDef | undefined {
    const s = this.bySchema.get(lower(urn));
    return s && s !== this.core ? s : undefined;
  }

  resolve(path: AttrPath): ResolvedPath | undefined {
    let schema: SchemaDef | undefined = this.core;
    if (path.uri !== undefined) {
      schema = this.bySchema.get(lower(path.uri));
      if (!schema) return undefined;
    }
    const pool = schema === this.core ? [...COMMON_ATTRIBUTES, ...schema.attributes] : schema.attributes;
    let attr = pool.find((a) => lower(a.name) === lower(path.name));
    if (!attr && path.uri === undefined) {
      const hit = unqualifiedExtensionName(
        this.extensions.flatMap((e) =>
          e.attributes.filter((a) => lower(a.name) === lower(path.name)).map((a) => [e, a] as const),
        ),
      );
      if (hit) [schema, attr] = hit;
    }
    if (!attr) return undefined;
    const keys = schema === this.core ? [attr.name] : [schema.id, attr.name];
    let text = schema === this.core ? attr.name : `${schema.id}:${attr.name}`;
    if (path.sub === undefined) return { schema: schema.id, attr, keys, text };
    const sub = attr.subAttributes?.find((a) => lower(a.name) === lower(path.sub ?? ''));
    if (!sub) return undefined;
    text += `.${sub.name}`;
    return { schema: schema.id, attr, sub, keys: [...keys, sub.name], text };
  }

  /** The definition of a sub-attribute of a complex attribute, by any letter case. */
  subAttribute(attr: AttributeDef, name: string): AttributeDef | undefined {
    return attr.subAttributes?.find((a) => lower(a.name) === lower(name));
  }
}
