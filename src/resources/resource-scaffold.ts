import type { Config } from '../config.js';
import type { ResourceLock } from '../coordination/primitives.js';
import type { LockKey } from '../coordination/lock-keys.js';
import { isJumpCloudError } from '../jumpcloud/errors.js';
import { driftNote, type Drift } from '../mapping/drift.js';
import { addressed } from '../mapping/upstream-errors.js';
import { badRequest } from '../scim/errors.js';
import type { Filter } from '../scim/filter.js';
import { matchesResource } from '../scim/filter-eval.js';
import { compareBySort, parseListFilter, parseSort, type Sort } from '../scim/list-query.js';
import { listResponse, parsePaging, type ListResponse } from '../scim/list-response.js';
import { applyPatch, type PatchOperation } from '../scim/patch.js';
import { parseProjection, type Projection } from '../scim/projection.js';
import { checkRequired, normaliseResource, type ScimDoc, type UnknownAttributes } from '../scim/resource.js';
import type { ResourceSchema } from '../scim/schema.js';
import { readWindow, scanAll, type PageOf, type PageRequest } from '../util/paging.js';
import { findLanded, landedLookup } from './landed-create.js';
import {
  lockOptions,
  unknownAttributes,
  type ListOptions,
  type RequestContext,
  type ScimListParams,
} from './resource-type.js';

/** The settings every resource type reads; a type adds its own (Users: username rules, Groups: member limits). */
export type ResourceConfig = Pick<
  Config,
  'maxPageSize' | 'maxFilterScan' | 'unknownAttributes' | 'createLookupWindowMs'
>;

/** What a resource type says in the messages the scaffold writes for it. */
export interface ResourceWords {
  /** What a scan counts: `users`, `JumpCloud groups`. */
  scanned: string;
  /** Why a filter has to scan, when that needs saying: `cannot be answered by a JumpCloud search alone and`. */
  scanReason?: string;
  /** How a client narrows a filter so JumpCloud can answer it. */
  narrow: string;
  /** Which table an unknown attribute is not in: `the mapping table`. */
  table: string;
  /** What an operator does to store an ignored attribute (may be ''). */
  storeAdvice?: string;
}

/** What the bridge asks JumpCloud for a list, and what it must still decide itself. */
export interface ListPlan<Q> {
  /** The pushed-down query: narrows, and decides alone when there is no residual. */
  query: Q;
  /** The part of the filter JumpCloud cannot decide: evaluated by the bridge on every scanned record. */
  residual?: Filter | undefined;
  /** `id eq "…"`: one read instead of a scan (the residual is then the whole filter). */
  id?: string | undefined;
}

/** A record with its SCIM document, as a list carries it from the scan to the answer. */
export interface Listed<R> {
  record: R;
  doc: ScimDoc;
}

/** How one resource type's records are planned, read, rendered and finished for a list. */
export interface ListSource<R, Q> {
  /** The largest page JumpCloud serves for this type's list. */
  pageSize: number;
  /** A filter the type cannot serve at all, refused before anything is read. */
  refuse?(filter: Filter): void;
  plan(filter: Filter | undefined, sort: Sort | undefined, projection: Projection): ListPlan<Q>;
  page(query: Q, page: PageRequest): Promise<PageOf<R>>;
  render(record: R): ScimDoc;
  /** One record by id; undefined when it does not exist. Without it, an `id` plan scans like any other. */
  byId?(id: string): Promise<R | undefined>;
  /** Whether a record matches a residual filter (default: the filter on its document). */
  matches?(filter: Filter, record: R, doc: ScimDoc): boolean;
  /** The answer's documents for one page of records, projected (and completed: members, groups). */
  present(page: Listed<R>[], projection: Projection): Promise<ScimDoc[]>;
}

/**
 * What every resource type does the same way, written once: lists (pushed down and paged by JumpCloud, or scanned up
 * to MAX_FILTER_SCAN and decided here), the UNKNOWN_ATTRIBUTES rule, locks bounded by the request, the lookups that
 * tell whether a write whose answer was lost landed, and drift notes. A type supplies only what is its own.
 */
export class ResourceScaffold {
  constructor(
    readonly schema: ResourceSchema,
    private readonly config: ResourceConfig,
    private readonly locks: ResourceLock<LockKey>,
    private readonly words: ResourceWords,
  ) {}

  /** UNKNOWN_ATTRIBUTES: refuse (default) or skip, reporting each skipped name to the exchange and once to the log. */
  unknown(ctx: RequestContext): UnknownAttributes {
    const { table, storeAdvice } = this.words;
    return unknownAttributes(this.config.unknownAttributes, ctx, this.schema.resourceType, table, storeAdvice);
  }

  /** The resource a POST or PUT carries: normalised to the schema (UNKNOWN_ATTRIBUTES applied), required ones present. */
  resource(ctx: RequestContext, body: unknown): ScimDoc {
    const doc = normaliseResource(body, this.schema, this.unknown(ctx));
    checkRequired(doc, this.schema);
    return doc;
  }

  /** A resource with a PATCH's operations applied, its required attributes still present. */
  patched(current: ScimDoc, ops: PatchOperation[]): ScimDoc {
    const next = applyPatch(current, ops);
    checkRequired(next, this.schema);
    return next;
  }

  /** Runs `work` under the lock `key`, waiting no longer than the request may run, among its own org's keys. */
  lock<T>(ctx: RequestContext, key: LockKey, work: () => Promise<T>): Promise<T> {
    return this.locks.run(key, work, lockOptions(ctx));
  }

  /**
   * A list: without a residual filter or a sort, JumpCloud pages and counts (one call per page of results);
   * otherwise the pushed-down superset is scanned (up to MAX_FILTER_SCAN), decided, sorted and sliced here.
   */
  async list<R, Q>(
    q: ScimListParams,
    source: ListSource<R, Q>,
    options: ListOptions = {},
  ): Promise<ListResponse<ScimDoc>> {
    const filter = parseListFilter(q.filter, this.schema);
    if (filter) source.refuse?.(filter);
    const paging = parsePaging(q, options.maxCount ?? this.config.maxPageSize);
    const projection = parseProjection(q, this.schema);
    // Sorting is always done here: JumpCloud sorts case-sensitively, and puts unset values first.
    const sort = parseSort(q, this.schema);
    const plan = source.plan(filter, sort, projection);
    const listed = (record: R): Listed<R> => ({ record, doc: source.render(record) });
    if (!plan.residual && !sort) {
      const { items, total } = await readWindow(
        (page) => source.page(plan.query, page),
        paging.startIndex,
        paging.count,
        source.pageSize,
      );
      return listResponse(await source.present(items.map(listed), projection), total, paging.startIndex);
    }
    const { residual } = plan;
    const matches = (m: Listed<R>): boolean =>
      !residual ||
      (source.matches ? source.matches(residual, m.record, m.doc) : matchesResource(residual, m.doc, this.schema));
    let candidates: R[];
    if (plan.id !== undefined && source.byId) {
      const one = await source.byId(plan.id);
      candidates = one === undefined ? [] : [one];
    } else {
      candidates = await this.scan((page) => source.page(plan.query, page), source.pageSize);
    }
    const matched = candidates.map(listed).filter(matches);
    if (sort) {
      const order = compareBySort(sort);
      matched.sort((a, b) => order(a.doc, b.doc));
    }
    const page = matched.slice(paging.startIndex - 1, paging.startIndex - 1 + paging.count);
    return listResponse(await source.present(page, projection), matched.length, paging.startIndex);
  }

  /** Every record of a pushed-down query, page by page, refused with tooMany beyond MAX_FILTER_SCAN. */
  scan<R>(fetchPage: (page: PageRequest) => Promise<PageOf<R>>, pageSize: number): Promise<R[]> {
    const max = this.config.maxFilterScan;
    const { scanned, scanReason, narrow } = this.words;
    return scanAll(fetchPage, {
      pageSize,
      max,
      tooMany: (total) =>
        badRequest(
          'tooMany',
          `This filter ${scanReason ? `${scanReason} ` : ''}would scan ${total} ${scanned} (the bound is MAX_FILTER_SCAN=${max}). ${narrow}`,
        ),
    });
  }

  /**
   * After a write whose answer was lost (timeout, reset, 5xx after its retries), looks for its effect for
   * CREATE_LOOKUP_WINDOW_MS: a commit can become visible after the connection failed (see findLanded).
   */
  landed<T>(ctx: RequestContext, find: () => Promise<T | undefined>): Promise<T | undefined> {
    return findLanded(find, landedLookup(this.config.createLookupWindowMs), ctx.signal);
  }

  /**
   * An update whose answer was lost may still have been applied: reading the record back (for a while) tells. If it
   * holds the update, the write landed and the client hears so, rather than an error about a change that was made.
   */
  async updated<R>(
    ctx: RequestContext,
    send: () => Promise<R>,
    reread: () => Promise<R>,
    holds: (record: R) => boolean,
  ): Promise<R> {
    try {
      return await send();
    } catch (e) {
      if (!isJumpCloudError(e) || !e.ambiguous) throw e;
      const landed = await this.landed(ctx, async () => {
        const now = await reread();
        return holds(now) ? now : undefined;
      });
      if (landed !== undefined) return landed;
      throw e;
    }
  }

  /**
   * A delete of `what` (`User {id}`): JumpCloud's 404 or 400 for the id is SCIM's 404. A delete whose answer was lost
   * may have been applied: if the record is gone (within the window), the delete is done.
   */
  deleted(ctx: RequestContext, what: string, send: () => Promise<void>, reread: () => Promise<unknown>): Promise<void> {
    return addressed(async () => {
      try {
        await send();
      } catch (e) {
        if (!isJumpCloudError(e) || !e.ambiguous) throw e;
        const isGone = (): Promise<true | undefined> =>
          reread().then(
            () => undefined,
            (lookup: unknown) => {
              if (isJumpCloudError(lookup) && lookup.kind === 'notFound') return true;
              throw lookup;
            },
          );
        if (!(await this.landed(ctx, isGone))) throw e;
      }
    }, what);
  }

  /**
   * Drift: JumpCloud's answer to a write, compared with what was sent through the type's table. A difference is a
   * warning (log line, exchange note, counter) on its first occurrence, instead of a week of Entra re-writing the
   * same attribute every cycle. The answer is what the SCIM response shows, so Entra's next read sees the stored value.
   */
  reportDrift(ctx: RequestContext, id: string, drifts: readonly Drift[]): void {
    for (const d of drifts) ctx.note?.(driftNote(this.schema.resourceType, id, d));
  }
}
