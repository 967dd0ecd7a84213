/**
 * Loads hand-made rows into a test database: `create table` from a column list
 * and one parameterised insert per row, in the engine's placeholder style.
 */
import type { Database } from '../../../runtime/src/db/database';

export type ColumnType = 'text' | 'number' | 'bool' | 'timestamp' | 'any';
export type TableRows = { readonly columns: Readonly<Record<string, ColumnType>>; readonly rows: readonly Record<string, unknown>[] };

const TYPES: Record<Database['dialect'], Record<ColumnType, string>> = {
  sqlite: { text: 'text', number: 'real', bool: 'integer', timestamp: 'text', any: '' },
  postgres: { text: 'text', number: 'double precision', bool: 'boolean', timestamp: 'timestamptz', any: 'text' },
  duckdb: { text: 'varchar', number: 'double', bool: 'boolean', timestamp: 'timestamptz', any: 'varchar' },
};

export async function loadTables(db: Database, tables: Readonly<Record<string, TableRows>>): Promise<void> {
  for (const [name, table] of Object.entries(tables)) {
    const columns = Object.entries(table.columns);
    await db.exec(`create table "${name}" (${columns.map(([c, t]) => `"${c}" ${TYPES[db.dialect][t]}`.trim()).join(', ')})`);
    for (const row of table.rows) {
      const placeholders = columns.map((_, i) => (db.dialect === 'postgres' ? `$${i + 1}` : '?'));
      const values = columns.map(([c, t]) => {
        const v = row[c] ?? null;
        if (t === 'bool' && db.dialect === 'sqlite' && typeof v === 'boolean') return v ? 1 : 0;
        return v;
      });
      await db.query(`insert into "${name}" (${columns.map(([c]) => `"${c}"`).join(', ')}) values (${placeholders.join(', ')})`, values);
    }
  }
}
