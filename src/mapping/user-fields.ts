import type { AttrPath } from '../scim/filter.js';
import type { Projection } from '../scim/projection.js';
import type { AttributeRow, UserTable } from './attribute-table.js';

/** The JumpCloud systemuser fields one row's codec reads: its own target, or what the codec declares. */
export function fieldsOfRow(row: AttributeRow): readonly string[] {
  if (row.codec.reads) return row.codec.reads;
  return row.target.kind === 'custom' ? ['attributes'] : [row.target.field];
}

/**
 * The v1 `fields` value (space-separated) that makes JumpCloud return everything these rows read, plus `_id`.
 * Searches and lists name their fields explicitly so that no SCIM attribute depends on JumpCloud's default field
 * list, which is undocumented and may leave out `attributes`, `phoneNumbers` or `addresses`.
 */
export function userFields(table: UserTable, rows: readonly AttributeRow[] = table.rows): string {
  const fields = new Set<string>(['_id']);
  for (const row of rows) for (const f of fieldsOfRow(row)) fields.add(f);
  return [...fields].join(' ');
}

/** A resolved path's document keys (`["urn:…:User", "manager", "value"]`) as an AttrPath. */
export function attrPathOf(keys: readonly string[]): AttrPath {
  const [first = '', ...rest] = keys;
  const [name = '', sub] = first.startsWith('urn:') ? rest : [first, ...rest];
  return { ...(first.startsWith('urn:') ? { uri: first } : {}), name, ...(sub !== undefined ? { sub } : {}) };
}

const lower = (keys: readonly string[]): string[] => keys.map((k) => k.toLowerCase());
/** One key path is a prefix of the other: `name` covers `name.givenName`, and `emails.value` needs the `emails` row. */
const overlaps = (a: readonly string[], b: readonly string[]): boolean =>
  a.every((k, i) => i >= b.length || b[i] === k);

/**
 * The rows a list must read to answer: the ones the projection returns (`attributes=` narrows, `excludedAttributes`
 * drops whole rows), plus the ones the bridge itself evaluates (a residual filter, a sort, userName for the derive
 * mode's re-check). Without a projection, every row.
 */
export function rowsToRead(table: UserTable, projection: Projection, evaluated: readonly AttrPath[]): AttributeRow[] {
  const needed = new Set<AttributeRow>();
  for (const path of evaluated) {
    const row = table.rowFor(path);
    if (row) needed.add(row);
  }
  const wanted = projection.attributes?.map((r) => lower(r.keys));
  const excluded = projection.excludedAttributes?.map((r) => lower(r.keys));
  for (const row of table.rows) {
    const keys = lower(row.keys);
    if (row.returned === 'always') needed.add(row);
    else if (wanted) {
      if (wanted.some((w) => overlaps(w, keys))) needed.add(row);
    } else if (!excluded?.some((e) => e.length <= keys.length && e.every((k, i) => keys[i] === k))) needed.add(row);
  }
  return table.rows.filter((r) => needed.has(r));
}
