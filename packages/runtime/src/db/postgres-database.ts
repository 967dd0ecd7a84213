import pg from 'pg';
import { SegUserError } from '../errors';
import type { Database, Row } from './database';
import { PG_TEXT_PARSERS, toPostgresParam } from './normalise-value';
import { redactUrl } from './redact-url';
import { type Connection, ScopedDatabase } from './scoped-database';

export interface PostgresOptions {
  /** Schema(s) to put on every connection's search_path (e.g. an isolated test schema). */
  readonly searchPath?: string;
  /** Pool size; the default suits a CLI run. */
  readonly maxConnections?: number;
  /** Every transaction of every connection read-only (`default_transaction_read_only`). */
  readonly readOnly?: boolean;
}

const TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    (format ?? 'text') === 'text' && PG_TEXT_PARSERS[oid]
      ? PG_TEXT_PARSERS[oid]
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/**
 * Connects to a PostgreSQL server from a `postgres://` / `postgresql://` URL.
 * Placeholders are `$1, $2, …`. Connections are pooled; every connection runs
 * in UTC and, if asked, with the given search_path.
 */
export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: withStartupOptions(url, options.searchPath, options.readOnly === true),
    max: options.maxConnections ?? 4,
    types: TYPES,
    // Let a process that forgot close() exit once its connections are idle.
    allowExitOnIdle: true,
  });
  // An idle connection dropped by the server must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end().catch(() => {});
    throw new SegUserError(`Cannot connect to PostgreSQL at ${redactUrl(url)}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return new PostgresDatabase(pool);
}

/**
 * Startup options are applied by the server to each new connection before any
 * query, so they hold on every pooled connection. pg lets a URL's own
 * `options` override the config object, so we merge into the URL instead.
 */
function withStartupOptions(url: string, searchPath: string | undefined, readOnly: boolean): string {
  const parsed = new URL(url);
  const settings = [parsed.searchParams.get('options'), '-c TimeZone=UTC', readOnly ? '-c default_transaction_read_only=on' : ''];
  // `options` values are split on spaces; a backslash escapes one inside the value.
  if (searchPath !== undefined) settings.push(`-c search_path=${searchPath.replace(/[\\ ]/g, '\\$&')}`);
  parsed.searchParams.set('options', settings.filter(Boolean).join(' '));
  return parsed.toString();
}

class PostgresDatabase extends ScopedDatabase {
  readonly dialect = 'postgres' as const;
  protected readonly supportsSavepoints = true;
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    super();
    this.#pool = pool;
  }

  protected async withConnection<T>(fn: (connection: Connection) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    let broken = false;
    try {
      return await fn({
        query: (sql, params) => runQuery(client, sql, params),
        exec: async (sql) => {
          await client.query(sql);
        },
        discard: () => {
          broken = true;
        },
      });
    } finally {
      // release(true) destroys the connection instead of pooling one in an unknown state.
      client.release(broken);
    }
  }

  protected dispose(): Promise<void> {
    return this.#pool.end();
  }
}

async function runQuery(client: pg.PoolClient, sql: string, params: readonly unknown[]): Promise<Row[]> {
  const result: pg.QueryResult<Row> | pg.QueryResult<Row>[] = await client.query<Row>(
    sql,
    params.map(toPostgresParam),
  );
  // Without parameters pg uses the simple protocol, which accepts several statements and
  // returns one result each; report the last, as the other engines would for a script.
  const last = Array.isArray(result) ? result[result.length - 1] : result;
  return last?.rows ?? [];
}
