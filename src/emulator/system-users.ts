import { Router, type Request } from 'express';
import { ApiError, badRequest, invalidObjectId, isRecord, notFound } from './api-error.js';
import { systemUserPost, systemUserPut, search } from './contract-schemas.js';
import type { Schema } from './contract.js';
import { project, sortRecords } from './field-path.js';
import { isObjectId } from './object-id.js';
import { checkBody, listParam, page, parsePaging, queryParams, type EmulatorContext } from './request-context.js';
import { checkSearchForms, normaliseStored, searchProjection, type UnknownAnswers } from './modes.js';
import { searchFilterPredicate, searchTermPredicate } from './search-filter.js';
import { applyWritableFields, blankUser, hasPassword } from './user-record.js';
import { v1FilterPredicate, type Predicate } from './v1-filter.js';
import type { SystemUser, UserState } from './types.js';

const POST_KEYS = keysOf(systemUserPost);
const PUT_KEYS = keysOf(systemUserPut);
const UNIQUE_FIELDS = ['username', 'email', 'employeeIdentifier'] as const;
/** JumpCloud's help: an alternate email "must be unique across all of JumpCloud", so no user's email may hold it either. */
const ALTERNATE_EMAIL_CLASHES_WITH = ['email', 'alternateEmail'] as const;

/** v1: `/api/systemusers` and `/api/search/systemusers`. */
export function systemUsersRouter(context: EmulatorContext): Router {
  const router = Router();
  const { store } = context;

  router.get('/systemusers', (req, res) => {
    const params = queryParams(req);
    const paging = parsePaging(params, context.maxLimit, 'v1');
    const filter = v1FilterPredicate(params, eventuallyConsistent(req));
    const matched = sortRecords(allUsers(context).filter(filter ?? (() => true)), v1List(params.get('sort')));
    const fields = v1List(params.get('fields'));
    res.json({
      totalCount: matched.length,
      results: page(matched, paging).map((user) => returned(context, user, fields)),
    });
  });

  router.post('/search/systemusers', (req, res) => {
    const body = checkBody(context, req, search, 'v1');
    checkSearchForms(body['filter'], context.modes.refuseSearch);
    const params = queryParams(req);
    const paging = parsePaging(params, context.maxLimit, 'v1');
    const predicates = [
      searchFilterPredicate(body['filter']),
      searchTermPredicate(body['searchFilter']),
      v1FilterPredicate(params, eventuallyConsistent(req)),
    ].filter((predicate): predicate is Predicate => predicate !== undefined);
    const matched = sortRecords(
      allUsers(context).filter((user) => predicates.every((predicate) => predicate(user))),
      v1List(params.get('sort')),
    );
    const fieldsRaw = typeof body['fields'] === 'string' ? body['fields'] : params.get('fields');
    const fields = v1List(fieldsRaw);
    res.json({
      totalCount: matched.length,
      results: page(matched, paging).map((user) => returned(context, user, fields)),
    });
  });

  router.post('/systemusers', (req, res) => {
    const body = checkBody(context, req, systemUserPost, 'v1');
    const username = body['username'] as string;
    const email = body['email'] as string;
    checkUserRules(body, context.modes.unknowns);
    const state = initialState(body);
    checkManager(context, body['manager'], undefined);
    checkUnique(context, body, undefined);

    const now = new Date();
    const user = blankUser(username, email, state, {
      id: store.newId(),
      organization: store.organization,
      unixId: store.nextUnixId(),
      now,
    });
    applyWritableFields(user, body, POST_KEYS, now, emptyEmployeeIdentifierKept(context));
    user.activated = hasPassword(user) && state !== 'STAGED';
    normaliseStored(user, context.modes.normalise);
    store.users.set(user._id, user);
    store.save();
    res.status(200).json(user);
  });

  router.get('/systemusers/:id', (req, res) => {
    const user = existingUser(context, req.params['id']);
    res.json(project(user, v1List(queryParams(req).get('fields')), '_id'));
  });

  router.put('/systemusers/:id', (req, res) => {
    const user = existingUser(context, req.params['id']);
    const body = checkBody(context, req, systemUserPut, 'v1');
    checkUserRules(body, context.modes.unknowns);
    checkBoundRename(context, user, body);
    checkRestrictedFields(user, body);
    const state = nextState(user.state, body);
    checkManager(context, body['manager'], user._id);
    checkUnique(context, body, user._id);

    applyWritableFields(user, body, PUT_KEYS, new Date(), emptyEmployeeIdentifierKept(context));
    user.state = state;
    user.suspended = state === 'SUSPENDED';
    if (state !== 'STAGED' && hasPassword(user)) user.activated = true;
    normaliseStored(user, context.modes.normalise);
    store.save();
    res.json(user);
  });

  /**
   * STAGED → ACTIVATED. PUT's `state` enum has no STAGED and the facts name this call for the transition, so the
   * emulator keeps a STAGED user STAGED under `PUT {suspended: false}` and only this call activates it.
   * `email` (true, false or an address) chooses the welcome/activation e-mail; it is validated, not sent.
   * Activating a user that is not STAGED is refused (assumed: the spec lists 400 and 409 without saying which).
   */
  router.post('/systemusers/:id/state/activate', (req, res) => {
    const user = existingUser(context, req.params['id']);
    const body: unknown = req.body ?? {};
    if (
      !isRecord(body) ||
      (body['email'] !== undefined && typeof body['email'] !== 'boolean' && typeof body['email'] !== 'string')
    ) {
      throw badRequest('email must be true, false or an e-mail address');
    }
    if (user.state !== 'STAGED') throw badRequest(`user is ${user.state}, not STAGED`);
    user.state = 'ACTIVATED';
    user.suspended = false;
    user.activated = hasPassword(user);
    store.save();
    res.json('OK');
  });

  router.delete('/systemusers/:id', (req, res) => {
    const user = existingUser(context, req.params['id']);
    const reports = allUsers(context).filter((candidate) => candidate.manager === user._id);
    if (reports.length > 0 && queryParams(req).get('cascade_manager') !== 'null') {
      throw new ApiError(409, { message: 'user is a manager of other users' });
    }
    for (const report of reports) delete report.manager;
    store.users.delete(user._id);
    store.bound.delete(user._id);
    for (const [groupId, members] of store.memberships) {
      store.memberships.set(
        groupId,
        members.filter((member) => member !== user._id),
      );
    }
    store.save();
    res.json(user);
  });

  return router;
}

/** A listed or searched user: projected to the asked `fields`, then through the org's field-list mode. */
function returned(context: EmulatorContext, user: SystemUser, fields: readonly string[]): Partial<SystemUser> {
  return searchProjection(project(user, fields, '_id'), fields, context.modes.searchFields);
}

function allUsers(context: EmulatorContext): SystemUser[] {
  return [...context.store.users.values()];
}

function existingUser(context: EmulatorContext, id: string | undefined): SystemUser {
  if (!isObjectId(id)) throw invalidObjectId();
  const user = context.store.users.get(id);
  if (!user) throw notFound();
  return user;
}

function eventuallyConsistent(req: Request): boolean {
  return req.get('x-eventually-consistent')?.toLowerCase() === 'true';
}

/**
 * v1 `fields` and `sort` are space-separated. A comma-separated value is reportedly ignored by
 * JumpCloud rather than refused, so the emulator ignores it too instead of failing loudly.
 */
function v1List(raw: string | null): string[] {
  if (!raw || raw.includes(',')) return [];
  return listParam(raw, ' ');
}

/**
 * JumpCloud's documented naming rules (facts `usernameStartsWithLetter`, `usernameCharacters`, `usernameLength`,
 * `customAttributeNames`), plus the minimal shape of an e-mail address. Whether the API itself enforces the username
 * rules is not documented; the emulator refuses what the documentation says JumpCloud cannot use.
 */
function checkUserRules(body: Record<string, unknown>, unknowns: UnknownAnswers | undefined): void {
  const username = body['username'];
  if (typeof username === 'string') {
    if (!/^[A-Za-z]/.test(username)) throw badRequest('username must start with a letter');
    if (/\s/.test(username)) throw badRequest('username must not contain spaces');
    if (username.includes('@')) throw badRequest('username must not contain "@"');
    if (!/^[A-Za-z0-9._-]*$/.test(username))
      throw badRequest('username may contain only letters, digits, ".", "_" and "-"');
    if (username.length > USERNAME_MAX) throw badRequest(`username must be at most ${USERNAME_MAX} characters`);
  }
  const email = body['email'];
  if (typeof email === 'string' && !/^[^\s@]+@[^\s@]+$/.test(email)) {
    throw badRequest('email must be a valid e-mail address');
  }
  for (const attribute of Array.isArray(body['attributes']) ? body['attributes'] : []) {
    const name = isRecord(attribute) ? attribute['name'] : undefined;
    if (typeof name === 'string' && !/^[A-Za-z0-9]{1,31}$/.test(name))
      throw badRequest(`custom attribute name "${name}" must be fewer than 32 letters and digits`);
  }
  if (unknowns?.elementIdsRefused) {
    for (const key of ['phoneNumbers', 'addresses'] as const) {
      const list = body[key];
      if (Array.isArray(list) && list.some((element) => isRecord(element) && element['id'] !== undefined))
        throw badRequest(`${key}: id is not allowed in a request element`);
    }
  }
}

/** Mac and Linux logins take at most 30 characters (Windows 20: a warning for the bridge, not a refusal here). */
const USERNAME_MAX = 30;

/** Fact `boundUserRename`: the username of a user connected to any resource cannot be changed. */
function checkBoundRename(context: EmulatorContext, user: SystemUser, body: Record<string, unknown>): void {
  const username = body['username'];
  if (typeof username !== 'string' || username === user.username || context.modes.unknowns?.boundRenameAllowed) return;
  if (context.store.bound.has(user._id))
    throw badRequest('The username cannot be modified because the user is bound to one or more resources');
}

/** Fact `restrictedFields`: a field another directory owns is refused when a PUT would change it. */
function checkRestrictedFields(user: SystemUser, body: Record<string, unknown>): void {
  const restricted = Array.isArray(user['restrictedFields']) ? user['restrictedFields'] : [];
  for (const entry of restricted) {
    if (!isRecord(entry) || typeof entry['field'] !== 'string') continue;
    const field = entry['field'];
    if (field in body && JSON.stringify(body[field]) !== JSON.stringify(user[field]))
      throw badRequest(`${field} is restricted: it is managed by ${String(entry['type'] ?? 'another directory')}`);
  }
}

function emptyEmployeeIdentifierKept(context: EmulatorContext): boolean {
  return context.modes.unknowns?.emptyEmployeeIdentifierClashes === true;
}

/** Without `state`, the org default for manually created users applies (ACTIVATED here). */
function initialState(body: Record<string, unknown>): UserState {
  const state = body['state'] as UserState | undefined;
  const suspended = body['suspended'] as boolean | undefined;
  if (state !== undefined && suspended !== undefined && (state === 'SUSPENDED') !== suspended) {
    throw badRequest('Cannot save conflicting state and suspended fields');
  }
  if (state !== undefined) return state;
  return suspended === true ? 'SUSPENDED' : 'ACTIVATED';
}

function nextState(current: UserState, body: Record<string, unknown>): UserState {
  const state = body['state'] as UserState | undefined;
  const suspended = body['suspended'] as boolean | undefined;
  if (state !== undefined && suspended !== undefined && (state === 'SUSPENDED') !== suspended) {
    throw badRequest('Cannot save conflicting state and suspended fields');
  }
  if (state !== undefined) return state;
  if (suspended === true) return 'SUSPENDED';
  if (suspended === false && current === 'SUSPENDED') return 'ACTIVATED';
  return current;
}

function checkManager(context: EmulatorContext, manager: unknown, selfId: string | undefined): void {
  if (manager === undefined || manager === null || manager === '') return;
  if (typeof manager !== 'string' || !isObjectId(manager))
    throw badRequest('manager must be the _id of an existing user');
  if (manager === selfId) throw badRequest('a user cannot be their own manager');
  if (!context.store.users.has(manager) && !context.modes.unknowns?.danglingManagerStored)
    throw badRequest(`manager ${manager} is not an existing user`);
}

/**
 * JumpCloud answers a uniqueness clash with 400, not 409; compared case-insensitively. Its message is not documented
 * (the `duplicateMessage` flip replaces it). alternateEmail is unique across every user's email and alternateEmail.
 */
function checkUnique(context: EmulatorContext, body: Record<string, unknown>, selfId: string | undefined): void {
  const unknowns = context.modes.unknowns;
  const others = allUsers(context).filter((user) => user._id !== selfId);
  const holds = (user: SystemUser, field: string, wanted: string): boolean =>
    typeof user[field] === 'string' && (user[field] as string).toLowerCase() === wanted;
  const refuse = (field: string, value: string): never => {
    throw new ApiError(400, {
      code: 400,
      message: unknowns?.duplicateMessage ?? `Bad Request: User already exists: ${field} "${value}" is already in use`,
      status: 'ALREADY_EXISTS',
    });
  };
  for (const field of UNIQUE_FIELDS) {
    const value = body[field];
    const emptyClashes = field === 'employeeIdentifier' && unknowns?.emptyEmployeeIdentifierClashes;
    if (typeof value !== 'string' || (value === '' && !emptyClashes)) continue;
    if (others.some((user) => holds(user, field, value.toLowerCase()))) refuse(field, value);
  }
  const alternate = body['alternateEmail'];
  if (typeof alternate === 'string' && alternate !== '' && !unknowns?.alternateEmailNotUnique) {
    const wanted = alternate.toLowerCase();
    if (others.some((user) => ALTERNATE_EMAIL_CLASHES_WITH.some((field) => holds(user, field, wanted))))
      refuse('alternateEmail', alternate);
  }
}

function keysOf(schema: Schema): ReadonlySet<string> {
  return new Set(schema.type === 'object' ? Object.keys(schema.properties) : []);
}
