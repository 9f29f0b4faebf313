import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const eslint = new ESLint({ cwd: ROOT });

/** The layering messages eslint gives `code` written in `file` (a path below src/). */
async function refusals(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport {};\n`, { filePath: `${ROOT}src/${file}` });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports')
    .map((m) => m.message);
}

const refused = async (file: string, code: string) => expect(await refusals(file, code), code).to.have.length(1);
const allowed = async (file: string, code: string) => expect(await refusals(file, code), code).to.deep.equal([]);

describe('layering (eslint, from the folder READMEs)', function () {
  this.timeout(30_000);

  it('has a rule for every folder of src/: a folder nobody lists is refused everywhere but in the CLI', async () => {
    const folders = readdirSync(`${ROOT}src`, { withFileTypes: true }).filter((d) => d.isDirectory());
    expect(folders).to.have.length.above(10);
    for (const { name } of folders) {
      const code = "import { x } from '../a-folder-no-readme-allows/x.js';";
      if (name === 'cli') await allowed(`${name}/probe.ts`, code);
      else await refused(`${name}/probe.ts`, code);
    }
  });

  it('scim/ knows only util/, and jumpcloud/ never SCIM', async () => {
    await allowed('scim/probe.ts', "import { isRecord } from '../util/guards.js';");
    await refused('scim/probe.ts', "import { isJumpCloudError } from '../jumpcloud/errors.js';");
    await refused('scim/probe.ts', "import type { Config } from '../config.js';");
    await refused('jumpcloud/probe.ts', "import { ScimError } from '../scim/errors.js';");
    await refused('jumpcloud/probe.ts', "import { scimErrorFor } from '../mapping/upstream-errors.js';");
  });

  it("jumpcloud/ takes only types from observability/, and values from coordination/'s interfaces alone", async () => {
    await allowed('jumpcloud/probe.ts', "import type { Logger } from '../observability/logger.js';");
    await refused('jumpcloud/probe.ts', "import { redactString } from '../observability/redact.js';");
    await allowed('jumpcloud/probe.ts', "import { keyFingerprint } from '../coordination/primitives.js';");
    await refused('jumpcloud/probe.ts', "import { InProcessLock } from '../coordination/in-process.js';");
  });

  it('mapping/ is pure: JumpCloud types, errors and failure kinds, never the client', async () => {
    await allowed('mapping/probe.ts', "import { FAILURE_KINDS } from '../jumpcloud/failure-kinds.js';");
    await allowed('mapping/probe.ts', "import type { UpstreamCall } from '../jumpcloud/observed.js';");
    await refused('mapping/probe.ts', "import { observed } from '../jumpcloud/observed.js';");
    await refused('mapping/probe.ts', "import { JumpCloudConnection } from '../jumpcloud/client.js';");
    await refused('mapping/probe.ts', "import type { Send } from '../jumpcloud/layer.js';");
    await refused('mapping/probe.ts', "import { UsersResource } from '../resources/users.js';");
  });

  it('nothing below the edge imports http/: only cli/, recording/ and the process composition do', async () => {
    for (const folder of ['resources', 'mapping', 'debug', 'auth', 'observability', 'coordination', 'doctor'])
      await refused(`${folder}/probe.ts`, "import { SCIM_BASE } from '../http/scim-response.js';");
    await allowed('cli/probe.ts', "import { SCIM_BASE } from '../http/scim-response.js';");
    await allowed('recording/probe.ts', "import { locals } from '../http/scim-response.js';");
    await allowed('bridge.ts', "import { SCIM_BASE } from './http/scim-response.js';");
    await refused('config.ts', "import { SCIM_BASE } from './http/scim-response.js';");
  });

  it('the emulator and util/ stand alone', async () => {
    await refused('emulator/probe.ts', "import { isRecord } from '../util/guards.js';");
    await refused('util/probe.ts', "import type { Config } from '../config.js';");
    await allowed('util/probe.ts', "import { isRecord } from './guards.js';");
  });

  it('auth/ takes only the org credential types from tenancy/; resources/ may lock by built keys', async () => {
    await allowed('auth/probe.ts', "import type { OrgCredentials } from '../tenancy/org-secrets.js';");
    await refused('auth/probe.ts', "import { loadOrgSecrets } from '../tenancy/org-secrets.js';");
    await allowed('resources/probe.ts', "import { lockKeys } from '../coordination/lock-keys.js';");
    await refused('resources/probe.ts', "import { InProcessLock } from '../coordination/in-process.js';");
  });
});
