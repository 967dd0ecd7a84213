import type { Database } from '../db/database';
import type { DatabaseSchema, SchemaForeignKey, SchemaTable } from './database-schema';

interface ColumnRow { table_name: string; column_name: string; data_type: string }
interface KeyRow { table_name: string; column_name: string }
interface ForeignKeyRow { table_name: string; column_name: string; target_table: string; target_column: string }

/** Reads tables, columns, primary and foreign keys of the database's default schema. */
export async function introspectDatabase(db: Database): Promise<DatabaseSchema> {
  switch (db.dialect) {
    case 'sqlite':
      return introspectSqlite(db);
    case 'postgres':
      return assemble(
        await db.query<ColumnRow>(
          `SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c
             JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
            WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
            ORDER BY c.table_name, c.ordinal_position`,
        ),
        await db.query<KeyRow>(
          `SELECT k.table_name, k.column_name FROM information_schema.table_constraints tc
             JOIN information_schema.key_column_usage k ON k.constraint_name = tc.constraint_name AND k.table_schema = tc.table_schema
            WHERE tc.table_schema = current_schema() AND tc.constraint_type = 'PRIMARY KEY'
            ORDER BY k.table_name, k.ordinal_position`,
        ),
        await db.query<ForeignKeyRow>(
          `SELECT k.table_name, k.column_name, u.table_name AS target_table, u.column_name AS target_column
             FROM information_schema.referential_constraints r
             JOIN information_schema.key_column_usage k ON k.constraint_name = r.constraint_name AND k.table_schema = r.constraint_schema
             JOIN information_schema.key_column_usage u ON u.constraint_name = r.unique_constraint_name
                  AND u.table_schema = r.unique_constraint_schema AND u.ordinal_position = k.position_in_unique_constraint
            WHERE k.table_schema = current_schema()
            ORDER BY k.table_name, k.ordinal_position`,
        ),
      );
    case 'duckdb':
      return introspectDuckdb(db);
  }
}

async function introspectSqlite(db: Database): Promise<DatabaseSchema> {
  const tables = await db.query<{ name: string }>(
    `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name`,
  );
  const columns: ColumnRow[] = [];
  const keys: (KeyRow & { pk: number })[] = [];
  const foreignKeys: ForeignKeyRow[] = [];
  for (const { name } of tables) {
    for (const column of await db.query<{ name: string; type: string; pk: number }>('SELECT name, type, pk FROM pragma_table_info(?)', [name])) {
      columns.push({ table_name: name, column_name: column.name, data_type: column.type });
      if (Number(column.pk) > 0) keys.push({ table_name: name, column_name: column.name, pk: Number(column.pk) });
    }
    for (const fk of await db.query<{ from: string; table: string; to: string | null }>('SELECT "from", "table", "to" FROM pragma_foreign_key_list(?)', [name])) {
      foreignKeys.push({ table_name: name, column_name: fk.from, target_table: fk.table, target_column: fk.to ?? '' });
    }
  }
  keys.sort((a, b) => (a.table_name === b.table_name ? a.pk - b.pk : a.table_name < b.table_name ? -1 : 1));
  const schema = assemble(columns, keys, foreignKeys);
  // SQLite lets a foreign key omit its target column: it then means the target's primary key.
  return {
    tables: schema.tables.map((table) => ({
      ...table,
      foreignKeys: table.foreignKeys.map((fk) =>
        fk.targetColumn ? fk : { ...fk, targetColumn: schema.tables.find((t) => t.name === fk.table)?.primaryKey[0] ?? fk.column },
      ),
    })),
  };
}

async function introspectDuckdb(db: Database): Promise<DatabaseSchema> {
  const columns = await db.query<ColumnRow>(
    `SELECT table_name, column_name, data_type FROM information_schema.columns
      WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`,
  );
  const constraints = await db.query<{
    table_name: string;
    constraint_type: string;
    constraint_column_names: string[];
    referenced_table: string | null;
    referenced_column_names: string[] | null;
  }>(
    `SELECT table_name, constraint_type, constraint_column_names, referenced_table, referenced_column_names
       FROM duckdb_constraints() WHERE schema_name = current_schema() AND constraint_type IN ('PRIMARY KEY', 'FOREIGN KEY')
      ORDER BY table_name, constraint_index`,
  );
  const keys: KeyRow[] = [];
  const foreignKeys: ForeignKeyRow[] = [];
  for (const c of constraints) {
    if (c.constraint_type === 'PRIMARY KEY') {
      for (const column of c.constraint_column_names) keys.push({ table_name: c.table_name, column_name: column });
    } else if (c.referenced_table) {
      c.constraint_column_names.forEach((column, i) =>
        foreignKeys.push({ table_name: c.table_name, column_name: column, target_table: c.referenced_table!, target_column: c.referenced_column_names?.[i] ?? column }),
      );
    }
  }
  return assemble(columns, keys, foreignKeys);
}

function assemble(columns: readonly ColumnRow[], keys: readonly KeyRow[], foreignKeys: readonly ForeignKeyRow[]): DatabaseSchema {
  const tables = new Map<string, { columns: SchemaTable['columns'][number][]; primaryKey: string[]; foreignKeys: SchemaForeignKey[] }>();
  const table = (name: string) => {
    let entry = tables.get(name);
    if (!entry) tables.set(name, (entry = { columns: [], primaryKey: [], foreignKeys: [] }));
    return entry;
  };
  for (const c of columns) table(c.table_name).columns.push({ name: c.column_name, declaredType: c.data_type });
  for (const k of keys) tables.get(k.table_name)?.primaryKey.push(k.column_name);
  for (const f of foreignKeys) tables.get(f.table_name)?.foreignKeys.push({ column: f.column_name, table: f.target_table, targetColumn: f.target_column });
  return {
    tables: [...tables.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, t]) => ({ name, ...t })),
  };
}
