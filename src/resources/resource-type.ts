import type { LockOptions } from '../coordination/primitives.js';
import type { JumpCloudClient } from '../jumpcloud/endpoints.js';
import type { ResourceMapping } from '../mapping/exchange-mapping.js';
import type { NoteSink } from '../observability/exchange.js';
import type { ListResponse } from '../scim/list-response.js';
import type { ScimDoc, UnknownAttributes } from '../scim/resource.js';
import type { ResourceSchema } from '../scim/schema.js';

/** What one SCIM request gives a resource handler: a JumpCloud client bound to the caller's key, and where it lives. */
export interface RequestContext {
  jc: JumpCloudClient;
  /** e.g. https://bridge.example.com/scim/v2, for `meta.location` and `Location`. */
  baseUrl: string;
  /** Aborts at the request's deadline or when its client hangs up: lock waits and fan-outs stop with it. */
  signal?: AbortSignal;
  /** Reports a decision to the request's exchange and log (absent: nobody is listening). */
  note?: NoteSink;
  /** The JumpCloud org named by the tenant URL (`/scim/v2/orgs/{orgId}`): locks are scoped to it. */
  orgId?: string;
  /**
   * Whose undocumented answers a resource may remember (resources/org-answers.ts): the fingerprint of the caller's
   * key and org, never the key itself.
   */
  org?: string;
}

/** How a resource waits for a lock: no longer than the request may run, and only against its own org's keys. */
export function lockOptions(ctx: RequestContext): LockOptions {
  return { ...(ctx.signal ? { signal: ctx.signal } : {}), ...(ctx.orgId ? { orgId: ctx.orgId } : {}) };
}

/**
 * UNKNOWN_ATTRIBUTES for one request of a resource type: refuse (the default), or skip an attribute its table does not
 * know, with one warning per name and type (`notIn` says which table, `advice` what to do about it).
 */
export function unknownAttributes(
  mode: 'refuse' | 'ignore',
  ctx: RequestContext,
  resourceType: string,
  notIn: string,
  advice = '',
): UnknownAttributes {
  return {
    unknown: mode,
    ignored: (name) =>
      ctx.note?.({
        level: 'warn',
        kind: 'attributeIgnored',
        message: `Ignored attribute '${name}': it is not in ${notIn} (UNKNOWN_ATTRIBUTES=ignore).${advice}`,
        once: `attributeIgnored:${resourceType}:${name.toLowerCase()}`,
      }),
  };
}

/** RFC 7644 §3.4.2 query parameters of a list (or the body of a POST .search), as the client sent them. */
export interface ScimListParams {
  filter?: unknown;
  startIndex?: unknown;
  count?: unknown;
  sortBy?: unknown;
  sortOrder?: unknown;
  attributes?: unknown;
  excludedAttributes?: unknown;
}

/** How the bridge itself widens a list: a sorted search across types merges a window larger than one page. */
export interface ListOptions {
  /** The largest `count` honoured; without it, MAX_PAGE_SIZE. */
  maxCount?: number;
}

/**
 * One SCIM resource type as one value: its schema (generated from its table) and its operations. Routing,
 * discovery, the debug page and `explain` iterate the registered values; adding a resource type means writing
 * one of these and registering it in bridge.ts.
 */
export interface ScimResourceType {
  readonly schema: ResourceSchema;
  /** How the type's attributes and exchanges map onto JumpCloud: the debug page and `explain` read it. */
  readonly mapping: ResourceMapping;
  list(ctx: RequestContext, params: ScimListParams, options?: ListOptions): Promise<ListResponse<ScimDoc>>;
  get(ctx: RequestContext, id: string, params: ScimListParams): Promise<ScimDoc>;
  create(ctx: RequestContext, body: unknown): Promise<ScimDoc>;
  /** Absent: PUT is not served for this type. */
  replace?(ctx: RequestContext, id: string, body: unknown): Promise<ScimDoc>;
  /** `undefined` answers 204 (Entra's preference for Groups); a resource answers 200 with the document it returns. */
  patch(ctx: RequestContext, id: string, body: unknown, params: ScimListParams): Promise<ScimDoc | undefined>;
  remove(ctx: RequestContext, id: string): Promise<void>;
}

/** The resource types the bridge serves, in discovery order. */
export class ResourceRegistry {
  constructor(readonly types: readonly ScimResourceType[]) {}

  get schemas(): ResourceSchema[] {
    return this.types.map((t) => t.schema);
  }

  get mappings(): ResourceMapping[] {
    return this.types.map((t) => t.mapping);
  }

  /** By resource type name (`User`) or endpoint (`/Users`), ignoring case as SCIM clients do. */
  find(name: string): ScimResourceType | undefined {
    const n = name.toLowerCase();
    return this.types.find((t) => t.schema.resourceType.toLowerCase() === n || t.schema.endpoint.toLowerCase() === n);
  }

  /** The metrics label of a type named by resource type or endpoint segment (`users`); undefined if none is served. */
  label(name: string): string | undefined {
    const type = this.find(name) ?? this.find(`/${name}`);
    return type?.schema.endpoint.replace(/^\//, '').toLowerCase();
  }

  /** "User and Group", for messages that tell a client what is served. */
  describe(of: (schema: ResourceSchema) => string): string {
    const names = this.schemas.map(of);
    return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : (names[0] ?? 'nothing');
  }
}

/** Whose state a resource keeps (learned answers, members done): the caller's key and org, never the key itself. */
export const orgKey = (ctx: RequestContext): string => ctx.org ?? ctx.orgId ?? '';
