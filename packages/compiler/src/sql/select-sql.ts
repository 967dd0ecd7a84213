/**
 * SELECT statements written straight from fragments, in the form kysely's query
 * builder prints them:
 *
 *   with "pass:orders" as (select …), "level:0" as materialized (select …)
 *   select a, b from "customers" as "customers" left join "pass:orders" as "pass:orders" on …
 *   where x and y group by k order by k
 *
 * The builder copies and freezes the whole query for each clause it adds (and
 * each CTE, join and select item); the compiler writes thousands of queries with
 * dozens of clauses each, and writing them directly costs only their fragments.
 * kysely still turns the fragments into text (quoting, placeholders).
 */
import { sql } from 'kysely';
import type { Sql } from '../dialect/dialect';
import { id, raw } from './fragments';

export interface Cte {
  readonly name: string;
  /** A SELECT (written in parentheses after the name). */
  readonly query: Sql;
  /** Computed once even when read several times (`as materialized`). */
  readonly materialized?: boolean;
}

export interface SelectParts {
  readonly with?: readonly Cte[];
  readonly select: readonly Sql[];
  /** What follows `from`: a `tableAs`, or a subquery with its alias. */
  readonly from: Sql;
  /** `joinSql`s, in order. */
  readonly joins?: readonly Sql[];
  /** Conditions, all of which must hold. */
  readonly where?: readonly Sql[];
  readonly groupBy?: readonly Sql[];
  readonly orderBy?: readonly Sql[];
}

const NOTHING = raw('');
const COMMA = raw(', ');
const AND = raw(' and ');

export function selectSql(parts: SelectParts): Sql {
  const clauses: Sql[] = [];
  if (parts.with && parts.with.length > 0) clauses.push(sql`with ${sql.join(parts.with.map(cteSql), COMMA)} `);
  clauses.push(sql`select ${sql.join(parts.select, COMMA)} from ${parts.from}`);
  for (const join of parts.joins ?? []) clauses.push(sql` ${join}`);
  if (parts.where && parts.where.length > 0) clauses.push(sql` where ${sql.join(parts.where, AND)}`);
  if (parts.groupBy && parts.groupBy.length > 0) clauses.push(sql` group by ${sql.join(parts.groupBy, COMMA)}`);
  if (parts.orderBy && parts.orderBy.length > 0) clauses.push(sql` order by ${sql.join(parts.orderBy, COMMA)}`);
  return sql.join(clauses, NOTHING);
}

function cteSql(cte: Cte): Sql {
  return cte.materialized ? sql`${id(cte.name)} as materialized (${cte.query})` : sql`${id(cte.name)} as (${cte.query})`;
}

/** `"table" as "alias"`: a table or CTE under a name. */
export function tableAs(table: string, alias: string): Sql {
  return sql`${id(table)} as ${id(alias)}`;
}

/** `left join "table" as "alias" on …` (`source` is a `tableAs`). */
export function joinSql(kind: 'left join' | 'inner join', source: Sql, on: Sql): Sql {
  return sql`${raw(kind)} ${source} on ${on}`;
}
