/**
 * PostgreSQL (and PGlite). Timestamps are compared as timestamptz: a stored
 * column is cast (a no-op for timestamptz, a parse for ISO text; naive values
 * are read in the session time zone, which the runtime sets to UTC), or
 * converted with to_timestamp when the model says it holds epoch seconds.
 * Parameters are `$n` and carry explicit casts, because PostgreSQL types an
 * untyped parameter as text where it cannot infer one (`$1 < $2` would compare text).
 */
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, sql } from 'kysely';
import type { ScalarType } from '@seg/core';
import { oncePerPoint, type Dialect, type Sql } from './dialect';
import { TimeParam } from '../parameters';
import { PostgresCompiler } from './query-compilers';

const db = new Kysely<any>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (k) => new PostgresIntrospector(k),
    createQueryCompiler: () => new PostgresCompiler(),
  },
});

const PG_TYPES: Record<ScalarType, string> = {
  text: 'text',
  number: 'double precision',
  bool: 'boolean',
  date: 'timestamptz',
  timestamp: 'timestamptz',
};

/** Pieces shared with DuckDB, which speaks the same SQL with a few differences. */
export function nullSafeExtreme(fn: 'least' | 'greatest') {
  return (args: readonly Sql[]): Sql => sql`${sql.raw(fn)}(${sql.join(args as Sql[])})`;
}

export const postgresDialect: Dialect = {
  name: 'postgres',
  capabilities: {
    mathFunctions: true,
    percentileDisc: false,
    nativeBoolean: true,
    integerDivision: '/',
    windowFunctions: true,
    existenceProbes: false,
    textTimestamps: false,
  },
  timeEncoding: 'iso',
  db,
  param: (value, type) => sql`cast(${value} as ${sql.raw(PG_TYPES[type])})`,
  timeParam: oncePerPoint((point) => sql`cast(${new TimeParam(point, 'iso')} as timestamptz)`),
  textTimeParam: () => {
    throw new Error('internal: PostgreSQL compares timestamps natively');
  },
  timeFromText: (value) => sql`cast(${value} as timestamptz)`,
  readTimestamp: (column, storage) =>
    storage === 'epochSeconds' ? sql`to_timestamp(${column})` : sql`cast(${column} as timestamptz)`,
  epochSeconds: (value) => sql`cast(extract(epoch from ${value}) as double precision)`,
  timestampOutput: (value) => value,
  codePointOrder: (value) => sql`${value} collate "C"`,
  divide: (a, b) => sql`(cast(${a} as double precision) / nullif(${b}, 0))`,
  intDivide: (a, b) => sql`((${a}) / (${b}))`,
  least: nullSafeExtreme('least'),
  greatest: nullSafeExtreme('greatest'),
  leastPropagatesNull: false,
  // round(double, int) does not exist; numeric rounds half away from zero, like SQLite.
  round: (x, digits) =>
    digits
      ? sql`cast(round(cast(${x} as numeric), cast(${digits} as integer)) as double precision)`
      : sql`cast(round(cast(${x} as numeric)) as double precision)`,
  concat: (a, b) => sql`(${a} || cast(${b} as text))`,
  contains: (subject, pattern) => sql`(strpos(${subject}, ${pattern}) > 0)`,
  columnType: (type) =>
    ({ text: 'text', number: 'double precision', integer: 'integer', bool: 'boolean', timestamp: 'timestamptz' })[type],
  bool: (value) => (value ? sql`true` : sql`false`),
};
