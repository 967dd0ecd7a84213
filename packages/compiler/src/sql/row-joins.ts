/**
 * Following links from one row: `product.category` read from an order line
 * becomes `left join "products" as "order_lines.product" on …`. Each path is
 * joined once per query, under an alias named after the path, so the SQL reads
 * like the rule it came from. Links point at the target's key, so a join never
 * multiplies rows.
 */
import { sql } from 'kysely';
import type { CheckedWorkspace, FieldDef, TableDef } from '@seg/core';
import type { Dialect, Sql } from '../dialect/dialect';
import type { SqlExpr } from './sql-expr';
import { id } from './fragments';

export interface JoinSpec {
  readonly table: string;
  readonly alias: string;
  readonly on: Sql;
  /** Inner joins for links every row must have (the way to the audience and to the event time). */
  readonly inner: boolean;
}

export class RowJoins {
  private readonly joined = new Map<string, JoinSpec>();
  /** Field values by path and field: a pass reads its event time once per aggregate. */
  private readonly values = new Map<string, SqlExpr>();

  /**
   * @param innerPaths link paths (as `a.b`) that every row follows anyway: joined with an inner join.
   */
  constructor(
    private readonly ws: CheckedWorkspace,
    private readonly dialect: Dialect,
    readonly table: TableDef,
    readonly alias: string,
    private readonly innerPaths: ReadonlySet<string> = new Set(),
  ) {}

  /** Joins in the order they were needed (a path's prefix always comes first). */
  get joins(): readonly JoinSpec[] {
    return [...this.joined.values()];
  }

  /** The table and alias reached by following `path` from the row. */
  follow(path: readonly string[]): { table: TableDef; alias: string } {
    let table = this.table;
    let alias = this.alias;
    for (let i = 0; i < path.length; i++) {
      const link = fieldOf(table, path[i]!);
      if (!link.link) throw new Error(`internal: ${table.name}.${link.name} is not a link`);
      const target = tableOf(this.ws, link.link.target);
      const key = target.key ? fieldOf(target, target.key) : undefined;
      if (!key) throw new Error(`internal: ${target.name} has no key to join on`);
      const nextAlias = `${this.alias}.${path.slice(0, i + 1).join('.')}`;
      if (!this.joined.has(nextAlias)) {
        this.joined.set(nextAlias, {
          table: target.sqlName,
          alias: nextAlias,
          on: sql`${id(nextAlias, key.column)} = ${id(alias, link.column)}`,
          inner: this.innerPaths.has(path.slice(0, i + 1).join('.')),
        });
      }
      table = target;
      alias = nextAlias;
    }
    return { table, alias };
  }

  /** The raw column a field is stored in (a link gives the linked key it holds). */
  column(path: readonly string[], field: string): Sql {
    const { table, alias } = this.follow(path);
    return id(alias, fieldOf(table, field).column);
  }

  /** A field's value in the engine's representation (timestamps normalised). */
  value(path: readonly string[], field: string): SqlExpr {
    const key = path.length === 0 ? field : `${path.join('.')}.${field}`;
    let value = this.values.get(key);
    if (!value) {
      // The first read joins the path; later ones find it joined.
      const { table, alias } = this.follow(path);
      const def = fieldOf(table, field);
      value = readField(this.dialect, def, id(alias, def.column));
      this.values.set(key, value);
    }
    return value;
  }
}

/**
 * A stored field as a value: timestamps in the engine's representation, except that
 * `isoUtcSeconds` text stays text on engines that can compare it as such (`textTime`).
 */
export function readField(dialect: Dialect, def: FieldDef, column: Sql): SqlExpr {
  if (def.link || (def.type !== 'timestamp' && def.type !== 'date')) return { sql: column, nullable: true };
  if (def.storage === 'isoUtcSeconds' && dialect.capabilities.textTimestamps) return { sql: column, nullable: true, textTime: true };
  return { sql: dialect.readTimestamp(column, def.storage), nullable: true };
}

/** Whether a stored field is read as `isoUtcSeconds` text (see `readField`). */
export function isTextTime(dialect: Dialect, def: FieldDef): boolean {
  return !def.link && (def.type === 'timestamp' || def.type === 'date') && def.storage === 'isoUtcSeconds' && dialect.capabilities.textTimestamps;
}

export function tableOf(ws: CheckedWorkspace, name: string): TableDef {
  const table = ws.model.tables[name];
  if (!table) throw new Error(`internal: unknown table ${name}`);
  return table;
}

export function fieldOf(table: TableDef, name: string): FieldDef {
  const field = table.fields[name];
  if (!field) throw new Error(`internal: ${table.name} has no field ${name}`);
  return field;
}
