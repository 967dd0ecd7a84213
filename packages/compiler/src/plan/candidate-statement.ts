/**
 * One candidates statement per offer (and one per offer family, set-based over
 * its catalogue): the audience's eligible customers with the offer's score,
 * boosts applied, inserted into the run's candidates table.
 *
 * Customer values come from the run's facts table (computed once for all
 * offers); a family reads its catalogue row as `offer`, and aggregates whose
 * `where` reads `offer.x` get one grouped pass per family, grouped by customer
 * and catalogue row.
 */
import { sql } from 'kysely';
import type { CheckedWorkspace, IrExpr, OfferDef, PlanDef, TableDef } from '@seg/core';
import type { Dialect, Sql } from '../dialect/dialect';
import { ColumnNames, EventPass, aggregateRef, type AggregateExpr } from '../sql/event-pass';
import type { AudienceQuery } from '../sql/audience-query';
import { RowJoins, fieldOf, tableOf } from '../sql/row-joins';
import { AS_OF, asCondition, compileExpr, type ExprScope, type LeafExpr, type SqlExpr } from '../sql/sql-expr';
import { readsOffer, substituteOfferProps } from './offer-props';
import { id, raw } from '../sql/fragments';
import { joinSql, selectSql, tableAs } from '../sql/select-sql';

export const FACTS_ALIAS = 'facts';
export const KEY_COLUMN = 'run:key';
export const HOLDOUT_COLUMN = 'run:holdout';
export const SUPPRESSED_COLUMN = 'run:suppressed';

/** Everything a candidate row is computed from, with `offer.` properties already substituted. */
export interface OfferRules {
  readonly offer: OfferDef;
  readonly eligible: IrExpr;
  /** `rank by`, before boosts. */
  readonly rank: IrExpr;
  readonly boosts: readonly { readonly factor: number; readonly condition: IrExpr }[];
  readonly offerScore: IrExpr;
  readonly value: IrExpr;
  readonly category: IrExpr | undefined;
  readonly cap: IrExpr | undefined;
}

export function offerRules(offer: OfferDef, plan: PlanDef): OfferRules {
  const sub = (e: IrExpr) => substituteOfferProps(e, offer);
  return {
    offer,
    eligible: sub(offer.eligible),
    rank: sub(plan.rankBy),
    boosts: plan.boosts.map((b) => ({ factor: b.factor, condition: sub(b.condition) })),
    offerScore: sub(offer.score),
    value: sub(offer.value),
    category: offer.category ? sub(offer.category) : undefined,
    cap: offer.cap ? sub(offer.cap) : undefined,
  };
}

/** Every expression of an offer's rules, for collecting what they read. */
export function rulesExprs(rules: OfferRules): IrExpr[] {
  return [
    rules.eligible,
    rules.rank,
    ...rules.boosts.map((b) => b.condition),
    rules.offerScore,
    rules.value,
    ...(rules.category ? [rules.category] : []),
    ...(rules.cap ? [rules.cap] : []),
  ];
}

/** Customer-level leaves an expression reads (what the facts table must hold). */
export function customerLeaves(expr: IrExpr | undefined, out: LeafExpr[]): void {
  if (!expr) return;
  const visit = (e: IrExpr): void => {
    switch (e.kind) {
      case 'field':
        if (e.scope === 'audience') out.push(e);
        return;
      case 'aggregate':
        if (readsOffer(e.where)) {
          // Evaluated in the family pass, which reads customer values from the facts row.
          if (e.where) customerLeaves(e.where, out);
        } else out.push(e);
        return;
      case 'metric':
      case 'segment':
      case 'rank':
      case 'strategyOf':
      case 'membershipChange':
        out.push(e);
        return;
      default:
        forEachChild(e, visit);
    }
  };
  visit(expr);
}

function forEachChild(e: IrExpr, visit: (e: IrExpr) => void): void {
  switch (e.kind) {
    case 'mapLookup':
      return visit(e.key);
    case 'not':
    case 'neg':
    case 'isMissing':
      return visit(e.arg);
    case 'and':
    case 'or':
    case 'call':
      return e.args.forEach(visit);
    case 'compare':
    case 'arith':
      visit(e.left);
      return visit(e.right);
    case 'in':
      visit(e.needle);
      return visit(e.haystack);
    case 'between':
      visit(e.subject);
      visit(e.low);
      return visit(e.high);
    case 'textMatch':
      visit(e.subject);
      return visit(e.pattern);
    case 'inWindow':
      return visit(e.subject);
    case 'rank':
      return visit(e.arg);
    default:
      return;
  }
}

/** Resolves leaves for a candidate row: the customer's facts, the catalogue row, the family pass. */
class CandidateScope implements ExprScope {
  readonly offerJoins?: RowJoins;
  pass?: EventPass;
  readonly passAggregates = new Set<string>();

  constructor(
    readonly ws: CheckedWorkspace,
    readonly dialect: Dialect,
    private readonly query: AudienceQuery,
    readonly offer: OfferDef,
    readonly catalogue?: TableDef,
  ) {
    if (catalogue) this.offerJoins = new RowJoins(ws, dialect, catalogue, 'offer');
  }

  familyPass(source: TableDef): EventPass {
    if (this.pass && this.pass.source.name !== source.name) {
      throw new Error(`offer family ${this.offer.name}: aggregates reading offer.x over two event tables are not supported yet`);
    }
    if (!this.pass) {
      this.pass = new EventPass(this.ws, this.dialect, {
        source,
        cteName: `pass:${source.name}@${this.offer.name}`,
        level: 0,
        names: new ColumnNames(),
        offer: { table: this.catalogue!, alias: 'offer' },
        outer: {
          source: 'seg_run_facts',
          alias: FACTS_ALIAS,
          keyColumn: KEY_COLUMN,
          leaf: (expr) => this.customerLeaf(expr),
        },
      });
    }
    return this.pass;
  }

  private customerLeaf(expr: LeafExpr): SqlExpr {
    return this.query.factColumn(expr).read(FACTS_ALIAS);
  }

  leaf(expr: LeafExpr): SqlExpr {
    if (expr.kind === 'field' && expr.scope === 'offer') {
      if (!this.offerJoins) throw new Error('internal: offer.x outside a family');
      return this.offerJoins.value(expr.path, expr.field);
    }
    if (expr.kind === 'offerProp') {
      if (expr.name !== 'name' || !this.catalogue) throw new Error(`internal: offer.${expr.name} left unsubstituted`);
      return { sql: this.offerName(), nullable: false };
    }
    if (expr.kind === 'aggregate' && readsOffer(expr.where)) {
      const source = tableOf(this.ws, expr.source);
      const pass = this.familyPass(source);
      const column = pass.add(expr);
      this.passAggregates.add(JSON.stringify(expr));
      return aggregateRef(expr as AggregateExpr, id(pass.cteName, column), this.dialect, pass.resultIsTextTime(expr as AggregateExpr));
    }
    return this.customerLeaf(expr);
  }

  offerName(): Sql {
    const family = this.offer.family!;
    const key = id('offer', fieldOf(this.catalogue!, family.key).column);
    return this.dialect.concat(this.dialect.param(`${this.offer.name}:`, 'text'), key);
  }
}

const CANDIDATE_COLUMNS = ['customer_key', 'offer', 'family', 'category', 'strategy', 'score', 'offer_score', 'value', 'cap'] as const;
export { CANDIDATE_COLUMNS };

/** Whether every candidate must have a row in the family pass (an `any(… offer.x …)` is a conjunct of eligibility). */
function requiresPassRow(eligible: IrExpr): boolean {
  const conjuncts = eligible.kind === 'and' ? eligible.args : [eligible];
  return conjuncts.some((c) => c.kind === 'aggregate' && c.fn === 'any' && readsOffer(c.where));
}

export function candidateStatement(
  ws: CheckedWorkspace,
  dialect: Dialect,
  query: AudienceQuery,
  rules: OfferRules,
): any {
  const offer = rules.offer;
  const catalogue = offer.family ? tableOf(ws, offer.family.source) : undefined;
  const scope = new CandidateScope(ws, dialect, query, offer, catalogue);
  const d = dialect;
  const c = (e: IrExpr) => compileExpr(e, scope);
  const cond = (e: IrExpr) => asCondition(c(e), d);

  const eligible = cond(rules.eligible);
  // rank by × the factor of every boost whose condition holds.
  const rank = c(rules.rank);
  const factors = rules.boosts.map(
    (b) => sql`(case when ${c(b.condition).sql} then ${d.param(b.factor, 'number')} else 1 end)`,
  );
  const score: SqlExpr = factors.length
    ? { sql: sql`(${sql.join([rank.sql, ...factors], raw(' * '))})`, nullable: rank.nullable }
    : rank;
  const selects: Sql[] = [
    sql`${id(FACTS_ALIAS, KEY_COLUMN)} as ${id('customer_key')}`,
    sql`${catalogue ? scope.offerName() : d.param(offer.name, 'text')} as ${id('offer')}`,
    sql`${d.param(catalogue ? offer.name : null, 'text')} as ${id('family')}`,
    sql`${rules.category ? c(rules.category).sql : d.param(null, 'text')} as ${id('category')}`,
    sql`${d.param(offer.strategy ?? null, 'text')} as ${id('strategy')}`,
    sql`${score.sql} as ${id('score')}`,
    sql`${c(rules.offerScore).sql} as ${id('offer_score')}`,
    sql`${c(rules.value).sql} as ${id('value')}`,
    sql`${rules.cap ? c(rules.cap).sql : d.param(null, 'number')} as ${id('cap')}`,
  ];
  const wheres: Sql[] = [
    sql`not ${id(FACTS_ALIAS, HOLDOUT_COLUMN)}`,
    sql`not ${id(FACTS_ALIAS, SUPPRESSED_COLUMN)}`,
    eligible,
  ];
  const asOf = d.timeParam(AS_OF);
  if (offer.validFrom) wheres.push(sql`${asOf} >= ${d.timeParam({ kind: 'fixed', value: offer.validFrom, date: true })}`);
  if (offer.validTo) wheres.push(sql`${asOf} < ${d.timeParam({ kind: 'fixed', value: nextDay(offer.validTo), date: true })}`);
  if (score.nullable) wheres.push(sql`${score.sql} is not null`);

  const pass = scope.pass;
  const innerPass = pass !== undefined && requiresPassRow(rules.eligible);
  const joins: Sql[] = [];
  if (catalogue) {
    const keyColumn = fieldOf(catalogue, offer.family!.key).column;
    const offerRows = tableAs(catalogue.sqlName, 'offer');
    if (pass) {
      const passRows = tableAs(pass.cteName, pass.cteName);
      const on = sql`${id(pass.cteName, 'key')} = ${id(FACTS_ALIAS, KEY_COLUMN)}`;
      if (innerPass) {
        joins.push(joinSql('inner join', passRows, on), joinSql('inner join', offerRows, sql`${id('offer', keyColumn)} = ${id(pass.cteName, 'offer_key')}`));
      } else {
        joins.push(
          joinSql('inner join', offerRows, d.bool(true)),
          joinSql('left join', passRows, sql`${on} and ${id(pass.cteName, 'offer_key')} = ${id('offer', keyColumn)}`),
        );
      }
    } else {
      joins.push(joinSql('inner join', offerRows, d.bool(true)));
    }
    for (const join of scope.offerJoins?.joins ?? []) joins.push(joinSql('left join', tableAs(join.table, join.alias), join.on));
  }
  const select = selectSql({
    ...(pass ? { with: [{ name: pass.cteName, query: pass.build() }] } : {}),
    select: selects,
    from: tableAs('seg_run_facts', FACTS_ALIAS),
    joins,
    where: wheres,
  });
  return d.db.insertInto('seg_run_candidates').columns([...CANDIDATE_COLUMNS]).expression(select);
}

/** `2026-12-31` → `2027-01-01`: `valid … to` includes its whole last day. */
export function nextDay(date: string): string {
  const [y, m, day] = date.slice(0, 10).split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, day + 1)).toISOString().slice(0, 10);
}
