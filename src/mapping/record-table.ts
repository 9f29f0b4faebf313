import type { CollectionQuery } from '../jumpcloud/types.js';
import type { Filter } from '../scim/filter.js';
import type { ScimDoc } from '../scim/resource.js';
import type { ResourceSchema } from '../scim/schema.js';
import type { Drift } from './drift.js';
import type { ResourceMapping } from './exchange-mapping.js';

/**
 * A resource type's table as the shared scaffold (resources/table-resource.ts) serves it: the SCIM schema it
 * generates, and the translations between a SCIM resource and the JumpCloud record `R` written as `W`.
 */
export interface RecordTable<R, W> {
  readonly schema: ResourceSchema;
  /** The top-level attribute that names one resource: a create whose answer was lost is looked up by it. */
  readonly nameAttribute: string;
  idOf(record: R): string;
  /** The SCIM resource a record holds, without id, meta and schemas (the scaffold adds them). */
  toScim(record: R): ScimDoc;
  /** The create body for a SCIM resource; throws the SCIM error for a value JumpCloud cannot store. */
  createBody(doc: ScimDoc): W;
  /** The update body that makes `current` hold the SCIM resource `doc`, keeping what the table does not map. */
  updateBody(current: R, doc: ScimDoc): W;
  /** Whether a record holds every mapped value of a SCIM resource: a write landed, or there is nothing to send. */
  holds(record: R, doc: ScimDoc): boolean;
  /** What JumpCloud stored differently from what a write sent, in SCIM terms. */
  drift(sent: W, answer: unknown): Drift[];
  /** How the type's exchanges map, given where JumpCloud keeps its records (the endpoint catalogue says). */
  mapping(collection: string): ResourceMapping;
}

/** What JumpCloud is asked for a SCIM list filter, and the part of the filter the bridge decides itself. */
export interface RecordQuery {
  query: CollectionQuery;
  /** Undefined: the query alone is exact, so JumpCloud pages and counts. */
  residual?: Filter | undefined;
}

/** A resource type's query planner: a SCIM filter → its JumpCloud list query. */
export interface QueryPlanner {
  plan(filter: Filter | undefined): RecordQuery;
  /** How a client narrows a filter that would scan beyond MAX_FILTER_SCAN (the end of the tooMany message). */
  advice: string;
}
