/**
 * The one database interface the runtime talks to, whatever the engine.
 *
 * Placeholders: callers pass SQL already written in the engine's own style —
 * `?` for sqlite and duckdb, `$1, $2, …` for postgres (server or PGlite). This
 * layer never rewrites SQL; the compiler knows the dialect and emits the right
 * style (Kysely does this per dialect).
 *
 * Parameters: strings, numbers, bigints, booleans, null/undefined (→ NULL),
 * Dates (→ ISO-8601 UTC strings) and Uint8Arrays/Buffers (→ blobs). Engines
 * without a boolean type (sqlite) receive 1/0.
 *
 * Result rows are normalised in one place (normalise-value.ts) so that the same
 * query gives the same JS values on every engine:
 *  - integers are JS numbers; 64-bit values beyond Number.MAX_SAFE_INTEGER stay
 *    bigint rather than silently losing precision;
 *  - DECIMAL/NUMERIC (e.g. SUM over decimals) are JS numbers (doubles);
 *  - timestamps are ISO-8601 UTC strings `YYYY-MM-DDTHH:MM:SS.sssZ` (a
 *    timestamp without time zone is read as UTC); dates are `YYYY-MM-DD`;
 *  - booleans are JS booleans where the engine knows the column is boolean
 *    (sqlite only knows that for columns declared BOOLEAN; computed values stay 0/1);
 *  - blobs are Buffers.
 * Every session runs in UTC so date arithmetic agrees across engines.
 */
export type Dialect = 'sqlite' | 'postgres' | 'duckdb';

export type Row = Record<string, unknown>;

export interface Database {
  readonly dialect: Dialect;

  /**
   * Runs ONE statement with positional parameters. Returns the rows it
   * produced (SELECT, or INSERT/UPDATE/DELETE … RETURNING); statements that
   * return no rows resolve to `[]`.
   */
  query<T = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>;

  /** Runs a script of one or more statements (DDL, seeding); no parameters. */
  exec(sql: string): Promise<void>;

  /**
   * Runs `fn` in a transaction: commit when it resolves, roll back when it
   * throws (the error is rethrown). While `fn` runs, every call on this
   * Database — through the handle passed to `fn` or the original one — goes to
   * the transaction; other callers wait (single-connection engines) or use
   * other pooled connections (postgres). Nested calls use savepoints, except on
   * DuckDB, which has none and rejects nesting.
   */
  transaction<T>(fn: (db: Database) => Promise<T>): Promise<T>;

  /** Releases the connection(s). Further calls reject. Idempotent. */
  close(): Promise<void>;
}
