import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Runs the CLI as a user would (a separate process, its own in-process emulator), minus the build step. */
async function explain(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', 'cli', 'main.ts'), 'explain', ...args], { cwd: ROOT, env: { ...process.env, ...env } });
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
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
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
    expect(stdout).to.match(/1\. POST \/api\/search\/systemusers\?limit=10&skip=0 → 200/);
    expect(stdout).to.match(/2\. POST \/api\/systemusers → 200/);
    expect(stdout).to.match(/"username":"marie\.curie"/);
    expect(stdout).to.contain('Attribute mapping (SCIM path → JumpCloud field → value sent → value JumpCloud stored)');
    expect(stdout).to.match(/^\s+userName\s+username \[userName\]\s+"marie\.curie" → username="marie\.curie" → stored username="marie\.curie"$/m);
    expect(stdout).to.match(/^\s+externalId\s+attributes\.scimExternalId \[plain\]\s+"f6a1c3e2-0000-4000-8000-000000000001" → attributes\.scimExternalId=/m);
    // The create body carries `state`, not `suspended`: the row shows what was really sent, then what JumpCloud kept.
    expect(stdout).to.match(/^\s+active\s+suspended \[notSuspended\]\s+true → state="ACTIVATED" → stored suspended=false, state="ACTIVATED"$/m);
    expect(stdout).to.match(/^\s+urn:ietf:params:scim:schemas:extension:enterprise:2\.0:User:department\s+department \[plain\]\s+"Physics" → department="Physics"/m);
    expect(stdout).to.contain('SCIM response\n  201 Created');
    expect(stdout).to.contain('Result: accepted (201).');
    expect(stdout).to.not.match(/jca_[0-9a-f]{40}/);
  });

  it('prints the rule and the fix for a rejected request and exits 1', async () => {
    const body = path.join(dir, 'bad.json');
    writeFileSync(body, JSON.stringify({ userName: '1marie', emails: [{ value: 'marie.curie@example.com' }] }));
    const { code, stdout } = await explain(['POST', '/Users', '--body', body]);
    expect(code).to.equal(1);
    expect(stdout).to.contain('REJECTED: HTTP 400, scimType invalidValue');
    expect(stdout).to.match(/Rule and fix: userName "1marie" breaks JumpCloud's username rule: it must start with a letter\. Use an Entra attribute/);
  });

  it('UNKNOWN_ATTRIBUTES=ignore: the ignored attributes appear as notes, and the create is accepted', async () => {
    const body = path.join(dir, 'okta.json');
    writeFileSync(body, JSON.stringify({ userName: 'okta.user', emails: [{ value: 'okta.user@example.com' }], nickName: 'Oki', 'urn:okta:custom:1.0:User': { colour: 'blue' } }));
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
});
