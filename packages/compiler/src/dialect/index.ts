import type { Dialect, DialectName } from './dialect';
import { duckdbDialect } from './duckdb-dialect';
import { postgresDialect } from './postgres-dialect';
import { sqliteDialect } from './sqlite-dialect';

export const dialects: Readonly<Record<DialectName, Dialect>> = {
  sqlite: sqliteDialect,
  postgres: postgresDialect,
  duckdb: duckdbDialect,
};

/** The dialect for an engine name (`sqlite`, `postgres`, `duckdb`). */
export function getDialect(name: string): Dialect {
  const dialect = (dialects as Record<string, Dialect>)[name];
  if (!dialect) throw new Error(`unknown SQL dialect "${name}": use sqlite, postgres or duckdb`);
  return dialect;
}

export type { Dialect, DialectName, DialectCapabilities, Sql } from './dialect';
export { CapabilityError, requireCapability } from './dialect';
export { sqliteDialect, postgresDialect, duckdbDialect };
