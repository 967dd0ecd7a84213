import * as duck from '@duckdb/node-api';
import { SegUserError } from '../errors';
import type { Database, Row } from './database';
import { Mutex } from './mutex';
import { createDuckDbValueReader, toDuckDbParam } from './normalise-value';
import { type Connection, ScopedDatabase } from './scoped-database';

const readValue = createDuckDbValueReader(duck);

/**
 * Opens a DuckDB database file (created if missing) or `:memory:`.
 * Placeholders are `?` (DuckDB also accepts `$1`).
 */
export async function openDuckDb(path: string, options: { readOnly?: boolean } = {}): Promise<Database> {
  let instance: duck.DuckDBInstance;
  let connection: duck.DuckDBConnection;
  try {
    instance = await duck.DuckDBInstance.create(path, options.readOnly ? { access_mode: 'READ_ONLY' } : undefined);
    connection = await instance.connect();
  } catch (error) {
    throw new SegUserError(`Cannot open DuckDB database "${path}": ${(error as Error).message}`, { cause: error });
  }
  // TIMESTAMPTZ arithmetic and casts follow the session zone; pin it as on the other engines.
  await connection.run("SET TimeZone = 'UTC'");
  return new DuckDbDatabase(instance, connection);
}

class DuckDbDatabase extends ScopedDatabase {
  readonly dialect = 'duckdb' as const;
  protected readonly supportsSavepoints = false;
  protected override readonly beginSql = 'BEGIN TRANSACTION';

  readonly #instance: duck.DuckDBInstance;
  readonly #duck: duck.DuckDBConnection;
  // One DuckDB connection is one transaction context: serialise callers on it.
  readonly #mutex = new Mutex();
  readonly #connection: Connection;

  constructor(instance: duck.DuckDBInstance, connection: duck.DuckDBConnection) {
    super();
    this.#instance = instance;
    this.#duck = connection;
    this.#connection = {
      query: (sql, params) => this.#query(sql, params),
      exec: async (sql) => {
        await this.#duck.run(sql);
      },
    };
  }

  protected withConnection<T>(fn: (connection: Connection) => Promise<T>): Promise<T> {
    return this.#mutex.run(() => fn(this.#connection));
  }

  protected dispose(): Promise<void> {
    return this.#mutex.run(async () => {
      this.#duck.closeSync();
      this.#instance.closeSync();
    });
  }

  async #query(sql: string, params: readonly unknown[]): Promise<Row[]> {
    const result =
      params.length > 0
        ? await this.#duck.run(sql, params.map((p) => toDuckDbParam(p, duck)))
        : await this.#duck.run(sql);
    // INSERT/UPDATE/DELETE without RETURNING yield a one-row {Count} result; the interface says [].
    if (result.returnType !== duck.ResultReturnType.QUERY_RESULT) return [];
    const rows = await result.getRowObjects();
    return rows.map((row) => {
      const out: Row = {};
      for (const key in row) out[key] = readValue(row[key] ?? null);
      return out;
    });
  }
}
