/**
 * What a database URL says without connecting: its engine (to compile plans
 * for it before the database is reachable) and, for file engines, its file.
 */
import { SegUserError } from '../errors';
import type { Dialect } from './database';
import { redactUrl } from './redact-url';

const DIALECT_OF_SCHEME: Readonly<Record<string, Dialect>> = {
  sqlite: 'sqlite',
  postgres: 'postgres',
  postgresql: 'postgres',
  pglite: 'postgres',
  duckdb: 'duckdb',
};

/** The engine a URL names (the schemes `connect` accepts). */
export function dialectOfUrl(url: string): Dialect {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url.trim())?.[1]?.toLowerCase();
  const dialect = scheme === undefined ? undefined : DIALECT_OF_SCHEME[scheme];
  if (!dialect) throw new SegUserError(`Unsupported database URL "${redactUrl(url)}": use sqlite:PATH, postgres://…, pglite:DIR or duckdb:PATH`);
  return dialect;
}

/** The file of a `sqlite:`/`duckdb:` URL (`sqlite:x.db`, `sqlite:///abs/x.db`); undefined for in-memory and server URLs. */
export function databaseFile(url: string): string | undefined {
  const match = /^(sqlite|duckdb):(.*)$/i.exec(url.trim());
  if (!match) return undefined;
  const rest = match[2]!;
  const path = rest.startsWith('//') ? rest.slice(2) : rest;
  return path === '' || path === ':memory:' ? undefined : path;
}
