/**
 * Read-only connections for the count process: a preview must never change
 * the user's database (no file created, no runtime tables, no journal mode).
 * SQLite and DuckDB files are opened in their engines' read-only modes (the
 * runtime's `connect` opens them for writing); PostgreSQL goes through the
 * runtime's pool, each count in a read-only transaction. Drivers load on first use,
 * so a missing driver is an answer ("Cannot find package …"), not a crash.
 */
import { connect, databaseFile } from '@seg/runtime';

export interface ReadOnlyDatabase {
  /** One statement's rows; integers may come back as bigint. */
  query(sql: string, params: readonly unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export async function openReadOnly(url: string): Promise<ReadOnlyDatabase> {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url.trim())?.[1]?.toLowerCase();
  if (scheme === 'sqlite' || scheme === 'duckdb') {
    const file = databaseFile(url);
    if (!file) throw new Error('an in-memory database holds no data to count');
    return scheme === 'sqlite' ? openSqlite(file) : openDuckDb(file);
  }
  if (scheme === 'postgres' || scheme === 'postgresql') {
    const db = await connect(url);
    return {
      query: (sql, params) =>
        db.transaction(async (tx) => {
          await tx.exec('SET TRANSACTION READ ONLY');
          return tx.query(sql, params);
        }),
      close: () => db.close(),
    };
  }
  throw new Error(`previews cannot read "${scheme ?? url}" databases`);
}

async function openSqlite(file: string): Promise<ReadOnlyDatabase> {
  const { default: BetterSqlite3 } = await import('better-sqlite3');
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  return {
    async query(sql, params) {
      const statement = db.prepare(sql);
      // bigint: counts and keys beyond 2^53 stay exact (keys feed the holdout hash as text).
      statement.safeIntegers(true);
      // SQLite has no boolean type; the runtime binds booleans as 1/0 too.
      return statement.all(...params.map((p) => (typeof p === 'boolean' ? Number(p) : p))) as Record<string, unknown>[];
    },
    async close() {
      db.close();
    },
  };
}

async function openDuckDb(file: string): Promise<ReadOnlyDatabase> {
  const duck = await import('@duckdb/node-api');
  const instance = await duck.DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  // As the runtime does: timestamptz arithmetic follows the session zone.
  await connection.run("SET TimeZone = 'UTC'");
  return {
    async query(sql, params) {
      const result = await connection.run(sql, params as import('@duckdb/node-api').DuckDBValue[]);
      return result.getRowObjects();
    },
    async close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}
