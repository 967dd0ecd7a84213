import { AsyncLocalStorage } from 'node:async_hooks';
import type { Database, Dialect, Row } from './database';
import { Mutex } from './mutex';

/** One physical connection, as each engine module provides it. */
export interface Connection {
  query(sql: string, params: readonly unknown[]): Promise<Row[]>;
  exec(sql: string): Promise<void>;
  /** Called when a failed rollback left the connection in an unknown state. */
  discard?(): void;
}

interface TransactionScope {
  readonly connection: Connection;
  readonly depth: number;
  /** Serialises nested transactions started concurrently inside this one. */
  readonly nested: Mutex;
}

/**
 * Transaction plumbing shared by every engine. The current transaction is
 * tracked with AsyncLocalStorage, so inside `transaction(fn)` any call on this
 * Database (the handle given to `fn` or the one the caller already held) runs
 * on the transaction's connection. Without that, code that closes over the
 * outer handle would deadlock on single-connection engines or silently run
 * outside the transaction on pooled ones.
 */
export abstract class ScopedDatabase implements Database {
  abstract readonly dialect: Dialect;
  /** DuckDB has no SAVEPOINT, so it cannot nest. */
  protected abstract readonly supportsSavepoints: boolean;
  protected readonly beginSql: string = 'BEGIN';

  readonly #scope = new AsyncLocalStorage<TransactionScope>();
  #closing: Promise<void> | undefined;

  /** Runs `fn` with exclusive use of one connection. */
  protected abstract withConnection<T>(fn: (connection: Connection) => Promise<T>): Promise<T>;

  /** Releases engine resources; called once, by `close()`. */
  protected abstract dispose(): Promise<void>;

  async query<T = Row>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    this.#assertOpen();
    const scope = this.#scope.getStore();
    const rows = scope
      ? await scope.connection.query(sql, params)
      : await this.withConnection((connection) => connection.query(sql, params));
    return rows as T[];
  }

  async exec(sql: string): Promise<void> {
    this.#assertOpen();
    const scope = this.#scope.getStore();
    if (scope) return scope.connection.exec(sql);
    return this.withConnection((connection) => connection.exec(sql));
  }

  async transaction<T>(fn: (db: Database) => Promise<T>): Promise<T> {
    this.#assertOpen();
    const outer = this.#scope.getStore();
    if (!outer) {
      return this.withConnection(async (connection) => {
        await connection.exec(this.beginSql);
        const scope: TransactionScope = { connection, depth: 1, nested: new Mutex() };
        let result: T;
        try {
          result = await this.#scope.run(scope, () => fn(this));
        } catch (error) {
          await rollbackQuietly(connection, ['ROLLBACK']);
          throw error;
        }
        try {
          await connection.exec('COMMIT');
        } catch (error) {
          // A failed COMMIT may leave the transaction open (sqlite SQLITE_BUSY).
          await rollbackQuietly(connection, ['ROLLBACK']);
          throw error;
        }
        return result;
      });
    }

    if (!this.supportsSavepoints) {
      throw new Error(`Nested transactions are not supported on ${this.dialect} (it has no savepoints)`);
    }
    return outer.nested.run(async () => {
      const savepoint = `seg_savepoint_${outer.depth}`;
      const { connection } = outer;
      await connection.exec(`SAVEPOINT ${savepoint}`);
      const scope: TransactionScope = { connection, depth: outer.depth + 1, nested: new Mutex() };
      let result: T;
      try {
        result = await this.#scope.run(scope, () => fn(this));
      } catch (error) {
        await rollbackQuietly(connection, [`ROLLBACK TO SAVEPOINT ${savepoint}`, `RELEASE SAVEPOINT ${savepoint}`]);
        throw error;
      }
      await connection.exec(`RELEASE SAVEPOINT ${savepoint}`);
      return result;
    });
  }

  close(): Promise<void> {
    this.#closing ??= this.dispose();
    return this.#closing;
  }

  #assertOpen(): void {
    if (this.#closing) throw new Error(`The ${this.dialect} database has been closed`);
  }
}

/** The caller's error matters more than a rollback failure, which only taints the connection. */
async function rollbackQuietly(connection: Connection, statements: readonly string[]): Promise<void> {
  try {
    for (const sql of statements) await connection.exec(sql);
  } catch {
    connection.discard?.();
  }
}
