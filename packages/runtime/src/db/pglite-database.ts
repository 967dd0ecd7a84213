import { PGlite } from '@electric-sql/pglite';
import type { Database, Row } from './database';
import { Mutex } from './mutex';
import { PG_TEXT_PARSERS, toPostgresParam } from './normalise-value';
import { type Connection, ScopedDatabase } from './scoped-database';

export interface PgliteOptions {
  /** Directory to persist to; omitted means in-memory. Ignored with `instance`. */
  readonly dataDir?: string;
  /**
   * An existing PGlite to share (tests boot one per process: a boot costs
   * ~2 s, a schema a few ms). The caller keeps ownership: close() leaves it open.
   */
  readonly instance?: PGlite;
  /** search_path for this handle; set on the shared session whenever this handle takes it. */
  readonly searchPath?: string;
}

/** Per PGlite instance: it is one session, so all handles on it take turns. */
interface SessionState {
  readonly mutex: Mutex;
  /** The search_path last set on the session; null means the server default. */
  searchPath: string | null;
}

const sessions = new WeakMap<PGlite, SessionState>();

/** Creates an in-memory (or `dataDir`) PGlite running in UTC, for sharing via `instance`. */
export async function createPgliteInstance(dataDir?: string): Promise<PGlite> {
  const instance = await PGlite.create(dataDir === undefined ? undefined : { dataDir });
  await instance.exec("SET TimeZone = 'UTC'");
  return instance;
}

/**
 * Opens PostgreSQL compiled to WASM, in-process: real postgres semantics with
 * no server, for tests and quick local runs. Placeholders are `$1, $2, …`.
 */
export async function openPglite(options: PgliteOptions = {}): Promise<Database> {
  const owned = options.instance === undefined;
  const instance = options.instance ?? (await createPgliteInstance(options.dataDir));
  let session = sessions.get(instance);
  if (!session) {
    session = { mutex: new Mutex(), searchPath: null };
    sessions.set(instance, session);
  }
  return new PgliteDatabase(instance, session, options.searchPath ?? null, owned);
}

class PgliteDatabase extends ScopedDatabase {
  readonly dialect = 'postgres' as const;
  protected readonly supportsSavepoints = true;

  readonly #instance: PGlite;
  readonly #session: SessionState;
  readonly #searchPath: string | null;
  readonly #owned: boolean;
  readonly #connection: Connection;

  constructor(instance: PGlite, session: SessionState, searchPath: string | null, owned: boolean) {
    super();
    this.#instance = instance;
    this.#session = session;
    this.#searchPath = searchPath;
    this.#owned = owned;
    this.#connection = {
      query: async (sql, params) => {
        const result = await this.#instance.query<Row>(sql, params.map(toPostgresParam), {
          parsers: PG_TEXT_PARSERS,
        });
        return result.rows;
      },
      exec: async (sql) => {
        await this.#instance.exec(sql);
      },
    };
  }

  protected withConnection<T>(fn: (connection: Connection) => Promise<T>): Promise<T> {
    return this.#session.mutex.run(async () => {
      if (this.#session.searchPath !== this.#searchPath) {
        await this.#instance.exec(
          this.#searchPath === null ? 'RESET search_path' : `SET search_path TO ${this.#searchPath}`,
        );
        this.#session.searchPath = this.#searchPath;
      }
      return fn(this.#connection);
    });
  }

  protected dispose(): Promise<void> {
    return this.#session.mutex.run(async () => {
      if (this.#owned) await this.#instance.close();
    });
  }
}
