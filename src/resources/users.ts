import type { Config } from '../config.js';
import { ScimError, badRequest, conflict } from '../scim/errors.js';
import type { Filter } from '../scim/filter.js';
import { filterAttributes, matchesResource } from '../scim/filter-eval.js';
import type { ListResponse } from '../scim/list-response.js';
import { applyPatch, parsePatchRequest, type PatchOperation } from '../scim/patch.js';
import { parseProjection, project, type Projection } from '../scim/projection.js';
import type { ScimDoc } from '../scim/resource.js';
import { CORE_USER } from '../scim/schema.js';
import { SCAN_ORDER, SYSTEM_USERS, type JumpCloudClient } from '../jumpcloud/endpoints.js';
import { JumpCloudError, isJumpCloudError } from '../jumpcloud/errors.js';
import { mayBeDuplicate } from '../jumpcloud/failure-kinds.js';
import type {
  SearchExpression,
  SystemUser,
  SystemUserCreate,
  SystemUserUpdate,
  SystemUserWritable,
} from '../jumpcloud/types.js';
import {
  fieldOf,
  sameValue,
  stringAt,
  valueAt,
  withValueAt,
  type AttributeRow,
  type UserTable,
} from '../mapping/attribute-table.js';
import {
  ORIGINAL_USERNAME_ATTRIBUTE,
  derivedUsername,
  recordedUserName,
  type JumpCloudWrite,
} from '../mapping/codecs.js';
import { planUserQuery, regex, searchHasDottedKey, valuesCompared } from '../mapping/user-query.js';
import { attrPathOf, fieldsOfRow, rowsToRead, userFields } from '../mapping/user-fields.js';
import { restrictedFieldsOf } from '../mapping/restricted-fields.js';
import { detectDrift } from '../mapping/drift.js';
import { userMapping, type ResourceMapping } from '../mapping/exchange-mapping.js';
import { addressed, scimErrorFor, translated } from '../mapping/upstream-errors.js';
import { createBody, standaloneBody, updateBody } from '../mapping/user-write.js';
import { checkUsername, windowsUsernameWarning } from '../mapping/usernames.js';
import type { ResourceLock } from '../coordination/primitives.js';
import { lockKeys, type LockKey } from '../coordination/lock-keys.js';
import { mapLimit } from '../util/map-limit.js';
import type { PageRequest } from '../util/paging.js';
import type { ListOptions, RequestContext, ScimListParams, ScimResourceType } from './resource-type.js';
import { ResourceScaffold, type ResourceConfig } from './resource-scaffold.js';
import { OrgAnswers } from './org-answers.js';
import { deepEqual, isRecord } from '../util/guards.js';

/** A username Windows logins cannot take is stored, with a warning in the log line and the exchange. */
function windowsNote(ctx: RequestContext, username: string): void {
  const message = windowsUsernameWarning(username);
  if (message) ctx.note?.({ level: 'warn', kind: 'usernameWindows', message });
}

/**
 * The 409 for an address another user holds where an alternate email clashes (fact alternateEmailUnique: "must be
 * unique across all of JumpCloud"): which field of theirs holds it, which of this write's fields sends it, the fix.
 */
function alternateEmailHeld(holder: SystemUser, value: string, sent: string, held: string, attribute: string): string {
  const as = sent === 'alternateEmail' ? `as alternateEmail (the second address of ${attribute})` : `as email`;
  return (
    `JumpCloud user ${JSON.stringify(holder.username)} (id ${holder._id}) already has ${JSON.stringify(value)} as its ${held}, and JumpCloud requires an alternate email to be unique across all of JumpCloud: no other user may hold it as email or alternateEmail. ` +
    `This request sends it ${as}. To resolve: if it is the same person, let Entra match this user to that one; otherwise remove the address from one of them (in Entra, from the attribute mapped to the second email address), or change it in JumpCloud.`
  );
}

/** Keeps the user's username in a write and records the new userName (cleared when they agree). */
function keepUsernameOf(after: JumpCloudWrite, user: SystemUser, userName: string): void {
  after.fields.username = user.username;
  after.custom[ORIGINAL_USERNAME_ATTRIBUTE] = userName === user.username ? null : userName;
}

/** The same refusal, classified as the duplicate it was shown to be. */
const asDuplicate = (e: JumpCloudError): JumpCloudError =>
  new JumpCloudError('alreadyExists', e.upstreamMessage, e.call, e.retryAfterMs, e.earlierAttemptAmbiguous);

/** A stored value as a write sends it: phone and address elements go without the ids JumpCloud gave them. */
function asSent(stored: unknown): unknown {
  if (!Array.isArray(stored)) return stored;
  return stored.map((e: unknown) => {
    if (!isRecord(e)) return e;
    const { id: _id, ...rest } = e;
    return rest;
  });
}

/** JumpCloud's page size limit for v1 lists and search. */
export const UPSTREAM_PAGE = 100;

/** Reads a user's direct groups for the read-only `groups` attribute (JumpCloud v2 graph). */
export type GroupsOf = (jc: JumpCloudClient, userId: string, baseUrl: string) => Promise<unknown[]>;

/** What a user list asks JumpCloud: the pushed-down search (none: the whole list) and the fields it needs. */
interface UserQuery {
  search: ReturnType<typeof planUserQuery>['search'];
  fields: string;
  /** The same search without dotted keys, when it has some: what an org that refuses them is asked instead. */
  withoutDottedKeys?: { search: ReturnType<typeof planUserQuery>['search'] };
}

/** The undocumented answers the Users resource learns per org. */
type UserAnswer = 'dottedKeysRefused' | 'duplicateMessage';

/** SCIM /Users on JumpCloud v1 system users. */
export class UsersResource implements ScimResourceType {
  private readonly scaffold: ResourceScaffold;

  constructor(
    private readonly table: UserTable,
    private readonly config: ResourceConfig & Pick<Config, 'deriveUsernameFromEmail' | 'allowUsernameRename'>,
    locks: ResourceLock<LockKey>,
    private readonly groupsOf?: GroupsOf,
  ) {
    this.mapping = userMapping(table, SYSTEM_USERS);
    this.allFields = userFields(table);
    this.scaffold = new ResourceScaffold(table.schema, config, locks, {
      scanned: 'users',
      scanReason: 'cannot be answered by a JumpCloud search alone and',
      narrow:
        'Add an eq, sw, co or ew condition on userName, emails, externalId, displayName, name or another mapped attribute so JumpCloud can narrow it.',
      table: 'the mapping table',
      storeAdvice: ' Add a row to the mapping file to store it.',
    });
  }

  /** Every systemuser field the table reads: what a lookup that renders or compares a whole user asks JumpCloud for. */
  private readonly allFields: string;

  /** What each org answered to the undocumented behaviours on Entra's path (kept in process; see OrgAnswers). */
  private readonly learned = new OrgAnswers<UserAnswer>();

  get schema(): UserTable['schema'] {
    return this.table.schema;
  }

  readonly mapping: ResourceMapping;

  /** The SCIM User for a JumpCloud systemuser. */
  render(user: SystemUser, baseUrl: string): ScimDoc {
    const doc = this.table.toScim(user, { baseUrl });
    const meta = isRecord(doc.meta) ? doc.meta : {};
    delete doc.meta;
    const schemas = [CORE_USER, ...this.table.schema.extensions.map((e) => e.id).filter((id) => id in doc)];
    return {
      schemas,
      id: user._id,
      ...doc,
      meta: { resourceType: 'User', ...meta, location: `${baseUrl}/Users/${user._id}` },
    };
  }

  list(ctx: RequestContext, q: ScimListParams, options?: ListOptions): Promise<ListResponse<ScimDoc>> {
    const schema = this.table.schema;
    const groupsRow = this.table.groupsRow;
    return this.scaffold.list<SystemUser, UserQuery>(
      q,
      {
        pageSize: UPSTREAM_PAGE,
        refuse: (filter) => {
          if (groupsRow && filterAttributes(filter).some((a) => this.table.rowFor(a) === groupsRow)) {
            throw badRequest(
              'invalidFilter',
              `Filtering users by '${groupsRow.path.name}' is not supported; read the group's members with GET /Groups/{id} instead`,
            );
          }
        },
        plan: (filter, sort, projection) => {
          const refused = this.learned.get<boolean>(ctx, 'dottedKeysRefused') === true;
          const plan = planUserQuery(filter, this.table, refused ? { dottedKeys: false } : {});
          // Fact `dottedKeyInOr`: until this org is known to take dotted keys, a search naming one has its fallback
          // ready, and the whole filter is re-checked here, which holds for either search.
          const fallback = searchHasDottedKey(plan.search)
            ? { search: planUserQuery(filter, this.table, { dottedKeys: false }).search }
            : undefined;
          // JumpCloud is asked for exactly the fields the answer needs: what the projection returns and what the bridge
          // evaluates itself (residual filter, sort, userName); never its undocumented default list.
          const evaluated = [
            ...(plan.residual ? filterAttributes(plan.residual) : []),
            ...(sort ? [attrPathOf(sort.path.keys)] : []),
            ...(plan.residual && this.config.deriveUsernameFromEmail ? [this.table.userNameRow.path] : []),
          ];
          const fields = userFields(this.table, rowsToRead(this.table, projection, evaluated));
          return {
            query: { search: plan.search, fields, ...(fallback ? { withoutDottedKeys: fallback } : {}) },
            residual: fallback ? filter : plan.residual,
            id: plan.id,
          };
        },
        page: (query, page) => this.page(ctx, query, page),
        render: (user) => this.render(user, ctx.baseUrl),
        // `id eq "…"` (Entra's legacy manager check): one read, then the whole filter evaluated on that user.
        byId: async (id) => {
          try {
            return await this.fetch(ctx.jc, id);
          } catch (e) {
            if (e instanceof ScimError && e.status === 404) return undefined;
            throw e;
          }
        },
        matches: (filter, user, doc) => this.matches(filter, user, doc),
        present: async (page, projection) =>
          (
            await this.withGroups(
              ctx,
              page.map((m) => m.doc),
              projection,
            )
          ).map((d) => project(d, projection, schema)),
      },
      options,
    );
  }

  /** `groups` costs JumpCloud calls per user, so it is read only when `attributes` asks for it. */
  private async withGroups(ctx: RequestContext, docs: ScimDoc[], projection: Projection): Promise<ScimDoc[]> {
    const { groupsOf } = this;
    const groupsRow = this.table.groupsRow;
    if (!groupsOf || !groupsRow || !projection.attributes?.some((a) => a.keys[0] === groupsRow.path.name)) return docs;
    return mapLimit(docs, 4, async (doc) => {
      const groups = await groupsOf(ctx.jc, String(doc.id), ctx.baseUrl);
      return groups.length ? { ...doc, [groupsRow.path.name]: groups } : doc;
    });
  }

  /**
   * One page of the pushed-down query: a search when there is one, else the list in a stable (`_id`) order. A search
   * with a dotted key that JumpCloud refuses is asked again without them; if that passes, the org refuses dotted
   * keys (fact `dottedKeyInOr`), which is remembered and logged once.
   */
  private async page(
    ctx: RequestContext,
    { search, fields, withoutDottedKeys }: UserQuery,
    page: PageRequest,
  ): Promise<{ items: SystemUser[]; total: number }> {
    const ask = (filter: UserQuery['search']) =>
      filter
        ? ctx.jc.searchUsers({ filter, fields }, { ...page, sort: SCAN_ORDER })
        : ctx.jc.listUsers({ ...page, sort: SCAN_ORDER, fields });
    const refused = withoutDottedKeys && this.learned.get<boolean>(ctx, 'dottedKeysRefused') === true;
    const res = await translated(async () => {
      if (refused) return ask(withoutDottedKeys.search);
      try {
        return await ask(search);
      } catch (e) {
        if (!withoutDottedKeys || !isJumpCloudError(e) || e.kind !== 'badRequest') throw e;
        const answer = await ask(withoutDottedKeys.search).catch(() => {
          throw e;
        });
        this.learned.learn(
          ctx,
          'dottedKeysRefused',
          true,
          `JumpCloud refused a user search with a dotted key into an array (JumpCloud said: ${e.upstreamMessage}); the same search without it passed, so for this org the bridge searches without dotted keys and decides those conditions itself. userName eq then finds a user by its username form only: a userName recorded under another username (a kept rename) is not found by it. Run 'doctor --write-check' to confirm (probe dottedKeyInOr).`,
        );
        return answer;
      }
    }, 'Users');
    return { items: res.results, total: res.totalCount };
  }

  /**
   * Derive mode adopts what existed before Entra: a JumpCloud user with no recorded SCIM userName (`jane`, imported
   * from AD or a CSV) is found by any email-style userName whose local part is its username (`jane@contoso.com`).
   * It reads as `jane` until its first write, which records the userName (Entra writes it right after matching).
   * A user that has a recorded userName is found only by that one, so a second UPN with the same local part gets
   * 0 results and then its create gets a 409 naming the holder.
   */
  private matches(filter: Filter, user: SystemUser, doc: ScimDoc): boolean {
    if (matchesResource(filter, doc, this.table.schema)) return true;
    if (!this.config.deriveUsernameFromEmail || recordedUserName(user) !== undefined) return false;
    const username = user.username.toLowerCase();
    const row = this.table.userNameRow;
    return valuesCompared(filter, this.table, row)
      .filter((c) => c.includes('@') && derivedUsername(c).toLowerCase() === username)
      .some((c) => matchesResource(filter, withValueAt(doc, row.path, c), this.table.schema));
  }

  async get(ctx: RequestContext, id: string, q: ScimListParams): Promise<ScimDoc> {
    const projection = parseProjection(q, this.table.schema);
    const [doc] = await this.withGroups(ctx, [this.render(await this.fetch(ctx.jc, id), ctx.baseUrl)], projection);
    return project(doc as ScimDoc, projection, this.table.schema);
  }

  private fetch(jc: JumpCloudClient, id: string): Promise<SystemUser> {
    return addressed(() => jc.getUser(id), `User ${id}`);
  }

  async create(ctx: RequestContext, body: unknown): Promise<ScimDoc> {
    const doc = this.scaffold.resource(ctx, body);
    const write = this.table.toJumpCloud(doc);
    checkUsername(write.fields.username, stringAt(doc, this.table.userNameRow.path), this.table.usernameMaxLength);
    const created = createBody(write);
    windowsNote(ctx, created.username);
    const key = lockKeys.userCreate(created.username);
    return this.scaffold.lock(ctx, key, async () => {
      const landedOrFail = async (e: JumpCloudError): Promise<ScimDoc> => {
        // The create may have landed even though the answer was lost. Re-sending blindly could make a duplicate;
        // looking the user up first cannot. Do not weaken this. The lookup is repeated for a while, because a
        // commit can become visible after the connection failed.
        const landed = await this.landedCreate(ctx, created);
        if (landed && this.table.holdsCreate(landed, created)) return this.render(landed, ctx.baseUrl);
        if (landed) throw scimErrorFor(e, 'User');
        return this.render(await this.createAgain(ctx, created), ctx.baseUrl);
      };
      // No search first: JumpCloud's own uniqueness check guards the create, and the clash is read only after it
      // refuses (one call per create when nothing clashes).
      try {
        const answer = await ctx.jc.createUser(created);
        this.checkDrift(ctx, created, answer);
        return this.render(answer, ctx.baseUrl);
      } catch (e) {
        if (!isJumpCloudError(e)) throw e;
        if (e.ambiguous) return landedOrFail(e);
        throw await this.refused(ctx, e, created, 'User');
      }
    });
  }

  /** The user a create whose answer was lost made, if it shows up within the window (found by its username). */
  private landedCreate(ctx: RequestContext, created: SystemUserCreate): Promise<SystemUser | undefined> {
    return this.scaffold.landed(ctx, () => this.findByUsername(ctx.jc, created.username));
  }

  /**
   * The one re-send of a create, only after the lookups found no such user: JumpCloud refuses a second user with
   * the same username, so if the first create lands late after all, this one fails as a duplicate and the lookup
   * finds the user, instead of making a second one.
   */
  private async createAgain(ctx: RequestContext, created: SystemUserCreate): Promise<SystemUser> {
    try {
      return await ctx.jc.createUser(created);
    } catch (e) {
      if (!isJumpCloudError(e)) throw e;
      if (e.ambiguous || mayBeDuplicate(e.kind)) {
        const landed = await this.landedCreate(ctx, created);
        if (landed && this.table.holdsCreate(landed, created)) return landed;
      }
      throw await this.refused(ctx, e, created, 'User');
    }
  }

  private async findByUsername(jc: JumpCloudClient, username: string): Promise<SystemUser | undefined> {
    const res = await translated(() =>
      jc.searchUsers(
        { filter: { and: [{ username: regex('eq', username, false) }] }, fields: this.allFields },
        { limit: 2, skip: 0 },
      ),
    );
    return res.results[0];
  }

  /**
   * What Entra hears when JumpCloud refuses a write: the clash, named with its holder; the manager that is no user;
   * or JumpCloud's own answer. JumpCloud's duplicate text is not documented (fact duplicateUserMessage), so every
   * refusal that could be a duplicate is checked for a holder, and a clash read that fails leaves JumpCloud's answer.
   */
  private async refused(
    ctx: RequestContext,
    refusal: JumpCloudError,
    write: SystemUserWritable,
    what: string,
    self?: string,
  ): Promise<ScimError> {
    if (mayBeDuplicate(refusal.kind)) {
      const clash = await this.clashBehind(ctx, refusal, write, self);
      if (clash) return clash;
      if (this.isDuplicateText(ctx, refusal)) return scimErrorFor(asDuplicate(refusal), what);
    }
    return (await this.refusedManager(ctx.jc, refusal, write)) ?? scimErrorFor(refusal, what);
  }

  /** The 409 naming who holds a value of a refused write, if the clash read finds one (the refusal's words learned). */
  private async clashBehind(
    ctx: RequestContext,
    refusal: JumpCloudError,
    write: SystemUserWritable,
    self?: string,
  ): Promise<ScimError | undefined> {
    const clash = await this.clash(ctx.jc, write, self).catch(() => undefined);
    if (clash && refusal.kind === 'badRequest') this.learnDuplicateText(ctx, refusal);
    return clash;
  }

  /**
   * Fact `duplicateUserMessage`: JumpCloud's words for a duplicate are undocumented. A 400 that the clash read showed
   * to be one is remembered for the org (logged once), so the same words are answered as a duplicate even when the
   * read no longer finds the holder.
   */
  private learnDuplicateText(ctx: RequestContext, refusal: JumpCloudError): void {
    this.learned.learn(
      ctx,
      'duplicateMessage',
      refusal.upstreamMessage,
      `JumpCloud refused a user write with ${JSON.stringify(refusal.upstreamMessage)}, and another user holds one of its unique values: in this org that text is JumpCloud's duplicate answer, and the bridge answers it as a duplicate (409). Run 'doctor --write-check' to see the text (probe duplicateUser).`,
    );
  }

  /** A refusal in the words this org's duplicate answer was seen to use. */
  private isDuplicateText(ctx: RequestContext, e: JumpCloudError): boolean {
    return e.kind === 'badRequest' && this.learned.get<string>(ctx, 'duplicateMessage') === e.upstreamMessage;
  }

  /**
   * The 409 for another user holding a value this write sets that JumpCloud requires unique, naming the attribute, the
   * holder and the fix; undefined when no other user holds one. It is read only after JumpCloud refused the write:
   * JumpCloud's own check is the guard, and this search explains it. Which fields are unique, across which others
   * (alternateEmail against every email), and with which case rule comes from the attribute table.
   */
  private async clash(jc: JumpCloudClient, write: SystemUserWritable, self?: string): Promise<ScimError | undefined> {
    const checks = this.table.uniqueRows.flatMap(({ row, fields }) =>
      fields.flatMap((field) => {
        const value: unknown = write[field];
        return typeof value === 'string' && value !== '' ? [{ row, field, fields, value }] : [];
      }),
    );
    if (!checks.length) return undefined;
    const expressions = new Map<string, SearchExpression>();
    for (const c of checks) {
      for (const field of c.fields) {
        const expression = { [field]: c.row.caseExact ? c.value : regex('eq', c.value, false) };
        expressions.set(JSON.stringify(expression), expression);
      }
    }
    const res = await jc.searchUsers(
      { filter: { or: [...expressions.values()] }, fields: this.allFields },
      { limit: 10, skip: 0 },
    );
    for (const other of res.results.filter((u) => u._id !== self)) {
      for (const c of checks) {
        const held = c.fields.find((field) => {
          const stored = other[field];
          return typeof stored === 'string' && sameValue(c.row, stored, c.value);
        });
        if (held === undefined) continue;
        if (c.row === this.table.userNameRow) return conflict(this.usernameHeld(other, c.value));
        if (c.field === 'alternateEmail' || held === 'alternateEmail')
          return conflict(alternateEmailHeld(other, c.value, c.field, held, c.row.path.name));
        return conflict(
          `A JumpCloud user (id ${other._id}) already has ${c.row.path.name} ${JSON.stringify(c.value)}. If it is the same person, set Entra's matching attribute so it finds that user.`,
        );
      }
    }
    return undefined;
  }

  /** The 409 for a username another JumpCloud user holds: who holds it, for which userName, and the ways out. */
  private usernameHeld(holder: SystemUser, username: string): string {
    const recorded = recordedUserName(holder);
    const who = `JumpCloud user ${JSON.stringify(holder.username)} (id ${holder._id}, SCIM userName ${JSON.stringify(recorded ?? holder.username)})`;
    const derive = this.config.deriveUsernameFromEmail
      ? ` DERIVE_USERNAME_FROM_EMAIL stores only the part before "@" as the JumpCloud username, and usernames are unique, so two userNames with the same local part cannot both be provisioned.`
      : '';
    return (
      `${who} already holds the username ${JSON.stringify(username)}.${derive} To resolve: if it is the same person, unassign the other Entra user or let Entra match this one to it (userName eq); ` +
      'if they are different people, map userName in Entra from an attribute that is unique without its domain (for example mailNickname, or an expression that adds a suffix), or rename one of the JumpCloud users.'
    );
  }

  /** The manager a write names (through the table's manager row), if any. */
  private managerIn(write: SystemUserWritable): string | undefined {
    const field = fieldOf(this.table.managerRow);
    const id = field ? write[field] : undefined;
    return typeof id === 'string' && id !== '' ? id : undefined;
  }

  /**
   * JumpCloud refuses a write whose `manager` is not one of its users (400), so the bridge sends the write and relies
   * on that answer instead of reading the manager first: one upstream call fewer per create and per manager PATCH
   * (measured in CPU per request). Only when JumpCloud refuses the write is the manager looked up, to tell Entra that it is the reason.
   */
  private async refusedManager(
    jc: JumpCloudClient,
    refusal: JumpCloudError,
    write: SystemUserWritable,
  ): Promise<ScimError | undefined> {
    const row = this.table.managerRow;
    const managerId = this.managerIn(write);
    if (!row || !managerId || refusal.kind !== 'badRequest') return undefined;
    try {
      await jc.getUser(managerId);
      return undefined;
    } catch (e) {
      if (isJumpCloudError(e) && (e.kind === 'notFound' || e.kind === 'badRequest')) {
        return badRequest(
          'invalidValue',
          `${row.path.name} ${managerId} is not a JumpCloud user; Entra links the manager after provisioning them, so provision the manager first`,
        );
      }
      return undefined;
    }
  }

  async replace(ctx: RequestContext, id: string, body: unknown): Promise<ScimDoc> {
    const doc = this.scaffold.resource(ctx, body);
    return this.scaffold.lock(ctx, lockKeys.user(id), async () => this.write(ctx, id, () => doc));
  }

  async patch(ctx: RequestContext, id: string, body: unknown): Promise<ScimDoc> {
    // Parse everything first: an invalid operation anywhere writes nothing.
    const ops = parsePatchRequest(body, this.table.schema, this.scaffold.unknown(ctx));
    const alone = this.standalone(ops);
    if (alone && this.managerIn(alone) === id) throw badRequest('invalidValue', 'A user cannot be their own manager');
    return this.scaffold.lock(ctx, lockKeys.user(id), async () => {
      const readFirst = (): Promise<ScimDoc> => this.write(ctx, id, (current) => this.scaffold.patched(current, ops));
      return alone ? this.put(ctx, id, alone, readFirst) : readFirst();
    });
  }

  /**
   * The one PUT a PATCH needs when every operation stands alone (the table's standaloneRow: a plain systemuser field,
   * replaced, added or removed whatever the user holds), or undefined when any needs the current user.
   */
  private standalone(ops: PatchOperation[]): SystemUserUpdate | undefined {
    const rows = ops.map((op) => this.table.standaloneRow(op));
    if (!rows.length || !rows.every((row): row is AttributeRow => row !== undefined)) return undefined;
    const body = standaloneBody(this.table.toJumpCloud(applyPatch({}, ops), [...new Set(rows)]));
    return Object.keys(body).length ? body : undefined;
  }

  /**
   * A PATCH of standalone attributes: one PUT of just those fields, with JumpCloud's answer (the whole user) as the new
   * state. Nothing is read first, so the PUT is sent even when it changes nothing: Entra PATCHes only what differs from
   * its last read, and the same PUT again stores the same values (decision 44). Drift is still the answer against what
   * was sent; a refusal is explained as a write's is (the clash, the manager).
   */
  private async put(
    ctx: RequestContext,
    id: string,
    body: SystemUserUpdate,
    readFirst: () => Promise<ScimDoc>,
  ): Promise<ScimDoc> {
    let updated: SystemUser;
    try {
      updated = await this.update(ctx, id, body);
    } catch (e) {
      if (!isJumpCloudError(e)) throw e;
      // A duplicate is told by the clash read alone. Otherwise the refusal may come from what only the user tells: a
      // field another directory owns (decision 42). The same PATCH read-modify-write reads the user, leaves such
      // fields out, and explains any other refusal as it would.
      if (mayBeDuplicate(e.kind)) {
        const clash = await this.clashBehind(ctx, e, body, id);
        if (clash) throw clash;
        return readFirst();
      }
      throw await this.refused(ctx, e, body, `User ${id}`, id);
    }
    this.checkDrift(ctx, body, updated);
    return this.render(updated, ctx.baseUrl);
  }

  /** A PUT whose answer was lost may still have been applied: it landed if the user holds every field of the update. */
  private update(ctx: RequestContext, id: string, body: SystemUserUpdate): Promise<SystemUser> {
    return this.scaffold.updated(
      ctx,
      () => ctx.jc.updateUser(id, body),
      () => ctx.jc.getUser(id),
      (now) =>
        Object.entries(body).every(([k, v]) => deepEqual(asSent((now as unknown as Record<string, unknown>)[k]), v)),
    );
  }

  /** Read, compute the new SCIM view, send JumpCloud only the difference. */
  private async write(ctx: RequestContext, id: string, next: (current: ScimDoc) => ScimDoc): Promise<ScimDoc> {
    const user = await this.fetch(ctx.jc, id);
    const currentDoc = this.table.toScim(user);
    const nextDoc = next(currentDoc);
    // Only attributes the request changes are translated: data the bridge did not write (say, two JumpCloud
    // addresses of one type) must not block an unrelated change such as Entra disabling the user. Arrays are merged
    // with what JumpCloud holds, so elements outside the SCIM view go back unchanged.
    const changed = this.table.rows.filter((r) => !deepEqual(valueAt(currentDoc, r.path), valueAt(nextDoc, r.path)));
    const before = this.table.toJumpCloud(currentDoc, changed, { lenient: true, current: user });
    const after = this.table.toJumpCloud(nextDoc, changed, { current: user });
    const nextUserName = stringAt(nextDoc, this.table.userNameRow.path);
    const wantsRename = this.keepUsername(ctx, user, after, nextUserName);
    const renaming = this.skipRestricted(ctx, user, before, after, nextUserName) ? undefined : wantsRename;
    let body = updateBody(before, after, user);
    if (body.username === user.username) delete body.username;
    // PUT cannot take a STAGED user to ACTIVATED: that is JumpCloud's activation call.
    const activate = user.state === 'STAGED' && body.suspended === false;
    if (activate) {
      delete body.suspended;
      delete body.state;
    }
    if (Object.keys(body).length === 0 && !activate) return this.render(user, ctx.baseUrl);
    if (body.username !== undefined) {
      checkUsername(body.username, nextUserName, this.table.usernameMaxLength);
      windowsNote(ctx, body.username);
    }
    if (this.managerIn(body) === user._id) throw badRequest('invalidValue', 'A user cannot be their own manager');
    if (activate) await this.activate(ctx, user);
    if (Object.keys(body).length === 0) return this.render(await this.fetch(ctx.jc, id), ctx.baseUrl);
    let updated: SystemUser;
    try {
      updated = await this.update(ctx, user._id, body);
      if (renaming) this.renamedNote(ctx, user, body.username ?? user.username, renaming);
    } catch (e) {
      if (!isJumpCloudError(e)) throw e;
      if (!renaming || body.username === undefined || e.kind !== 'badRequest')
        throw await this.refused(ctx, e, body, `User ${id}`, user._id);
      // A username another user holds is a clash, not a bound user: never kept quietly.
      const clash = await this.clash(ctx.jc, body, user._id).catch(() => undefined);
      if (clash) throw clash;
      // Fact `boundUserRename`: JumpCloud refuses a rename while the user is bound to a resource, and the refusal
      // takes the whole PUT with it. The same write without the rename, as the default mode sends it, tells whether
      // the rename was the reason, whatever JumpCloud's words: if it passes, the rename is what JumpCloud refused.
      keepUsernameOf(after, user, renaming);
      body = updateBody(before, after, user);
      if (body.username === user.username) delete body.username;
      try {
        updated = await this.update(ctx, user._id, body);
      } catch (retried) {
        if (!isJumpCloudError(retried)) throw retried;
        throw await this.refused(ctx, retried, body, `User ${id}`, user._id);
      }
      this.renameRefusedNote(ctx, user, renaming, e);
    }
    this.checkDrift(ctx, body, updated);
    return this.render(updated, ctx.baseUrl);
  }

  /** Drift (see ResourceScaffold.reportDrift), compared row by row through the attribute table. */
  private checkDrift(ctx: RequestContext, sent: SystemUserWritable, answer: SystemUser): void {
    this.scaffold.reportDrift(ctx, answer._id, detectDrift(this.table, sent, answer));
  }

  /**
   * A JumpCloud username is also the login name on bound Mac, Windows and Linux machines. Unless
   * ALLOW_USERNAME_RENAME=true, a new SCIM userName is recorded (custom attribute) and the username is kept, so reads
   * and `userName eq` follow Entra while nobody loses their device login to a UPN change. Returns the new userName
   * when the write renames the username (ALLOW_USERNAME_RENAME=true), for the note once JumpCloud took it.
   */
  private keepUsername(
    ctx: RequestContext,
    user: SystemUser,
    after: JumpCloudWrite,
    nextUserName: string | undefined,
  ): string | undefined {
    const wanted = after.fields.username;
    if (wanted === undefined || wanted === user.username || nextUserName === undefined) return undefined;
    if (this.config.allowUsernameRename) return nextUserName;
    keepUsernameOf(after, user, nextUserName);
    ctx.note?.({
      level: 'info',
      kind: 'usernameKept',
      message:
        `User ${user._id}: userName changed to ${JSON.stringify(nextUserName)}; the JumpCloud username stays ${JSON.stringify(user.username)} ` +
        `(it is the login name on bound devices) and the new userName is recorded in the custom attribute ${ORIGINAL_USERNAME_ATTRIBUTE}. Set ALLOW_USERNAME_RENAME=true to rename instead.`,
    });
    return undefined;
  }

  private renamedNote(ctx: RequestContext, user: SystemUser, username: string, userName: string): void {
    ctx.note?.({
      level: 'info',
      kind: 'usernameRenamed',
      message: `User ${user._id}: JumpCloud username ${JSON.stringify(user.username)} renamed to ${JSON.stringify(username)} for userName ${JSON.stringify(userName)} (ALLOW_USERNAME_RENAME=true)`,
    });
  }

  /** A rename JumpCloud refused, kept as the default mode keeps it: why, and what the admin can do. */
  private renameRefusedNote(ctx: RequestContext, user: SystemUser, userName: string, refusal: JumpCloudError): void {
    ctx.note?.({
      level: 'warn',
      kind: 'usernameKept',
      message:
        `User ${user._id}: JumpCloud refused to rename the username ${JSON.stringify(user.username)} for userName ${JSON.stringify(userName)} ` +
        `(JumpCloud said: ${refusal.upstreamMessage}); JumpCloud does not change the username of a user bound to devices, applications or directories. ` +
        `The username stays ${JSON.stringify(user.username)}, the new userName is recorded in the custom attribute ${ORIGINAL_USERNAME_ATTRIBUTE} (reads and userName eq follow it), ` +
        'and the rest of the change was applied. ' +
        'To rename, unbind the user from its resources in JumpCloud and change its username there.',
    });
  }

  /**
   * Fact `restrictedFields`: a field another directory owns is not written (JumpCloud would refuse the whole PUT, a
   * disable included, or the owner would overwrite it); it is left as JumpCloud holds it, with a warning naming the
   * SCIM attribute, the field and its owner, and the rest of the request applies. A restricted username is kept as the
   * default mode keeps it: the new userName is recorded (returns whether it was).
   */
  private skipRestricted(
    ctx: RequestContext,
    user: SystemUser,
    before: JumpCloudWrite,
    after: JumpCloudWrite,
    nextUserName: string | undefined,
  ): boolean {
    const restricted = restrictedFieldsOf(user);
    let usernameKept = false;
    const fields = after.fields as Record<string, unknown>;
    for (const [field, owner] of restricted) {
      if (!(field in fields) || deepEqual((before.fields as Record<string, unknown>)[field], fields[field])) continue;
      if (field === 'username') {
        if (nextUserName === undefined || fields[field] === user.username) continue;
        keepUsernameOf(after, user, nextUserName);
        usernameKept = true;
      } else fields[field] = (before.fields as Record<string, unknown>)[field];
      const attribute = this.table.rows.find((r) => fieldsOfRow(r).includes(field))?.path.name ?? field;
      ctx.note?.({
        level: 'warn',
        kind: 'restrictedField',
        message:
          `User ${user._id}: ${attribute} was not written: JumpCloud lists ${field} among the user's restrictedFields, owned by ${owner}, ` +
          `which refuses or overwrites a change made here. The rest of the change was applied. Change it in ${owner}, or remove ${attribute} from the Entra provisioning mapping for these users.`,
        data: { id: user._id, attribute, field },
      });
    }
    return usernameKept;
  }

  /** JumpCloud's activation call; a retry after a lost answer finds the user already ACTIVATED, which is success. */
  private async activate(ctx: RequestContext, user: SystemUser): Promise<void> {
    try {
      await ctx.jc.activateUser(user._id);
    } catch (e) {
      if (!isJumpCloudError(e)) throw e;
      const now = await this.fetch(ctx.jc, user._id).catch(() => undefined);
      if (now?.state !== 'ACTIVATED') throw scimErrorFor(e, `User ${user._id}`);
    }
    ctx.note?.({
      level: 'info',
      kind: 'userActivated',
      message: `User ${user._id} (${user.username}) was STAGED; activated through POST /api/systemusers/{id}/state/activate with JumpCloud's default e-mail behaviour`,
    });
  }

  async remove(ctx: RequestContext, id: string): Promise<void> {
    await this.scaffold.lock(ctx, lockKeys.user(id), () =>
      this.scaffold.deleted(
        ctx,
        `User ${id}`,
        () => ctx.jc.deleteUser(id),
        () => ctx.jc.getUser(id),
      ),
    );
  }
}
