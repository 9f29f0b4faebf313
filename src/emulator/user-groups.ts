import { Router, type Response } from 'express';
import { ApiError, invalidObjectId, isRecord, notFound } from './api-error.js';
import { userGroupMemberOperation, userGroupPost, userGroupPut } from './contract-schemas.js';
import { project, sortRecords } from './field-path.js';
import { isObjectId } from './object-id.js';
import { checkBody, listParam, page, parsePaging, queryParams, type EmulatorContext } from './request-context.js';
import { newGroup, type SeedGroup } from './store.js';
import { v2FilterPredicate } from './v2-filter.js';
import type { MembershipMethod, UserGroup } from './types.js';

/** Dynamic groups recompute their members, so JumpCloud accepts a manual add and then drops it. */
const DYNAMIC_METHODS: readonly MembershipMethod[] = ['DYNAMIC_REVIEW_REQUIRED', 'DYNAMIC_AUTOMATED'];

/** v2: `/api/v2/usergroups…` and `/api/v2/users/:id/memberof`. Lists are bare arrays plus `x-total-count`. */
export function userGroupsRouter(context: EmulatorContext): Router {
  const router = Router();
  const { store } = context;

  router.get('/usergroups', (req, res) => {
    const params = queryParams(req);
    const paging = parsePaging(params, context.maxLimit, 'v2');
    const filter =
      v2FilterPredicate(params, { searchCaseSensitive: context.modes.unknowns?.nameSearchCaseSensitive === true }) ??
      (() => true);
    const matched = sortRecords([...store.groups.values()].filter(filter), listParam(params.get('sort'), ','));
    const fields = listParam(params.get('fields'), ',');
    sendList(
      res,
      matched.length,
      page(matched, paging).map((group) => project(group, fields, 'id')),
    );
  });

  router.post('/usergroups', (req, res) => {
    const body = checkBody(context, req, userGroupPost, 'v2');
    const name = checkName(context, body['name'], undefined);
    const group = newGroup(store.newId(), store.organization, { ...groupAttributes(context, body), name } as SeedGroup);
    store.groups.set(group.id, group);
    store.memberships.set(group.id, []);
    store.save();
    res.status(201).json(group);
  });

  router.get('/usergroups/:id', (req, res) => {
    res.json(existingGroup(context, req.params['id']));
  });

  router.put('/usergroups/:id', (req, res) => {
    const current = existingGroup(context, req.params['id']);
    const body = checkBody(context, req, userGroupPut, 'v2');
    const name = checkName(context, body['name'], current.id);
    // A full update: whatever the body leaves out goes back to its default.
    const group = newGroup(current.id, store.organization, { ...groupAttributes(context, body), name } as SeedGroup);
    store.groups.set(group.id, group);
    store.save();
    res.json(group);
  });

  router.delete('/usergroups/:id', (req, res) => {
    const group = existingGroup(context, req.params['id']);
    store.groups.delete(group.id);
    store.memberships.delete(group.id);
    store.save();
    res.json(group);
  });

  router.get('/usergroups/:id/members', (req, res) => {
    const group = existingGroup(context, req.params['id']);
    const paging = parsePaging(queryParams(req), context.maxLimit, 'v2');
    const members = store.membersOf(group.id);
    sendList(
      res,
      members.length,
      page(members, paging).map((userId) => ({ to: { id: userId, type: 'user' } })),
    );
  });

  // User groups do not nest, so the effective membership is the direct one, each reached in one hop.
  router.get('/usergroups/:id/membership', (req, res) => {
    const group = existingGroup(context, req.params['id']);
    const params = queryParams(req);
    const paging = parsePaging(params, context.maxLimit, 'v2');
    const filter = v2FilterPredicate(params) ?? (() => true);
    const entries = store
      .membersOf(group.id)
      .map((userId) => ({ id: userId, type: 'user', paths: [[{ to: { id: userId, type: 'user' } }]] }))
      .filter(filter);
    sendList(res, entries.length, page(entries, paging));
  });

  router.post('/usergroups/:id/members', (req, res) => {
    const group = existingGroup(context, req.params['id']);
    const body = checkBody(context, req, userGroupMemberOperation, 'v2');
    const userId = body['id'] as string;
    if (!isObjectId(userId)) throw invalidObjectId();
    // User groups hold users only. Offered another user group's id (what Entra sends for a nested group), the
    // answer is assumed to be a 400 that differs from an unknown id's 404, so the bridge must not rely on either.
    if (store.groups.has(userId))
      throw new ApiError(400, { message: `Bad Request: ${userId} is a user_group, not a user` });
    if (!store.users.has(userId)) throw new ApiError(404, { message: 'user not found' });
    const members = store.memberships.get(group.id) ?? [];
    const isMember = members.includes(userId);
    switch (body['op']) {
      case 'add':
        if (isMember) throw new ApiError(409, { message: 'Already Exists' });
        if (!DYNAMIC_METHODS.includes(group.membershipMethod)) members.push(userId);
        break;
      case 'remove':
        if (!isMember) throw notFound();
        members.splice(members.indexOf(userId), 1);
        break;
      default:
        if (!isMember) throw notFound();
        break;
    }
    store.memberships.set(group.id, members);
    store.save();
    res.status(204).end();
  });

  router.get('/users/:id/memberof', (req, res) => {
    const userId = req.params['id'];
    if (!isObjectId(userId)) throw invalidObjectId();
    if (!store.users.has(userId)) throw new ApiError(404, { message: 'user not found' });
    const params = queryParams(req);
    const paging = parsePaging(params, context.maxLimit, 'v2');
    const filter = v2FilterPredicate(params) ?? (() => true);
    const entries = store
      .groupsOf(userId)
      .map((groupId) => ({ id: groupId, type: 'user_group', paths: [[{ to: { id: groupId, type: 'user_group' } }]] }))
      .filter(filter);
    sendList(res, entries.length, page(entries, paging));
  });

  return router;
}

/** The spec's own keys of a group's `attributes`; any other key is a group custom attribute. */
const GROUP_ATTRIBUTE_KEYS = new Set(['sudo', 'ldapGroups', 'posixGroups', 'radius', 'sambaEnabled']);

/**
 * Fact `groupCustomAttributes`: any other key of a group's `attributes` is a custom attribute, inherited by every
 * member and releasable to SSO apps, and dynamic groups do not support them. The `groupAttributesDropped` flip
 * models a JumpCloud that does not store unknown keys at all.
 */
function groupAttributes(context: EmulatorContext, body: Record<string, unknown>): Record<string, unknown> {
  const attributes = body['attributes'];
  if (!isRecord(attributes)) return body;
  const custom = Object.keys(attributes).filter((key) => !GROUP_ATTRIBUTE_KEYS.has(key));
  if (custom.length === 0) return body;
  const method = body['membershipMethod'];
  if (typeof method === 'string' && (DYNAMIC_METHODS as readonly string[]).includes(method))
    throw new ApiError(400, {
      code: 400,
      message: `custom attributes (${custom.join(', ')}) are not supported on dynamic groups`,
    });
  if (!context.modes.unknowns?.groupAttributesDropped) return body;
  const kept = Object.fromEntries(Object.entries(attributes).filter(([key]) => GROUP_ATTRIBUTE_KEYS.has(key)));
  return { ...body, attributes: kept };
}

function sendList(res: Response, total: number, items: unknown[]): void {
  res.set('x-total-count', String(total)).json(items);
}

function existingGroup(context: EmulatorContext, id: string | undefined): UserGroup {
  if (!isObjectId(id)) throw invalidObjectId();
  const group = context.store.groups.get(id);
  if (!group) throw notFound();
  return group;
}

/** Names are unique per organization, compared case-insensitively. */
function checkName(context: EmulatorContext, name: unknown, selfId: string | undefined): string {
  if (typeof name !== 'string' || name.trim() === '')
    throw new ApiError(400, { code: 400, message: 'name must not be empty', status: 'invalidName' });
  const wanted = name.toLowerCase();
  const clash = [...context.store.groups.values()].some(
    (group) => group.id !== selfId && group.name.toLowerCase() === wanted,
  );
  if (clash) throw new ApiError(409, { message: 'Already Exists' });
  return name;
}
