import type { Config } from '../config.js';
import { ScimError, badRequest, conflict } from '../scim/errors.js';
import type { ListResponse } from '../scim/list-response.js';
import { parseFilter } from '../scim/filter.js';
import { parsePatchRequest, type PatchOperation } from '../scim/patch.js';
import { parseProjection, project, type Projection } from '../scim/projection.js';
import type { ScimDoc } from '../scim/resource.js';
import { CORE_GROUP, type ResourceSchema } from '../scim/schema.js';
import { SCAN_ORDER, USER_GROUPS, type JumpCloudClient } from '../jumpcloud/endpoints.js';
import { isJumpCloudError, type JumpCloudError } from '../jumpcloud/errors.js';
import { isSystemic, mayBeDuplicate } from '../jumpcloud/failure-kinds.js';
import { notFitted, type FanOutFit } from '../jumpcloud/fan-out-fit.js';
import type { UserGroup, UserGroupWrite } from '../jumpcloud/types.js';
import type { GroupTable } from '../mapping/group-table.js';
import { sameValue } from '../mapping/attribute-table.js';
import type { ResourceMapping } from '../mapping/exchange-mapping.js';
import { userGroupRecords } from '../mapping/group-records.js';
import type { RecordTable } from '../mapping/record-table.js';
import { planGroupQuery, searchable } from '../mapping/group-query.js';
import {
  isDynamic,
  memberChanges,
  memberRefs,
  memberSteps,
  needsCurrent,
  stillNeeded,
  type MemberChanges,
  type MembersSeen,
  type MemberRef,
  type MemberStep,
} from '../mapping/group-members.js';
import { addressed, scimErrorFor, translated } from '../mapping/upstream-errors.js';
import type { DoneMembers, ResourceLock } from '../coordination/primitives.js';
import { lockKeys, type LockKey } from '../coordination/lock-keys.js';
import { mapLimit } from '../util/map-limit.js';
import { isRecord } from '../util/guards.js';
import { V2_PAGE, readMembers } from './memberships.js';
import {
  orgKey,
  type ListOptions,
  type RequestContext,
  type ScimListParams,
  type ScimResourceType,
} from './resource-type.js';
import { ResourceScaffold, type ResourceConfig } from './resource-scaffold.js';
import { OrgAnswers } from './org-answers.js';

/** Fact `v2NameSearchCase`, as learned per org: whether `name:search:` compares case. */
type NameSearchCase = 'sensitive' | 'insensitive';

const NAME_SEARCH = 'name:search:';

const swapCase = (text: string): string =>
  [...text].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('');

/** `name` holds `text` only when case is ignored: a case-insensitive search returned it. */
const differsOnlyInCase = (name: string, text: string): boolean =>
  !name.includes(text) && name.toLowerCase().includes(text.toLowerCase());

type GroupConfig = ResourceConfig & Pick<Config, 'memberConcurrency' | 'maxMemberOperations'>;

/**
 * How long the members a "come back later" answer named as done are remembered after the time it gave: the re-sent
 * PATCH skips them instead of repeating each (one call apiece). Short, because a member an administrator removes in
 * JumpCloud meanwhile would be skipped too.
 */
const DONE_MEMBERS_MS = 10 * 60_000;

interface Outcome {
  id: string;
  op: 'add' | 'remove';
  /** `nested`: the id is a JumpCloud user group, which a user group cannot hold (Entra's nested groups). */
  status: 'done' | 'failed' | 'skipped' | 'nested';
  error?: JumpCloudError;
}

/** SCIM /Groups on JumpCloud v2 user groups. */
export class GroupsResource implements ScimResourceType {
  readonly mapping: ResourceMapping;
  private readonly scaffold: ResourceScaffold;
  /** What each org answered to the undocumented behaviours on Entra's path (kept in process; see OrgAnswers). */
  private readonly learned = new OrgAnswers<'nameSearchCase'>();
  /** The table's translations as whole write bodies (create, full-update PUT). */
  private readonly records: RecordTable<UserGroup, UserGroupWrite>;

  constructor(
    private readonly table: GroupTable,
    private readonly config: GroupConfig,
    locks: ResourceLock<LockKey>,
    private readonly doneMembers: DoneMembers,
  ) {
    this.records = userGroupRecords(table);
    this.mapping = this.records.mapping(USER_GROUPS.path);
    this.scaffold = new ResourceScaffold(table.schema, config, locks, {
      scanned: 'JumpCloud groups',
      narrow: 'Add a displayName eq, sw, co or ew condition (joined with and) so JumpCloud can narrow it.',
      table: 'the groups mapping',
    });
  }

  get schema(): ResourceSchema {
    return this.table.schema;
  }

  render(group: UserGroup, baseUrl: string, members?: MemberRef[]): ScimDoc {
    return {
      schemas: [CORE_GROUP],
      id: group.id,
      ...this.table.toScim(group),
      ...(members ? { members } : {}),
      meta: { resourceType: 'Group', location: `${baseUrl}/Groups/${group.id}` },
    };
  }

  /** Members are read only when the response will carry them: a 5,000-member group costs 50 calls. */
  private wantsMembers(projection: Projection): boolean {
    return (
      this.table.membersRow !== undefined &&
      'members' in project({ id: '', members: [] }, projection, this.table.schema)
    );
  }

  private async view(ctx: RequestContext, group: UserGroup, projection: Projection): Promise<ScimDoc> {
    const members = this.wantsMembers(projection) ? await this.members(ctx, group.id) : undefined;
    return project(this.render(group, ctx.baseUrl, members), projection, this.table.schema);
  }

  private members(ctx: RequestContext, id: string): Promise<MemberRef[]> {
    return translated(() => readMembers(ctx.jc, id, ctx.baseUrl, this.config.memberConcurrency), `Group ${id}`);
  }

  /**
   * Every filter is decided here: v2 can only narrow (its eq is case-sensitive, and externalId is not searchable).
   * Fact `v2NameSearchCase`: whether `name:search:` ignores case is unknown. Until the org's answer is known, a filter
   * whose name search finds nothing is answered again from every group (up to MAX_FILTER_SCAN), so Entra's
   * `displayName eq "Sales"` finds `sales` in an org whose search compares case, and adopts it instead of creating a
   * clash. The first telling answer is remembered for the org and logged once.
   */
  async list(ctx: RequestContext, q: ScimListParams, options?: ListOptions): Promise<ListResponse<ScimDoc>> {
    const sensitive = this.learned.get<NameSearchCase>(ctx, 'nameSearchCase') === 'sensitive';
    const listed = (withNames: boolean) =>
      this.scaffold.list<UserGroup, string[]>(
        q,
        {
          pageSize: V2_PAGE,
          plan: (filter) => ({ query: withNames ? planGroupQuery(filter, this.table).terms : [], residual: filter }),
          page: (terms, page) => this.page(ctx, terms, page),
          render: (group) => this.render(group, ctx.baseUrl),
          // One group at a time: each member read already runs MEMBER_CONCURRENCY pages at once.
          present: (page, projection) => mapLimit(page, 1, (m) => this.view(ctx, m.record, projection)),
        },
        options,
      );
    // Past MAX_FILTER_SCAN every group cannot be read: the name search's answer stands.
    const overScan = (e: unknown): undefined => {
      if (e instanceof ScimError && e.status === 400) return undefined;
      throw e;
    };
    if (sensitive) return (await listed(false).catch(overScan)) ?? listed(true);
    const answer = await listed(true);
    if (answer.totalResults > 0 || !this.searchedNames(q)) return answer;
    const settled = await this.settleNameSearchCase(ctx);
    if (settled === 'insensitive' || settled === 'noGroups') return answer;
    const everyGroup = await listed(false).catch(overScan);
    if (!everyGroup || everyGroup.totalResults === 0) return answer;
    if (settled === undefined) this.learnNameSearchCase(ctx, 'sensitive');
    return everyGroup;
  }

  /**
   * Settles fact `v2NameSearchCase` for the org with one probe, so that a miss costs a read of every group once, not
   * on every miss (an initial cycle's groups are all misses): a group of the first page whose name has letters is
   * searched for with their case swapped. Found, the search ignores case; missed, it compares case. `noGroups`: the
   * org has none, so a miss is a miss. Undefined: no group's name has letters to swap, so nothing is learned.
   */
  private async settleNameSearchCase(ctx: RequestContext): Promise<NameSearchCase | 'noGroups' | undefined> {
    const known = this.learned.get<NameSearchCase>(ctx, 'nameSearchCase');
    if (known) return known;
    const first = await this.page(ctx, [], { limit: V2_PAGE, skip: 0 });
    if (first.items.length === 0) return 'noGroups';
    const probe = first.items.flatMap((g) => {
      const swapped = typeof g.name === 'string' ? searchable(swapCase(g.name)) : undefined;
      return swapped !== undefined && swapped !== searchable(g.name) ? [{ id: g.id, swapped }] : [];
    })[0];
    if (!probe) return undefined;
    const found = await this.page(ctx, [`${NAME_SEARCH}${probe.swapped}`], { limit: V2_PAGE, skip: 0 });
    // page() learns 'insensitive' itself when the probe comes back with the group.
    if (found.items.some((g) => g.id === probe.id)) return 'insensitive';
    this.learnNameSearchCase(ctx, 'sensitive');
    return 'sensitive';
  }

  /** Whether a list's filter pushes a name search down (what the case fallback is for). */
  private searchedNames(q: ScimListParams): boolean {
    try {
      const filter = typeof q.filter === 'string' ? parseFilter(q.filter) : undefined;
      return planGroupQuery(filter, this.table).terms.length > 0;
    } catch {
      return false;
    }
  }

  private learnNameSearchCase(ctx: RequestContext, answer: NameSearchCase): void {
    this.learned.learn(
      ctx,
      'nameSearchCase',
      answer,
      answer === 'sensitive'
        ? "JumpCloud's group name search (filter=name:search:) compares case in this org: it missed a group whose name differs only in case. The bridge now reads every group (up to MAX_FILTER_SCAN) for displayName filters and decides them itself. Run 'doctor --write-check' to confirm (probe nameSearchCase)."
        : "JumpCloud's group name search (filter=name:search:) ignores case in this org: it found a group whose name differs in case from the search. displayName filters are answered by the search alone.",
      answer === 'sensitive' ? 'warn' : 'info',
    );
  }

  /**
   * One page of the groups whose names pass the pushed-down terms (none: every group), in `_id` order. A name search
   * that finds a name differing from it only in case shows that the org's search ignores case.
   */
  private async page(ctx: RequestContext, terms: string[], page: { limit: number; skip: number }) {
    const res = await translated(
      () => ctx.jc.listGroups({ ...(terms.length ? { filter: terms.join(',') } : {}), ...page, sort: SCAN_ORDER }),
      'Groups',
    );
    const searched = terms.flatMap((t) => (t.startsWith(NAME_SEARCH) ? [t.slice(NAME_SEARCH.length)] : []));
    if (
      searched.length &&
      this.learned.get<NameSearchCase>(ctx, 'nameSearchCase') === undefined &&
      res.items.some((g) => typeof g.name === 'string' && searched.every((t) => differsOnlyInCase(g.name, t)))
    )
      this.learnNameSearchCase(ctx, 'insensitive');
    return res;
  }

  /** The pushed-down superset, every page, up to MAX_FILTER_SCAN groups. */
  private scan(ctx: RequestContext, terms: string[]): Promise<UserGroup[]> {
    return this.scaffold.scan((page) => this.page(ctx, terms, page), V2_PAGE);
  }

  async get(ctx: RequestContext, id: string, q: ScimListParams): Promise<ScimDoc> {
    const projection = parseProjection(q, this.table.schema);
    return this.view(ctx, await this.fetch(ctx.jc, id), projection);
  }

  private fetch(jc: JumpCloudClient, id: string): Promise<UserGroup> {
    return addressed(() => jc.getGroup(id), `Group ${id}`);
  }

  /** The first page of a group's members: one read, whoever it shows is in the group. */
  private async firstMembers(jc: JumpCloudClient, id: string): Promise<MembersSeen> {
    const page = await jc.listGroupMembers(id, { limit: V2_PAGE, skip: 0 });
    const ids = new Set(memberRefs(page.items, '').map((m) => m.value.toLowerCase()));
    return { ids, complete: page.items.length < V2_PAGE || (!page.estimated && page.total <= page.items.length) };
  }

  /**
   * Each member id is one JumpCloud call: a request carrying more than MAX_MEMBER_OPERATIONS is refused before
   * anything is written, instead of fanning out into tens of thousands of calls.
   */
  private checkMemberCount(count: number): void {
    const max = this.config.maxMemberOperations;
    if (count > max) {
      throw new ScimError(
        413,
        undefined,
        `This request carries ${count} member operations; the bridge takes at most ${max} per request (MAX_MEMBER_OPERATIONS), each being one JumpCloud call. Send the members in smaller batches.`,
      );
    }
  }

  /** Two group names are the same by the name row's case rule (mapping file: `caseExact`). */
  private sameName(a: string, b: string): boolean {
    return sameValue(this.table.nameRow, a, b);
  }

  /**
   * The group holding `name` by the name row's case rule. `caseProof` (after JumpCloud refused a name, whose uniqueness
   * ignores case): when the name search finds none and the org's search may compare case, every group is read.
   */
  private async findByName(
    ctx: RequestContext,
    name: string,
    except?: string,
    caseProof = false,
  ): Promise<UserGroup | undefined> {
    const text = searchable(name);
    const sensitive = this.learned.get<NameSearchCase>(ctx, 'nameSearchCase') === 'sensitive';
    const holder = (groups: UserGroup[]) =>
      groups.find((g) => g.id !== except && typeof g.name === 'string' && this.sameName(g.name, name));
    const found = holder(await this.scan(ctx, text === undefined || sensitive ? [] : [`${NAME_SEARCH}${text}`]));
    if (found || !caseProof || sensitive || text === undefined) return found;
    const settled = await this.settleNameSearchCase(ctx);
    if (settled === 'insensitive' || settled === 'noGroups') return undefined;
    const variant = holder(await this.scan(ctx, []));
    if (variant && settled === undefined) this.learnNameSearchCase(ctx, 'sensitive');
    return variant;
  }

  /**
   * The name row's uniqueness (the shipped mapping: `server`, ignoring case, because Entra matches groups on
   * displayName) is checked here: JumpCloud's own check is case-sensitive, if any.
   */
  private async assertUnique(ctx: RequestContext, name: string, except?: string): Promise<void> {
    const row = this.table.nameRow;
    if (row.uniqueness === 'none') return;
    const other = await this.findByName(ctx, name, except);
    if (other) throw this.nameHeld(other);
  }

  private duplicate(e: JumpCloudError, name: string): ScimError {
    return conflict(
      `JumpCloud already has a user group named ${JSON.stringify(name)}. JumpCloud said: ${e.upstreamMessage}`,
    );
  }

  /**
   * A create JumpCloud refused: if another group holds the name (read only now: JumpCloud's own check, which ignores
   * case, guards the create), the 409 names it; an "already exists" without a holder found is still a 409, and
   * anything else is JumpCloud's answer.
   */
  private async refusedName(
    ctx: RequestContext,
    e: JumpCloudError,
    name: string,
    what: string,
    except?: string,
  ): Promise<ScimError> {
    if (!mayBeDuplicate(e.kind)) return scimErrorFor(e, what);
    const holder = await this.findByName(ctx, name, except, true).catch(() => undefined);
    if (holder) return this.nameHeld(holder);
    return e.kind === 'badRequest' ? scimErrorFor(e, what) : this.duplicate(e, name);
  }

  private nameHeld(other: UserGroup): ScimError {
    return conflict(
      `A JumpCloud user group (id ${other.id}) is already named ${JSON.stringify(other.name)}; group names are unique${this.table.nameRow.caseExact ? '' : ' ignoring case'}.`,
    );
  }

  async create(ctx: RequestContext, body: unknown): Promise<ScimDoc> {
    const doc = this.scaffold.resource(ctx, body);
    const post = this.records.createBody(doc);
    const { name } = post;
    const members = this.table.membersRow ? doc[this.table.membersRow.scim] : undefined;
    const adds =
      members === undefined
        ? []
        : memberChanges(memberSteps([{ op: 'add', where: 'members', path: this.membersPath(), value: members }])).add;
    this.checkMemberCount(adds.length);
    return this.scaffold.lock(ctx, lockKeys.groupCreate(name), async () => {
      let group: UserGroup;
      try {
        group = await ctx.jc.createGroup(post);
        this.checkDrift(ctx, post, group);
      } catch (e) {
        if (!isJumpCloudError(e)) throw e;
        if (!e.ambiguous) throw await this.refusedName(ctx, e, name, 'Group');
        const landed = await this.scaffold.landed(ctx, () => this.findByName(ctx, name)).catch(() => undefined);
        // The answer was lost but the create may have landed; adopting it beats Entra retrying into a 409.
        if (!landed || !this.records.holds(landed, doc)) throw scimErrorFor(e, 'Group');
        group = landed;
      }
      const nested = await this.scaffold.lock(ctx, lockKeys.group(group.id), () =>
        this.applyMembers(ctx, group.id, { add: adds, remove: [] }, `Group ${group.id} was created, but`),
      );
      return this.render(
        group,
        ctx.baseUrl,
        adds
          .filter((id) => !nested.has(id))
          .map((id) => ({ value: id, $ref: `${ctx.baseUrl}/Users/${id}`, type: 'User' })),
      );
    });
  }

  /** Drift (see ResourceScaffold.reportDrift): each mapped text field of JumpCloud's answer against what was written. */
  private checkDrift(ctx: RequestContext, sent: UserGroupWrite, answer: UserGroup): void {
    this.scaffold.reportDrift(ctx, isRecord(answer) ? answer.id : '', this.records.drift(sent, answer));
  }

  private membersPath(): NonNullable<Parameters<typeof memberSteps>[0][number]['path']> {
    const resolved = this.table.schema.resolve({ name: 'members' });
    if (!resolved) throw badRequest('invalidValue', "'members' is not mapped for Groups in the mapping file");
    return { text: 'members', parsed: { path: { name: 'members' } }, resolved };
  }

  /**
   * Everything is parsed and checked before the first write: the PatchOp, every member id, the new name's
   * uniqueness, and that the group is not dynamic. Returns the resource only when the caller asked for it.
   */
  async patch(
    ctx: RequestContext,
    id: string,
    body: unknown,
    params: ScimListParams = {},
  ): Promise<ScimDoc | undefined> {
    // Entra wants 204 ("returning all the members isn't advisable"); a client that asks for attributes gets them.
    const wantsBody = params.attributes !== undefined || params.excludedAttributes !== undefined;
    const projection = wantsBody ? parseProjection(params, this.table.schema) : undefined;
    return this.apply(ctx, id, parsePatchRequest(body, this.table.schema, this.scaffold.unknown(ctx)), projection);
  }

  /**
   * RFC 7644 §3.5.1 PUT: replaces displayName, externalId and (when sent) members. It runs as the equivalent
   * PATCH, so JumpCloud gets only the difference, under the group's lock, with every check a PATCH has. A PUT
   * without `members` leaves the membership alone: a client that cannot see members (say, after
   * `excludedAttributes=members`) must not empty a group by renaming it. `members: []` empties it.
   */
  async replace(ctx: RequestContext, id: string, body: unknown): Promise<ScimDoc> {
    const doc = this.scaffold.resource(ctx, body);
    // `members: []` (or null) is sent but normalises to nothing: that is "no members", not "members not sent".
    const sent = (name: string): boolean =>
      isRecord(body) && Object.keys(body).some((k) => k.toLowerCase() === name.toLowerCase());
    const operations = this.table.rows.flatMap((row) => {
      const v = doc[row.scim];
      if (row.target === 'members')
        return v === undefined && !sent(row.scim) ? [] : [{ op: 'replace', path: row.scim, value: v ?? [] }];
      return [v === undefined ? { op: 'remove', path: row.scim } : { op: 'replace', path: row.scim, value: v }];
    });
    const ops = parsePatchRequest({ Operations: operations }, this.table.schema);
    const updated = await this.apply(ctx, id, ops, parseProjection({}, this.table.schema));
    if (!updated) throw new Error('a PUT always answers with the group');
    return updated;
  }

  private async apply(
    ctx: RequestContext,
    id: string,
    ops: PatchOperation[],
    projection: Projection | undefined,
  ): Promise<ScimDoc | undefined> {
    const isMembers = (o: (typeof ops)[number]): boolean => o.path?.resolved.attr.name === 'members';
    const steps: MemberStep[] = memberSteps(ops.filter(isMembers));
    this.checkMemberCount(steps.reduce((n, s) => n + ('ids' in s ? s.ids.length : 0), 0));
    const attrOps = ops.filter((o) => !isMembers(o));

    return this.scaffold.lock(ctx, lockKeys.group(id), async () => {
      // Adds and removes by id need nobody's list; but a PATCH adding several members also reads the first page of
      // members, beside the group: members already there are not written again, so a re-sent PATCH repeats none the
      // page shows done. One add alone is sent (the read could save no more than it costs). A failed page is no skip.
      const planned = needsCurrent(steps) ? undefined : memberChanges(steps);
      // A member-only PATCH is fitted to the deadline before anything is read: one the rate cannot serve at all is
      // answered "come back later" at once, without spending the rate on its reads.
      const calls = planned && !attrOps.length ? planned.add.length + planned.remove.length : 0;
      const fit = planned && calls ? ctx.jc.fitFanOut(calls) : undefined;
      if (planned && fit?.granted === 0 && !projection) {
        // Answers "come back later", unless every change asked was already done by the request it is a re-send of.
        await this.applyMembers(ctx, id, planned, `In group ${id}`, fit);
        return undefined;
      }
      try {
        return await this.applyFitted(ctx, id, { steps, attrOps, planned, fit }, projection);
      } finally {
        fit?.release();
      }
    });
  }

  private async applyFitted(
    ctx: RequestContext,
    id: string,
    plan: { steps: MemberStep[]; attrOps: PatchOperation[]; planned: MemberChanges | undefined; fit?: FanOutFit },
    projection: Projection | undefined,
  ): Promise<ScimDoc | undefined> {
    const { steps, attrOps, planned } = plan;
    const [fetched, seen] = await Promise.all([
      this.fetch(ctx.jc, id),
      planned && planned.add.length > 1 ? this.firstMembers(ctx.jc, id).catch(() => undefined) : undefined,
    ]);
    let group = fetched;
    if (steps.length && isDynamic(group)) {
      throw badRequest(
        'invalidValue',
        `Group ${id} (${JSON.stringify(group.name)}) has dynamic membership (${String(group.membershipMethod)}): JumpCloud computes its members from a query and would undo any change. ` +
          'Make it a static group in JumpCloud, or remove it from the Entra provisioning scope.',
      );
    }
    const before = this.table.toJumpCloud(this.table.toScim(group));
    let put: UserGroupWrite | undefined;
    if (attrOps.length) {
      const next = this.scaffold.patched(this.table.toScim(group), attrOps);
      const body = this.records.updateBody(group, next);
      if (!this.records.holds(group, next)) {
        if (!this.sameName(body.name, before.name ?? '')) await this.assertUnique(ctx, body.name, group.id);
        put = body;
      }
    }
    // A group the previous layout wrote keeps the bridge's externalId where members inherit it: any write to the
    // group (a member change too) moves it, with every mapped value as it reads now.
    if (!put && this.table.holdsPreviousLayout(group)) put = this.records.updateBody(group, this.table.toScim(group));
    const current = planned ? undefined : await this.members(ctx, group.id);
    const changes = planned ? (seen ? stillNeeded(planned, seen) : planned) : memberChanges(steps, current);

    if (put) {
      const body = put;
      try {
        group = await ctx.jc.updateGroup(group.id, body);
        this.checkDrift(ctx, body, group);
      } catch (e) {
        if (!isJumpCloudError(e)) throw e;
        throw body.name === before.name
          ? scimErrorFor(e, `Group ${id}`)
          : await this.refusedName(ctx, e, body.name, `Group ${id}`, group.id);
      }
    }
    await this.applyMembers(
      ctx,
      group.id,
      changes,
      put ? `Group ${id}'s displayName/externalId were updated, but` : `In group ${id}`,
      plan.fit,
    );
    return projection ? this.view(ctx, group, projection) : undefined;
  }

  /**
   * Member writes, `memberConcurrency` at a time, each through the client's retry policy. Re-adding (409) and
   * re-removing (404) count as done. Anything else is reported with exactly which ids were and were not changed.
   */
  private async applyMembers(
    ctx: RequestContext,
    groupId: string,
    changes: MemberChanges,
    context: string,
    fitted?: FanOutFit,
  ): Promise<Set<string>> {
    const { jc } = ctx;
    const asked = [
      ...changes.remove.map((id) => ({ id, op: 'remove' as const })),
      ...changes.add.map((id) => ({ id, op: 'add' as const })),
    ];
    if (!asked.length) return new Set();
    // Members an earlier "come back later" answer named as done are not sent again; this request's changes make any
    // remembered opposite change (an add it now removes) wrong, so those are forgotten.
    const group = `${orgKey(ctx)}:${groupId}`;
    const entry = (w: { id: string; op: 'add' | 'remove' }): string => `${w.op}:${w.id}`;
    const remembered = await this.doneMembers.take(
      group,
      asked.map(entry),
      asked.map((w) => entry({ id: w.id, op: w.op === 'add' ? 'remove' : 'add' })),
    );
    const already: Outcome[] = asked.filter((w) => remembered.has(entry(w))).map((w) => ({ ...w, status: 'done' }));
    const work = asked.filter((w) => !remembered.has(entry(w)));
    // Only the member calls the key's rate can serve before the deadline are started; the rest is answered "come
    // back later" as soon as these are done.
    const fit = fitted ?? jc.fitFanOut(work.length);
    const tooLate = notFitted(`${USER_GROUPS.path}/${groupId}/members`, fit, work.length);
    let stop = false;
    const outcomes = await mapLimit(work, this.config.memberConcurrency, async ({ id, op }, i): Promise<Outcome> => {
      if (stop || i >= fit.granted) return { id, op, status: 'skipped' };
      try {
        await jc.changeGroupMember(groupId, { op, type: 'user', id });
        return { id, op, status: 'done' };
      } catch (e) {
        if (!isJumpCloudError(e)) throw e;
        if (op === 'add' && (e.kind === 'conflict' || e.kind === 'alreadyExists')) return { id, op, status: 'done' };
        if (op === 'remove' && e.kind === 'notFound') return { id, op, status: 'done' };
        if (isSystemic(e.kind)) stop = true;
        if ((e.kind === 'notFound' || e.kind === 'badRequest') && (await this.isGroup(jc, id)))
          return { id, op, status: 'nested' };
        return { id, op, status: 'failed', error: e };
      } finally {
        fit.sent();
      }
    })
      .then((sent) => [...already, ...sent])
      .finally(() => fit.release());
    const nested = outcomes.filter((o) => o.status === 'nested');
    for (const o of nested) {
      ctx.note?.({
        level: 'warn',
        kind: 'memberSkipped',
        message:
          `Group ${groupId}: skipped member ${o.id} (${o.op}): it is a JumpCloud user group, and JumpCloud user groups hold users only. ` +
          "Entra sends this for nested groups; assign the nested group's users to the app directly if they need this group.",
      });
    }
    const failed = outcomes.filter((o) => o.status === 'failed');
    if (failed.length || tooLate) {
      const answer = this.partialFailure(groupId, outcomes, context, tooLate);
      if (answer.comeBackAfterSeconds !== undefined) {
        const done = outcomes.filter((o) => o.status === 'done');
        await this.doneMembers.remember(group, done.map(entry), DONE_MEMBERS_MS + answer.comeBackAfterSeconds * 1000);
      }
      throw answer;
    }
    return new Set(nested.map((o) => o.id));
  }

  /** A member id JumpCloud refused: is it a user group (Entra's nested group)? Costs a read only on that failure. */
  private async isGroup(jc: JumpCloudClient, id: string): Promise<boolean> {
    try {
      await jc.getGroup(id);
      return true;
    } catch {
      return false;
    }
  }

  private partialFailure(groupId: string, outcomes: Outcome[], context: string, tooLate?: JumpCloudError): ScimError {
    const ids = (op: 'add' | 'remove', status: Outcome['status']): string[] =>
      outcomes.filter((o) => o.op === op && o.status === status).map((o) => o.id);
    const failed = outcomes.filter((o) => o.status === 'failed');
    const systemic = failed.find((o) => o.error && isSystemic(o.error.kind)) ?? (tooLate && { error: tooLate });
    const reason = (o: Outcome): string =>
      o.op === 'add' && o.error?.kind === 'notFound'
        ? `${o.id} (not a JumpCloud user)`
        : `${o.id} (${o.op}: JumpCloud said: ${o.error?.upstreamMessage ?? 'error'})`;
    const list = (xs: string[]): string => (xs.length ? xs.join(', ') : 'none');
    const summary =
      `added: ${list(ids('add', 'done'))}; removed: ${list(ids('remove', 'done'))}; ` +
      `failed: ${list(failed.map(reason))}; not attempted: ${list(outcomes.filter((o) => o.status === 'skipped').map((o) => `${o.id} (${o.op})`))}.`;
    if (systemic?.error) {
      const base = scimErrorFor(systemic.error, `Group ${groupId}`);
      return new ScimError(
        base.status,
        base.scimType,
        `${context} membership changes were applied only in part: ${summary} Retrying is safe: re-adding and re-removing members are no-ops. ${base.detail}`,
        base.comeBackAfterSeconds,
      );
    }
    return badRequest(
      'invalidValue',
      `${context} some members could not be changed: ${summary} Provision those users through /Users first.`,
    );
  }

  async remove(ctx: RequestContext, id: string): Promise<void> {
    await this.scaffold.lock(ctx, lockKeys.group(id), () => addressed(() => ctx.jc.deleteGroup(id), `Group ${id}`));
  }
}
