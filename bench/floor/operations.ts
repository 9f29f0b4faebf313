/**
 * Entra's everyday operations, each as the SCIM request Entra sends the bridge and as the one JumpCloud call a
 * bare proxy would forward for it (the operation's primary upstream call). Requests are numbered: request `i`
 * reads user `i mod size`, creates user `bench<i>`, and so on, so no two requests of a run collide.
 */
import { GROUPS, directoryKey, groupId, groupName, userId, userName } from './fixtures.js';
import type { Shot } from './load.js';

export type OperationName = 'getById' | 'userNameMatch' | 'create' | 'patch' | 'groupMatch' | 'memberAdd' | 'delete';

export interface Operation {
  name: OperationName;
  /** What Entra does, for the report. */
  title: string;
  bridge(i: number, size: number): Shot;
  proxy(i: number, size: number): Shot;
}

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const scim = (size: number, method: Shot['method'], path: string, body?: unknown): Shot => ({
  method,
  path: `/scim/v2${path}`,
  headers: {
    authorization: `Bearer ${directoryKey(size)}`,
    'content-type': 'application/scim+json',
    accept: 'application/scim+json',
  },
  ...(body === undefined ? {} : { body: JSON.stringify(body) }),
});

const jumpcloud = (size: number, method: Shot['method'], path: string, body?: unknown): Shot => ({
  method,
  path,
  headers: {
    authorization: `Bearer ${directoryKey(size)}`,
    'content-type': 'application/json',
    accept: 'application/json',
  },
  ...(body === undefined ? {} : { body: JSON.stringify(body) }),
});

/** Entra's form-encoded filter parameter (`+` for spaces, `%22` for quotes). */
const filterParam = (filter: string): string => encodeURIComponent(filter).replace(/%20/g, '+');

export const OPERATIONS: readonly Operation[] = [
  {
    name: 'getById',
    title: 'GET /Users/{id}',
    bridge: (i, size) => scim(size, 'GET', `/Users/${userId(i % size)}`),
    proxy: (i, size) => jumpcloud(size, 'GET', `/api/systemusers/${userId(i % size)}`),
  },
  {
    name: 'userNameMatch',
    title: 'GET /Users?filter=userName eq',
    bridge: (i, size) => scim(size, 'GET', `/Users?filter=${filterParam(`userName eq "${userName(i % size, size)}"`)}`),
    proxy: (i, size) =>
      jumpcloud(size, 'POST', '/api/search/systemusers?limit=100&skip=0', {
        filter: {
          or: [
            { username: { $regex: `(?i)^${userName(i % size, size)}$` } },
            { 'attributes.value': { $regex: `(?i)^${userName(i % size, size)}$` } },
          ],
        },
      }),
  },
  {
    name: 'create',
    title: 'POST /Users (full mapping, manager set)',
    bridge: (i, size) =>
      scim(size, 'POST', '/Users', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
        userName: `bench${i}`,
        externalId: `bench${i}`,
        active: true,
        displayName: `Bench ${i}`,
        title: 'Engineer',
        name: { givenName: 'Bench', familyName: String(i), formatted: `Bench ${i}` },
        emails: [{ type: 'work', value: `bench${i}@bench.example`, primary: true }],
        phoneNumbers: [{ type: 'mobile', value: `+1 555 ${i}` }],
        [ENTERPRISE]: { employeeNumber: `B${i}`, department: 'Engineering', manager: userId(i % size) },
      }),
    proxy: (i, size) =>
      jumpcloud(size, 'POST', '/api/systemusers', {
        username: `bench${i}`,
        email: `bench${i}@bench.example`,
        firstname: 'Bench',
        lastname: String(i),
        displayname: `Bench ${i}`,
        jobTitle: 'Engineer',
        department: 'Engineering',
        employeeIdentifier: `B${i}`,
        manager: userId(i % size),
        phoneNumbers: [{ type: 'mobile', number: `+1 555 ${i}` }],
        attributes: [{ name: 'scimExternalId', value: `bench${i}` }],
        state: 'ACTIVATED',
      }),
  },
  {
    name: 'patch',
    title: 'PATCH /Users/{id} (default mode, 3 Replace ops)',
    bridge: (i, size) =>
      scim(size, 'PATCH', `/Users/${userId(i % size)}`, {
        schemas: [PATCH_OP],
        Operations: [
          { op: 'Replace', path: 'displayName', value: `Patched ${i}` },
          { op: 'Replace', path: 'title', value: `Title ${i}` },
          { op: 'Replace', path: 'name.familyName', value: `Family${i}` },
        ],
      }),
    proxy: (i, size) =>
      jumpcloud(size, 'PUT', `/api/systemusers/${userId(i % size)}`, {
        displayname: `Patched ${i}`,
        jobTitle: `Title ${i}`,
        lastname: `Family${i}`,
      }),
  },
  {
    name: 'groupMatch',
    title: 'GET /Groups?filter=displayName eq',
    bridge: (i, size) =>
      scim(
        size,
        'GET',
        `/Groups?excludedAttributes=members&filter=${filterParam(`displayName eq "${groupName(i % GROUPS)}"`)}`,
      ),
    proxy: (i, size) =>
      jumpcloud(
        size,
        'GET',
        `/api/v2/usergroups?filter=${encodeURIComponent(`name:search:${groupName(i % GROUPS)}`)}&limit=100&skip=0`,
      ),
  },
  {
    name: 'memberAdd',
    title: 'PATCH /Groups/{id} (Add one member)',
    bridge: (i, size) =>
      scim(size, 'PATCH', `/Groups/${groupId(i % GROUPS)}`, {
        schemas: [PATCH_OP],
        Operations: [
          { op: 'Add', path: 'members', value: [{ $ref: null, value: userId(Math.floor(i / GROUPS) % size) }] },
        ],
      }),
    proxy: (i, size) =>
      jumpcloud(size, 'POST', `/api/v2/usergroups/${groupId(i % GROUPS)}/members`, {
        op: 'add',
        type: 'user',
        id: userId(Math.floor(i / GROUPS) % size),
      }),
  },
];

/** DELETE is counted (upstream calls) but not timed: each request destroys a seeded user, read from the top down. */
export const DELETE: Operation = {
  name: 'delete',
  title: 'DELETE /Users/{id}',
  bridge: (i, size) => scim(size, 'DELETE', `/Users/${userId(size - 1 - (i % size))}`),
  proxy: (i, size) => jumpcloud(size, 'DELETE', `/api/systemusers/${userId(size - 1 - (i % size))}`),
};
