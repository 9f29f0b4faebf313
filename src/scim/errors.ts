/** RFC 7644 §3.12 error responses. Every failure the bridge reports to a SCIM client is one of these. */

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive';

export interface ScimErrorBody {
  schemas: [typeof ERROR_SCHEMA];
  status: string;
  scimType?: ScimType;
  detail: string;
}

export class ScimError extends Error {
  constructor(
    readonly status: number,
    readonly scimType: ScimType | undefined,
    readonly detail: string,
    /**
     * Set on a "come back later" (the bridge was throttled): the seconds a client should wait, sent as Retry-After.
     * The HTTP layer may answer it with another status (THROTTLED_STATUS).
     */
    readonly comeBackAfterSeconds?: number,
  ) {
    super(detail);
    this.name = 'ScimError';
  }

  toJSON(): ScimErrorBody {
    const body: ScimErrorBody = { schemas: [ERROR_SCHEMA], status: String(this.status), detail: this.detail };
    if (this.scimType) body.scimType = this.scimType;
    return body;
  }
}

export const badRequest = (scimType: ScimType, detail: string): ScimError => new ScimError(400, scimType, detail);
export const notFound = (detail: string): ScimError => new ScimError(404, undefined, detail);
export const conflict = (detail: string): ScimError => new ScimError(409, 'uniqueness', detail);
export const unauthorized = (detail: string): ScimError => new ScimError(401, undefined, detail);

export function isScimError(e: unknown): e is ScimError {
  return e instanceof ScimError;
}
