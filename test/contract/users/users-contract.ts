import type { Harness } from '../../helpers/bridge-harness.js';
import { jc } from '../../helpers/jumpcloud-calls.js';

/**
 * Shared by the Users contract suites: every JumpCloud call the Users resource makes is pinned there (method, path,
 * query, headers and body, through test/helpers/jumpcloud-calls.ts); nock stands in for JumpCloud, and the bridge
 * runs its real HTTP stack.
 */

/** The user every Users contract test reads, writes or deletes (`jcUser()`'s id). */
export const ID = '5f1b2c3d4e5f6a7b8c9d0e1f';
/** Another JumpCloud user: a manager, or the holder of a clashing value. */
export const MANAGER = '6a1b2c3d4e5f6a7b8c9d0e1f';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/**
 * Answers every POST /api/systemusers with `status` and counts them: persisted, so a re-sent create would be
 * answered too and only the count can show that it was not sent.
 */
export function everyCreatePost(status: number, body: Record<string, unknown>): () => number {
  let posts = 0;
  jc.persist.createUser().reply(() => {
    posts += 1;
    return [status, body];
  });
  return () => posts;
}

/** The bridge's JSON log lines of one `kind`. */
export const logsOfKind = (h: Harness, kind: string): Record<string, unknown>[] =>
  h.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.kind === kind);
