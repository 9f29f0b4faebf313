import type { PageOf, PageRequest } from '../util/paging.js';

/** The order every paging scan asks for: JumpCloud's advice, so no object is skipped or repeated between pages. */
export const SCAN_ORDER = '_id';
import { JumpCloudError } from './errors.js';
import type { Send, UpstreamRequest } from './layer.js';
import { unfitted, type FanOutFit } from './fan-out-fit.js';
import {
  JUMPCLOUD_ID,
  type CollectionQuery,
  type GraphConnection,
  type GraphObjectWithPaths,
  type MemberOperation,
  type SystemUser,
  type SystemUserCreate,
  type SystemUserList,
  type SystemUserListQuery,
  type SystemUserSearch,
  type SystemUserUpdate,
  type UserGroup,
  type UserGroupListQuery,
  type UserGroupWrite,
} from './types.js';

/**
 * A DELETE answered 404 on a retry: an earlier attempt whose answer was lost (a timeout, a reset, a 502) most
 * likely deleted it. Either way the object is gone, which is what the client asked for.
 */
async function goneAfterRetryIsDone(call: Promise<unknown>): Promise<void> {
  try {
    await call;
  } catch (e) {
    if (e instanceof JumpCloudError && e.kind === 'notFound' && e.call.attempts > 1) return;
    throw e;
  }
}

type Call = Omit<UpstreamRequest, 'apiKey' | 'signal' | 'query'> & {
  query?: Record<string, string | number | undefined>;
};

/** Where JumpCloud keeps its system users (v1): the client calls it, and the Users registration explains by it. */
export const SYSTEM_USERS = '/api/systemusers';

/**
 * A JumpCloud collection of objects that answers the same five calls on `path` and `path/{id}`: list (paged, with
 * an optional `filter`), get, create (POST), update (PUT) and delete. The shared resource scaffold serves any of them.
 */
export interface CollectionEndpoint {
  readonly path: string;
  /** v1 lists answer `{ totalCount, results }`; v2 lists answer the page itself, counted in `x-total-count`. */
  readonly lists: 'v1' | 'v2';
  /** The largest page JumpCloud serves. */
  readonly pageSize: number;
}

/** v2 user groups. */
export const USER_GROUPS: CollectionEndpoint = { path: '/api/v2/usergroups', lists: 'v2', pageSize: 100 };

/** The five calls of one collection, bound to the caller's key. */
export interface Collection<R, W> {
  list(query: CollectionQuery, page: PageRequest): Promise<PageOf<R>>;
  get(id: string): Promise<R>;
  create(body: W): Promise<R>;
  update(id: string, body: W): Promise<R>;
  delete(id: string): Promise<void>;
}

/**
 * The endpoint catalogue: JumpCloud's API as typed methods, bound to one caller's key. It knows paths, bodies and
 * which calls are idempotent; how a call is sent (retries, dry run, observation) is the layers' business.
 * Cheap to create: one per SCIM request.
 */
export class JumpCloudClient {
  constructor(
    private readonly send: Send,
    private readonly apiKey: string,
    private readonly signal?: AbortSignal,
    private readonly plan?: (calls: number) => FanOutFit,
  ) {}

  /** How many of a fan-out's `calls` fit before this request's deadline at the key's rate (see FanOutFit). */
  fitFanOut(calls: number): FanOutFit {
    return this.plan?.(calls) ?? unfitted(calls);
  }

  // ---- v1 system users ----

  async getUser(id: string): Promise<SystemUser> {
    return this.data<SystemUser>({ method: 'GET', path: `${SYSTEM_USERS}/${this.id(id)}`, idempotent: true });
  }

  async createUser(body: SystemUserCreate): Promise<SystemUser> {
    return this.data<SystemUser>({ method: 'POST', path: SYSTEM_USERS, body, idempotent: false });
  }

  async updateUser(id: string, body: SystemUserUpdate): Promise<SystemUser> {
    return this.data<SystemUser>({
      method: 'PUT',
      path: `${SYSTEM_USERS}/${this.id(id, 'PUT')}`,
      body,
      idempotent: true,
    });
  }

  /**
   * STAGED → ACTIVATED (PUT's `state` cannot express it). `{}` asks for JumpCloud's default e-mail behaviour, the
   * same as activating the user in the console: a welcome mail, or an activation mail when there is no password.
   * Re-sending converges (the user is then ACTIVATED, and the bridge re-reads it after a refusal).
   */
  async activateUser(id: string): Promise<void> {
    await this.data<unknown>({
      method: 'POST',
      path: `${SYSTEM_USERS}/${this.id(id, 'POST')}/state/activate`,
      body: {},
      idempotent: true,
    });
  }

  /**
   * `cascade_manager=null` clears `manager` on the user's direct reports first; without it JumpCloud refuses
   * to delete anyone who manages someone, and Entra's hard delete of a manager would fail forever.
   */
  async deleteUser(id: string): Promise<void> {
    await goneAfterRetryIsDone(
      this.data<unknown>({
        method: 'DELETE',
        path: `${SYSTEM_USERS}/${this.id(id, 'DELETE')}`,
        query: { cascade_manager: 'null' },
        idempotent: true,
      }),
    );
  }

  /**
   * `page.sort` is `_id` for a scan that pages (fact `sortIdWhenPaging`: without a unique sort key, a page can skip or
   * repeat users while others write); a one-page lookup leaves it out.
   */
  async searchUsers(
    search: SystemUserSearch,
    page: PageRequest & { sort?: typeof SCAN_ORDER },
  ): Promise<SystemUserList> {
    return this.data<SystemUserList>({
      method: 'POST',
      path: '/api/search/systemusers',
      query: { limit: page.limit, skip: page.skip, sort: page.sort },
      body: search,
      idempotent: true,
    });
  }

  async listUsers(query: SystemUserListQuery): Promise<SystemUserList> {
    return this.data<SystemUserList>({
      method: 'GET',
      path: SYSTEM_USERS,
      query: { ...query },
      idempotent: true,
    });
  }

  // ---- v2 user groups ----

  async listGroups(query: UserGroupListQuery): Promise<PageOf<UserGroup>> {
    const { limit, skip, ...rest } = query;
    return this.collection<UserGroup, UserGroupWrite>(USER_GROUPS).list(rest, { limit, skip });
  }

  async getGroup(id: string): Promise<UserGroup> {
    return this.collection<UserGroup, UserGroupWrite>(USER_GROUPS).get(id);
  }

  async createGroup(body: UserGroupWrite): Promise<UserGroup> {
    return this.collection<UserGroup, UserGroupWrite>(USER_GROUPS).create(body);
  }

  async updateGroup(id: string, body: UserGroupWrite): Promise<UserGroup> {
    return this.collection<UserGroup, UserGroupWrite>(USER_GROUPS).update(id, body);
  }

  async deleteGroup(id: string): Promise<void> {
    return this.collection<UserGroup, UserGroupWrite>(USER_GROUPS).delete(id);
  }

  async listGroupMembers(id: string, page: PageRequest): Promise<PageOf<GraphConnection>> {
    return this.page<GraphConnection>({
      method: 'GET',
      path: `${USER_GROUPS.path}/${this.id(id)}/members`,
      query: { ...page },
      idempotent: true,
    });
  }

  /** Membership writes converge (re-adding answers 409, re-removing 404), so retrying them is safe. */
  async changeGroupMember(groupId: string, op: MemberOperation): Promise<void> {
    await this.data<unknown>({
      method: 'POST',
      path: `${USER_GROUPS.path}/${this.id(groupId, 'POST')}/members`,
      body: op,
      idempotent: true,
    });
  }

  async listUserMemberOf(userId: string, page: PageRequest): Promise<PageOf<GraphObjectWithPaths>> {
    return this.page<GraphObjectWithPaths>({
      method: 'GET',
      path: `/api/v2/users/${this.id(userId)}/memberof`,
      query: { ...page },
      idempotent: true,
    });
  }

  // ---- any collection of the same five calls ----

  /** The five calls of `endpoint`, on this client's key (async, so a bad id rejects). Only lists differ between v1 and v2. */
  collection<R, W>(endpoint: CollectionEndpoint): Collection<R, W> {
    const { path } = endpoint;
    return {
      list: async (query, page) => {
        const call: Call = { method: 'GET', path, query: { ...query, ...page }, idempotent: true };
        if (endpoint.lists === 'v2') return this.page<R>(call);
        const res = await this.data<{ results?: R[]; totalCount?: number }>(call);
        const items = Array.isArray(res.results) ? res.results : [];
        return typeof res.totalCount === 'number'
          ? { items, total: res.totalCount }
          : { items, total: items.length, estimated: true };
      },
      get: async (id) => this.data<R>({ method: 'GET', path: `${path}/${this.id(id)}`, idempotent: true }),
      create: async (body) => this.data<R>({ method: 'POST', path, body, idempotent: false }),
      update: async (id, body) =>
        this.data<R>({ method: 'PUT', path: `${path}/${this.id(id, 'PUT')}`, body, idempotent: true }),
      delete: async (id) =>
        goneAfterRetryIsDone(
          this.data<unknown>({ method: 'DELETE', path: `${path}/${this.id(id, 'DELETE')}`, idempotent: true }),
        ),
    };
  }

  // ---- plumbing ----

  /** Ids come from SCIM URLs (methods are async so this rejects rather than throws), i.e. from the client: anything but an ObjectId is "not found" and is never sent. */
  private id(id: string, method: UpstreamRequest['method'] = 'GET'): string {
    if (!JUMPCLOUD_ID.test(id)) {
      throw new JumpCloudError('notFound', `'${id.slice(0, 64)}' is not a JumpCloud object id`, {
        method,
        path: '(not sent)',
        attempts: 0,
      });
    }
    return id.toLowerCase();
  }

  private request(call: Call): Promise<{ data: unknown; headers: Record<string, unknown> }> {
    const query = Object.fromEntries(
      Object.entries(call.query ?? {}).filter((e): e is [string, string | number] => e[1] !== undefined),
    );
    return this.send({
      method: call.method,
      path: call.path,
      ...(Object.keys(query).length ? { query } : {}),
      ...(call.body !== undefined ? { body: call.body } : {}),
      idempotent: call.idempotent,
      apiKey: this.apiKey,
      ...(this.signal ? { signal: this.signal } : {}),
    });
  }

  private async data<T>(call: Call): Promise<T> {
    return (await this.request(call)).data as T;
  }

  /** v2 lists: the page's items and `x-total-count` (the page length when JumpCloud leaves the header out). */
  private async page<T>(call: Call): Promise<PageOf<T>> {
    const res = await this.request(call);
    const items = Array.isArray(res.data) ? (res.data as T[]) : [];
    const header = Number(res.headers['x-total-count']);
    return Number.isFinite(header) ? { items, total: header } : { items, total: items.length, estimated: true };
  }
}
