import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import axios from 'axios';
import { expect } from 'chai';
import { startSandbox } from '../../src/cli/sandbox-session.js';
import { exchangeExport } from '../../src/observability/exchange-export.js';
import { silentLogger } from '../../src/observability/logger.js';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Runs the CLI as a user would (a separate process, its own in-process emulator), minus the build step. */
async function explain(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'src', 'cli', 'main.ts'), 'explain', ...args],
      { cwd: ROOT, env: { ...process.env, ...env } },
    );
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

describe('e2e: explain CLI', function () {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'explain-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('shows the JumpCloud calls and the attribute mapping for POST /Users, and exits 0', async () => {
    const body = path.join(dir, 'user.json');
    writeFileSync(
      body,
      JSON.stringify({
        schemas: [
          'urn:ietf:params:scim:schemas:core:2.0:User',
          'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
        ],
        externalId: 'f6a1c3e2-0000-4000-8000-000000000001',
        userName: 'marie.curie',
        active: true,
        emails: [{ primary: true, type: 'work', value: 'marie.curie@example.com' }],
        name: { givenName: 'Marie', familyName: 'Curie' },
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'Physics' },
      }),
    );
    const { code, stdout } = await explain(['POST', '/Users', '--body', body]);
    expect(code, stdout).to.equal(0);
    expect(stdout).to.contain('SCIM request\n  POST /scim/v2/Users');
    expect(stdout).to.match(/1\. POST \/api\/systemusers → 200/);
    expect(stdout).to.not.match(/search\/systemusers/);
    expect(stdout).to.match(/"username":"marie\.curie"/);
    expect(stdout).to.contain('Attribute mapping (SCIM path → JumpCloud field → value sent → value JumpCloud stored)');
    expect(stdout).to.match(
      /^\s+userName\s+username \[userName\]\s+"marie\.curie" → username="marie\.curie" → stored username="marie\.curie"$/m,
    );
    expect(stdout).to.match(
      /^\s+externalId\s+attributes\.scimExternalId \[plain\]\s+"f6a1c3e2-0000-4000-8000-000000000001" → attributes\.scimExternalId=/m,
    );
    // The create body carries `state`, not `suspended`: the row shows what was really sent, then what JumpCloud kept.
    expect(stdout).to.match(
      /^\s+active\s+suspended \[notSuspended\]\s+true → state="ACTIVATED" → stored suspended=false, state="ACTIVATED"$/m,
    );
    expect(stdout).to.match(
      /^\s+urn:ietf:params:scim:schemas:extension:enterprise:2\.0:User:department\s+department \[plain\]\s+"Physics" → department="Physics"/m,
    );
    expect(stdout).to.contain('SCIM response\n  201 Created');
    expect(stdout).to.contain('Result: accepted (201).');
    expect(stdout).to.not.match(/jca_[0-9a-f]{40}/);
  });

  it('shows the group rows of the table for POST /Groups', async () => {
    const body = path.join(dir, 'group.json');
    writeFileSync(
      body,
      JSON.stringify({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: 'Physics Lab',
        externalId: 'g-42',
        members: [],
      }),
    );
    const { code, stdout } = await explain(['POST', '/Groups', '--body', body]);
    expect(code, stdout).to.equal(0);
    expect(stdout).to.match(
      /^\s+displayName\s+name \[text\]\s+"Physics Lab" → name="Physics Lab" → stored name="Physics Lab"$/m,
    );
    expect(stdout).to.match(
      /^\s+externalId\s+description\.externalId \[text\]\s+"g-42" → description="\[scim-bridge externalId=g-42\]" → stored description="\[scim-bridge externalId=g-42\]"$/m,
    );
    expect(stdout).to.match(
      /^\s+members\s+members \(member edges\) \[memberIds\]\s+\[\] → \(not sent: no member changed\) → stored \(unchanged\)$/m,
    );
  });

  it('prints the rule and the fix for a rejected request and exits 1', async () => {
    const body = path.join(dir, 'bad.json');
    writeFileSync(body, JSON.stringify({ userName: '1marie', emails: [{ value: 'marie.curie@example.com' }] }));
    const { code, stdout } = await explain(['POST', '/Users', '--body', body]);
    expect(code).to.equal(1);
    expect(stdout).to.contain('REJECTED: HTTP 400, scimType invalidValue');
    expect(stdout).to.match(
      /Rule and fix: userName "1marie" breaks JumpCloud's username rule: it must start with a letter\. Use an Entra attribute/,
    );
  });

  it('UNKNOWN_ATTRIBUTES=ignore: the ignored attributes appear as notes, and the create is accepted', async () => {
    const body = path.join(dir, 'okta.json');
    writeFileSync(
      body,
      JSON.stringify({
        userName: 'okta.user',
        emails: [{ value: 'okta.user@example.com' }],
        nickName: 'Oki',
        'urn:okta:custom:1.0:User': { colour: 'blue' },
      }),
    );
    const { code, stdout } = await explain(['POST', '/Users', '--body', body], { UNKNOWN_ATTRIBUTES: 'ignore' });
    expect(code, stdout).to.equal(0);
    expect(stdout).to.contain('Notes (2)');
    expect(stdout).to.contain("! [attributeIgnored] Ignored attribute 'nickName'");
    expect(stdout).to.contain("! [attributeIgnored] Ignored attribute 'urn:okta:custom:1.0:User'");
  });

  it('exits 2 with the usage for bad arguments', async () => {
    const { code, stderr } = await explain(['FETCH', '/Users']);
    expect(code).to.equal(2);
    expect(stderr).to.contain("METHOD must be one of GET, POST, PUT, PATCH, DELETE (got 'FETCH')");
    expect(stderr).to.contain('Usage: jumpcloud-scim-bridge explain');
  });

  it('--replay replays a debug-page export in order: emulator seeded from what JumpCloud returned, new ids substituted', async () => {
    const sandbox = await startSandbox({}, { PORT: '0', DEBUG_PAGE: 'true', LOG_LEVEL: 'error' }, silentLogger());
    let file: string;
    let apiKey: string;
    try {
      apiKey = sandbox.apiKey;
      const scim = axios.create({
        baseURL: sandbox.tenantUrl,
        validateStatus: () => true,
        headers: { Authorization: `Bearer ${apiKey}` },
      });
      const ada = (await scim.get('/Users?filter=userName+eq+%22ada.lovelace%22')).data.Resources[0];
      const patch = (value: unknown) => ({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'title', value }],
      });
      expect((await scim.patch(`/Users/${String(ada.id)}`, patch('Countess'))).status).to.equal(200);
      const created = await scim.post('/Users', { userName: 'jane.doe', emails: [{ value: 'jane.doe@example.com' }] });
      expect(created.status).to.equal(201);
      expect((await scim.patch(`/Users/${String(created.data.id)}`, patch('Engineer'))).status).to.equal(200);
      expect(
        (await scim.post('/Users', { userName: 'jane.doe', emails: [{ value: 'jane.doe@example.com' }] })).status,
      ).to.equal(409);
      // Newest first, as the page lists them; replay must put them back in order.
      const exchanges = sandbox.bridge.debug?.buffer.list() ?? [];
      file = path.join(dir, 'export.json');
      writeFileSync(file, JSON.stringify(exchangeExport(exchanges, [])));
    } finally {
      await sandbox.close();
    }
    const { code, stdout } = await explain(['--replay', file]);
    expect(code, stdout).to.equal(0);
    expect(stdout).to.contain('Replaying 5 exchanges from');
    // ada was read (seeded); jane was created in the export (not seeded, created again by the replay).
    expect(stdout).to.contain('Emulator seeded from the export: 1 user, 0 groups');
    expect(stdout.match(/^Replay: (\d+), as recorded\.$/gm)).to.deep.equal([
      'Replay: 200, as recorded.',
      'Replay: 200, as recorded.',
      'Replay: 201, as recorded.',
      'Replay: 200, as recorded.',
      'Replay: 409, as recorded.',
    ]);
    expect(stdout).to.match(
      /^\s+title\s+jobTitle \[plain\]\s+\(none\) → "Engineer" → jobTitle="Engineer" → stored jobTitle="Engineer"$/m,
    );
    expect(stdout).to.contain('Replayed 5: 5 answered as recorded, 0 did not.');
    expect(stdout).to.not.contain(apiKey);

    // The page's "copy as explain" feeds one exchange on standard input.
    const one = JSON.stringify(exchangeExport([JSON.parse(readFileSync(file, 'utf8')).exchanges.at(-1)], []));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'src', 'cli', 'main.ts'), 'explain', '--replay', '-'],
      { cwd: ROOT },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stdin.end(one);
    const exit = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(exit, out).to.equal(0);
    expect(out).to.contain('Replaying 1 exchange from standard input');
    expect(out).to.contain('Replay: 200, as recorded.');
  });

  it('--replay refuses a file that is not an export, with usage exit code 2', async () => {
    const file = path.join(dir, 'not-export.json');
    writeFileSync(file, '{"hello":"world"}');
    const { code, stderr } = await explain(['--replay', file]);
    expect(code).to.equal(2);
    expect(stderr).to.contain(`explain: ${file} is not a debug-page export`);
  });
});
