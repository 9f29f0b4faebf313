/**
 * Every way a JumpCloud call can fail, one row each: how the answer is recognised and what the bridge may do about
 * it. The retry policy, the ambiguity rule, member fan-outs and the docs all read these rows; what a SCIM client is
 * told lives beside them in mapping/upstream-errors.ts, keyed by the same kinds (this layer knows nothing of SCIM).
 * Adding a kind is adding a row here and its answer there; the compiler refuses a kind without one.
 */

/** A fact that holds for every answer of a kind, for none, or only for some of its statuses. */
export type ByStatus = boolean | { readonly onlyFor: readonly number[] } | { readonly exceptFor: readonly number[] };

export interface FailureKind {
  /** The JumpCloud answers this kind stands for, in words (the docs quote it). */
  readonly answer: string;
  /**
   * Whether an HTTP answer (status, scrubbed message) is of this kind. Rows are tried in table order and the first
   * that matches classifies; kinds with no HTTP answer (the call never got one) have none.
   */
  readonly recognises?: (status: number, message: string) => boolean;
  /** Worth another attempt (with backoff) when the call is idempotent. */
  readonly retried: ByStatus;
  /**
   * Sent again even when the call is not idempotent (a create): JumpCloud certainly did nothing with the request.
   * Only a kind whose answer proves that may say so; a wrong `true` here makes duplicate users.
   */
  readonly resentEvenIfNotIdempotent: boolean;
  /** The answer was lost, so the write may have been applied upstream: callers look before they answer. */
  readonly ambiguous: ByStatus;
  /**
   * Says something about JumpCloud or the key rather than about the one object addressed, so the other calls of
   * the same fan-out would fail alike: a fan-out stops at the first one.
   */
  readonly systemic: boolean;
  /**
   * May be JumpCloud refusing a value another object holds (the duplicate text is undocumented, fact
   * duplicateUserMessage): a read of the clash tells whether it is one.
   */
  readonly mayBeDuplicate?: true;
}

/**
 * Fact `duplicateUserMessage`: the text is undocumented; "already exists" is the spec's and the emulator's, and a help
 * article's slug reads "has already been registered". Any other text is told apart by a lookup (resources/users.ts).
 */
const ALREADY_EXISTS = /already exists|already been registered/i;

/** Fact `ipBlocked`: JumpCloud's abuse filter refuses every call from the address, whatever the key may do. */
const IP_BLOCKED = /ip (address )?has been blocked|suspected abuse/i;
/** Fact `tokenExpiry`: newer API keys can expire, and API access can be disabled per administrator. */
const KEY_EXPIRED = /expired|api access (is )?disabled|api key (is )?disabled/i;

export const FAILURE_KINDS = {
  ipBlocked: {
    answer: '403 "your IP has been blocked due to suspected abuse"',
    recognises: (status, message) => status === 403 && IP_BLOCKED.test(message),
    retried: false,
    resentEvenIfNotIdempotent: false,
    ambiguous: false,
    systemic: true,
  },
  keyExpired: {
    answer: '401 or 403 saying the API key expired or API access is disabled',
    recognises: (status, message) => (status === 401 || status === 403) && KEY_EXPIRED.test(message),
    retried: false,
    resentEvenIfNotIdempotent: false,
    ambiguous: false,
    systemic: true,
  },
  unauthorized: {
    // JumpCloud answers a missing or unknown key with 302 → /login.
    answer: '401, or a 3xx redirect to the login page',
    recognises: (status) => status === 401 || (status >= 300 && status < 400),
    retried: false,
    resentEvenIfNotIdempotent: false,
    ambiguous: false,
    systemic: true,
  },
  forbidden: {
    answer: '403',
    recognises: (status) => status === 403,
    retried: false,
    resentEvenIfNotIdempotent: false,
    ambiguous: false,
    systemic: true,
  },
  notFound: {
    answer: '404',
    recognises: (status) => status === 404,
    retried: false,
    resentEvenIfNotIdempotent: false,
    ambiguous: false,
    systemic: false,
  },
  rateLimited: {
    answer: '429',
    recognises: (status) => status === 429,
    retried: true,
    // A 429 means JumpCloud did nothing with the request.
    resentEvenIfNotIdempotent: true,
    ambiguous: false,
    systemic: true,
  },
  throttled: {
    // The pacer's own verdict, never an HTTP answer: the throttling already waited out leaves no time to finish.
    answer: "429s the pacer waited out until the request's deadline would pass: the call was not sent again",
    retried: false,
    resentEvenIfNotIdempotent: false,
    ambiguous: false,
    systemic: true,
  },
  alreadyExists: {
    mayBeDuplicate: true,
    // JumpCloud answers a duplicate username, email or employeeIdentifier with 400 (sometimes 409) "already exists".
    answer: 'any 4xx saying "already exists" or "has already been registered"',
    recognises: (status, message) => status < 500 && ALREADY_EXISTS.test(message),
    retried: false,
    resentEvenIfNotIdempotent: false,
    ambiguous: false,
    systemic: false,
  },
  conflict: {
    mayBeDuplicate: true,
    answer: '409 (other than "already exists")',
    recognises: (status) => status === 409,
    retried: false,
    resentEvenIfNotIdempotent: false,
    ambiguous: false,
    systemic: false,
  },
  unavailable: {
    answer: '5xx',
    recognises: (status) => status >= 500,
    // JumpCloud's 500s are deterministic bugs: the same call fails the same way again.
    retried: { onlyFor: [502, 503, 504] },
    resentEvenIfNotIdempotent: false,
    // 502/504 come from a gateway that may have forwarded the write, a 500 may have committed; a 503 refused it.
    ambiguous: { exceptFor: [503] },
    systemic: true,
  },
  badRequest: {
    mayBeDuplicate: true,
    answer: 'any other status (400, 422, ...)',
    recognises: () => true,
    retried: false,
    resentEvenIfNotIdempotent: false,
    ambiguous: false,
    systemic: false,
  },
  timeout: {
    answer: 'no answer within JUMPCLOUD_TIMEOUT_MS',
    retried: true,
    resentEvenIfNotIdempotent: false,
    ambiguous: true,
    systemic: true,
  },
  network: {
    answer: 'the connection failed or was reset',
    retried: true,
    resentEvenIfNotIdempotent: false,
    ambiguous: true,
    systemic: true,
  },
} as const satisfies Record<string, FailureKind>;

export type JumpCloudErrorKind = keyof typeof FAILURE_KINDS;

export const FAILURE_KIND_NAMES = Object.keys(FAILURE_KINDS) as JumpCloudErrorKind[];

/** The row of `kind`, typed as a row (the table's literal types are for the compiler's key check only). */
export const failureKind = (kind: JumpCloudErrorKind): FailureKind => FAILURE_KINDS[kind];

/** Whether a `ByStatus` fact holds for an answer with `status` (undefined: the call got no status). */
export function holdsFor(fact: ByStatus, status: number | undefined): boolean {
  if (typeof fact === 'boolean') return fact;
  if ('onlyFor' in fact) return status !== undefined && fact.onlyFor.includes(status);
  return status === undefined || !fact.exceptFor.includes(status);
}

/** The kind of a non-2xx JumpCloud answer: the first row that recognises it. */
export function kindForStatus(status: number, message: string): JumpCloudErrorKind {
  for (const kind of FAILURE_KIND_NAMES) if (failureKind(kind).recognises?.(status, message)) return kind;
  return 'badRequest';
}

export const isSystemic = (kind: JumpCloudErrorKind): boolean => failureKind(kind).systemic;

export const mayBeDuplicate = (kind: JumpCloudErrorKind): boolean => failureKind(kind).mayBeDuplicate === true;
