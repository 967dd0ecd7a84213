/**
 * Small helpers for the SQL the executor writes itself (history, work tables,
 * outputs): quoted identifiers, bound parameters in each engine's placeholder
 * style, and column types. Values are always bound, never spliced into text.
 */
import { getDialect } from '@seg/compiler';
import type { ScalarType } from '@seg/core';
import type { Dialect } from '../db/database';
import { quoteIdentifier } from '../fixtures/column-types';

export { quoteIdentifier };

export type ColumnKind = ScalarType | 'integer';

/** The engine's column type for a value kind (dates are stored as timestamps, as the plan's tables do). */
export function columnType(dialect: Dialect, kind: ColumnKind): string {
  return getDialect(dialect).columnType(kind === 'date' ? 'timestamp' : kind);
}

/** SQL text and its parameters, ready for `db.query`. */
export interface BoundSql {
  readonly sql: string;
  readonly params: readonly unknown[];
}

/**
 * Builds one statement. `p(value)` binds a value and returns its placeholder:
 * template literals evaluate left to right, so parameters are bound in textual
 * order, which is what `?` needs; PostgreSQL placeholders are numbered.
 *
 * A compiled plan statement can be embedded once, before any parameter of our
 * own (`embed`): its PostgreSQL placeholders are already `$1…$k`, so ours follow.
 *
 * @example bound('sqlite', (p) => `delete from t where plan = ${p('weekly')}`)
 */
export function bound(dialect: Dialect, build: (p: Binder) => string): BoundSql {
  const params: unknown[] = [];
  const binder = ((value: unknown, cast?: ColumnKind) => {
    params.push(value);
    const placeholder = dialect === 'postgres' ? `$${params.length}` : '?';
    // SQLite needs no casts; PostgreSQL and DuckDB cannot type a parameter that is only ever NULL.
    return cast && dialect !== 'sqlite' ? `cast(${placeholder} as ${columnType(dialect, cast)})` : placeholder;
  }) as Binder;
  binder.embed = (statement) => {
    if (params.length > 0) throw new Error('internal: a compiled statement must be embedded before any parameter');
    params.push(...statement.params);
    return statement.sql;
  };
  const sql = build(binder);
  return { sql, params };
}

export interface Binder {
  (value: unknown, cast?: ColumnKind): string;
  embed(statement: BoundSql): string;
}

/**
 * A timestamp as this runtime writes it: ISO-8601 UTC text (SQLite keeps text;
 * PostgreSQL and DuckDB cast it to timestamptz), so equal instants compare equal.
 */
export function timestampParam(p: Binder, instant: Date): string {
  return p(instant.toISOString(), 'timestamp');
}
