/**
 * An offer family's catalogue, set-based: one query lists every offer the
 * family declares (one per catalogue row) with its name, category and cap —
 * which the checker guarantees are fixed per offer, so they read the row alone.
 */
import { sql } from 'kysely';
import type { CheckedWorkspace } from '@seg/core';
import type { Dialect } from '../dialect/dialect';
import { RowJoins, fieldOf, tableOf } from '../sql/row-joins';
import { compileExpr, type ExprScope } from '../sql/sql-expr';
import type { OfferRules } from './candidate-statement';

export function offerCatalogueStatement(ws: CheckedWorkspace, d: Dialect, rules: OfferRules): any {
  const offer = rules.offer;
  if (!offer.family) throw new Error(`internal: ${offer.name} is not a family`);
  const table = tableOf(ws, offer.family.source);
  const joins = new RowJoins(ws, d, table, 'offer');
  const scope: ExprScope = {
    dialect: d,
    leaf: (expr) => {
      if (expr.kind === 'field' && expr.scope === 'offer') return joins.value(expr.path, expr.field);
      throw new Error(`offer family ${offer.name}: its category and cap must depend on the catalogue row only`);
    },
  };
  const key = sql.id('offer', fieldOf(table, offer.family.key).column);
  const category = rules.category ? compileExpr(rules.category, scope).sql : d.param(null, 'text');
  const cap = rules.cap ? compileExpr(rules.cap, scope).sql : d.param(null, 'number');
  let q: any = d.db.selectFrom(sql`${sql.id(table.sqlName)}`.as('offer'));
  for (const join of joins.joins) q = q.leftJoin(sql`${sql.id(join.table)}`.as(join.alias), (j: any) => j.on(join.on));
  return q
    .select([
      sql`${d.concat(d.param(`${offer.name}:`, 'text'), key)}`.as('offer'),
      sql`${key}`.as('key'),
      sql`${category}`.as('category'),
      sql`${cap}`.as('cap'),
    ])
    .orderBy(key);
}
