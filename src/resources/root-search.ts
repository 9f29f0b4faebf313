import type { Config } from '../config.js';
import { badRequest } from '../scim/errors.js';
import { formatFilter } from '../scim/filter.js';
import { listResponse, parsePaging, type ListResponse } from '../scim/list-response.js';
import { parseProjection, project } from '../scim/projection.js';
import type { ScimDoc } from '../scim/resource.js';
import {
  compareAcrossTypes,
  filterForType,
  parseRootFilter,
  parseRootSort,
  withSortAttribute,
  type Ranked,
  type RootSort,
} from '../scim/root-search.js';
import type { RequestContext, ScimListParams, ScimResourceType } from './resource-type.js';

/** One resource type asked by a root search: its place in the registry and the part of the filter it must decide. */
interface Asked {
  type: ScimResourceType;
  index: number;
  filter: ScimListParams;
}

/** The projection parameters as the client sent them. */
function projectionOf(q: ScimListParams): ScimListParams {
  return {
    ...(q.attributes !== undefined ? { attributes: q.attributes } : {}),
    ...(q.excludedAttributes !== undefined ? { excludedAttributes: q.excludedAttributes } : {}),
  };
}

/**
 * RFC 7644 §3.4.3 `POST /.search` (and §3.4.2.1 `GET /` with the same parameters): one search across every registered
 * resource type, each asked through its own `list`, so a new type joins by being registered and every rule of its
 * own search (filter pushdown, MAX_FILTER_SCAN, projection, the cost of `members` or `groups`) holds here too. A
 * type whose attributes cannot satisfy the filter is left out without a call; what a type refuses is refused.
 * Without `sortBy`, the types' answers follow one another in registry order, each in its own stable order.
 */
export async function searchAllTypes(
  types: readonly ScimResourceType[],
  ctx: RequestContext,
  q: ScimListParams,
  config: Pick<Config, 'maxPageSize' | 'maxFilterScan'>,
): Promise<ListResponse<ScimDoc>> {
  const schemas = types.map((t) => t.schema);
  const filter = parseRootFilter(q.filter, schemas);
  const sort = parseRootSort(q, schemas);
  const paging = parsePaging(q, config.maxPageSize);
  // A malformed attributes list is refused even when no type ends up being asked.
  for (const schema of schemas) parseProjection(q, schema);
  const asked = types.flatMap((type, index): Asked[] => {
    const own = filter ? filterForType(filter, type.schema) : true;
    if (own === false) return [];
    return [{ type, index, filter: own === true ? {} : { filter: formatFilter(own) } }];
  });
  if (sort) return sorted(asked, ctx, q, sort, paging, config.maxFilterScan);

  const page: ScimDoc[] = [];
  let skip = paging.startIndex - 1;
  let wanted = paging.count;
  let total = 0;
  for (const { type, filter: own } of asked) {
    // Once the page is full, a type is still asked (count 0) for its total.
    const res = await type.list(ctx, {
      ...own,
      ...projectionOf(q),
      startIndex: String(skip + 1),
      count: String(wanted),
    });
    total += res.totalResults;
    const got = res.Resources.slice(0, wanted);
    page.push(...got);
    wanted -= got.length;
    skip = Math.max(0, skip - res.totalResults);
  }
  return listResponse(page, total, paging.startIndex);
}

/**
 * A sort across types merges each type's first startIndex+count-1 resources in that order; that window is bounded by
 * MAX_FILTER_SCAN like every scan the bridge makes for a client.
 */
async function sorted(
  asked: Asked[],
  ctx: RequestContext,
  q: ScimListParams,
  sort: RootSort,
  paging: { startIndex: number; count: number },
  maxFilterScan: number,
): Promise<ListResponse<ScimDoc>> {
  const window = paging.startIndex - 1 + paging.count;
  if (window > maxFilterScan)
    throw badRequest(
      'tooMany',
      `A sorted search across resource types reads the first startIndex+count-1 = ${window} resources of each type, more than MAX_FILTER_SCAN=${maxFilterScan}. ` +
        'Narrow the filter (meta.resourceType eq "User" keeps to one type), page from the start, or search one type with POST /Users/.search.',
    );
  const sortBy = String(q.sortBy);
  const ranked: Ranked<ScimDoc>[] = [];
  let total = 0;
  for (const { type, index, filter: own } of asked) {
    const sorting = sort.byType[index] !== undefined;
    const res = await type.list(
      ctx,
      {
        ...own,
        ...(sorting
          ? {
              sortBy,
              ...(q.sortOrder !== undefined ? { sortOrder: q.sortOrder } : {}),
              ...withSortAttribute(q, sortBy, type.schema),
            }
          : projectionOf(q)),
        startIndex: '1',
        count: String(window),
      },
      { maxCount: window },
    );
    total += res.totalResults;
    res.Resources.forEach((doc, position) => ranked.push({ doc, type: index, position }));
  }
  ranked.sort(compareAcrossTypes(sort));
  const types = new Map(asked.map((a) => [a.index, a.type]));
  const page = ranked.slice(paging.startIndex - 1, window).map(({ doc, type }) => {
    const schema = (types.get(type) as ScimResourceType).schema;
    return sort.byType[type] ? project(doc, parseProjection(q, schema), schema) : doc;
  });
  return listResponse(page, total, paging.startIndex);
}
