import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { edgeErrors } from './edge-errors.js';
import type { Config } from '../config.js';
import type { Logger } from '../observability/logger.js';
import type { ExchangeNote } from '../observability/exchange.js';
import type { JumpCloudConnection } from '../jumpcloud/client.js';
import { badRequest } from '../scim/errors.js';
import type { RequestContext, ResourceRegistry, ScimListParams, ScimResourceType } from '../resources/resource-type.js';
import { locals, requestScope, scimBaseUrl, sendScim } from './scim-response.js';
import { comeBackLaterAnswer, deadlineAnswer } from './deadline.js';
import type { UpstreamCall } from '../jumpcloud/observed.js';
import { searchAllTypes } from '../resources/root-search.js';
import { keyFingerprint } from '../coordination/primitives.js';

const LIST_PARAMS = [
  'filter',
  'startIndex',
  'count',
  'sortBy',
  'sortOrder',
  'attributes',
  'excludedAttributes',
] as const;

/** Query parameters by their canonical names: clients send `StartIndex`, `Filter`. */
function listParams(req: Request): ScimListParams {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(req.query)) {
    const canonical = LIST_PARAMS.find((n) => n.toLowerCase() === k.toLowerCase());
    if (canonical) out[canonical] = Array.isArray(v) && v.length === 1 ? v[0] : v;
  }
  return out;
}

/** How each SearchRequest field (RFC 7644 §3.4.3) may be given, and what to call it in a refusal. */
const SEARCH_FIELDS: Record<(typeof LIST_PARAMS)[number], 'text' | 'names' | 'integer'> = {
  filter: 'text',
  startIndex: 'integer',
  count: 'integer',
  sortBy: 'text',
  sortOrder: 'text',
  attributes: 'names',
  excludedAttributes: 'names',
};

const SEARCH_SHAPES = {
  text: 'a string',
  names: 'a list of attribute names (strings)',
  integer: 'a whole number',
} as const;

/**
 * A SearchRequest body read as the same strings the query string would carry. A field of the wrong type is a 400
 * naming it: a body is a client's JSON, and turning any value into text (an object whose `toString` is not a
 * function, say) would otherwise fail inside the bridge.
 */
function searchParams(req: Request): ScimListParams {
  if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body))
    throw badRequest('invalidSyntax', 'POST .search needs a SearchRequest JSON object');
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(req.body as Record<string, unknown>)) {
    // Attribute names are case-insensitive in SCIM, as the query parameters are; other fields are not the search's.
    const name = LIST_PARAMS.find((n) => n.toLowerCase() === k.toLowerCase());
    if (!name || v === null || v === undefined) continue;
    const shape = SEARCH_FIELDS[name];
    if (shape === 'text' && typeof v === 'string') out[name] = v;
    else if (shape === 'integer' && (typeof v === 'number' || typeof v === 'string')) out[name] = String(v);
    else if (shape === 'names' && typeof v === 'string') out[name] = v;
    else if (shape === 'names' && Array.isArray(v) && v.every((x) => typeof x === 'string')) out[name] = v.join(',');
    else
      throw badRequest(
        shape === 'text' && name === 'filter' ? 'invalidFilter' : 'invalidValue',
        `The SearchRequest's '${name}' must be ${SEARCH_SHAPES[shape]}`,
      );
  }
  return out;
}

type Handler = (req: Request, res: Response, ctx: RequestContext) => Promise<void>;

/** An answer JumpCloud gave after checking the key proves it; a 401 or a login redirect disproves it. */
function keyVerdict(c: UpstreamCall): boolean | undefined {
  if (c.status === undefined || c.dryRun) return undefined;
  if (c.status === 401 || (c.status >= 300 && c.status < 400)) return false;
  if (c.status < 300 || [400, 404, 409].includes(c.status)) return true;
  return undefined;
}

export interface ResourceRouteDeps {
  /** Called after each upstream answer with the key's fingerprint: a 2xx proves it, a 401 disproves it. */
  onKeyVerdict?: (apiKey: string, accepted: boolean, orgId?: string) => void;
  logger?: Logger;
  /** Every note a resource reports (the drift counter listens for `drift`). */
  onNote?: (note: ExchangeNote) => void;
}

/** The CRUD routes of every registered resource type, each handled with a JumpCloud client bound to the caller's key. */
export function resourceRoutes(
  registry: ResourceRegistry,
  connection: JumpCloudConnection,
  config: Pick<Config, 'publicUrl' | 'requestDeadlineMs' | 'maxPageSize' | 'maxFilterScan' | 'throttledStatus'>,
  deps: ResourceRouteDeps = {},
): Router {
  const router = express.Router({ caseSensitive: false });
  // Facts logged once per process (an ignored attribute name), however many requests carry them.
  const loggedOnce = new Set<string>();
  const route =
    (handler: Handler) =>
    async (req: Request, res: Response, next: NextFunction): Promise<void> => {
      const l = locals(res);
      // A resource's decisions go into the exchange (trace, debug page, explain) and the log at their level.
      const note = (n: ExchangeNote): void => {
        (l.notes ??= []).push(n);
        deps.onNote?.(n);
        if (n.once !== undefined) {
          if (loggedOnce.has(n.once)) return;
          loggedOnce.add(n.once);
        }
        deps.logger?.log(n.level, n.message, { requestId: l.requestId, kind: n.kind, ...n.data });
      };
      const apiKey = l.apiKey ?? '';
      const observer = (c: UpstreamCall): void => {
        l.calls.push(c);
        const verdict = keyVerdict(c);
        if (verdict !== undefined) deps.onKeyVerdict?.(apiKey, verdict, l.orgId);
      };
      let settle!: () => void;
      l.settled = new Promise<void>((r) => {
        settle = r;
      });
      try {
        const scope = requestScope(l);
        const jc = connection.forKey(apiKey, { observer, ...scope });
        const org = keyFingerprint(apiKey, l.orgId);
        await handler(req, res, { jc, baseUrl: scimBaseUrl(req, config), note, org, ...scope });
      } catch (e) {
        // Whatever the handler was doing when the deadline stopped it, the answer is the deadline's.
        next(deadlineAnswer(res, config.requestDeadlineMs) ?? comeBackLaterAnswer(res, e, config.throttledStatus) ?? e);
      } finally {
        settle();
      }
    };
  const id = (req: Request): string => String(req.params.id);

  for (const type of registry.types) mount(router, type, route, id);
  // The service root searches every registered type: GET with query parameters, POST /.search with a SearchRequest.
  router.get(
    '/',
    route(async (req, res, ctx) =>
      sendScim(res, 200, await searchAllTypes(registry.types, ctx, listParams(req), config)),
    ),
  );
  router.post(
    '/.search',
    route(async (req, res, ctx) =>
      sendScim(res, 200, await searchAllTypes(registry.types, ctx, searchParams(req), config)),
    ),
  );

  router.all('/{*rest}', (req, _res, next) => {
    const endpoints = registry.schemas.map((s) => s.endpoint).join(', ');
    next(edgeErrors.noEndpoint(req.method, req.path, endpoints));
  });
  return router;
}

function mount(
  router: Router,
  type: ScimResourceType,
  route: (h: Handler) => express.RequestHandler,
  id: (req: Request) => string,
): void {
  const at = type.schema.endpoint;
  router.get(
    at,
    route(async (req, res, ctx) => sendScim(res, 200, await type.list(ctx, listParams(req)))),
  );
  router.post(
    `${at}/.search`,
    route(async (req, res, ctx) => sendScim(res, 200, await type.list(ctx, searchParams(req)))),
  );
  router.get(
    `${at}/:id`,
    route(async (req, res, ctx) => sendScim(res, 200, await type.get(ctx, id(req), listParams(req)))),
  );
  router.post(
    at,
    route(async (req, res, ctx) => {
      const created = await type.create(ctx, req.body);
      res.set('Location', `${ctx.baseUrl}${at}/${String(created.id)}`);
      sendScim(res, 201, created);
    }),
  );
  const replace = type.replace?.bind(type);
  if (replace)
    router.put(
      `${at}/:id`,
      route(async (req, res, ctx) => sendScim(res, 200, await replace(ctx, id(req), req.body))),
    );
  router.patch(
    `${at}/:id`,
    route(async (req, res, ctx) => {
      const doc = await type.patch(ctx, id(req), req.body, listParams(req));
      if (doc) sendScim(res, 200, doc);
      else res.status(204).end();
    }),
  );
  router.delete(
    `${at}/:id`,
    route(async (req, res, ctx) => {
      await type.remove(ctx, id(req));
      res.status(204).end();
    }),
  );
}
