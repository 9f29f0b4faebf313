/** Thrown by handlers; the error middleware turns it into exactly this status and JSON body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(typeof body['message'] === 'string' ? body['message'] : `HTTP ${status}`);
    this.name = 'ApiError';
  }
}

/** v1 validation errors follow the spec's `Error` schema `{code, message, status}`. */
export function badRequest(message: string, status = 'INVALID_ARGUMENT'): ApiError {
  return new ApiError(400, { code: 400, message: `Bad Request: ${message}`, status });
}

export function notFound(message = 'Not Found'): ApiError {
  return new ApiError(404, { message });
}

export function invalidObjectId(): ApiError {
  return new ApiError(400, { message: 'invalid object id' });
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
