import { ScimError, badRequest, notFound } from '../scim/errors.js';
import { ORG_SEGMENT, SCIM_BASE } from './scim-response.js';

const ORG_URL = `${SCIM_BASE}${ORG_SEGMENT}/{orgId}`;

/** What JumpCloud confirmed before a request stopped, in words. */
function writesDone(confirmedWrites: readonly string[]): string {
  const n = confirmedWrites.length;
  return n
    ? `JumpCloud confirmed ${n} write${n === 1 ? '' : 's'} before it stopped: ${confirmedWrites.slice(0, 20).join('; ')}${n > 20 ? `; and ${n - 20} more` : ''}.`
    : 'JumpCloud confirmed no write before it stopped.';
}

/**
 * Every answer the HTTP edge gives on its own (before or instead of a resource handler), in one place: what the
 * admin reading Entra's provisioning log, or the developer of a generic SCIM client, sees. Each says what was
 * wrong and what to send instead. Resource handlers' and JumpCloud's answers live with them (scim/, mapping/).
 */
export const edgeErrors = {
  tooManyFailedAuths: (): ScimError =>
    new ScimError(
      429,
      undefined,
      'Too many failed authentications from this address; check the Secret Token, then try again later',
    ),

  bodyTooDeep: (maxDepth: number): string =>
    `The request body nests deeper than ${maxDepth} levels; no SCIM document does`,

  notJson: (contentType: string | undefined): ScimError =>
    new ScimError(
      415,
      undefined,
      `Content-Type must be application/scim+json or application/json (got '${(contentType ?? 'none').slice(0, 100)}')`,
    ),

  invalidJson: (parserMessage: string): ScimError =>
    badRequest('invalidSyntax', `The request body is not valid JSON: ${parserMessage.slice(0, 200)}`),

  bodyTooLarge: (limit: string): ScimError =>
    new ScimError(
      413,
      undefined,
      `The request body is larger than the ${limit.replace('mb', ' MB')} the bridge accepts`,
    ),

  unsupportedEncoding: (): ScimError =>
    new ScimError(
      415,
      undefined,
      'Unsupported Content-Encoding: send the body uncompressed, or as gzip, deflate or br',
    ),

  unsupportedCharset: (): ScimError => new ScimError(415, undefined, 'Unsupported charset: send the body as UTF-8'),

  bodyAborted: (): ScimError => badRequest('invalidSyntax', 'The client closed the connection before the body arrived'),

  malformedPercentEscape: (): ScimError =>
    badRequest(
      'invalidSyntax',
      'The request path has a malformed percent-escape (a % not followed by two hex digits, or not UTF-8)',
    ),

  unreadableBody: (): ScimError =>
    badRequest(
      'invalidSyntax',
      'The request body could not be read: it does not decode with its Content-Encoding, or it ended early',
    ),

  refused: (status: number): ScimError => new ScimError(status, undefined, `The request was refused (HTTP ${status})`),

  notUnderScimBase: (path: string): ScimError =>
    notFound(`Nothing at ${path}; the SCIM base URL (Entra's Tenant URL) is ${SCIM_BASE}`),

  noEndpoint: (method: string, path: string, endpoints: string): ScimError =>
    notFound(
      `No SCIM endpoint at ${method} ${SCIM_BASE}${path}. This bridge serves ${endpoints}, a search across them at the root (GET / and POST /.search), /ServiceProviderConfig, /ResourceTypes and /Schemas.`,
    ),

  unknownResourceType: (id: string, served: string): ScimError =>
    notFound(`ResourceType ${id} not found; this bridge serves ${served}`),

  methodNotAllowed: (method: string, path: string, methods: readonly string[]): ScimError =>
    new ScimError(405, undefined, `${method} is not supported on ${path}; this path answers ${methods.join(', ')}.`),

  orgRoutesOff: (): ScimError =>
    notFound(`Org tenant URLs (${ORG_URL}) are turned off on this bridge (ORG_ROUTES=false); use ${SCIM_BASE}`),

  notAnOrgId: (): ScimError =>
    badRequest(
      'invalidValue',
      `The org segment of the tenant URL (${ORG_URL}) is not a JumpCloud organization id: 24 hex characters, as shown in the admin console under Settings → Organization`,
    ),

  lockUnavailable: (why: string): ScimError =>
    new ScimError(503, undefined, `${why}. Nothing was written without the lock; retry the request.`),

  internalError: (requestId: string): ScimError =>
    new ScimError(500, undefined, `Internal error in the bridge (request id ${requestId}); the log has the details`),

  deadline: (deadlineMs: number, confirmedWrites: readonly string[]): ScimError =>
    new ScimError(
      503,
      undefined,
      `The request did not finish within the bridge's deadline of ${Math.round(deadlineMs / 100) / 10} s (JumpCloud is slow or throttling). ${writesDone(confirmedWrites)} Retrying the same request completes it.`,
    ),

  /**
   * JumpCloud's throttling would have made the request miss its deadline, so it is answered early: the status
   * THROTTLED_STATUS names, the handler's detail and Retry-After, and the writes JumpCloud confirmed.
   */
  comeBackLater: (status: 429 | 503, e: ScimError, retryAfterSeconds: number, confirmedWrites: readonly string[]) =>
    new ScimError(status, e.scimType, `${e.detail} ${writesDone(confirmedWrites)}`, retryAfterSeconds),
};
