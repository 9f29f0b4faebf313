import type { CustomAttribute, SystemUser, SystemUserCreate, SystemUserUpdate } from '../jumpcloud/types.js';
import { deepEqual } from '../util/guards.js';
import type { JumpCloudWrite } from './codecs.js';

function customList(custom: Record<string, string | null>, base: readonly CustomAttribute[] = []): CustomAttribute[] {
  const out = base.filter((a) => !(a.name in custom));
  for (const [name, value] of Object.entries(custom)) if (value !== null) out.push({ name, value });
  return out;
}

/** A new user: no empty keys, custom attributes as JumpCloud's array, and `state` explicit so the org default never decides. */
export function createBody(write: JumpCloudWrite): SystemUserCreate {
  const fields = Object.fromEntries(
    Object.entries(write.fields).filter(
      ([, v]) => v !== '' && v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0),
    ),
  ) as Partial<SystemUserCreate>;
  const { suspended, ...rest } = fields;
  const attributes = customList(write.custom);
  return {
    ...(rest as SystemUserCreate),
    ...(attributes.length ? { attributes } : {}),
    state: suspended ? 'SUSPENDED' : 'ACTIVATED',
  };
}

/** Fact putStateAgreesWithSuspended: a PUT that sets `suspended` names the state that agrees with it. */
function withState(body: Record<string, unknown>): void {
  if (typeof body.suspended === 'boolean') body.state = body.suspended ? 'SUSPENDED' : 'ACTIVATED';
}

/**
 * The PUT of a PATCH whose rows all stand alone (UserTable.standaloneRow): every field they write, as written. Such
 * rows write no custom attribute, so there is no list to merge with what JumpCloud holds.
 */
export function standaloneBody(write: JumpCloudWrite): SystemUserUpdate {
  const body: Record<string, unknown> = { ...write.fields };
  withState(body);
  return body as SystemUserUpdate;
}

/**
 * Only what changed. JumpCloud's PUT is partial for scalars and replaces arrays whole, so a changed custom
 * attribute is sent as the user's full `attributes` list with the change merged in (others are preserved).
 */
export function updateBody(before: JumpCloudWrite, after: JumpCloudWrite, current: SystemUser): SystemUserUpdate {
  const body: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(after.fields)) {
    if (!deepEqual((before.fields as Record<string, unknown>)[k], v)) body[k] = v;
  }
  withState(body);
  const changed: Record<string, string | null> = {};
  // Compared with what JumpCloud holds, not with the codecs' rendering of it: a record the view does not show as
  // such (a kept userName that is being set back to the username) must still be removed.
  const held = new Map((current.attributes ?? []).map((a) => [a.name, a.value]));
  for (const name of new Set([...Object.keys(before.custom), ...Object.keys(after.custom)])) {
    const a = held.get(name) ?? null;
    const b = after.custom[name] ?? null;
    if (a !== b) changed[name] = b;
  }
  if (Object.keys(changed).length) body.attributes = customList(changed, current.attributes ?? []);
  return body as SystemUserUpdate;
}
