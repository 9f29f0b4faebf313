import { expect } from 'chai';
import { parseSandboxArgs, sandboxBanner } from '../../../src/cli/sandbox-session.js';
import { loadConfig } from '../../../src/config.js';

describe('sandbox options and banner', () => {
  it('reads --state-file, --key and SANDBOX_STATE_FILE (the flag wins)', () => {
    expect(parseSandboxArgs([])).to.deep.equal({});
    expect(parseSandboxArgs([], { SANDBOX_STATE_FILE: 'env.json' })).to.deep.equal({ stateFile: 'env.json' });
    expect(
      parseSandboxArgs(['--state-file', 'flag.json', '--key', 'k'], { SANDBOX_STATE_FILE: 'env.json' }),
    ).to.deep.equal({ stateFile: 'flag.json', apiKey: 'k' });
    expect(parseSandboxArgs(['--help'])).to.equal('help');
  });

  it('rejects unknown options and missing values', () => {
    expect(() => parseSandboxArgs(['--port', '1'])).to.throw(/unknown option --port/);
    expect(() => parseSandboxArgs(['--state-file'])).to.throw(/--state-file needs a value/);
  });

  it('prints the Tenant URL, the token, copy-pasteable curls and the debug page', () => {
    const text = sandboxBanner({
      apiKey: 'jca_key',
      tenantUrl: 'http://localhost:8080/scim/v2',
      debugUrl: 'http://localhost:8080/debug',
      emulatorUrl: 'http://127.0.0.1:9999',
      config: loadConfig({ JUMPCLOUD_URL: 'http://127.0.0.1:9999' }),
    });
    expect(text).to.contain('Tenant URL:   http://localhost:8080/scim/v2');
    expect(text).to.contain('Secret token: jca_key');
    expect(text).to.contain("curl -sS -X POST 'http://localhost:8080/scim/v2/Users'");
    expect(text).to.contain("-H 'Content-Type: application/scim+json'");
    expect(text).to.contain(
      "curl -sS 'http://localhost:8080/scim/v2/Users?count=10' -H 'Authorization: Bearer jca_key'",
    );
    expect(text).to.contain('Debug page:   http://localhost:8080/debug');
    const body = /-d '(.*)'$/m.exec(text)?.[1] ?? '';
    expect(JSON.parse(body)).to.deep.include({ userName: 'marie.curie' });
  });
});
