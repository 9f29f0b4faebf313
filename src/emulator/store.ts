import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isRecord } from './api-error.js';
import { ObjectIdFactory } from './object-id.js';
import { applyWritableFields, blankUser } from './user-record.js';
import type { EmulatorState, MembershipMethod, SystemUser, UserGroup, UserState } from './types.js';

const FIRST_UNIX_ID = 5001;

export interface SeedUser {
  username: string;
  email: string;
  state?: UserState;
  /** Connected to a resource (a device, an app, a directory): JumpCloud then refuses to change its username. */
  bound?: boolean;
  [key: string]: unknown;
}

export interface SeedGroup {
  name: string;
  description?: string;
  membershipMethod?: MembershipMethod;
  [key: string]: unknown;
}

/**
 * The emulator's whole state. The maps are public so tests can inspect and seed directly; the
 * helper methods add JumpCloud's defaults and keep the state file in step.
 */
export class EmulatorStore {
  readonly users = new Map<string, SystemUser>();
  readonly groups = new Map<string, UserGroup>();
  /** groupId → direct member user ids, in the order they were added. */
  readonly memberships = new Map<string, string[]>();
  /** Users connected to a resource (fact `boundUserRename`); the emulator models no devices, only this fact. */
  readonly bound = new Set<string>();
  private readonly ids = new ObjectIdFactory();
  private unixId = FIRST_UNIX_ID;
  readonly organization: string;

  /** Without an explicit organization id, the one in the state file (or a fresh one) is used. */
  constructor(
    organization: string | undefined,
    private readonly stateFile?: string,
  ) {
    const saved =
      stateFile && existsSync(stateFile) ? parseState(readFileSync(stateFile, 'utf8'), stateFile) : undefined;
    this.organization = organization ?? saved?.organization ?? this.ids.next();
    if (saved) this.restore(saved);
  }

  newId(): string {
    return this.ids.next();
  }

  nextUnixId(): number {
    const id = this.unixId;
    this.unixId += 1;
    return id;
  }

  /** Adds a user with JumpCloud's defaults, skipping the API's validation (for seeding). */
  addUser(seed: SeedUser): SystemUser {
    const now = new Date();
    const state = seed.state ?? 'ACTIVATED';
    const user = blankUser(seed.username, seed.email, state, {
      id: this.newId(),
      organization: this.organization,
      unixId: this.nextUnixId(),
      now,
    });
    const rest: Record<string, unknown> = { ...seed };
    delete rest['username'];
    delete rest['email'];
    delete rest['state'];
    delete rest['bound'];
    applyWritableFields(user, rest, new Set(Object.keys(rest)), now);
    this.users.set(user._id, user);
    if (seed.bound) this.bound.add(user._id);
    this.save();
    return user;
  }

  addGroup(seed: SeedGroup): UserGroup {
    const group = newGroup(this.newId(), this.organization, seed);
    this.groups.set(group.id, group);
    this.memberships.set(group.id, []);
    this.save();
    return group;
  }

  addMember(groupId: string, userId: string): void {
    const members = this.memberships.get(groupId) ?? [];
    if (!members.includes(userId)) members.push(userId);
    this.memberships.set(groupId, members);
    this.save();
  }

  membersOf(groupId: string): string[] {
    return [...(this.memberships.get(groupId) ?? [])];
  }

  groupsOf(userId: string): string[] {
    return [...this.memberships].filter(([, members]) => members.includes(userId)).map(([groupId]) => groupId);
  }

  findUserByUsername(username: string): SystemUser | undefined {
    return [...this.users.values()].find((user) => user.username === username);
  }

  snapshot(): EmulatorState {
    return structuredClone({
      version: 1,
      organization: this.organization,
      nextUnixId: this.unixId,
      users: [...this.users.values()],
      groups: [...this.groups.values()],
      memberships: Object.fromEntries(this.memberships),
    });
  }

  clear(): void {
    this.users.clear();
    this.groups.clear();
    this.memberships.clear();
    this.bound.clear();
    this.unixId = FIRST_UNIX_ID;
    this.save();
  }

  /** Writes the state file atomically, so a crash mid-write never leaves a sandbox unreadable. */
  save(): void {
    if (!this.stateFile) return;
    const temporary = `${this.stateFile}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(this.snapshot(), null, 2)}\n`);
    renameSync(temporary, this.stateFile);
  }

  private restore(state: EmulatorState): void {
    for (const user of state.users) {
      this.users.set(user._id, user);
      this.ids.observe(user._id);
    }
    for (const group of state.groups) {
      this.groups.set(group.id, group);
      this.ids.observe(group.id);
    }
    for (const [groupId, members] of Object.entries(state.memberships)) this.memberships.set(groupId, [...members]);
    this.unixId = Math.max(state.nextUnixId, FIRST_UNIX_ID);
  }
}

export function newGroup(id: string, organization: string, seed: SeedGroup): UserGroup {
  return {
    id,
    name: seed.name,
    type: 'user_group',
    description: typeof seed.description === 'string' ? seed.description : '',
    email: typeof seed['email'] === 'string' ? seed['email'] : '',
    attributes: isRecord(seed['attributes']) ? structuredClone(seed['attributes']) : null,
    membershipMethod: seed.membershipMethod ?? 'STATIC',
    memberQuery: isRecord(seed['memberQuery']) ? structuredClone(seed['memberQuery']) : null,
    memberQueryExemptions: Array.isArray(seed['memberQueryExemptions'])
      ? structuredClone(seed['memberQueryExemptions'])
      : [],
    memberQueryErrorFlags: [],
    memberSuggestionsNotify: seed['memberSuggestionsNotify'] === true,
    suggestionCounts: { add: 0, remove: 0, total: 0 },
    organizationObjectId: organization,
  };
}

function parseState(text: string, file: string): EmulatorState {
  const data: unknown = JSON.parse(text);
  if (
    !isRecord(data) ||
    data['version'] !== 1 ||
    !Array.isArray(data['users']) ||
    !Array.isArray(data['groups']) ||
    !isRecord(data['memberships'])
  ) {
    throw new Error(`${file} is not an emulator state file (expected version 1 with users, groups and memberships)`);
  }
  return data as unknown as EmulatorState;
}
