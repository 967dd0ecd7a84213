import type { Database } from '../db/database';

/**
 * The column names of one table of the default schema, in order; empty when
 * there is no such table. Cheaper than `introspectDatabase` when one table matters.
 */
export async function tableColumns(db: Database, table: string): Promise<string[]> {
  const rows =
    db.dialect === 'sqlite'
      ? // `main.` so a temporary table of the same name does not answer for the real one.
        await db.query<{ name: string }>('SELECT name FROM pragma_table_info(?, ?)', [table, 'main'])
      : await db.query<{ name: string }>(
          `SELECT column_name AS name FROM information_schema.columns
            WHERE table_catalog = current_database() AND table_schema = current_schema() AND table_name = ${db.dialect === 'postgres' ? '$1' : '?'}
            ORDER BY ordinal_position`,
          [table],
        );
  return rows.map((r) => String(r.name));
}
