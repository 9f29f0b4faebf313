import { expect } from 'chai';
import { edgeErrors } from '../../../src/http/edge-errors.js';
import type { ScimError } from '../../../src/scim/errors.js';

const answer = (e: ScimError) => ({
  status: e.status,
  ...(e.scimType ? { scimType: e.scimType } : {}),
  detail: e.detail,
});

/** What the HTTP edge answers on its own: the texts an admin reads in Entra's provisioning log. */
describe('http/edge-errors', () => {
  const cases: [string, ScimError, { status: number; scimType?: string; detail: string }][] = [
    [
      'too many failed authentications',
      edgeErrors.tooManyFailedAuths(),
      {
        status: 429,
        detail: 'Too many failed authentications from this address; check the Secret Token, then try again later',
      },
    ],
    [
      'a body that is not JSON',
      edgeErrors.notJson('text/plain'),
      { status: 415, detail: "Content-Type must be application/scim+json or application/json (got 'text/plain')" },
    ],
    [
      'no Content-Type at all',
      edgeErrors.notJson(undefined),
      { status: 415, detail: "Content-Type must be application/scim+json or application/json (got 'none')" },
    ],
    [
      'bad JSON, the parser message cut to 200 characters',
      edgeErrors.invalidJson('x'.repeat(300)),
      { status: 400, scimType: 'invalidSyntax', detail: `The request body is not valid JSON: ${'x'.repeat(200)}` },
    ],
    [
      'a body over the limit',
      edgeErrors.bodyTooLarge('1mb'),
      { status: 413, detail: 'The request body is larger than the 1 MB the bridge accepts' },
    ],
    [
      'an unknown Content-Encoding',
      edgeErrors.unsupportedEncoding(),
      { status: 415, detail: 'Unsupported Content-Encoding: send the body uncompressed, or as gzip, deflate or br' },
    ],
    [
      'a charset other than UTF-8',
      edgeErrors.unsupportedCharset(),
      { status: 415, detail: 'Unsupported charset: send the body as UTF-8' },
    ],
    [
      'a body cut short by the client',
      edgeErrors.bodyAborted(),
      { status: 400, scimType: 'invalidSyntax', detail: 'The client closed the connection before the body arrived' },
    ],
    [
      'a malformed percent-escape',
      edgeErrors.malformedPercentEscape(),
      {
        status: 400,
        scimType: 'invalidSyntax',
        detail: 'The request path has a malformed percent-escape (a % not followed by two hex digits, or not UTF-8)',
      },
    ],
    [
      'an unreadable body',
      edgeErrors.unreadableBody(),
      {
        status: 400,
        scimType: 'invalidSyntax',
        detail: 'The request body could not be read: it does not decode with its Content-Encoding, or it ended early',
      },
    ],
    ['any other 4xx', edgeErrors.refused(431), { status: 431, detail: 'The request was refused (HTTP 431)' }],
    [
      'outside the SCIM base',
      edgeErrors.notUnderScimBase('/Users'),
      { status: 404, detail: "Nothing at /Users; the SCIM base URL (Entra's Tenant URL) is /scim/v2" },
    ],
    [
      'no such endpoint',
      edgeErrors.noEndpoint('GET', '/Devices', '/Users, /Groups'),
      {
        status: 404,
        detail:
          'No SCIM endpoint at GET /scim/v2/Devices. This bridge serves /Users, /Groups, a search across them at the root (GET / and POST /.search), /ServiceProviderConfig, /ResourceTypes and /Schemas.',
      },
    ],
    [
      'an unknown resource type',
      edgeErrors.unknownResourceType('Device', 'User, Group'),
      { status: 404, detail: 'ResourceType Device not found; this bridge serves User, Group' },
    ],
    [
      'a method the path does not answer',
      edgeErrors.methodNotAllowed('DELETE', '/Users', ['GET', 'POST']),
      { status: 405, detail: 'DELETE is not supported on /Users; this path answers GET, POST.' },
    ],
    [
      'org tenant URLs turned off',
      edgeErrors.orgRoutesOff(),
      {
        status: 404,
        detail:
          'Org tenant URLs (/scim/v2/orgs/{orgId}) are turned off on this bridge (ORG_ROUTES=false); use /scim/v2',
      },
    ],
    [
      'an org segment that is not an org id',
      edgeErrors.notAnOrgId(),
      {
        status: 400,
        scimType: 'invalidValue',
        detail:
          'The org segment of the tenant URL (/scim/v2/orgs/{orgId}) is not a JumpCloud organization id: 24 hex characters, as shown in the admin console under Settings → Organization',
      },
    ],
    [
      'the shared lock unavailable',
      edgeErrors.lockUnavailable('The shared lock store (Redis) cannot be reached'),
      {
        status: 503,
        detail:
          'The shared lock store (Redis) cannot be reached. Nothing was written without the lock; retry the request.',
      },
    ],
    [
      'a bug',
      edgeErrors.internalError('r-1'),
      { status: 500, detail: 'Internal error in the bridge (request id r-1); the log has the details' },
    ],
    [
      'the deadline, with nothing confirmed',
      edgeErrors.deadline(50_000, []),
      {
        status: 503,
        detail:
          "The request did not finish within the bridge's deadline of 50 s (JumpCloud is slow or throttling). JumpCloud confirmed no write before it stopped. Retrying the same request completes it.",
      },
    ],
    [
      'the deadline, with one write confirmed',
      edgeErrors.deadline(1_250, ['POST /api/systemusers → 201']),
      {
        status: 503,
        detail:
          "The request did not finish within the bridge's deadline of 1.3 s (JumpCloud is slow or throttling). JumpCloud confirmed 1 write before it stopped: POST /api/systemusers → 201. Retrying the same request completes it.",
      },
    ],
  ];
  for (const [what, error, want] of cases) it(what, () => expect(answer(error)).to.deep.equal(want));

  it('lists at most 20 confirmed writes and counts the rest', () => {
    const writes = Array.from({ length: 23 }, (_, i) => `PUT /api/systemusers/${i} → 200`);
    const detail = edgeErrors.deadline(50_000, writes).detail;
    expect(detail).to.include('JumpCloud confirmed 23 writes before it stopped: PUT /api/systemusers/0 → 200;');
    expect(detail).to.include('PUT /api/systemusers/19 → 200; and 3 more.');
    expect(detail).not.to.include('/api/systemusers/20 ');
  });

  it('says how deep a body may nest', () => {
    expect(edgeErrors.bodyTooDeep(64)).to.equal('The request body nests deeper than 64 levels; no SCIM document does');
  });
});
