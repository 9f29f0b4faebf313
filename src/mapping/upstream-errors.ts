import { ScimError } from '../scim/errors.js';
import { isJumpCloudError, type JumpCloudError } from '../jumpcloud/errors.js';

/**
 * The one table from JumpCloud failures to SCIM errors. JumpCloud's own message is kept in `detail` so the admin
 * reading Entra's provisioning log sees what JumpCloud said. 429 is never passed on: Entra does not honour
 * Retry-After reliably and may quarantine the job, so exhausted throttling becomes a 503 Entra retries later.
 */
export function scimErrorFor(
  e: JumpCloudError,
  what = 'Resource',
  clash = 'the same username, email or employee id',
): ScimError {
  const said = `JumpCloud said: ${e.upstreamMessage}`;
  switch (e.kind) {
    case 'unauthorized':
      return new ScimError(
        401,
        undefined,
        `JumpCloud rejected the API key used as the Secret Token (check it is current and belongs to this console's region). ${said}`,
      );
    case 'forbidden':
      return new ScimError(
        403,
        undefined,
        `The JumpCloud API key is not allowed to do this (check the administrator's role, and JUMPCLOUD_ORG_ID for multi-tenant keys). ${said}`,
      );
    case 'notFound':
      return new ScimError(404, undefined, `${what} not found`);
    case 'alreadyExists':
      return new ScimError(409, 'uniqueness', `JumpCloud already has an object with ${clash}. ${said}`);
    case 'conflict':
      return new ScimError(409, undefined, said);
    case 'badRequest':
      return new ScimError(400, 'invalidValue', `JumpCloud rejected the change. ${said}`);
    case 'rateLimited':
      return new ScimError(
        503,
        undefined,
        `JumpCloud is throttling requests and the bridge's retry budget ran out; Entra will retry. ${said}`,
      );
    case 'timeout':
      return new ScimError(504, undefined, 'JumpCloud did not answer in time; Entra will retry.');
    case 'network':
      return new ScimError(502, undefined, 'JumpCloud could not be reached; Entra will retry.');
    case 'unavailable':
      return new ScimError(
        502,
        undefined,
        `JumpCloud answered ${e.call.status ?? 'an error'}; Entra will retry. ${said}`,
      );
  }
}

/** Runs JumpCloud calls; a JumpCloud failure leaves as its SCIM error, anything else unchanged. */
export async function translated<T>(work: () => Promise<T>, what = 'Resource'): Promise<T> {
  try {
    return await work();
  } catch (e) {
    throw isJumpCloudError(e) ? scimErrorFor(e, what) : e;
  }
}

/**
 * The same for a read or delete addressed by id: JumpCloud's 404, and its 400 for a malformed id, both mean
 * "no such resource" to SCIM.
 */
export async function addressed<T>(work: () => Promise<T>, what: string): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (isJumpCloudError(e) && (e.kind === 'notFound' || e.kind === 'badRequest'))
      throw new ScimError(404, undefined, `${what} not found`);
    throw isJumpCloudError(e) ? scimErrorFor(e, what) : e;
  }
}
