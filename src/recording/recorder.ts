import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { RequestHandler } from 'express';
import { JumpCloudError } from '../jumpcloud/errors.js';
import type { Layer, UpstreamRequest } from '../jumpcloud/layer.js';
import { redact } from '../observability/redact.js';
import { locals } from '../http/scim-response.js';
import { RECORDED_ENV, RECORDING_FORMAT, type RecordedCall, type Recording } from './fixture.js';
import { Pseudonymiser } from '../util/pseudonymise.js';

/** The response headers the bridge reads (paging totals, redirects, back-off); the rest are noise in a fixture. */
const KEPT_RESPONSE_HEADERS = ['content-type', 'x-total-count', 'location', 'retry-after'];

interface Session {
  calls: RecordedCall[];
  /** Keys the session's calls carried, scrubbed by value from everything written (JumpCloud may echo one). */
  secrets: Set<string>;
}

export interface RecorderOptions {
  /** Replace every personal value (names, e-mails, phones, addresses, job, identifiers) with consistent stand-ins (RECORD_PSEUDONYMISE=true). */
  pseudonymise: boolean;
  /** The x-org-id the wire sends, if any (the wire adds it, so the layer does not see it). */
  orgId?: string;
  /** The process environment: the settings in RECORDED_ENV are written into each fixture. */
  env?: Record<string, string | undefined>;
}

/**
 * RECORD_DIR: writes every upstream exchange as a fixture. It is a wire layer of the JumpCloud client (it sees each
 * attempt as sent and answered), and groups the calls by SCIM request (an express middleware opens the group) or by
 * CLI session. The key never reaches the disk: it is not part of what the layer records, and is scrubbed by value.
 */
export class Recorder {
  private readonly current = new AsyncLocalStorage<Session>();
  private readonly pseudonyms: Pseudonymiser | undefined;
  private sequence = 0;
  private readonly env: Record<string, string>;

  constructor(
    readonly dir: string,
    private readonly options: RecorderOptions,
  ) {
    mkdirSync(dir, { recursive: true });
    this.pseudonyms = options.pseudonymise ? new Pseudonymiser() : undefined;
    this.env = Object.fromEntries(
      RECORDED_ENV.flatMap((k) => (options.env?.[k] ? [[k, options.env[k] as string]] : [])),
    );
  }

  /** The wire layer. Calls outside a SCIM request or session are written one per file. */
  readonly layer: Layer = (next) => async (req) => {
    const session = this.current.getStore();
    const record = (response: RecordedCall['response']): void => {
      const call: RecordedCall = { request: this.requestOf(req), response };
      if (session) {
        session.secrets.add(req.apiKey);
        session.calls.push(call);
      } else {
        this.write(
          { ...this.base('session'), session: { name: 'calls', args: [] }, calls: [call] },
          [req.apiKey],
          `${req.method}-${req.path}`,
        );
      }
    };
    try {
      const res = await next(req);
      const headers = Object.fromEntries(
        KEPT_RESPONSE_HEADERS.flatMap((h) => (res.headers[h] !== undefined ? [[h, String(res.headers[h])]] : [])),
      );
      record({ status: res.status, headers, ...(res.data !== undefined && res.data !== '' ? { body: res.data } : {}) });
      return res;
    } catch (e) {
      // No answer at all (timeout, reset): status 0, and the error the wire raised, so a replay can raise it too.
      record({ status: 0, headers: {}, body: { error: e instanceof JumpCloudError ? e.kind : 'network' } });
      throw e;
    }
  };

  /** Groups the calls of each SCIM request into one fixture with the request and the answer. */
  middleware(scimBase: string, baseUrlOf: (req: Parameters<RequestHandler>[0]) => string): RequestHandler {
    return (req, res, next) => {
      // In any letter case, as the router matches it: a request served as SCIM is recorded whatever its spelling.
      if (req.originalUrl.slice(0, scimBase.length).toLowerCase() !== scimBase.toLowerCase()) return next();
      const session: Session = { calls: [], secrets: new Set() };
      res.on('finish', () => {
        const l = locals(res);
        if (l.apiKey) session.secrets.add(l.apiKey);
        const recording: Recording = {
          ...this.base('scim'),
          scim: {
            method: req.method,
            url: req.originalUrl.slice(scimBase.length) || '/',
            base: baseUrlOf(req),
            ...(req.body !== undefined ? { body: req.body as unknown } : {}),
            status: res.statusCode,
            ...(l.responseBody !== undefined ? { responseBody: l.responseBody } : {}),
          },
          calls: session.calls,
        };
        this.write(
          recording,
          [...session.secrets],
          `${req.method}-${(req.originalUrl.split('?')[0] ?? '').slice(scimBase.length)}`,
        );
      });
      this.current.run(session, next);
    };
  }

  /**
   * Runs a CLI session (doctor) and writes its calls as one fixture. `keep` is text the session itself made up
   * (the throwaway user's name): it is not personal, and a replay must send it unchanged.
   */
  async session<T>(
    meta: NonNullable<Recording['session']>,
    run: () => Promise<T>,
    after?: (result: T) => Partial<Recording>,
    keep: readonly string[] = [],
  ): Promise<T> {
    for (const text of keep) this.pseudonyms?.keep(text);
    const session: Session = { calls: [], secrets: new Set() };
    const result = await this.current.run(session, run);
    this.write(
      { ...this.base('session'), session: meta, calls: session.calls, ...(after ? after(result) : {}) },
      [...session.secrets],
      meta.name,
    );
    return result;
  }

  private base(kind: Recording['kind']): Pick<Recording, 'format' | 'kind' | 'recordedAt' | 'env'> {
    return { format: RECORDING_FORMAT, kind, recordedAt: new Date().toISOString(), env: this.env };
  }

  private requestOf(req: UpstreamRequest): RecordedCall['request'] {
    const headers: Record<string, string> = {};
    // The org the wire sent: the tenant URL's (/scim/v2/orgs/{orgId}) or the configured default.
    const orgId = req.orgId ?? this.options.orgId;
    if (orgId) headers['x-org-id'] = orgId;
    if (req.body !== undefined) headers['content-type'] = 'application/json';
    return {
      method: req.method,
      path: req.path,
      ...(req.query && Object.keys(req.query).length ? { query: req.query } : {}),
      headers,
      ...(req.body !== undefined ? { body: req.body } : {}),
    };
  }

  private write(recording: Recording, secrets: readonly string[], label: string): void {
    let out = redact(recording, secrets);
    const p = this.pseudonyms;
    if (p) {
      p.learn(out.scim?.body);
      p.learn(out.scim?.responseBody);
      if (out.scim) p.learnUrl(out.scim.url);
      for (const c of out.calls) {
        p.learn(c.request.body);
        p.learn(c.response.body);
      }
      out = {
        ...out,
        ...(out.scim
          ? {
              scim: {
                ...out.scim,
                url: p.url(out.scim.url),
                body: p.apply(out.scim.body),
                responseBody: p.apply(out.scim.responseBody),
              },
            }
          : {}),
        calls: out.calls.map((c) => ({
          request: {
            ...c.request,
            path: p.text(c.request.path),
            ...(c.request.query ? { query: p.apply(c.request.query) } : {}),
            ...(c.request.body !== undefined ? { body: p.apply(c.request.body) } : {}),
          },
          response: { ...c.response, ...(c.response.body !== undefined ? { body: p.apply(c.response.body) } : {}) },
        })),
      };
    }
    this.sequence += 1;
    const slug = label
      .replace(/[^A-Za-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60);
    writeFileSync(
      path.join(this.dir, `${String(this.sequence).padStart(4, '0')}-${slug}.json`),
      `${JSON.stringify(out, null, 2)}\n`,
    );
  }
}
