import type { SystemUser, SystemUserWritable } from '../jumpcloud/types.js';
import { deepEqual, isRecord } from '../util/guards.js';
import type { UserTable } from './attribute-table.js';
import type { ExchangeNote } from '../observability/exchange.js';
import { fieldsOfRow } from './user-fields.js';
import { customValues } from './custom-attributes.js';

/** One attribute JumpCloud stored differently from how the bridge wrote it, in SCIM terms (what Entra will read). */
export interface Drift {
  /** The SCIM attribute, e.g. `emails` or `urn:…:enterprise:2.0:User:department`. */
  attribute: string;
  /** The value the write meant, as the SCIM view would show it; undefined means "no value". */
  sent: unknown;
  /** The value JumpCloud's answer shows. */
  stored: unknown;
}

/**
 * A row whose codec says JumpCloud stores its values lowercased (fact `emailsLowercased`) is compared ignoring case,
 * so a capital letter Entra sends is not reported as drift on every write.
 */
function foldCase(v: unknown): unknown {
  if (typeof v === 'string') return v.toLowerCase();
  if (Array.isArray(v)) return v.map(foldCase);
  if (isRecord(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, foldCase(x)]));
  return v;
}

/** A systemuser with a write body laid over it: scalars replaced (null removes), arrays replaced whole. */
function withWrite(stored: SystemUser, sent: SystemUserWritable): SystemUser {
  const out: Record<string, unknown> = { ...stored };
  for (const [k, v] of Object.entries(sent)) {
    if (v === null) delete out[k];
    else if (v !== undefined) out[k] = v;
  }
  return out as SystemUser;
}

/**
 * Compares JumpCloud's answer to a write with what was sent, attribute by attribute through the table: each row
 * that reads a field the write carried is rendered twice, once from the answer and once from the answer with the
 * write laid over it. Any difference means JumpCloud stored something else (a lower-cased e-mail, a trimmed name,
 * a reformatted phone), which Entra would see on its next read and write back, every cycle, forever.
 */
export function detectDrift(table: UserTable, sent: SystemUserWritable, stored: unknown): Drift[] {
  if (!isRecord(stored)) return [];
  const answer = stored as SystemUser;
  const intended = withWrite(answer, sent);
  const written = new Set(Object.keys(sent));
  const [customStored, customIntended] = [customValues(answer), customValues(intended)];
  const drifts: Drift[] = [];
  for (const row of table.rows) {
    if (!fieldsOfRow(row).some((f) => written.has(f))) continue;
    let a: unknown;
    let b: unknown;
    try {
      a = row.codec.read(intended, customIntended, row);
      b = row.codec.read(answer, customStored, row);
    } catch {
      continue; // a row that cannot read this user is not a drift of this write
    }
    const folded = row.codec.storedLowercase === true;
    if (!deepEqual(folded ? foldCase(a) : a, folded ? foldCase(b) : b))
      drifts.push({ attribute: row.scim, sent: a, stored: b });
  }
  return drifts;
}

/** A drift as a resource type (its SCIM name: User, Group) reports it: a warning note the log, the exchange, the debug page and the counters read. */
export function driftNote(resource: string, id: string, d: Drift): ExchangeNote {
  const show = (v: unknown): string => (v === undefined ? 'no value' : JSON.stringify(v));
  return {
    level: 'warn',
    kind: 'drift',
    message: `Drift on ${resource} ${id}: JumpCloud stored ${d.attribute} as ${show(d.stored)}, not as sent (${show(d.sent)}); Entra will read the stored value and may write the attribute again every cycle`,
    data: { resource, id, attribute: d.attribute, sent: d.sent, stored: d.stored },
  };
}
