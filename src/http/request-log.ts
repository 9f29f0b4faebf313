import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Config } from '../config.js';
import type { Logger } from '../observability/logger.js';
import { redact } from '../observability/redact.js';
import { TRACE_HEADER, mentionsTracedUser, type ExchangeSink } from '../observability/exchange.js';
import { SCIM_BASE, locals } from './scim-response.js';

/** Request id, timing, and one structured log line per request with its upstream calls; finished exchanges go to the sinks. */
export function requestLog(config: Config, logger: Logger, sinks: readonly ExchangeSink[]): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    const incoming = req.get('x-request-id');
    const id = incoming && /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = id;
    res.locals.calls = [];
    res.set('x-request-id', id);
    // `close`, not `finish`: a write that completes after its client hung up is still logged (status 499).
    // When the client hung up first, the line waits for the handler to settle, so it shows what was really done.
    res.once('close', () => void Promise.resolve(locals(res).settled).then(record, record));
    const record = (): void => {
      try {
        const l = locals(res);
        const secrets = [...(l.secrets ?? []), l.apiKey, config.debugPage.token].filter((x): x is string => !!x);
        const status = res.writableFinished ? res.statusCode : 499;
        const durationMs = Math.round((performance.now() - started) * 10) / 10;
        const traced = req.get(TRACE_HEADER) === 'true' || req.get(TRACE_HEADER) === '1' || mentionsTracedUser(config.traceUsers, req.originalUrl, req.body);
        // Health checks and the debug page's polling would drown the SCIM traffic at info.
        const level = status >= 500 ? 'error' : req.originalUrl.startsWith(SCIM_BASE) ? 'info' : 'debug';
        logger.log(level, 'scim request', {
          requestId: id,
          method: req.method,
          path: redact(req.originalUrl, secrets),
          status,
          ...(res.writableFinished ? {} : { clientGone: true }),
          ...(l.principal ? { principal: l.principal } : {}),
          ...(l.keyProof ? { keyProof: true } : {}),
          durationMs,
          upstream: l.calls.map((c) => ({ method: c.method, path: c.path, status: c.status, durationMs: c.durationMs, retries: Math.max(0, c.attempts - 1), ...(c.dryRun ? { dryRun: true } : {}) })),
        });
        const exchange = redact(
          {
            id,
            at: new Date().toISOString(),
            method: req.method,
            url: req.originalUrl,
            ...(req.body !== undefined ? { requestBody: req.body } : {}),
            status,
            ...(l.responseBody !== undefined ? { responseBody: l.responseBody } : {}),
            durationMs,
            upstream: l.calls,
            ...(l.notes?.length ? { notes: l.notes } : {}),
            traced,
            dryRun: config.dryRun,
          },
          secrets,
        );
        if (traced) logger.info('trace', { trace: exchange });
        for (const sink of sinks) sink.record(exchange);
      } catch (e) {
        // Logging must never take the process down; say so without the payload that broke it.
        logger.error('request log failed', { requestId: id, error: e instanceof Error ? e.message : String(e) });
      }
    };
    next();
  };
}
