import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import pRetry, { AbortError } from 'p-retry';
import type { RetryConfig } from '../config.js';
import { JumpCloudError, isRetryable, kindForStatus, parseRetryAfter, upstreamMessage } from './errors.js';
import type {
  GraphConnection,
  GraphObjectWithPaths,
  ListQuery,
  MemberOperation,
  SystemUser,
  SystemUserCreate,
  SystemUserList,
  SystemUserSearch,
  SystemUserUpdate,
  UserGroup,
  UserGroupWrite,
} from './types.js';

/** What the client tells its observer about every upstream call: for the request log, traces and the debug page. */
export interface UpstreamCall {
  method: string;
  path: string;
  query?: Record<string, string | number>;
  requestBody?: unknown;
  status?: number;
  responseBody?: unknown;
  durationMs: number;
  /** 1 + retries. */
  attempts: number;
  error?: string;
  /** The write was computed but not sent (DRY_RUN). */
  dryRun?: boolean;
}
export type CallObserver = (call: UpstreamCall) => void;

export interface TransportOptions {
  /** Console origin, e.g. https://console.jumpcloud.com; the client appends /api/... */
  baseUrl: string;
  orgId?: string;
  timeoutMs: number;
  retry: RetryConfig;
  dryRun?: boolean;
}

/** JumpCloud object ids are Mongo ObjectIds. Anything else never reaches a URL path. */
export const OBJECT_ID = /^[0-9a-f]{24}$/i;

export interface Page<T> {
  items: T[];
  total: number;
}

interface CallSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** Only idempotent calls are retried; a create is never blindly re-sent (it could make a duplicate). */
  idempotent: boolean;
}

/**
 * The shared part: one axios instance with keep-alive agents, pinned to the configured console.
 * Redirects are never followed: JumpCloud answers a missing key with 302 → /login, and following it
 * would both mask the auth failure and send a request to a host we were not configured for.
 */
export class JumpCloudTransport {
  readonly http: AxiosInstance;
  private readonly agents = {
    http: new http.Agent({ keepAlive: true, maxSockets: 64 }),
    https: new https.Agent({ keepAlive: true, maxSockets: 64 }),
  };

  constructor(readonly options: TransportOptions) {
    this.http = axios.create({
      baseURL: options.baseUrl,
      allowAbsoluteUrls: false,
      timeout: options.timeoutMs,
      maxRedirects: 0,
      validateStatus: () => true,
      httpAgent: this.agents.http,
      httpsAgent: this.agents.https,
      proxy: false,
      headers: { Accept: 'application/json' },
    });
  }

  forKey(apiKey: string, observer?: CallObserver): JumpCloudClient {
    return new JumpCloudClient(this, apiKey, observer);
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function networkKind(err: unknown): 'timeout' | 'network' {
  const code = axios.isAxiosError(err) ? err.code : undefined;
  return code === 'ECONNABORTED' || code === 'ETIMEDOUT' ? 'timeout' : 'network';
}

/** A typed JumpCloud API bound to one caller's key. Cheap to create: one per SCIM request. */
export class JumpCloudClient {
  constructor(
    private readonly transport: JumpCloudTransport,
    private readonly apiKey: string,
    private readonly observer?: CallObserver,
  ) {}

  // ---- v1 system users ----

  getUser(id: string): Promise<SystemUser> {
    return this.send<SystemUser>({ method: 'GET', path: `/api/systemusers/${this.id(id)}`, idempotent: true });
  }

  createUser(body: SystemUserCreate): Promise<SystemUser> {
    return this.send<SystemUser>({ method: 'POST', path: '/api/systemusers', body, idempotent: false });
  }

  updateUser(id: string, body: SystemUserUpdate): Promise<SystemUser> {
    return this.send<SystemUser>({ method: 'PUT', path: `/api/systemusers/${this.id(id, 'PUT')}`, body, idempotent: true });
  }

  /**
   * STAGED → ACTIVATED (PUT's `state` cannot express it). `{}` asks for JumpCloud's default e-mail behaviour, the
   * same as activating the user in the console: a welcome mail, or an activation mail when there is no password.
   * Re-sending converges (the user is then ACTIVATED), so a retry cannot do harm beyond one refusal.
   */
  async activateUser(id: string): Promise<void> {
    await this.send<unknown>({ method: 'POST', path: `/api/systemusers/${this.id(id, 'POST')}/state/activate`, body: {}, idempotent: true });
  }

  /**
   * `cascade_manager=null` clears `manager` on the user's direct reports first; without it JumpCloud refuses
   * to delete anyone who manages someone, and Entra's hard delete of a manager would fail forever.
   */
  async deleteUser(id: string): Promise<void> {
    await this.send<unknown>({
      method: 'DELETE',
      path: `/api/systemusers/${this.id(id, 'DELETE')}`,
      query: { cascade_manager: 'null' },
      idempotent: true,
    });
  }

  searchUsers(search: SystemUserSearch, page: { limit: number; skip: number }): Promise<SystemUserList> {
    return this.send<SystemUserList>({
      method: 'POST',
      path: '/api/search/systemusers',
      query: { limit: page.limit, skip: page.skip },
      body: search,
      idempotent: true,
    });
  }

  listUsers(query: ListQuery): Promise<SystemUserList> {
    return this.send<SystemUserList>({ method: 'GET', path: '/api/systemusers', query: { ...query }, idempotent: true });
  }

  // ---- v2 user groups ----

  async listGroups(query: { filter?: string; limit: number; skip: number; sort?: string }): Promise<Page<UserGroup>> {
    return this.page<UserGroup>({ method: 'GET', path: '/api/v2/usergroups', query: { ...query }, idempotent: true });
  }

  getGroup(id: string): Promise<UserGroup> {
    return this.send<UserGroup>({ method: 'GET', path: `/api/v2/usergroups/${this.id(id)}`, idempotent: true });
  }

  createGroup(body: UserGroupWrite): Promise<UserGroup> {
    return this.send<UserGroup>({ method: 'POST', path: '/api/v2/usergroups', body, idempotent: false });
  }

  updateGroup(id: string, body: UserGroupWrite): Promise<UserGroup> {
    return this.send<UserGroup>({ method: 'PUT', path: `/api/v2/usergroups/${this.id(id, 'PUT')}`, body, idempotent: true });
  }

  async deleteGroup(id: string): Promise<void> {
    await this.send<unknown>({ method: 'DELETE', path: `/api/v2/usergroups/${this.id(id, 'DELETE')}`, idempotent: true });
  }

  listGroupMembers(id: string, page: { limit: number; skip: number }): Promise<Page<GraphConnection>> {
    return this.page<GraphConnection>({
      method: 'GET',
      path: `/api/v2/usergroups/${this.id(id)}/members`,
      query: { ...page },
      idempotent: true,
    });
  }

  /** Membership writes converge (re-adding answers 409, re-removing 404), so retrying them is safe. */
  async changeGroupMember(groupId: string, op: MemberOperation): Promise<void> {
    await this.send<unknown>({
      method: 'POST',
      path: `/api/v2/usergroups/${this.id(groupId, 'POST')}/members`,
      body: op,
      idempotent: true,
    });
  }

  listUserMemberOf(userId: string, page: { limit: number; skip: number }): Promise<Page<GraphObjectWithPaths>> {
    return this.page<GraphObjectWithPaths>({
      method: 'GET',
      path: `/api/v2/users/${this.id(userId)}/memberof`,
      query: { ...page },
      idempotent: true,
    });
  }

  // ---- plumbing ----

  /** Ids come from SCIM URLs, i.e. from the client: anything but an ObjectId is "not found" and is never sent. */
  private id(id: string, method: CallSpec['method'] = 'GET'): string {
    if (!OBJECT_ID.test(id)) {
      throw new JumpCloudError('notFound', `'${id.slice(0, 64)}' is not a JumpCloud object id`, { method, path: '(not sent)', attempts: 0 });
    }
    return id.toLowerCase();
  }

  private async page<T>(spec: CallSpec): Promise<Page<T>> {
    const res = await this.request(spec);
    const items = Array.isArray(res.data) ? (res.data as T[]) : [];
    const header = Number(res.headers['x-total-count']);
    return { items, total: Number.isFinite(header) ? header : items.length };
  }

  private async send<T>(spec: CallSpec): Promise<T> {
    return (await this.request(spec)).data as T;
  }

  private async request(spec: CallSpec): Promise<{ data: unknown; headers: Record<string, unknown> }> {
    const query = Object.fromEntries(
      Object.entries(spec.query ?? {}).filter((e): e is [string, string | number] => e[1] !== undefined),
    );
    if (this.transport.options.dryRun && spec.method !== 'GET' && spec.path !== '/api/search/systemusers') {
      return this.simulate(spec, query);
    }
    const headers: Record<string, string> = { 'x-api-key': this.apiKey };
    if (this.transport.options.orgId) headers['x-org-id'] = this.transport.options.orgId;
    if (spec.body !== undefined) headers['Content-Type'] = 'application/json';

    const started = performance.now();
    const { retry } = this.transport.options;
    let attempts = 0;
    const attempt = async (): Promise<AxiosResponse> => {
      attempts += 1;
      let res: AxiosResponse;
      try {
        res = await this.transport.http.request({ method: spec.method, url: spec.path, params: query, data: spec.body, headers });
      } catch (err) {
        const kind = networkKind(err);
        const e = new JumpCloudError(kind, kind === 'timeout' ? 'no answer within the timeout' : 'connection failed', {
          method: spec.method,
          path: spec.path,
          attempts,
        });
        if (!spec.idempotent) throw new AbortError(e);
        throw e;
      }
      if (res.status >= 200 && res.status < 300) return res;
      const message = upstreamMessage(res.data, res.status).split(this.apiKey).join('***');
      const e = new JumpCloudError(
        kindForStatus(res.status, message),
        message,
        { method: spec.method, path: spec.path, status: res.status, attempts },
        parseRetryAfter(res.headers['retry-after']),
      );
      if (!spec.idempotent || !isRetryable(e)) throw new AbortError(e);
      throw e;
    };

    try {
      const res = await pRetry(attempt, {
        retries: spec.idempotent ? retry.retries : 0,
        factor: 2,
        minTimeout: retry.minDelayMs,
        maxTimeout: retry.maxDelayMs,
        randomize: true,
        maxRetryTime: retry.budgetMs,
        onFailedAttempt: async ({ error, retriesLeft }) => {
          if (!(error instanceof JumpCloudError) || retriesLeft === 0 || error.retryAfterMs === undefined) return;
          const left = retry.budgetMs - (performance.now() - started);
          // A Retry-After beyond the budget cannot be honoured inside Entra's 60 s: give up now rather than hang.
          if (error.retryAfterMs > left) throw error;
          await sleep(error.retryAfterMs);
        },
      });
      this.observe(spec, query, started, attempts, res.status, res.data);
      return { data: res.data, headers: res.headers as Record<string, unknown> };
    } catch (err) {
      const e = err instanceof JumpCloudError ? err : new JumpCloudError('network', String(err), { method: spec.method, path: spec.path, attempts });
      const final = new JumpCloudError(e.kind, e.upstreamMessage, { ...e.call, attempts }, e.retryAfterMs);
      this.observe(spec, query, started, attempts, e.call.status, undefined, final.upstreamMessage);
      throw final;
    }
  }

  private observe(
    spec: CallSpec,
    query: Record<string, string | number>,
    started: number,
    attempts: number,
    status: number | undefined,
    responseBody: unknown,
    error?: string,
  ): void {
    this.observer?.({
      method: spec.method,
      path: spec.path,
      ...(Object.keys(query).length ? { query } : {}),
      ...(spec.body !== undefined ? { requestBody: spec.body } : {}),
      status,
      ...(responseBody !== undefined ? { responseBody } : {}),
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      attempts,
      ...(error ? { error } : {}),
    });
  }

  /**
   * DRY_RUN: the write is computed and reported but never sent. The answer imitates JumpCloud's, so the rest
   * of the bridge (and Entra's "Provision on demand") sees what would have happened.
   */
  private async simulate(spec: CallSpec, query: Record<string, string | number>): Promise<{ data: unknown; headers: Record<string, unknown> }> {
    let data: unknown = {};
    const body = (spec.body ?? {}) as Record<string, unknown>;
    const userPut = /^\/api\/systemusers\/([0-9a-f]{24})$/.exec(spec.path);
    const groupPut = /^\/api\/v2\/usergroups\/([0-9a-f]{24})$/.exec(spec.path);
    if (spec.method === 'POST' && spec.path === '/api/systemusers') {
      data = { _id: '0'.repeat(24), created: new Date().toISOString(), activated: false, attributes: [], ...body, suspended: body.state === 'SUSPENDED' };
    } else if (spec.method === 'POST' && spec.path === '/api/v2/usergroups') {
      data = { id: '0'.repeat(24), type: 'user_group', membershipMethod: 'STATIC', ...body };
    } else if (spec.method === 'PUT' && userPut?.[1]) {
      data = { ...(await this.getUser(userPut[1])), ...body };
    } else if (spec.method === 'PUT' && groupPut?.[1]) {
      data = { ...(await this.getGroup(groupPut[1])), ...body };
    }
    this.observer?.({
      method: spec.method,
      path: spec.path,
      ...(Object.keys(query).length ? { query } : {}),
      ...(spec.body !== undefined ? { requestBody: spec.body } : {}),
      status: spec.method === 'POST' && spec.path.endsWith('/members') ? 204 : 200,
      responseBody: data,
      durationMs: 0,
      attempts: 0,
      dryRun: true,
    });
    return { data, headers: {} };
  }
}
