import { ScimError, type ScimType } from '../scim/errors.js';
import { isJumpCloudError, type JumpCloudError } from '../jumpcloud/errors.js';
import type { JumpCloudErrorKind } from '../jumpcloud/failure-kinds.js';

const notFound = (what: string): string => `${what} not found`;

/** What a SCIM client is told about one JumpCloud failure. */
export interface ScimAnswer {
  readonly status: number;
  readonly scimType?: ScimType;
  /** A "come back later": the answer carries Retry-After (the failure's) and the status THROTTLED_STATUS names. */
  readonly comeBackLater?: boolean;
  readonly detail: (failure: FailureWords) => string;
}

/** The words an answer's detail may use. */
export interface FailureWords {
  /** "JumpCloud said: …", JumpCloud's own message, so the admin reading Entra's provisioning log sees it. */
  said: string;
  /** The resource addressed: "User", "Group 5f…". */
  what: string;
  /** The attributes that must be unique, in words. */
  clash: string;
  /** JumpCloud's status, or "an error" when the answer had none. */
  status: string;
}

/**
 * The SCIM answer to each failure kind of jumpcloud/failure-kinds.ts, keyed by kind: a kind without an answer does
 * not compile. 429 is never passed on: Entra does not honour Retry-After reliably and may quarantine the job, so
 * exhausted throttling becomes a 503 Entra retries later.
 */
export const SCIM_ANSWERS: { readonly [K in JumpCloudErrorKind]: ScimAnswer } = {
  ipBlocked: {
    status: 503,
    detail: ({ said }) =>
      `JumpCloud has blocked the bridge's IP address as suspected abuse, so every call fails whatever the key; Entra will retry. Ask JumpCloud support to unblock the address the bridge calls from (check for other clients sending bad keys from it). ${said}`,
  },
  keyExpired: {
    status: 401,
    detail: ({ said }) =>
      `The JumpCloud API key has expired or its administrator's API access is disabled: generate a new key (JumpCloud console → your account → API Settings; choose its expiry) and put it in Entra's Secret Token (or the bridge's key file). ${said}`,
  },
  unauthorized: {
    status: 401,
    detail: ({ said }) =>
      `JumpCloud rejected the API key used as the Secret Token (check it is current and belongs to this console's region). ${said}`,
  },
  forbidden: {
    status: 403,
    detail: ({ said }) =>
      `The JumpCloud API key is not allowed to do this (check the administrator's role, and JUMPCLOUD_ORG_ID for multi-tenant keys). ${said}`,
  },
  notFound: { status: 404, detail: ({ what }) => notFound(what) },
  rateLimited: {
    status: 503,
    detail: ({ said }) =>
      `JumpCloud is throttling requests and the bridge's retry budget ran out; Entra will retry. ${said}`,
  },
  throttled: {
    status: 503,
    comeBackLater: true,
    detail: () =>
      "JumpCloud is throttling this API key, and at the rate it allows the rest of this request would not finish before the bridge's deadline. Retry after the time Retry-After gives: the writes already done are kept and not repeated.",
  },
  alreadyExists: {
    status: 409,
    scimType: 'uniqueness',
    detail: ({ said, clash }) => `JumpCloud already has an object with ${clash}. ${said}`,
  },
  conflict: { status: 409, detail: ({ said }) => said },
  unavailable: {
    status: 502,
    detail: ({ said, status }) => `JumpCloud answered ${status}; Entra will retry. ${said}`,
  },
  badRequest: {
    status: 400,
    scimType: 'invalidValue',
    detail: ({ said }) => `JumpCloud rejected the change. ${said}`,
  },
  timeout: { status: 504, detail: () => 'JumpCloud did not answer in time; Entra will retry.' },
  network: { status: 502, detail: () => 'JumpCloud could not be reached; Entra will retry.' },
};

/** The SCIM error a JumpCloud failure becomes: the row of its kind. */
export function scimErrorFor(
  e: JumpCloudError,
  what = 'Resource',
  clash = 'the same username, email, alternate email or employee id',
): ScimError {
  const answer = SCIM_ANSWERS[e.kind];
  const words = {
    said: `JumpCloud said: ${e.upstreamMessage}`,
    what,
    clash,
    status: String(e.call.status ?? 'an error'),
  };
  const retryAfterSeconds = answer.comeBackLater ? Math.max(1, Math.ceil((e.retryAfterMs ?? 0) / 1000)) : undefined;
  return new ScimError(answer.status, answer.scimType, answer.detail(words), retryAfterSeconds);
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
      throw new ScimError(404, undefined, notFound(what));
    throw isJumpCloudError(e) ? scimErrorFor(e, what) : e;
  }
}
