/**
 * SQL fragments made once and shared by every query compiled in the process:
 * quoted names (`"orders"`, `"level:0"."orders:count"`) and fixed pieces of
 * syntax (` and `, `<=`). kysely fragments never change once made, so one serves
 * every statement that uses it, and a large workspace uses the same few thousand
 * names a hundred thousand times (each `sql.id` is half a dozen frozen objects).
 */
import { sql } from 'kysely';
import type { Sql } from '../dialect/dialect';

/** Names of the workspaces compiled so far; forgotten past this many, so a long-lived process does not grow. */
const MAX_NAMES = 100_000;
const names = new Map<string, { alone?: Sql; columns: Map<string, Sql> }>();
const syntax = new Map<string, Sql>();

/** `"name"`, or `"table"."column"`: `sql.id(name)` / `sql.id(table, column)`. */
export function id(name: string, column?: string): Sql {
  let entry = names.get(name);
  if (!entry) {
    if (names.size >= MAX_NAMES) names.clear();
    entry = { columns: new Map() };
    names.set(name, entry);
  }
  if (column === undefined) return (entry.alone ??= sql.id(name));
  let qualified = entry.columns.get(column);
  if (!qualified) {
    qualified = sql.id(name, column);
    entry.columns.set(column, qualified);
  }
  return qualified;
}

/** A fixed piece of SQL syntax written by the compiler (never user text): `sql.raw(text)`. */
export function raw(text: string): Sql {
  let fragment = syntax.get(text);
  if (!fragment) {
    fragment = sql.raw(text);
    syntax.set(text, fragment);
  }
  return fragment;
}
