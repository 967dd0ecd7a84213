/**
 * DuckDB reuses kysely's PostgreSQL query compiler (same quoting, same SQL
 * shape) with `?` placeholders, and the PostgreSQL dialect's hooks except
 * where DuckDB differs: `/` is real division (`//` is integer division),
 * `round` works on doubles, and `epoch()` gives seconds.
 */
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, sql } from 'kysely';
import type { ScalarType } from '@seg/core';
import { oncePerPoint, type Dialect } from './dialect';
import { postgresDialect } from './postgres-dialect';
import { TimeParam } from '../parameters';
import { PostgresCompiler } from './query-compilers';

class DuckDbQueryCompiler extends PostgresCompiler {
  protected override getCurrentParameterPlaceholder(): string {
    return '?';
  }
}

const db = new Kysely<any>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (k) => new PostgresIntrospector(k),
    createQueryCompiler: () => new DuckDbQueryCompiler(),
  },
});

const DUCK_TYPES: Record<ScalarType, string> = {
  text: 'varchar',
  number: 'double',
  bool: 'boolean',
  date: 'timestamptz',
  timestamp: 'timestamptz',
};

export const duckdbDialect: Dialect = {
  ...postgresDialect,
  name: 'duckdb',
  capabilities: { ...postgresDialect.capabilities, integerDivision: '//' },
  db,
  param: (value, type) => sql`cast(${value} as ${sql.raw(DUCK_TYPES[type])})`,
  timeParam: oncePerPoint((point) => sql`cast(${new TimeParam(point, 'iso')} as timestamptz)`),
  epochSeconds: (value) => sql`epoch(${value})`,
  codePointOrder: (value) => value,
  divide: (a, b) => sql`(cast(${a} as double) / nullif(${b}, 0))`,
  intDivide: (a, b) => sql`((${a}) // (${b}))`,
  round: (x, digits) =>
    digits ? sql`round(cast(${x} as double), cast(${digits} as integer))` : sql`round(cast(${x} as double))`,
  concat: (a, b) => sql`(${a} || cast(${b} as varchar))`,
  columnType: (type) =>
    ({ text: 'varchar', number: 'double', integer: 'integer', bool: 'boolean', timestamp: 'timestamptz' })[type],
};
