/**
 * A fast JumpCloud-shaped stub for the side-by-side benchmark (a child process; `fork` it with the probe).
 *
 * It answers the calls the bridge makes for Entra's everyday operations with JumpCloud's shapes, but unlike the
 * emulator it validates no contract, adds no latency and keeps every lookup indexed, so a directory of 100,000
 * users costs the same per call as one of 1,000. Which directory a call reads is chosen by its `x-api-key`
 * (see `directoryKey`), so one bridge process and one proxy process serve both sizes in the same run.
 * Search bodies are decided by the emulator's own predicate, applied only to the indexed candidates.
 *
 * The parent asks for counters over IPC: `{stub: 'stats'}` → calls per directory and sockets accepted.
 */
import http from 'node:http';
import { searchFilterPredicate } from '../../src/emulator/search-filter.js';
import { v2FilterPredicate } from '../../src/emulator/v2-filter.js';
import type { SystemUser, UserGroup } from '../../src/jumpcloud/types.js';
import { syntheticUsers } from '../../test/fixtures/directory/directory.js';
import { GROUPS, SIZES, directoryKey, groupId, groupName, userId, type StubStats } from './fixtures.js';

class Directory {
  readonly users: SystemUser[] = [];
  private readonly byId = new Map<string, SystemUser>();
  /** field → lower-cased value → users; the fields the bridge searches on (the unique ones). */
  private readonly index = {
    username: new Map<string, SystemUser>(),
    email: new Map<string, SystemUser>(),
    employeeIdentifier: new Map<string, SystemUser>(),
  };
  /** Custom attribute values (the recorded SCIM userName, externalId): a `userName eq` match also searches these. */
  private readonly attributeValues = new Map<string, Set<SystemUser>>();
  readonly groups: UserGroup[] = [];
  private readonly groupById = new Map<string, UserGroup>();
  private readonly members = new Map<string, Set<string>>();
  private nextId: number;

  constructor(size: number) {
    syntheticUsers(size).forEach((seed, i) => {
      const { state, ...rest } = seed;
      this.add({
        ...rest,
        _id: userId(i),
        state: state ?? 'ACTIVATED',
        suspended: state === 'SUSPENDED',
        activated: true,
        employeeIdentifier: `E${i}`,
      } as SystemUser);
    });
    this.nextId = size;
    for (let g = 0; g < GROUPS; g++) {
      const group: UserGroup = {
        id: groupId(g),
        name: groupName(g),
        type: 'user_group',
        membershipMethod: 'STATIC',
        description: `entra-${g}`,
      } as UserGroup;
      this.groups.push(group);
      this.groupById.set(group.id, group);
      this.members.set(group.id, new Set());
    }
  }

  private add(user: SystemUser): void {
    this.users.push(user);
    this.byId.set(user._id, user);
    this.reindex(user);
  }

  private reindex(user: SystemUser): void {
    for (const field of ['username', 'email', 'employeeIdentifier'] as const) {
      const v = user[field];
      if (typeof v === 'string') this.index[field].set(v.toLowerCase(), user);
    }
    for (const a of user.attributes ?? []) {
      if (typeof a.value !== 'string') continue;
      const key = a.value.toLowerCase();
      const set = this.attributeValues.get(key) ?? new Set();
      set.add(user);
      this.attributeValues.set(key, set);
    }
  }

  user(id: string): SystemUser | undefined {
    return this.byId.get(id);
  }

  create(body: Record<string, unknown>): [number, unknown] {
    const username = typeof body.username === 'string' ? body.username : '';
    const email = typeof body.email === 'string' ? body.email : '';
    if (!username || !email) return [400, { message: 'username and email are required' }];
    if (this.index.username.has(username.toLowerCase()) || this.index.email.has(email.toLowerCase()))
      return [400, { message: 'User already exists' }];
    const user = {
      ...body,
      _id: userId(this.nextId++),
      activated: false,
      created: new Date().toISOString(),
    } as SystemUser;
    this.add(user);
    return [200, user];
  }

  update(id: string, body: Record<string, unknown>): [number, unknown] {
    const user = this.byId.get(id);
    if (!user) return [404, { message: 'Not Found' }];
    Object.assign(user, body);
    this.reindex(user);
    return [200, user];
  }

  /** Candidates from the index for each indexable condition; undefined when nothing is indexable (a scan). */
  private candidates(expression: Record<string, unknown>): SystemUser[] | undefined {
    for (const [field, condition] of Object.entries(expression)) {
      if (field === 'attributes.value') {
        const literal = typeof condition === 'string' ? condition : exactLiteral(condition);
        if (literal !== undefined) return [...(this.attributeValues.get(literal.toLowerCase()) ?? [])];
        continue;
      }
      if (field !== 'username' && field !== 'email' && field !== 'employeeIdentifier') continue;
      const literal = typeof condition === 'string' ? condition : exactLiteral(condition);
      if (literal === undefined) continue;
      const hit = this.index[field].get(literal.toLowerCase());
      return hit ? [hit] : [];
    }
    return undefined;
  }

  search(filter: unknown, limit: number, skip: number): { totalCount: number; results: SystemUser[] } {
    const predicate = searchFilterPredicate(filter);
    let pool: SystemUser[] | undefined;
    if (filter && typeof filter === 'object' && !Array.isArray(filter)) {
      const [mode, list] = Object.entries(filter)[0] ?? [];
      const expressions = Array.isArray(list) ? (list as Record<string, unknown>[]) : [];
      if (mode === 'and') pool = expressions.map((e) => this.candidates(e)).find((c) => c !== undefined);
      if (mode === 'or') {
        const parts = expressions.map((e) => this.candidates(e));
        pool = parts.every((p) => p !== undefined) ? [...new Set(parts.flatMap((p) => p ?? []))] : undefined;
      }
    }
    const matched = (pool ?? this.users).filter((u) => !predicate || predicate(u as never));
    return { totalCount: matched.length, results: matched.slice(skip, skip + limit) };
  }

  remove(id: string): boolean {
    const user = this.byId.get(id);
    if (!user) return false;
    this.byId.delete(id);
    for (const field of ['username', 'email', 'employeeIdentifier'] as const) {
      const v = user[field];
      if (typeof v === 'string') this.index[field].delete(v.toLowerCase());
    }
    // The list array keeps its slot (lists are not benchmarked); searches and reads go through the maps.
    return true;
  }

  group(id: string): UserGroup | undefined {
    return this.groupById.get(id);
  }

  memberChange(groupId: string, body: Record<string, unknown>): number {
    const set = this.members.get(groupId);
    const id = typeof body.id === 'string' ? body.id : '';
    if (!set) return 404;
    if (!this.byId.has(id)) return 404;
    if (body.op === 'add') {
      if (set.has(id)) return 409;
      set.add(id);
      return 204;
    }
    return set.delete(id) ? 204 : 404;
  }

  memberList(groupId: string): { to: { id: string; type: string } }[] {
    return [...(this.members.get(groupId) ?? [])].map((id) => ({ to: { id, type: 'user' } }));
  }
}

/** `(?i)^literal$` with the bridge's escaping → the literal; anything else is not an exact lookup. */
function exactLiteral(condition: unknown): string | undefined {
  const rx = (condition as { $regex?: unknown } | null)?.$regex;
  if (typeof rx !== 'string') return undefined;
  const m = /^(?:\(\?i\))?\^((?:\\.|[^\\^$.*+?()[\]{}|])*)\$$/.exec(rx);
  if (m?.[1] === undefined) return undefined;
  const controls: Record<string, string> = { t: '\t', n: '\n', r: '\r', f: '\f', v: '\v' };
  return m[1].replace(/\\(.)/g, (_s, c: string) => controls[c] ?? c);
}

function send(res: http.ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  if (body === undefined) {
    res.writeHead(status, headers).end();
    return;
  }
  const text = JSON.stringify(body);
  res
    .writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
      ...headers,
    })
    .end(text);
}

const int = (v: string | null, dflt: number): number => (v !== null && /^\d+$/.test(v) ? Number(v) : dflt);

function createStub(sizes: readonly number[] = SIZES): { server: http.Server; stats: () => StubStats } {
  const directories = new Map<string, { size: number; dir: Directory }>();
  for (const size of sizes) directories.set(directoryKey(size), { size, dir: new Directory(size) });
  const stats: StubStats = { calls: Object.fromEntries(sizes.map((s) => [String(s), 0])), sockets: 0 };

  const handle = (req: http.IncomingMessage, res: http.ServerResponse, raw: string): void => {
    const entry = directories.get(String(req.headers['x-api-key'] ?? ''));
    if (!entry) return send(res, 401, { message: 'Unauthorized' });
    stats.calls[String(entry.size)] = (stats.calls[String(entry.size)] ?? 0) + 1;
    const { dir } = entry;
    const url = new URL(req.url ?? '/', 'http://stub');
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    const p = url.pathname;
    const q = url.searchParams;
    let m: RegExpExecArray | null;
    if ((m = /^\/api\/systemusers\/([0-9a-f]{24})$/.exec(p))) {
      const id = m[1] as string;
      if (req.method === 'GET') {
        const u = dir.user(id);
        return u ? send(res, 200, u) : send(res, 404, { message: 'Not Found' });
      }
      if (req.method === 'PUT') return send(res, ...dir.update(id, body));
      if (req.method === 'DELETE')
        return dir.remove(id) ? send(res, 200, {}) : send(res, 404, { message: 'Not Found' });
    }
    if (p === '/api/systemusers' && req.method === 'POST') return send(res, ...dir.create(body));
    if (p === '/api/systemusers' && req.method === 'GET') {
      const skip = int(q.get('skip'), 0);
      return send(res, 200, {
        totalCount: dir.users.length,
        results: dir.users.slice(skip, skip + int(q.get('limit'), 10)),
      });
    }
    if (p === '/api/search/systemusers' && req.method === 'POST')
      return send(res, 200, dir.search(body.filter, int(q.get('limit'), 10), int(q.get('skip'), 0)));
    if (p === '/api/v2/usergroups' && req.method === 'GET') {
      const predicate = v2FilterPredicate(q);
      const matched = dir.groups.filter((g) => !predicate || predicate(g as never));
      const skip = int(q.get('skip'), 0);
      return send(res, 200, matched.slice(skip, skip + int(q.get('limit'), 10)), {
        'x-total-count': String(matched.length),
      });
    }
    if ((m = /^\/api\/v2\/usergroups\/([0-9a-f]{24})(\/members)?$/.exec(p))) {
      const id = m[1] as string;
      if (!m[2] && req.method === 'GET') {
        const g = dir.group(id);
        return g ? send(res, 200, g) : send(res, 404, { message: 'Not Found' });
      }
      if (m[2] && req.method === 'POST') {
        const status = dir.memberChange(id, body);
        return status === 204
          ? send(res, 204)
          : send(res, status, { message: status === 409 ? 'Already Exists' : 'Not Found' });
      }
      if (m[2] && req.method === 'GET') {
        const all = dir.memberList(id);
        const skip = int(q.get('skip'), 0);
        return send(res, 200, all.slice(skip, skip + int(q.get('limit'), 10)), { 'x-total-count': String(all.length) });
      }
    }
    if (/^\/api\/v2\/users\/[0-9a-f]{24}\/memberof$/.test(p)) return send(res, 200, [], { 'x-total-count': '0' });
    return send(res, 404, { message: `stub: no route for ${req.method ?? ''} ${p}` });
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        handle(req, res, chunks.length ? Buffer.concat(chunks).toString('utf8') : '');
      } catch (e) {
        send(res, 400, { message: e instanceof Error ? e.message : String(e) });
      }
    });
  });
  server.keepAliveTimeout = 120_000;
  server.on('connection', () => {
    stats.sockets += 1;
  });
  return { server, stats: () => structuredClone(stats) };
}

// Child-process entry: listen on a free loopback port, tell the parent the URL, answer stats questions.
{
  const { server, stats } = createStub();
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    process.send?.({ stub: 'ready', url: `http://127.0.0.1:${port}` });
  });
  process.on('message', (m: unknown) => {
    if ((m as { stub?: unknown })?.stub === 'stats') process.send?.({ stub: 'stats', stats: stats() });
  });
}
