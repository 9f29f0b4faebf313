import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import type { Emulator } from '../../src/emulator/index.js';
import { freshEmulatedBridge, type Harness } from '../helpers/bridge-harness.js';

/**
 * A generic SCIM 2.0 client library's session, through the real HTTP stack to the emulator, with the bodies such a
 * library sends (test/fixtures/generic/session/): a manager written with its `$ref`, the enterprise extension PATCHed
 * as a whole, and the search at the service root spanning users and groups.
 */

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

function body(name: string, vars: Record<string, string> = {}): unknown {
  let text = readFileSync(new URL(`../fixtures/generic/session/${name}`, import.meta.url), 'utf8');
  for (const [k, v] of Object.entries(vars)) text = text.split(`{${k}}`).join(v);
  return JSON.parse(text) as unknown;
}

describe('e2e: a generic SCIM client session (manager $ref, extension-wide PATCH, root search)', () => {
  const stack = freshEmulatedBridge();
  let h: Harness;
  let emulator: Emulator;
  beforeEach(() => ({ h, emulator } = stack()));

  /** Two users (the second managed by the first, written with $ref) and two groups. */
  async function seed(): Promise<{ managerId: string; reportId: string; groupIds: string[] }> {
    const manager = await h.request('POST', '/Users', body('post-manager.json'));
    expect(manager.status, JSON.stringify(manager.body)).to.equal(201);
    const managerId = String(manager.body.id);
    const report = await h.request('POST', '/Users', body('post-report.json', { managerId, base: h.base }));
    expect(report.status, JSON.stringify(report.body)).to.equal(201);
    const groupIds: string[] = [];
    for (const name of ['Admins', 'Builders']) {
      const g = await h.request('POST', '/Groups', body('post-group.json', { name }));
      expect(g.status, JSON.stringify(g.body)).to.equal(201);
      groupIds.push(String(g.body.id));
    }
    return { managerId, reportId: String(report.body.id), groupIds };
  }

  it('a manager written with {value, $ref} reads back equal, on the create answer, on GET and in a list', async () => {
    const { managerId, reportId } = await seed();
    const written = (body('post-report.json', { managerId, base: h.base }) as Record<string, Record<string, unknown>>)[
      ENT
    ]?.manager;
    const read = await h.request('GET', `/Users/${reportId}`);
    expect(read.body[ENT].manager).to.deep.equal(written);
    const listed = await h.request('GET', `/Users?filter=${encodeURIComponent(`${ENT}:manager eq "${managerId}"`)}`);
    expect(listed.body.Resources.map((r: { id: string }) => r.id)).to.deep.equal([reportId]);
    expect(listed.body.Resources[0][ENT].manager).to.deep.equal(written);
    expect(emulator.store.users.get(reportId)?.manager).to.equal(managerId);
  });

  it('the extension PATCHed whole: add merges, replace sets, remove clears all it stores; each answer is what GET returns', async () => {
    const { managerId, reportId } = await seed();
    const step = async (file: string): Promise<Record<string, unknown>> => {
      const res = await h.request('PATCH', `/Users/${reportId}`, body(file));
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect((await h.request('GET', `/Users/${reportId}`)).body).to.deep.equal(res.body);
      return res.body as Record<string, unknown>;
    };
    const manager = { value: managerId, $ref: `${h.base}/Users/${managerId}` };
    expect((await step('patch-extension-add.json'))[ENT]).to.deep.equal({
      employeeNumber: '1002',
      costCenter: 'CC-7',
      organization: 'Contoso',
      department: 'Engineering',
      manager,
    });
    expect((await step('patch-extension-replace.json'))[ENT]).to.deep.equal({
      employeeNumber: '2002',
      costCenter: 'CC-7',
      organization: 'Contoso',
      department: 'R&D',
      manager,
    });
    // Filters on extension attributes keep working after the whole-extension writes.
    const byDepartment = await h.request('GET', `/Users?filter=${encodeURIComponent(`${ENT}:department eq "r&d"`)}`);
    expect(byDepartment.body.Resources.map((r: { id: string }) => r.id)).to.deep.equal([reportId]);

    const removed = await step('patch-extension-remove.json');
    expect(removed).to.not.have.property(ENT);
    const stored = emulator.store.users.get(reportId);
    // Cleared: JumpCloud keeps an emptied field as "" (or drops it).
    const fields = [stored?.department, stored?.employeeIdentifier, stored?.costCenter, stored?.company];
    expect(fields.map((v) => v ?? '')).to.deep.equal(['', '', '', '']);
    expect(stored?.manager ?? null).to.equal(null);
  });

  it('POST /.search at the root pages across users and groups, and sorts across them', async () => {
    const { managerId, reportId, groupIds } = await seed();
    const all = await h.request('POST', '/.search', { excludedAttributes: ['members'] });
    expect(all.body.totalResults).to.equal(4);
    const order = all.body.Resources.map((r: { id: string }) => r.id);
    expect(order.slice(0, 2).sort()).to.deep.equal([managerId, reportId].sort());
    expect(order.slice(2).sort()).to.deep.equal([...groupIds].sort());

    // A page across the boundary between the types is the same slice of the same order.
    const page = await h.request('POST', '/.search', body('search-root-page.json'));
    expect(page.body).to.include({ totalResults: 4, startIndex: 2, itemsPerPage: 2 });
    expect(page.body.Resources.map((r: { id: string }) => r.id)).to.deep.equal(order.slice(1, 3));
    expect(page.body.Resources.map((r: { meta: { resourceType: string } }) => r.meta.resourceType)).to.deep.equal([
      'User',
      'Group',
    ]);

    // "Alex Vance", "Admins", "Builders", "Babs Jensen" sorted descending by displayName, first three, projected.
    const sorted = await h.request('POST', '/.search', body('search-root-sorted.json'));
    expect(sorted.status, JSON.stringify(sorted.body)).to.equal(200);
    expect(sorted.body).to.include({ totalResults: 4, itemsPerPage: 3 });
    expect(sorted.body.Resources.map((r: { displayName: string }) => r.displayName)).to.deep.equal([
      'Builders',
      'Babs Jensen',
      'Alex Vance',
    ]);
    expect(Object.keys(sorted.body.Resources[0]).sort()).to.deep.equal(['displayName', 'id', 'schemas']);

    // GET / with a filter on meta.resourceType, as the RFC allows: only groups, and the users are never asked.
    const before = emulator.requests.length;
    const groupsOnly = await h.request('GET', `/?filter=${encodeURIComponent('meta.resourceType eq "Group"')}`);
    expect(groupsOnly.body.Resources.map((r: { id: string }) => r.id).sort()).to.deep.equal([...groupIds].sort());
    expect(emulator.requests.slice(before).some((r) => r.path.includes('systemusers'))).to.equal(false);
    expect(emulator.violations, 'contract drift recorded by the emulator').to.deep.equal([]);
  });
});
