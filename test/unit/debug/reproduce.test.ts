import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { curlCommand, explainCommand, shellQuote } from '../../../src/debug/reproduce.js';
import { parseExport } from '../../../src/observability/exchange-export.js';

const run = promisify(execFile);
const KEY = 'test-key-not-a-jumpcloud-key-0001';

describe('debug/reproduce: copy as curl and copy as explain', () => {
  it('shell-quotes so that nothing in a value is expanded', async () => {
    const hostile = `it's $(touch /tmp/pwned) \`id\` "$HOME"`;
    const { stdout } = await run('sh', ['-c', `printf %s ${shellQuote(hostile)}`]);
    expect(stdout).to.equal(hostile);
  });

  it('curl takes the key from $JUMPCLOUD_API_KEY at run time and carries the recorded body', async () => {
    const text = curlCommand(
      { method: 'patch', url: "/scim/v2/Users/abc?x='1'", requestBody: { userName: "o'brien" } },
      'http://localhost:8080',
    );
    expect(text).to.equal(
      [
        "curl -sS -X PATCH 'http://localhost:8080/scim/v2/Users/abc?x='\\''1'\\''' \\",
        '  -H "Authorization: Bearer $JUMPCLOUD_API_KEY" \\',
        "  -H 'Accept: application/scim+json' \\",
        "  -H 'Content-Type: application/scim+json' \\",
        `  --data-binary '{"userName":"o'\\''brien"}'`,
        '',
      ].join('\n'),
    );
    // What the shell would send: the key from the environment, the body unchanged.
    const { stdout } = await run('sh', ['-c', text.replace(/^curl -sS/, 'printf "%s\\n"')], {
      env: { ...process.env, JUMPCLOUD_API_KEY: KEY },
    });
    expect(stdout.split('\n')).to.include.members([`Authorization: Bearer ${KEY}`, '{"userName":"o\'brien"}']);
  });

  it('explain replays a one-exchange export from standard input, masked with the secrets it is given', () => {
    const e = {
      seq: 3,
      id: 'r1',
      at: 't',
      method: 'POST',
      url: '/scim/v2/Users',
      requestBody: { userName: 'x', note: `token ${KEY}` },
      status: 400,
      durationMs: 1,
      upstream: [],
      traced: false,
      dryRun: false,
    };
    const text = explainCommand(e, [KEY]);
    const [first, json, last, end] = text.split('\n');
    expect(first).to.equal("npm run --silent explain -- --replay - <<'SCIM_EXCHANGE'");
    expect(last).to.equal('SCIM_EXCHANGE');
    expect(end).to.equal('');
    expect(text).to.not.contain(KEY);
    expect(text).to.not.match(/--key\b/);
    expect(parseExport(json ?? '', 'clipboard')).to.deep.equal([
      { ...e, requestBody: { userName: 'x', note: 'token ***' } },
    ]);
  });
});
