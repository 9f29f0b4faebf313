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
