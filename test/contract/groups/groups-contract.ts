import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import type nock from 'nock';
import { pinnedJumpCloud, type Harness } from '../../helpers/bridge-harness.js';

/**
 * Shared by the Groups contract suites: every JumpCloud v2 call the Groups resource makes is pinned there (method,
 * path, query, headers and body, through test/helpers/jumpcloud-calls.ts); nock stands in for JumpCloud, and the
 * bridge runs its real HTTP stack.
 */

export const GROUP_ID = '5f0c1e2d3c4b5a6978695a4b';
export const OTHER_GROUP_ID = '5f0c1e2d3c4b5a6978695a4c';

/** A JumpCloud-shaped user id for test member `n`. */
export const uid = (n: number): string => `6a${n.toString(16).padStart(22, '0')}`;

/** The admin's description: the bridge keeps it and appends only its marked trailer (externalId). */
const ADMIN_TEXT = 'Owned by sales ops; ask #it-help before changing';
const SUDO = { enabled: false, withoutPassword: false };
/**
 * A group as the bridge leaves it: Entra's externalId (none for '') in the description's trailer after the admin's
 * text, and the admin's settings alone in `attributes`.
 */
export const ext = (externalId: string): Record<string, unknown> => ({
  attributes: { sudo: SUDO },
  description: externalId ? `${ADMIN_TEXT} [scim-bridge externalId=${encodeURIComponent(externalId)}]` : ADMIN_TEXT,
});

/** A JumpCloud v2 user group as the API returns it: static, with the admin's description and settings. */
export function group(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: GROUP_ID,
    name: 'Sales Team',
    type: 'user_group',
    membershipMethod: 'STATIC',
    ...ext('8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159'),
    suggestionCounts: { add: 0, remove: 0, total: 0 },
    ...over,
  };
}

/** One member edge of GROUP_ID as `GET /api/v2/usergroups/{id}/members` lists it. */
export const member = (id: string): Record<string, unknown> => ({
  to: { id, type: 'user' },
  from: { id: GROUP_ID, type: 'user_group' },
  attributes: {},
});

/** The PUT body the bridge must send: the writable fields it read (the admin's description included), with name/externalId changed. */
export function putBody(name: string, externalId: string): nock.DataMatcherMap {
  return { ...ext(externalId), membershipMethod: 'STATIC', name };
}

/** The text of a file in test/fixtures/entra/groups. */
export const fixtureText = (name: string): string =>
  readFileSync(new URL(`../../fixtures/entra/groups/${name}`, import.meta.url), 'utf8');
export const fixture = (name: string): unknown => JSON.parse(fixtureText(name)) as unknown;

export const patchOp = (...ops: unknown[]): unknown => ({
  schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
  Operations: ops,
});

export function rec(v: unknown): Record<string, unknown> {
  expect(v).to.be.an('object');
  return v as Record<string, unknown>;
}

/** The bridge for a /Groups contract suite (member writes 4 at a time), as the suites call it. */
export function groupsApp(): { scim: Harness['request']; readonly base: string; readonly logs: string[] } {
  const bridge = pinnedJumpCloud({ MEMBER_CONCURRENCY: '4' });
  return {
    scim: (method, path, body) => bridge().request(method, path, body),
    get base() {
      return bridge().base;
    },
    get logs() {
      return bridge().logs;
    },
  };
}
