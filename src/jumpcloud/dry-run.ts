import { callOf, type CallObserver } from './observed.js';
import type { Layer, UpstreamRequest } from './layer.js';

const USER = /^\/api\/systemusers\/([0-9a-f]{24})$/;
const GROUP = /^\/api\/v2\/usergroups\/([0-9a-f]{24})$/;

/** The search route is a read sent as POST; everything else that is not a GET writes. */
export function isWrite(req: Pick<UpstreamRequest, 'method' | 'path'>): boolean {
  return req.method !== 'GET' && req.path !== '/api/search/systemusers';
}

/**
 * DRY_RUN as a decorator: reads pass through; a write is computed and reported but never sent. The answer
 * imitates JumpCloud's, so the rest of the bridge (and Entra's "Provision on demand") sees what would have
 * happened. A simulated PUT reads the current object through the layers below, as the real PUT's answer would
 * show it.
 */
export function dryRun(observer?: CallObserver): Layer {
  return (next) => async (req) => {
    if (!isWrite(req)) return next(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const current = async (): Promise<Record<string, unknown>> => {
      // The write's own request minus its payload: key, org, signal and whatever a request carries later come along.
      const { body: _body, query: _query, ...read } = req;
      const res = await next({ ...read, method: 'GET', idempotent: true });
      return (res.data ?? {}) as Record<string, unknown>;
    };
    let data: unknown = {};
    if (req.method === 'POST' && req.path === '/api/systemusers') {
      data = {
        _id: '0'.repeat(24),
        created: new Date().toISOString(),
        activated: false,
        attributes: [],
        ...body,
        suspended: body.state === 'SUSPENDED',
      };
    } else if (req.method === 'POST' && req.path === '/api/v2/usergroups') {
      data = { id: '0'.repeat(24), type: 'user_group', membershipMethod: 'STATIC', ...body };
    } else if (req.method === 'PUT' && (USER.test(req.path) || GROUP.test(req.path))) {
      data = { ...(await current()), ...body };
    }
    const status = req.method === 'POST' && req.path.endsWith('/members') ? 204 : 200;
    observer?.({ ...callOf(req), status, responseBody: data, durationMs: 0, attempts: 0, dryRun: true });
    return { status, data, headers: {}, attempts: 0, dryRun: true };
  };
}
