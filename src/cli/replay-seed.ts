import { JUMPCLOUD_ID } from '../jumpcloud/types.js';
import type { EmulatorStore, SystemUser, UserGroup } from '../emulator/index.js';
import type { UpstreamCall } from '../jumpcloud/observed.js';
import type { ExportedExchange } from '../observability/exchange-export.js';
import { isRecord } from '../util/guards.js';

/**
 * An export records what JumpCloud answered, not what it held. For a replay to meet the same JumpCloud, the
 * in-process emulator starts with every user and group the exported exchanges *read* (in the state of the first
 * read), and with the group memberships they listed. Objects the exchanges *created* are left out: the replay
 * creates them again, and seeding them would turn each replayed create into a 409.
 */

const ok = (c: UpstreamCall): boolean => c.status !== undefined && c.status >= 200 && c.status < 300;

function isUser(v: unknown): v is SystemUser {
  return (
    isRecord(v) &&
    typeof v._id === 'string' &&
    JUMPCLOUD_ID.test(v._id) &&
    typeof v.username === 'string' &&
    typeof v.email === 'string'
  );
}

function isGroup(v: unknown): v is UserGroup {
  return (
    isRecord(v) &&
    typeof v.id === 'string' &&
    JUMPCLOUD_ID.test(v.id) &&
    typeof v.name === 'string' &&
    v.type === 'user_group'
  );
}

/** The records in an answer: one object, a `results` page (v1) or a bare array (v2). */
function recordsIn(body: unknown): unknown[] {
  if (Array.isArray(body)) return body;
  if (isRecord(body) && Array.isArray(body.results)) return body.results;
  return [body];
}

const createdId = (c: UpstreamCall): string | undefined => {
  if (c.method !== 'POST' || !ok(c) || !isRecord(c.responseBody)) return undefined;
  if (c.path === '/api/systemusers' && typeof c.responseBody._id === 'string') return c.responseBody._id;
  if (c.path === '/api/v2/usergroups' && typeof c.responseBody.id === 'string') return c.responseBody.id;
  return undefined;
};

const isRead = (c: UpstreamCall): boolean => ok(c) && (c.method === 'GET' || c.path.startsWith('/api/search/'));

export function seedFromExchanges(
  store: EmulatorStore,
  exchanges: readonly ExportedExchange[],
): { users: number; groups: number } {
  const created = new Set<string>();
  const seen = new Set<string>();
  let users = 0;
  let groups = 0;
  for (const exchange of exchanges) {
    for (const call of exchange.upstream) {
      const made = createdId(call);
      if (made) created.add(made);
      if (!isRead(call)) continue;
      const members = /^\/api\/v2\/usergroups\/([0-9a-f]{24})\/members$/i.exec(call.path)?.[1];
      if (members && Array.isArray(call.responseBody)) {
        // Only memberships of a seeded group are known to be whole; the page may be partial, so add, never replace.
        for (const edge of call.responseBody) {
          const userId = isRecord(edge) && isRecord(edge.to) && typeof edge.to.id === 'string' ? edge.to.id : undefined;
          if (userId && store.groups.has(members) && !created.has(members)) store.addMember(members, userId);
        }
        continue;
      }
      for (const record of recordsIn(call.responseBody)) {
        if (isUser(record) && !created.has(record._id) && !seen.has(record._id)) {
          seen.add(record._id);
          store.users.set(record._id, { ...structuredClone(record), organization: store.organization });
          users += 1;
        } else if (isGroup(record) && !created.has(record.id) && !seen.has(record.id)) {
          seen.add(record.id);
          store.groups.set(record.id, structuredClone(record));
          store.memberships.set(record.id, []);
          groups += 1;
        }
      }
    }
  }
  store.save();
  return { users, groups };
}

/**
 * A replayed create gets a new id from the emulator; later exchanges in the export name the recorded one. This
 * maps recorded ids to replayed ones and rewrites URLs and bodies before they are sent.
 */
export class IdMap {
  private readonly ids = new Map<string, string>();

  learn(recorded: unknown, replayed: unknown): void {
    if (!isRecord(recorded) || !isRecord(replayed)) return;
    const from = recorded.id;
    const to = replayed.id;
    if (typeof from === 'string' && typeof to === 'string' && from !== to && from.length >= 8) this.ids.set(from, to);
  }

  apply(text: string): string {
    let out = text;
    for (const [from, to] of this.ids) out = out.split(from).join(to);
    return out;
  }
}
