import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import type { Emulator } from '../../src/emulator/index.js';
import { emulatedBridge, type Harness } from '../helpers/bridge-harness.js';

/**
 * Entra's documented request bodies, kept verbatim as fixtures and replayed through the real HTTP stack (bridge →
 * its node:http wire → emulator). Each runs against a fresh directory with one user (and a manager). The fixtures name their public source: Microsoft's SCIM tutorial
 * (https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups), its SCIM
 * compatibility page (…/application-provisioning-config-problem-scim-compatibility), its attribute-mapping page
 * (…/customize-application-attributes), or an issue thread.
 */

interface Fixture {
  description: string;
  setup?: { manager?: boolean };
  request: { method: string; path: string; body?: unknown };
  response: { status: number; scimType?: string; detail?: string; expect?: Record<string, unknown>; absent?: string[] };
}

const fixturesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
/** Entra's documented bodies, then the shapes generic SCIM clients send (Okta, OneLogin, the validator, scripts). */
const load = (...parts: string[]): { file: string; fx: Fixture }[] => {
  const dir = path.join(fixturesDir, ...parts);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ file: `${parts[0]}/${f}`, fx: JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as Fixture }));
};
const fixtures = [...load('entra', 'users'), ...load('generic', 'users')];

function substitute<T>(value: T, vars: Record<string, string>): T {
  let text = JSON.stringify(value);
  for (const [k, v] of Object.entries(vars)) text = text.split(`{${k}}`).join(v);
  return JSON.parse(text) as T;
}

describe('e2e: Entra and generic-client request fixtures replayed against the emulator', () => {
  const stack = emulatedBridge();
  let emulator: Emulator;
  let h: Harness;
  beforeEach(() => ({ h, emulator } = stack()));

  it('replays every file in the fixture folders, each a well-formed request with the response it must get', () => {
    // Nothing in the folders is skipped: a misnamed or malformed file fails here instead of silently not running.
    const listed = ['entra', 'generic']
      .flatMap((source) => readdirSync(path.join(fixturesDir, source, 'users')).map((f) => `${source}/${f}`))
      .sort();
    expect(fixtures.map((f) => f.file).sort()).to.deep.equal(listed);
    for (const { file, fx } of fixtures) {
      expect(fx.description, file).to.be.a('string').and.not.equal('');
      expect(fx.request.method, file).to.be.oneOf(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
      expect(fx.request.path, file).to.match(/^\/Users(\/|\?|$)/);
      expect(fx.response.status, file).to.be.a('number');
    }
  });

  it("Entra's fixtures cover every user request its provisioning cycle sends (test connection, match, create, read, update, disable, delete)", () => {
    const shape = (r: Fixture['request']): string =>
      `${r.method} ${r.path.replace(/\{id\}/, '{id}').replace(/\?.*$/, '?…')}`;
    const covered = new Set(fixtures.filter((f) => f.file.startsWith('entra/')).map((f) => shape(f.fx.request)));
    expect([...covered].sort()).to.include.members([
      'DELETE /Users/{id}',
      'GET /Users/{id}',
      'GET /Users?…',
      'PATCH /Users/{id}',
      'POST /Users',
    ]);
    // Each documented PATCH form has a fixture: default mode (capitalised ops, string booleans), the aadOptscim062020
    // flag (path-less), and the manager's shapes.
    const files = fixtures.map((f) => f.file);
    for (const form of ['patch-default-', 'patch-flag-', 'patch-manager-'])
      expect(
        files.some((f) => f.startsWith(`entra/${form}`)),
        form,
      ).to.equal(true);
  });

  for (const { file, fx } of fixtures) {
    it(`${file}: ${fx.description}`, async () => {
      emulator.reset();
      const manager = await h.request('POST', '/Users', { userName: 'mgr', emails: [{ value: 'mgr@example.com' }] });
      const user = await h.request('POST', '/Users', {
        userName: 'bjensen',
        externalId: 'ext-bjensen',
        name: { givenName: 'Barbara', familyName: 'Jensen' },
        emails: [{ type: 'work', value: 'bjensen@example.com', primary: true }],
        ...(fx.setup?.manager
          ? { 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { manager: String(manager.body.id) } }
          : {}),
      });
      expect(user.status, JSON.stringify(user.body)).to.equal(201);
      const vars = { id: String(user.body.id), managerId: String(manager.body.id), base: h.base };
      const req = substitute(fx.request, vars);
      const res = await h.request(req.method, req.path, req.body);
      const want = substitute(fx.response, vars);
      expect(res.status, JSON.stringify(res.body)).to.equal(want.status);
      if (want.scimType) expect(res.body.scimType).to.equal(want.scimType);
      if (want.detail) expect(res.body.detail).to.contain(want.detail);
      if (want.expect) expect(res.body).to.deep.include(want.expect);
      for (const key of want.absent ?? []) expect(res.body).to.not.have.property(key);
      if (res.status === 200 && req.method === 'PATCH') {
        // What the PATCH answered is what a later read returns: Entra diffs GET against its own view.
        const again = await h.request('GET', `/Users/${vars.id}`);
        expect(again.body).to.deep.equal(res.body);
      }
      expect(emulator.violations, 'contract drift recorded by the emulator').to.deep.equal([]);
    });
  }
});
