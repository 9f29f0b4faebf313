import type { ResourceLock } from '../coordination/primitives.js';
import { lockKeys, type LockKey } from '../coordination/lock-keys.js';
import type { CollectionEndpoint } from '../jumpcloud/endpoints.js';
import { isJumpCloudError } from '../jumpcloud/errors.js';
import type { ResourceMapping } from '../mapping/exchange-mapping.js';
import type { QueryPlanner, RecordTable } from '../mapping/record-table.js';
import { addressed, scimErrorFor, translated } from '../mapping/upstream-errors.js';
import { parseFilter } from '../scim/filter.js';
import { matchesResource } from '../scim/filter-eval.js';
import type { ListResponse } from '../scim/list-response.js';
import { parsePatchRequest } from '../scim/patch.js';
import { parseProjection, project } from '../scim/projection.js';
import type { ScimDoc } from '../scim/resource.js';
import type { ResourceSchema } from '../scim/schema.js';
import { ResourceScaffold, type ResourceConfig } from './resource-scaffold.js';
import type { ListOptions, RequestContext, ScimListParams, ScimResourceType } from './resource-type.js';

/** A resource type served by the scaffold alone: its table, where JumpCloud keeps its records, its query planner. */
export interface ResourceDefinition<R, W> {
  table: RecordTable<R, W>;
  endpoint: CollectionEndpoint;
  planner: QueryPlanner;
}

/**
 * Any resource type whose JumpCloud records answer the five collection calls, served from its definition: lists
 * pushed down or scanned, creates, PUT and PATCH as the difference, deletes, each under its lock, each write with
 * its lost-answer lookup and drift check. Users and Groups have rules of their own (usernames, member edges) and
 * their own modules; a type without such rules needs nothing but its definition.
 */
export class TableResource<R, W> implements ScimResourceType {
  readonly mapping: ResourceMapping;
  private readonly scaffold: ResourceScaffold;
  private readonly table: RecordTable<R, W>;

  constructor(
    private readonly definition: ResourceDefinition<R, W>,
    config: ResourceConfig,
    locks: ResourceLock<LockKey>,
  ) {
    this.table = definition.table;
    this.mapping = this.table.mapping(definition.endpoint.path);
    const schema = this.table.schema;
    this.scaffold = new ResourceScaffold(schema, config, locks, {
      scanned: `JumpCloud records for ${schema.endpoint}`,
      narrow: definition.planner.advice,
      table: `the ${schema.resourceType} table`,
    });
  }

  get schema(): ResourceSchema {
    return this.table.schema;
  }

  private get type(): string {
    return this.schema.resourceType;
  }

  private render(record: R, baseUrl: string): ScimDoc {
    const id = this.table.idOf(record);
    return {
      schemas: [this.schema.core.id],
      id,
      ...this.table.toScim(record),
      meta: { resourceType: this.type, location: `${baseUrl}${this.schema.endpoint}/${id}` },
    };
  }

  private records(ctx: RequestContext) {
    return ctx.jc.collection<R, W>(this.definition.endpoint);
  }

  list(ctx: RequestContext, q: ScimListParams, options?: ListOptions): Promise<ListResponse<ScimDoc>> {
    return this.scaffold.list<R, ReturnType<QueryPlanner['plan']>['query']>(
      q,
      {
        pageSize: this.definition.endpoint.pageSize,
        plan: (filter) => this.definition.planner.plan(filter),
        page: (query, page) => translated(() => this.records(ctx).list(query, page), this.schema.endpoint.slice(1)),
        render: (record) => this.render(record, ctx.baseUrl),
        present: async (page, projection) => page.map((m) => project(m.doc, projection, this.schema)),
      },
      options,
    );
  }

  async get(ctx: RequestContext, id: string, q: ScimListParams): Promise<ScimDoc> {
    const projection = parseProjection(q, this.schema);
    return project(this.render(await this.fetch(ctx, id), ctx.baseUrl), projection, this.schema);
  }

  private fetch(ctx: RequestContext, id: string): Promise<R> {
    return addressed(() => this.records(ctx).get(id), `${this.type} ${id}`);
  }

  async create(ctx: RequestContext, body: unknown): Promise<ScimDoc> {
    const doc = this.scaffold.resource(ctx, body);
    const post = this.table.createBody(doc);
    const name = doc[this.table.nameAttribute];
    const key = lockKeys.recordCreate(this.type, String(name));
    return this.scaffold.lock(ctx, key, async () => {
      try {
        const created = await this.records(ctx).create(post);
        this.scaffold.reportDrift(ctx, this.table.idOf(created), this.table.drift(post, created));
        return this.render(created, ctx.baseUrl);
      } catch (e) {
        if (!isJumpCloudError(e)) throw e;
        // The create may have landed even though the answer was lost. Re-sending blindly could make a duplicate;
        // looking it up by its name first cannot. Do not weaken this.
        const landed = e.ambiguous && typeof name === 'string' ? await this.landedCreate(ctx, name, doc) : undefined;
        if (landed === undefined) throw scimErrorFor(e, this.type);
        return this.render(landed, ctx.baseUrl);
      }
    });
  }

  /** The record a lost create made: one named `name` (by the table's name attribute) that holds the whole resource. */
  private landedCreate(ctx: RequestContext, name: string, doc: ScimDoc): Promise<R | undefined> {
    const filter = parseFilter(`${this.table.nameAttribute} eq ${JSON.stringify(name)}`);
    const { query } = this.definition.planner.plan(filter);
    return this.scaffold.landed(ctx, async () => {
      const candidates = await this.scaffold.scan(
        (page) => this.records(ctx).list(query, page),
        this.definition.endpoint.pageSize,
      );
      return candidates.find(
        (r) => matchesResource(filter, this.render(r, ctx.baseUrl), this.schema) && this.table.holds(r, doc),
      );
    });
  }

  async replace(ctx: RequestContext, id: string, body: unknown): Promise<ScimDoc> {
    const doc = this.scaffold.resource(ctx, body);
    return this.scaffold.lock(ctx, this.lockKey(id), () => this.write(ctx, id, () => doc));
  }

  async patch(ctx: RequestContext, id: string, body: unknown): Promise<ScimDoc> {
    // Parse everything first: an invalid operation anywhere writes nothing.
    const ops = parsePatchRequest(body, this.schema, this.scaffold.unknown(ctx));
    return this.scaffold.lock(ctx, this.lockKey(id), () =>
      this.write(ctx, id, (current) => this.scaffold.patched(current, ops)),
    );
  }

  async remove(ctx: RequestContext, id: string): Promise<void> {
    await this.scaffold.lock(ctx, this.lockKey(id), () =>
      this.scaffold.deleted(
        ctx,
        `${this.type} ${id}`,
        () => this.records(ctx).delete(id),
        () => this.records(ctx).get(id),
      ),
    );
  }

  private lockKey(id: string): LockKey {
    return lockKeys.record(this.type, id);
  }

  /** Read, compute the new SCIM view, and send JumpCloud an update only when the record does not hold it already. */
  private async write(ctx: RequestContext, id: string, next: (current: ScimDoc) => ScimDoc): Promise<ScimDoc> {
    const current = await this.fetch(ctx, id);
    const doc = next(this.table.toScim(current));
    if (this.table.holds(current, doc)) return this.render(current, ctx.baseUrl);
    const body = this.table.updateBody(current, doc);
    const updated = await translated(
      () =>
        this.scaffold.updated(
          ctx,
          () => this.records(ctx).update(id, body),
          () => this.records(ctx).get(id),
          (now) => this.table.holds(now, doc),
        ),
      `${this.type} ${id}`,
    );
    this.scaffold.reportDrift(ctx, id, this.table.drift(body, updated));
    return this.render(updated, ctx.baseUrl);
  }
}
