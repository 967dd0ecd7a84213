import BetterSqlite3 from 'better-sqlite3';
import { SegUserError } from '../errors';
import type { Database, Row } from './database';
import { Mutex } from './mutex';
import { fromSqlite, toSqliteParam } from './normalise-value';
import { type Connection, ScopedDatabase } from './scoped-database';

/** Enough for a compiled program's statements without holding memory forever. */
const STATEMENT_CACHE_SIZE = 256;

/**
 * One connection's memory (docs/benchmarks.md, Memory): SQLite's own default 2 MB page caches
 * for the database and the temporary one (better-sqlite3 raises both to 16 MB; the main one
 * also bounds each sorter's in-memory run), and temporary tables and sorts in files, never in
 * memory (better-sqlite3's build default, made explicit). No heap limit: this build keeps no
 * memory statistics, so SQLite would not enforce one.
 */
const MEMORY_BUDGET = ['temp_store = FILE', 'cache_size = -2000', 'temp.cache_size = -2000'];

/**
 * Opens a sqlite database file (created if missing) or `:memory:`.
 * Placeholders are `?`.
 */
export async function openSqlite(path: string, options: { readOnly?: boolean } = {}): Promise<Database> {
  let db: BetterSqlite3.Database;
  try {
    db = options.readOnly ? new BetterSqlite3(path, { readonly: true, fileMustExist: true }) : new BetterSqlite3(path);
  } catch (error) {
    throw new SegUserError(`Cannot open sqlite database "${path}": ${(error as Error).message}`, { cause: error });
  }
  // A reader leaves the journal mode as the file has it.
  if (path !== ':memory:' && path !== '' && !options.readOnly) {
    // WAL lets readers proceed while a transaction writes, and is much faster for many small writes.
    db.pragma('journal_mode = WAL');
  }
  // Enforce REFERENCES as postgres and DuckDB do; sqlite defaults to ignoring them.
  db.pragma('foreign_keys = ON');
  for (const pragma of MEMORY_BUDGET) db.pragma(pragma);
  return new SqliteDatabase(db);
}

class SqliteDatabase extends ScopedDatabase {
  readonly dialect = 'sqlite' as const;
  protected readonly supportsSavepoints = true;
  // Take the write lock up front: upgrading a read transaction later can fail with SQLITE_BUSY.
  protected override readonly beginSql = 'BEGIN IMMEDIATE';

  readonly #db: BetterSqlite3.Database;
  // better-sqlite3 is synchronous, but an async transaction yields between statements; the
  // mutex keeps other callers from slipping their statements into it.
  readonly #mutex = new Mutex();
  readonly #statements = new Map<string, BetterSqlite3.Statement>();
  readonly #connection: Connection;

  constructor(db: BetterSqlite3.Database) {
    super();
    this.#db = db;
    this.#connection = {
      query: async (sql, params) => this.#query(sql, params),
      exec: async (sql) => {
        this.#db.exec(sql);
      },
    };
  }

  protected withConnection<T>(fn: (connection: Connection) => Promise<T>): Promise<T> {
    return this.#mutex.run(() => fn(this.#connection));
  }

  protected dispose(): Promise<void> {
    return this.#mutex.run(async () => {
      this.#statements.clear();
      this.#db.close();
    });
  }

  #query(sql: string, params: readonly unknown[]): Row[] {
    const statement = this.#prepare(sql);
    const args = params.map(toSqliteParam);
    if (!statement.reader) {
      statement.run(...args);
      return [];
    }
    const rows = statement.all(...args) as Row[];
    // Asked per call, not cached: a schema change can alter what `SELECT *` returns.
    const columns = statement.columns();
    for (const row of rows) {
      for (const column of columns) {
        row[column.name] = fromSqlite(row[column.name], column.type);
      }
    }
    return rows;
  }

  #prepare(sql: string): BetterSqlite3.Statement {
    let statement = this.#statements.get(sql);
    if (statement) {
      // Re-insert so the Map's order tracks recency (LRU eviction below).
      this.#statements.delete(sql);
    } else {
      statement = this.#db.prepare(sql);
      // Integers come back as bigint so values beyond 2^53 are not rounded; fromSqlite narrows them.
      if (statement.reader) statement.safeIntegers(true);
    }
    this.#statements.set(sql, statement);
    if (this.#statements.size > STATEMENT_CACHE_SIZE) {
      const oldest = this.#statements.keys().next().value;
      if (oldest !== undefined) this.#statements.delete(oldest);
    }
    return statement;
  }
}
