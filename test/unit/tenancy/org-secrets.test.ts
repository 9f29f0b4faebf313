import { expect } from 'chai';
import { parseOrgSecrets } from '../../../src/tenancy/org-secrets.js';

const ORG_A = '5f1b2c3d4e5f6a7b8c9d0e1f';
const ORG_B = 'aabbccddeeff001122334455';
const SECRET_A = 'a'.repeat(32) + '-org-a';
const SECRET_B = 'b'.repeat(32) + '-org-b';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

const file = (v: unknown): string => JSON.stringify(v);

function failure(text: string): string {
  try {
    parseOrgSecrets(text);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected parseOrgSecrets to fail');
}

describe('per-org secrets file (bridge-held-key modes)', () => {
  it('reads each org id with its key, secrets (current + previous) and Entra tenants', () => {
    const orgs = parseOrgSecrets(
      file({
        [ORG_A.toUpperCase()]: {
          apiKey: 'keyA',
          bridgeSecret: SECRET_A,
          bridgeSecretPrevious: `${SECRET_A}-old`,
          entraTenantIds: [TENANT.toUpperCase()],
        },
        [ORG_B]: { apiKey: 'keyB', bridgeSecret: SECRET_B },
      }),
    );
    expect([...orgs.keys()]).to.deep.equal([ORG_A, ORG_B]);
    expect(orgs.get(ORG_A)).to.deep.equal({
      orgId: ORG_A,
      apiKey: 'keyA',
      bridgeSecrets: [SECRET_A, `${SECRET_A}-old`],
      entraTenantIds: [TENANT],
    });
    expect(orgs.get(ORG_B)?.entraTenantIds).to.deep.equal([]);
  });

  const cases: [string, unknown, string][] = [
    ['a non-object', [], 'must be a JSON object keyed by JumpCloud org id'],
    [
      'a bad org id',
      { 'not-an-org': { apiKey: 'k', bridgeSecret: SECRET_A } },
      'entry 1 is not keyed by a JumpCloud org id (24 hex characters)',
    ],
    [
      'a missing key',
      { [ORG_A]: { bridgeSecret: SECRET_A } },
      `org ${ORG_A} needs apiKey, a JumpCloud key without whitespace`,
    ],
    [
      'a short secret',
      { [ORG_A]: { apiKey: 'k', bridgeSecret: 'short' } },
      `org ${ORG_A} bridgeSecret must be at least 32 characters`,
    ],
    [
      'the key as secret',
      { [ORG_A]: { apiKey: SECRET_A, bridgeSecret: SECRET_A } },
      `org ${ORG_A} bridgeSecret must not be the JumpCloud key`,
    ],
    [
      'no way in',
      { [ORG_A]: { apiKey: 'k' } },
      `org ${ORG_A} needs bridgeSecret (or entraTenantIds for entra-token mode)`,
    ],
    [
      'a shared secret',
      { [ORG_A]: { apiKey: 'k', bridgeSecret: SECRET_A }, [ORG_B]: { apiKey: 'k2', bridgeSecret: SECRET_A } },
      `org ${ORG_B} bridgeSecret is also a secret of org ${ORG_A}; each org needs its own`,
    ],
    [
      'a shared tenant',
      { [ORG_A]: { apiKey: 'k', entraTenantIds: [TENANT] }, [ORG_B]: { apiKey: 'k2', entraTenantIds: [TENANT] } },
      `Entra tenant ${TENANT} is listed for org ${ORG_B} and org ${ORG_A}`,
    ],
    [
      'a bad tenant',
      { [ORG_A]: { apiKey: 'k', entraTenantIds: ['contoso'] } },
      'entraTenantIds must be a list of Entra tenant ids (GUIDs)',
    ],
    ['an unknown field', { [ORG_A]: { apiKey: 'k', bridgeSecret: SECRET_A, secret: 'x' } }, 'unknown field(s) secret'],
    [
      'one org twice in different case',
      JSON.parse(
        `{"${ORG_A}": {"apiKey":"k","bridgeSecret":"${SECRET_A}"}, "${ORG_A.toUpperCase()}": {"apiKey":"k","bridgeSecret":"${SECRET_A}"}}`,
      ),
      `org ${ORG_A} appears twice`,
    ],
  ];
  for (const [what, value, message] of cases) {
    it(`refuses ${what} with a message naming the org and field, never a value`, () => {
      const msg = failure(file(value));
      expect(msg).to.include(message);
      expect(msg).not.to.include(SECRET_A);
    });
  }

  it('refuses text that is not JSON', () => {
    expect(failure('{ nope')).to.equal('ORG_SECRETS_FILE is not valid JSON');
  });
});
