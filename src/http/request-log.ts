import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Config } from '../config.js';
import type { Logger } from '../observability/logger.js';
import { redact } from '../observability/redact.js';
import { TRACE_HEADER, mentionsTracedUser, type ExchangeSink } from '../observability/exchange.js';
import { isScimUrl, locals } from './scim-response.js';
import { LogPseudonyms } from '../observability/personal-data.js';

const PROBE = /^\/(?:healthz|readyz)\/?$/i;

/**
 * Request id, timing, and one structured log line per request with its upstream calls; finished exchanges go to the
 * sinks. The line and the exchange are built only when something will read them: the log level lets the line
 * through, the request is traced, or a sink wants it.
 */
export function requestLog(config: Config, logger: Logger, sinks: readonly ExchangeSink[]): RequestHandler {
  const pseudonyms = config.logPersonalData.enabled
    ? undefined
    : new LogPseudonyms(config.logPersonalData.pseudonymKey);
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
        const status = res.writableFinished ? res.statusCode : 499;
        // Health checks and the debug page's polling would drown the SCIM traffic at info; a probe's 503 while
        // draining is the probe working, so probes are never errors.
        const level = PROBE.test(req.path)
          ? 'debug'
          : status >= 500
            ? 'error'
            : isScimUrl(req.originalUrl)
              ? 'info'
              : 'debug';
        const logged = logger.isLevelEnabled(level);
        const traced =
          req.get(TRACE_HEADER) === 'true' ||
          req.get(TRACE_HEADER) === '1' ||
          mentionsTracedUser(config.traceUsers, req.originalUrl, req.body);
        // The trace is an info line: below that level it would be built only to be dropped.
        const traceLogged = traced && logger.isLevelEnabled('info');
        const wanting = sinks.filter((s) => s.wants?.(req.originalUrl) ?? true);
        // Nobody asked: no log line at this level, no trace, no sink. Building and scrubbing them anyway was
        // most of the bridge's CPU per request, so the common case stops here.
        if (!logged && !traceLogged && wanting.length === 0) return;
        const secrets = [...(l.secrets ?? []), l.apiKey, config.debugPage.token].filter((x): x is string => !!x);
        const durationMs = Math.round((performance.now() - started) * 10) / 10;
        // Only what goes to the log is pseudonymised: the debug page and recordings have their own rules.
        const personal = pseudonyms?.forExchange(req.originalUrl, req.body, l.responseBody, l.calls);
        if (logged) {
          const path = redact(req.originalUrl, secrets);
          logger.log(level, 'scim request', {
            requestId: id,
            method: req.method,
            path: personal ? personal.url(path) : path,
            status,
            ...(res.writableFinished ? {} : { clientGone: true }),
            ...(l.principal ? { principal: l.principal } : {}),
            ...(l.orgId ? { org: l.orgId } : {}),
            ...(l.keyProof ? { keyProof: true } : {}),
            durationMs,
            upstream: l.calls.map((c) => ({
              method: c.method,
              path: c.path,
              status: c.status,
              durationMs: c.durationMs,
              retries: Math.max(0, c.attempts - 1),
              ...(c.dryRun ? { dryRun: true } : {}),
            })),
          });
        }
        if (!traceLogged && wanting.length === 0) return;
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
        if (traceLogged) logger.info('trace', { trace: personal ? personal.apply(exchange) : exchange });
        for (const sink of wanting) sink.record(exchange);
      } catch (e) {
        // Logging must never take the process down; say so without the payload that broke it.
        logger.error('request log failed', { requestId: id, error: e instanceof Error ? e.message : String(e) });
      }
    };
    next();
  };
}
