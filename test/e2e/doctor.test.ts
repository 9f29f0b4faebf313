import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { createEmulator, type Emulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/index.js';
import { parseDoctorArgs, runDoctor, type DoctorArgs, type DoctorIo } from '../../src/cli/doctor.js';
import { UsageError } from '../../src/cli/explain-args.js';
import { KeyError } from '../../src/cli/api-key.js';

const KEY = 'doctorKey0123456789abcdef';
const ORG = '5f0000000000000000000001';
const OTHER_ORG = '5f0000000000000000000002';

interface Org {
  emulator: Emulator;
  running: RunningEmulator;
}

async function org(options: EmulatorOptions = {}): Promise<Org> {
  const emulator = createEmulator({ apiKeys: [KEY], orgId: ORG, ...options });
  emulator.seedExampleUsers();
  return { emulator, running: await emulator.listen() };
}

/** One report line per check: "✓ title" / "✗ title" / "- title (skipped)". */
function verdicts(text: string): string[] {
  return text.split('\n').filter((l) => /^[✓✗-] /.test(l));
}

function line(text: string, title: string): string {
  const found = verdicts(text).find((l) => l.includes(title));
  if (!found) throw new Error(`no check '${title}' in:\n${text}`);
  return found;
}

/** The block of one check: its ✓/✗ line, evidence and fix. */
function block(text: string, title: string): string {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^[✓✗-] /.test(l) && l.includes(title));
  if (start < 0) throw new Error(`no check '${title}' in:\n${text}`);
  const end = lines.findIndex((l, i) => i > start && !l.startsWith('    '));
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

async function doctor(
  o: Org,
  env: Record<string, string> = {},
  args: Partial<DoctorArgs> = {},
  io: DoctorIo = {},
): Promise<{ text: string; exitCode: number }> {
  return runDoctor(
    { writeCheck: false, yes: false, ...args },
    { JUMPCLOUD_API_KEY: KEY, JUMPCLOUD_URL: o.running.url, JUMPCLOUD_TIMEOUT_MS: '5000', ...env },
    { regions: { US: o.running.url }, ...io },
  );
}

describe('e2e: doctor against the emulator', function () {
  this.timeout(20_000);
  const orgs: Org[] = [];
  const make = async (options: EmulatorOptions = {}): Promise<Org> => {
    const o = await org(options);
    orgs.push(o);
    return o;
  };
  afterEach(async () => {
    await Promise.all(orgs.splice(0).map((o) => o.running.close()));
  });

  it('a healthy org passes every check, in the issue order, and exits 0', async () => {
    const o = await make();
    const { text, exitCode } = await doctor(o);
    expect(verdicts(text).map((l) => l.slice(0, 1))).to.deep.equal(Array(8).fill('✓'));
    expect(verdicts(text).map((l) => l.slice(2))).to.deep.equal([
      'Console URL answers and the region is right',
      'API key is valid and may write',
      'x-org-id (multi-tenant keys)',
      'Users and user groups can be listed',
      'Search accepts every expression form the bridge sends',
      'Searches return the fields the bridge reads',
      'Custom attributes named by the mapping',
      'Directory size and unpushable filters',
    ]);
    expect(text).to.include('All 8 checks passed.');
    expect(exitCode).to.equal(0);
    expect(o.emulator.store.users.size, 'nothing was written').to.equal(4);
    expect(o.emulator.requests.some((r) => r.method === 'POST' && r.path === '/api/systemusers')).to.equal(false);
    expect(o.emulator.violations, 'every probe is a valid JumpCloud request').to.deep.equal([]);
  });

  it('console: no answer at the URL fails with the console list as the fix', async () => {
    const o = await make();
    await o.running.close();
    orgs.splice(0);
    const { text, exitCode } = await doctor(o);
    expect(line(text, 'Console URL')).to.match(/^✗/);
    expect(block(text, 'Console URL'))
      .to.match(/no answer \(network: connection failed\)/)
      .and.to.include('fix: Set JUMPCLOUD_URL');
    expect(line(text, 'API key')).to.match(/^- .*\(skipped\)/);
    expect(exitCode).to.equal(1);
  });

  it("region: a 401 here while another region's console knows the key names that console", async () => {
    const us = await make({ apiKeys: ['someone-elses-key'] });
    const eu = await make();
    const { text, exitCode } = await doctor(us, {}, {}, { regions: { US: us.running.url, EU: eu.running.url } });
    expect(line(text, 'Console URL')).to.match(/^✗/);
    const b = block(text, 'Console URL');
    expect(b).to.include('401').and.to.include('accepted by the EU console: it belongs to the EU region');
    expect(b).to.include(`fix: Set JUMPCLOUD_URL=${eu.running.url}`);
    expect(exitCode).to.equal(1);
  });

  it("key: a key no console knows fails the key check with JumpCloud's 401 message", async () => {
    const o = await make({ apiKeys: ['someone-elses-key'] });
    const { text } = await doctor(o);
    expect(line(text, 'Console URL')).to.match(/^✓/);
    expect(block(text, 'Console URL')).to.include('no other region accepts the key either');
    expect(line(text, 'API key')).to.match(/^✗/);
    expect(block(text, 'API key')).to.include('api key user not found').and.to.include('fix: Copy the key again');
  });

  it('key: a read-only key reads but fails "may write" (403 on an update that cannot change anything)', async () => {
    const o = await make({ modes: { readOnlyKeys: [KEY] } });
    const { text } = await doctor(o);
    expect(line(text, 'API key')).to.match(/^✗/);
    expect(block(text, 'API key'))
      .to.include('PUT /api/systemusers/000000000000000000000000 → 403')
      .and.to.include('read-only role');
    expect(line(text, 'Users and user groups')).to.match(/^✓/);
    expect(o.emulator.store.users.size).to.equal(4);
  });

  it('x-org-id: an MSP key without JUMPCLOUD_ORG_ID fails and lists the organizations to choose from', async () => {
    const o = await make({
      modes: {
        multiTenant: {
          organizations: [
            { _id: ORG, displayName: 'Contoso' },
            { _id: OTHER_ORG, displayName: 'Fabrikam' },
          ],
        },
      },
    });
    const { text, exitCode } = await doctor(o);
    expect(line(text, 'x-org-id')).to.match(/^✗/);
    const b = block(text, 'x-org-id');
    expect(b)
      .to.include('multi-tenant (MSP) key reaching 2 organizations')
      .and.to.include('ID not included for multi-tenant admin');
    expect(b).to.include(
      `fix: Set JUMPCLOUD_ORG_ID to the organization the bridge should provision: one of ${ORG} (Contoso), ${OTHER_ORG} (Fabrikam)`,
    );
    expect(line(text, 'Users and user groups')).to.match(/^- /);
    expect(exitCode).to.equal(1);

    const fixed = await doctor(o, { JUMPCLOUD_ORG_ID: ORG });
    expect(line(fixed.text, 'x-org-id')).to.match(/^✓/);
    expect(fixed.exitCode).to.equal(0);
  });

  it('x-org-id: an org id the key does not reach fails', async () => {
    const o = await make();
    const { text } = await doctor(o, { JUMPCLOUD_ORG_ID: OTHER_ORG });
    expect(line(text, 'x-org-id')).to.match(/^✗/);
    expect(block(text, 'x-org-id')).to.include(`JUMPCLOUD_ORG_ID=${OTHER_ORG} is not an organization this key reaches`);
  });

  it('a 401 on a URL that is not a JumpCloud console never sends the key to the real consoles', async () => {
    const o = await make({ apiKeys: ['someone-elses-key'] });
    const { text } = await doctor(
      o,
      {},
      {},
      {
        regions: { US: 'https://console.jumpcloud.com' },
        probeFor: () => {
          throw new Error('no other console may be asked');
        },
      },
    );
    expect(block(text, 'Console URL')).to.include('other regions not tried');
    expect(line(text, 'API key')).to.match(/^✗/);
  });

  it('search: a throttled probe is "no verdict", not "refused"', async () => {
    const o = await make();
    o.emulator.faults.inject({ method: 'POST', path: '/api/search/systemusers', status: 429, times: 1 });
    const { text } = await doctor(o);
    expect(block(text, 'Search accepts')).to.match(
      /✗ field: \$regex \(\?i\)\^…\$: no verdict, JumpCloud did not answer it \(throttled or failing\) — POST \/api\/search\/systemusers\?limit=1&skip=0 → 429/,
    );
  });

  it('lists: user groups that cannot be listed fail the list check', async () => {
    const o = await make();
    o.emulator.faults.inject({ method: 'GET', path: '/api/v2/usergroups', status: 403 });
    const { text } = await doctor(o);
    expect(line(text, 'Users and user groups')).to.match(/^✗/);
    expect(block(text, 'Users and user groups')).to.include('GET /api/v2/usergroups?limit=1&skip=0 → 403');
  });

  it('search: an org that refuses (?i) regex flags fails, naming the forms and the SCIM filters that use them', async () => {
    const o = await make({ modes: { refuseSearch: { inlineRegexFlags: true } } });
    const { text } = await doctor(o);
    expect(line(text, 'Search accepts')).to.match(/^✗/);
    const b = block(text, 'Search accepts');
    expect(b).to.match(
      /✗ field: \$regex \(\?i\)\^…\$: refused — POST \/api\/search\/systemusers\?limit=1&skip=0 → 400 ".*inline flags are not supported" .*used by userName eq "zzdoctor/,
    );
    expect(b).to.match(/✓ dotted\.key: string literal: 0 users/);
  });

  it('search: a form JumpCloud silently ignores (matches users for a value nobody has) fails', async () => {
    const o = await make();
    // A backend that ignores `$regex` answers as if there were no condition at all.
    o.emulator.faults.inject({
      method: 'POST',
      path: '/api/search/systemusers',
      status: 200,
      body: { totalCount: 4, results: [] },
      times: 1,
    });
    const { text } = await doctor(o);
    expect(block(text, 'Search accepts')).to.match(
      /✗ field: \$regex \(\?i\)\^…\$: matched 4 users for a value nobody has/,
    );
  });

  it('fields: a search that drops a field the bridge reads fails; a stingy default list is only reported', async () => {
    const o = await make({ modes: { searchFields: { never: ['phoneNumbers'] } } });
    const { text } = await doctor(o);
    expect(line(text, 'Searches return')).to.match(/^✗/);
    expect(block(text, 'Searches return')).to.include(
      'the search dropped phoneNumbers, which GET /api/systemusers/{id} has',
    );

    const stingy = await make({ modes: { searchFields: { defaults: ['username', 'email'] } } });
    const ok = await doctor(stingy);
    expect(line(ok.text, 'Searches return')).to.match(/^✓/);
    expect(block(ok.text, 'Searches return')).to.match(
      /without "fields" JumpCloud leaves out: .*attributes.*phoneNumbers/,
    );
  });

  it('custom attributes: counts users per mapped attribute, and fails when JumpCloud will not say', async () => {
    const o = await make();
    o.emulator.store.addUser({
      username: 'kept',
      email: 'kept@example.com',
      attributes: [{ name: 'scimExternalId', value: 'x' }],
    });
    const { text } = await doctor(o);
    expect(block(text, 'Custom attributes'))
      .to.include('scimExternalId: on 1 user')
      .and.to.include('scimNameFormatted: on no user, free for the bridge');

    const strict = await make({ modes: { refuseSearch: { dottedKeys: true } } });
    const failed = await doctor(strict);
    expect(line(failed.text, 'Custom attributes')).to.match(/^✗/);
    expect(block(failed.text, 'Custom attributes')).to.include('unsupported field path "attributes.name"');
  });

  it('size: a directory beyond MAX_FILTER_SCAN fails with what unpushable filters will do', async () => {
    const o = await make();
    for (let i = 0; i < 97; i += 1) o.emulator.store.addUser({ username: `bulk${i}`, email: `bulk${i}@example.com` });
    const { text } = await doctor(o, { MAX_FILTER_SCAN: '100' });
    expect(line(text, 'Directory size')).to.match(/^✗/);
    const b = block(text, 'Directory size');
    expect(b).to.include('101 users').and.to.include('2 pages of 100').and.to.include('400 tooMany');
    expect(b).to.include('fix: Raise MAX_FILTER_SCAN to at least 101');
  });

  describe('--write-check', () => {
    it('creates one STAGED throwaway user, exercises each write, reads it back and deletes it', async () => {
      const o = await make();
      const { text, exitCode } = await doctor(o, {}, { writeCheck: true, yes: true }, { suffix: 'cafe0001' });
      expect(exitCode, text).to.equal(0);
      for (const t of [
        'Create a STAGED throwaway user doctor.throwaway.cafe0001',
        'PUT with "" clears a field',
        'PUT replaces the phone numbers',
        'PUT changes alternateEmail',
        'PUT with "" clears alternateEmail',
        'PUT sets a manager',
        'PUT with manager null clears the manager',
        'Delete the throwaway user',
      ]) {
        expect(line(text, t)).to.match(/^✓/);
      }
      const create = o.emulator.requests.find((r) => r.method === 'POST' && r.path === '/api/systemusers');
      expect(create?.body).to.include({ username: 'doctor.throwaway.cafe0001', state: 'STAGED' });
      expect(o.emulator.store.users.size, 'the throwaway user is gone').to.equal(4);
      expect(o.emulator.violations).to.deep.equal([]);
    });

    it('reports every difference JumpCloud introduces (a normalising org), and still deletes the user', async () => {
      const o = await make({ modes: { normalise: { email: 'lowercase', 'phoneNumbers.number': 'digits' } } });
      const { text, exitCode } = await doctor(o, {}, { writeCheck: true, yes: true }, { suffix: 'cafe0002' });
      expect(exitCode).to.equal(1);
      const b = block(text, 'Create a STAGED throwaway user');
      expect(b).to.match(/^✗/);
      expect(b).to.include(
        'answer: email: sent "Doctor.Throwaway.cafe0002@Example.com" → stored "doctor.throwaway.cafe0002@example.com" (case changed)',
      );
      expect(b).to.include('read back: phoneNumbers: sent');
      expect(line(text, 'Delete the throwaway user')).to.match(/^✓/);
      expect(o.emulator.store.users.size).to.equal(4);
    });

    it('asks first, and writes nothing unless the answer is yes', async () => {
      const o = await make();
      let asked = '';
      const { text, exitCode } = await doctor(
        o,
        {},
        { writeCheck: true },
        { suffix: 'cafe0003', ask: async (q) => ((asked = q), 'no') },
      );
      expect(asked).to.include('creates the STAGED user doctor.throwaway.cafe0003').and.to.include('Type "yes"');
      expect(block(text, 'Write check')).to.include('not confirmed: nothing was written');
      expect(exitCode).to.equal(1);
      expect(
        o.emulator.requests.filter(
          (r) =>
            r.method !== 'GET' &&
            !r.path.startsWith('/api/search/') &&
            r.path !== '/api/systemusers/000000000000000000000000',
        ),
      ).to.deep.equal([]);
    });

    it('a read-only key never gets to write: the write check is skipped after the key check fails', async () => {
      const o = await make({ modes: { readOnlyKeys: [KEY] } });
      const { text } = await doctor(o, {}, { writeCheck: true, yes: true });
      expect(block(text, 'Write check')).to.include('skipped');
      expect(o.emulator.store.users.size).to.equal(4);
    });
  });

  describe('the key', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'doctor-'));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('comes from --key-file or JUMPCLOUD_API_KEY, never from the command line', async () => {
      expect(() => parseDoctorArgs(['--key', KEY])).to.throw(UsageError, /never taken from the command line/);
      expect(() => parseDoctorArgs([`--key=${KEY}`])).to.throw(UsageError);
      expect(() => parseDoctorArgs(['--yes'])).to.throw(UsageError, /--yes only goes with --write-check/);
      const o = await make();
      const file = path.join(dir, 'key');
      writeFileSync(file, `${KEY}\n`);
      const viaFile = await runDoctor(
        { writeCheck: false, yes: false, keyFile: file },
        { JUMPCLOUD_URL: o.running.url },
        { regions: { US: o.running.url } },
      );
      expect(viaFile.exitCode).to.equal(0);
      expect(viaFile.text).to.not.include(KEY);
      const missing = await runDoctor({ writeCheck: false, yes: false }, { JUMPCLOUD_URL: o.running.url }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(missing).to.be.instanceOf(KeyError);
      expect(String(missing)).to.include('set JUMPCLOUD_API_KEY or pass --key-file FILE');
    });

    it('the installed command refuses --key with exit code 2 and runs the checks with the key from the environment', async () => {
      const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
      const cli = (
        args: string[],
        env: Record<string, string>,
      ): Promise<{ code: number; stdout: string; stderr: string }> =>
        promisify(execFile)(
          process.execPath,
          ['--import', 'tsx', path.join(root, 'src', 'cli', 'main.ts'), 'doctor', ...args],
          { cwd: root, env: { ...process.env, ...env } },
        ).then(
          (r) => ({ code: 0, ...r }),
          (e: { code: number; stdout: string; stderr: string }) => e,
        );
      const refused = await cli(['--key', KEY], {});
      expect(refused.code).to.equal(2);
      expect(refused.stderr).to.include('doctor: the key is never taken from the command line');
      const o = await make({ modes: { readOnlyKeys: [KEY] } });
      const run = await cli([], { JUMPCLOUD_API_KEY: KEY, JUMPCLOUD_URL: o.running.url });
      expect(run.code).to.equal(1);
      expect(run.stdout).to.match(/^✗ API key is valid and may write$/m);
      expect(run.stdout + run.stderr).to.not.include(KEY);
    });
  });
});
