/**
 * SCIM query benchmarks: (a) parse + validate + plan throughput over the filter case table; (b) upstream calls,
 * wall time and heap growth per GET /Users query, for a pushed-down and a residual filter, against directories of
 * 1,000 and 100,000 users held by an in-process fake of JumpCloudClient.searchUsers/listUsers (no HTTP).
 */
import path from 'node:path';
import { packageRoot } from '../src/config.js';
import { searchFilterPredicate } from '../src/emulator/search-filter.js';
import type { JumpCloudClient } from '../src/jumpcloud/endpoints.js';
import type { SystemUserListQuery, SystemUser, SystemUserList, SystemUserSearch } from '../src/jumpcloud/types.js';
import { loadAttributeTable, type UserTable } from '../src/mapping/attribute-table.js';
import { planUserQuery } from '../src/mapping/user-query.js';
import { UsersResource } from '../src/resources/users.js';
import { isScimError } from '../src/scim/errors.js';
import { parseFilter } from '../src/scim/filter.js';
import { validateFilter } from '../src/scim/filter-eval.js';
import { InProcessLock } from '../src/coordination/in-process.js';
import { expandFilter, filterCases, syntheticUsers } from '../test/fixtures/directory/directory.js';

const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;

function throughput(table: UserTable): Record<string, unknown> {
  const texts = filterCases()
    .filter((c) => !c.error)
    .map((c) => expandFilter(c.filter, () => '0123456789abcdef01234567'));
  const once = (): void => {
    for (const t of texts) {
      const f = parseFilter(t);
      validateFilter(f, table.schema);
      planUserQuery(f, table);
    }
  };
  for (let i = 0; i < 50; i++) once(); // warm-up
  let ops = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < 1000) {
    once();
    ops += texts.length;
    elapsed = performance.now() - started;
  }
  return { cases: texts.length, operations: ops, ms: round(elapsed), opsPerSecond: Math.round((ops / elapsed) * 1000) };
}

/** JumpCloud stand-in: evaluates the search body with the emulator's predicate; counts calls. */
class FakeJumpCloud {
  calls = { searchUsers: 0, listUsers: 0 };
  private readonly cache = new Map<string, SystemUser[]>();
  constructor(private readonly users: SystemUser[]) {}

  reset(): void {
    this.calls = { searchUsers: 0, listUsers: 0 };
    this.cache.clear();
  }

  async searchUsers(search: SystemUserSearch, page: { limit: number; skip: number }): Promise<SystemUserList> {
    this.calls.searchUsers++;
    const key = JSON.stringify(search.filter ?? null);
    let matched = this.cache.get(key);
    if (!matched) {
      const predicate = searchFilterPredicate(search.filter);
      matched = predicate ? this.users.filter((u) => predicate(u as never)) : this.users;
      this.cache.set(key, matched);
    }
    return { totalCount: matched.length, results: matched.slice(page.skip, page.skip + page.limit) };
  }

  async listUsers(query: SystemUserListQuery): Promise<SystemUserList> {
    this.calls.listUsers++;
    const skip = query.skip ?? 0;
    return { totalCount: this.users.length, results: this.users.slice(skip, skip + (query.limit ?? 10)) };
  }
}

function directory(n: number): SystemUser[] {
  return syntheticUsers(n).map((seed, i) => {
    const { state, ...rest } = seed;
    return {
      ...rest,
      _id: i.toString(16).padStart(24, '0'),
      suspended: state === 'SUSPENDED',
      state: state ?? 'ACTIVATED',
    } as SystemUser;
  });
}

async function queries(table: UserTable): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const size of [1_000, 100_000]) {
    const fake = new FakeJumpCloud(directory(size));
    const last = String(size - 1).padStart(String(size - 1).length, '0');
    const filters: Record<string, string> = {
      pushedDown: `userName eq "user${last}"`,
      residual: 'title pr',
      residualNarrowed: `userName sw "user${last.slice(0, -2)}" and title pr`,
    };
    const perSize: Record<string, unknown> = {};
    for (const [label, filter] of Object.entries(filters)) {
      const plan = planUserQuery(parseFilter(filter), table);
      for (const maxFilterScan of label === 'residual' ? [10_000, 1_000_000] : [10_000]) {
        const users = new UsersResource(
          table,
          {
            maxPageSize: 200,
            maxFilterScan,
            deriveUsernameFromEmail: false,
            allowUsernameRename: false,
            unknownAttributes: 'refuse',
            createLookupWindowMs: 5_000,
          },
          new InProcessLock(),
        );
        fake.reset();
        (globalThis as { gc?: () => void }).gc?.(); // exact only under --expose-gc
        const heapBefore = process.memoryUsage().heapUsed;
        const started = performance.now();
        let outcome: string;
        try {
          const res = await users.list(
            { jc: fake as unknown as JumpCloudClient, baseUrl: 'https://bridge.example/scim/v2' },
            { filter, count: '100' },
          );
          outcome = `200 totalResults=${res.totalResults} itemsPerPage=${res.itemsPerPage}`;
        } catch (e) {
          if (!isScimError(e)) throw e;
          outcome = `${e.status} ${e.scimType ?? ''}`.trim();
        }
        const ms = performance.now() - started;
        const heapDelta = process.memoryUsage().heapUsed - heapBefore;
        perSize[label + (label === 'residual' ? `@MAX_FILTER_SCAN=${maxFilterScan}` : '')] = {
          filter,
          pushedDown: plan.search ?? null,
          residual: plan.residual !== undefined,
          outcome,
          upstreamCalls: fake.calls.searchUsers + fake.calls.listUsers,
          calls: { ...fake.calls },
          wallMs: round(ms),
          heapDeltaMB: round(heapDelta / 1024 / 1024, 2),
        };
      }
    }
    out[`users=${size}`] = perSize;
  }
  return out;
}

export async function run(): Promise<Record<string, unknown>> {
  const table = loadAttributeTable(path.join(packageRoot(), 'config', 'mapping.json'), {
    deriveUsernameFromEmail: false,
  }).users;
  return {
    parsePlanThroughput: throughput(table),
    upstreamCallsPerQuery: await queries(table),
    note: 'fake JumpCloud in-process (no HTTP); wallMs includes the fake evaluating the search over the whole directory once per distinct body',
  };
}
