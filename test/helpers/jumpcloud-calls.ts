import nock from 'nock';
import { JC, KEY } from './bridge-harness.js';

/**
 * nock interceptors named after the JumpCloud call they pin, so a contract test reads as the calls the bridge makes:
 * `jc.searchUsers({ limit: 100, skip: 0 }, { filter, fields }).reply(200, …)`. Each pins the method, the path, the
 * query (a page, or `undefined` for "any query" where a test does not care), the body when given, and the headers
 * the wire sends: the caller's key as `x-api-key`, `Accept: application/json`, never an `Authorization` header, and
 * `Content-Type: application/json` exactly when a body is sent.
 */

/** A JumpCloud page as the bridge asks for it (`limit`/`skip`, sent as strings; `sort: '_id'` on a paging scan). */
export interface Page {
  limit: number;
  skip: number;
  sort?: '_id';
}

type Query = Record<string, string | number>;
type Body = nock.RequestBodyMatcher;

const asQuery = (q: Query): Record<string, string> =>
  Object.fromEntries(Object.entries(q).map(([k, v]) => [k, String(v)]));

const member = (op: 'add' | 'remove', id: string): Body => ({ op, type: 'user', id });

/** `query` pinned exactly, or any query string at all when the test leaves it open. */
const withQuery = (i: nock.Interceptor, query: Query | undefined): nock.Interceptor =>
  query === undefined ? i.query(true) : i.query(asQuery(query));

/** The calls of one kind of scope: `persist` answers every matching call (a test then counts them itself). */
function calls(persist: boolean) {
  /** A call without a body: no Content-Type. */
  const read = (): nock.Scope =>
    nock(JC, {
      reqheaders: { 'x-api-key': KEY, accept: 'application/json' },
      badheaders: ['content-type', 'authorization'],
    }).persist(persist);
  /** A call with a JSON body. */
  const write = (): nock.Scope =>
    nock(JC, {
      reqheaders: { 'x-api-key': KEY, accept: 'application/json', 'content-type': 'application/json' },
      badheaders: ['authorization'],
    }).persist(persist);
  return {
    // v1 systemusers
    /** `POST /api/search/systemusers`: at this page (or any), with this body (filter and fields) when given. */
    searchUsers: (page?: Page, body?: Body): nock.Interceptor =>
      withQuery(
        body === undefined ? write().post('/api/search/systemusers') : write().post('/api/search/systemusers', body),
        page === undefined ? undefined : { ...page },
      ),
    /** `GET /api/systemusers`: an unfiltered list, with its page, sort and fields. */
    listUsers: (query?: Query): nock.Interceptor => withQuery(read().get('/api/systemusers'), query),
    /** `GET /api/systemusers/{id}`. */
    getUser: (id: string): nock.Interceptor => read().get(`/api/systemusers/${id}`),
    /** `POST /api/systemusers`: a create, with its body when given. */
    createUser: (body?: Body): nock.Interceptor =>
      body === undefined ? write().post('/api/systemusers') : write().post('/api/systemusers', body),
    /** `PUT /api/systemusers/{id}` with exactly this body. */
    putUser: (id: string, body: Body): nock.Interceptor => write().put(`/api/systemusers/${id}`, body),
    /** `DELETE /api/systemusers/{id}?cascade_manager=null`: direct reports lose the manager link instead of a 409. */
    deleteUser: (id: string): nock.Interceptor =>
      read().delete(`/api/systemusers/${id}`).query({ cascade_manager: 'null' }),
    /** `POST /api/systemusers/{id}/state/activate` with `{}`: JumpCloud's default e-mail behaviour. */
    activateUser: (id: string): nock.Interceptor => write().post(`/api/systemusers/${id}/state/activate`, {}),
    /** `GET /api/v2/users/{id}/memberof`: the groups a user is in. */
    groupsOfUser: (id: string, page: Page): nock.Interceptor =>
      withQuery(read().get(`/api/v2/users/${id}/memberof`), { ...page }),

    // v2 user groups
    /** `GET /api/v2/usergroups`: a list, with `filter=name:search:…` when the query names one. */
    listGroups: (query?: Query): nock.Interceptor => withQuery(read().get('/api/v2/usergroups'), query),
    /** `GET /api/v2/usergroups?filter=name:search:<name>` at the first page of 100 in `_id` order: the displayName scan. */
    searchGroupsByName: (name: string): nock.Interceptor =>
      read()
        .get('/api/v2/usergroups')
        .query({ filter: `name:search:${name}`, limit: '100', skip: '0', sort: '_id' }),
    /** `GET /api/v2/usergroups/{id}`. */
    getGroup: (id: string): nock.Interceptor => read().get(`/api/v2/usergroups/${id}`),
    /** `POST /api/v2/usergroups`: a create, with its body when given. */
    createGroup: (body?: Body): nock.Interceptor =>
      body === undefined ? write().post('/api/v2/usergroups') : write().post('/api/v2/usergroups', body),
    /** `PUT /api/v2/usergroups/{id}` with exactly this body (a full update). */
    putGroup: (id: string, body: Body): nock.Interceptor => write().put(`/api/v2/usergroups/${id}`, body),
    /** `DELETE /api/v2/usergroups/{id}`. */
    deleteGroup: (id: string): nock.Interceptor => read().delete(`/api/v2/usergroups/${id}`),
    /** `GET /api/v2/usergroups/{id}/members`, one page. */
    membersOf: (id: string, page: Page): nock.Interceptor =>
      withQuery(read().get(`/api/v2/usergroups/${id}/members`), { ...page }),
    /** `POST /api/v2/usergroups/{id}/members` `{op: "add", type: "user", id}`. */
    addMember: (group: string, user: string): nock.Interceptor =>
      write().post(`/api/v2/usergroups/${group}/members`, member('add', user)),
    /** `POST /api/v2/usergroups/{id}/members` `{op: "remove", type: "user", id}`. */
    removeMember: (group: string, user: string): nock.Interceptor =>
      write().post(`/api/v2/usergroups/${group}/members`, member('remove', user)),
    /** `POST /api/v2/usergroups/{id}/members` with a body matcher of the test's own (a counted or checked edge). */
    memberEdits: (group: string, body: Body): nock.Interceptor =>
      write().post(`/api/v2/usergroups/${group}/members`, body),
  };
}

/** Every JumpCloud call the bridge makes, one interceptor each; `jc.persist` answers a call however often it comes. */
export const jc = { ...calls(false), persist: calls(true) };

/** A JumpCloud v2 list answer's total, as the `x-total-count` header. */
export const total = (n: number): Record<string, string> => ({ 'x-total-count': String(n) });

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/**
 * Counts the calls a test forbids: every call with one of `methods` whose path (without its query) matches `path`,
 * whatever its headers and body, answered 500 so that a stray call also fails its request. It is never pending, so
 * the suite's "every pinned call was made" check ignores it; the test asserts the count, usually 0. Set it up after
 * the calls the test allows: nock answers with the first interceptor that matches.
 */
export function forbidden(methods: readonly Method[] | 'any', path: RegExp = /.*/): () => number {
  let calls = 0;
  const list: readonly Method[] = methods === 'any' ? ['GET', 'POST', 'PUT', 'DELETE'] : methods;
  for (const method of list) {
    nock(JC)
      .persist()
      .intercept((uri) => path.test(uri.split('?')[0] ?? ''), method)
      .optionally()
      .reply(() => {
        calls += 1;
        return [500, { message: `a forbidden ${method} reached JumpCloud` }];
      });
  }
  return () => calls;
}
