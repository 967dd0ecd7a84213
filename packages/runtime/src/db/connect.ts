import { SegUserError } from '../errors';
import type { Database } from './database';
import { redactUrl } from './redact-url';

export const SUPPORTED_DATABASE_URLS = [
  'sqlite:PATH',
  'sqlite::memory:',
  'postgres://USER@HOST:PORT/DB (or postgresql://)',
  'pglite: / pglite:memory (in-memory) or pglite:DIR',
  'duckdb:PATH',
  'duckdb::memory:',
] as const;

export interface ConnectOptions {
  /**
   * Never change the database: SQLite and DuckDB files open in their read-only modes (an absent file is an
   * error, not created), PostgreSQL sessions default to read-only transactions. For readers such as the
   * editor's size previews.
   */
  readonly readOnly?: boolean;
}

/**
 * Opens a database from a URL. Engine modules are imported on demand so that
 * using one engine never loads another's native binding.
 */
export async function connect(url: string, options: ConnectOptions = {}): Promise<Database> {
  const readOnly = options.readOnly === true;
  const trimmed = url.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(trimmed)?.[1]?.toLowerCase();
  const rest = scheme === undefined ? '' : trimmed.slice(scheme.length + 1);

  switch (scheme) {
    case 'sqlite': {
      const { openSqlite } = await import('./sqlite-database');
      return openSqlite(filePath(rest, url), { readOnly });
    }
    case 'postgres':
    case 'postgresql': {
      const { openPostgres } = await import('./postgres-database');
      return openPostgres(trimmed, { readOnly });
    }
    case 'pglite': {
      // One process at a time holds a PGlite folder; there is no read-only mode to share it.
      if (readOnly) throw new SegUserError('A PGlite database cannot be opened read-only (one process at a time holds its folder).');
      const { openPglite } = await import('./pglite-database');
      const target = rest.replace(/^\/\//, '');
      const inMemory = target === '' || target === 'memory' || target === ':memory:';
      return openPglite(inMemory ? {} : { dataDir: target });
    }
    case 'duckdb': {
      const { openDuckDb } = await import('./duckdb-database');
      return openDuckDb(filePath(rest, url), { readOnly });
    }
    default:
      throw new SegUserError(
        `Unsupported database URL "${redactUrl(url)}". Supported forms:\n` +
          SUPPORTED_DATABASE_URLS.map((form) => `  ${form}`).join('\n'),
      );
  }
}

/** `sqlite:x.db`, `sqlite://x.db` and `sqlite:///abs/x.db` all name a file; `:memory:` is special. */
function filePath(rest: string, url: string): string {
  const path = rest.startsWith('//') ? rest.slice(2) : rest;
  if (path === '') {
    throw new SegUserError(`Database URL "${redactUrl(url)}" names no file; use e.g. sqlite:app.db or sqlite::memory:`);
  }
  return path;
}
