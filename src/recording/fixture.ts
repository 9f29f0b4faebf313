/**
 * The recording format: one JSON file per SCIM exchange (or per CLI session such as `doctor`), holding what came
 * in, every JumpCloud call made on the wire to answer it (each attempt, in order), and what went out. The key is
 * never in it: `x-api-key` is written as "***". A replay pins each call with nock and checks the SCIM answer.
 */
export const RECORDING_FORMAT = 1;

export interface RecordedCall {
  request: {
    method: string;
    path: string;
    query?: Record<string, string | number>;
    /** The headers the bridge sets besides the key: `x-org-id`, `content-type`. */
    headers: Record<string, string>;
    body?: unknown;
  };
  response: {
    status: number;
    /** The headers the bridge reads: `content-type`, `x-total-count`, `location`, `retry-after`. */
    headers: Record<string, string>;
    body?: unknown;
  };
}

export interface Recording {
  format: typeof RECORDING_FORMAT;
  /** `scim`: a SCIM request through the bridge; `session`: a CLI session (doctor), calls only. */
  kind: 'scim' | 'session';
  recordedAt: string;
  /** Settings that change what the bridge sends (replayed as environment variables). */
  env: Record<string, string>;
  /** Values that vary per run and were generated, so a replay can use the same (the doctor's throwaway suffix). */
  session?: { name: string; args: string[]; suffix?: string; probeValue?: string };
  /** A session's outcome as it printed it (the doctor's ✓/✗ lines), which a replay must reproduce. */
  verdicts?: string[];
  scim?: {
    method: string;
    /** Path and query under the SCIM base, e.g. /Users?filter=… */
    url: string;
    /** The SCIM base URL as the client saw it; replaced by the replaying bridge's base in the expected body. */
    base: string;
    body?: unknown;
    status: number;
    responseBody?: unknown;
  };
  calls: RecordedCall[];
}

/** The environment variables that shape upstream calls, recorded so a replay runs the bridge the same way. */
export const RECORDED_ENV = [
  'DERIVE_USERNAME_FROM_EMAIL',
  'DRY_RUN',
  'JUMPCLOUD_ORG_ID',
  'MAX_FILTER_SCAN',
  'MAX_PAGE_SIZE',
  'MEMBER_CONCURRENCY',
  'ALLOW_USERNAME_RENAME',
] as const;
