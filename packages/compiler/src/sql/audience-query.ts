/**
 * The per-customer query every compiled statement is built on: the audience
 * table, LEFT JOINed to one grouped pass per event table, with metrics,
 * segments and rankings computed in layers.
 *
 *   with "pass:orders"  as (… group by customer …),          -- one per event table
 *        "level:0"      as (select customer fields, pass columns, metrics over them
 *                           from "customers" left join "pass:orders" …),
 *        "level:1"      as (select "level:0".*, rankings and what uses level 0 …)
 *   select … from "level:1" where <the rule>
 *
 * A metric or segment used by the rule is a named column (computed once, in the
 * first layer where everything it reads exists); a ranking is a window function
 * over the whole audience in its own layer, because window functions cannot
 * appear in WHERE and rank the rows the query sees (so always the full audience).
 * The rule itself is written inline in the final SELECT.
 *
 * Column names cannot clash with user names: customer fields are carried as
 * `"customers.email"`, pass columns as `"orders:sum_total"`, CTEs are
 * `"pass:…"`/`"level:…"` — characters no `.seg` identifier contains.
 */
import { sql } from 'kysely';
import type { CheckedWorkspace, IrExpr, StrategyDef, TableDef } from '@seg/core';
import type { Dialect, Sql } from '../dialect/dialect';
import { requireCapability } from '../dialect/dialect';
import { aggregateRef, ColumnNames, EventPass, type AggregateExpr, type OuterRow } from './event-pass';
import { signature as irKey, walk } from '../ir/ir-walk';
import { rankSql } from './rank-sql';
import { rankComparison } from './rank-threshold';
import { LayerScope, layerAlias } from './layer-scope';
export { LayerScope, MEMBERSHIP_TABLE, membershipChangeSql } from './layer-scope';
import { EmptyEventsEvaluator } from '../ir/empty-events';
import { RowJoins, fieldOf, tableOf } from './row-joins';
import { asCondition, compileExpr, type ExprScope, type LeafExpr, type SqlExpr } from './sql-expr';
import { id, raw } from './fragments';
import { joinSql, selectSql, tableAs, type SelectParts } from './select-sql';


export interface AudienceQueryOptions {
  /** The plan's strategy: what `primary`/`secondary` mean. */
  readonly strategy?: StrategyDef;
  /** The plan whose membership history `entered()`/`left()` read. */
  readonly plan?: string;
}

interface Column {
  readonly name: string;
  readonly at: number;
  readonly define: (scope: LayerScope) => SqlExpr;
  nullable?: boolean;
  textTime?: boolean;
}

interface AggregateColumn {
  readonly pass: EventPass;
  readonly column: string;
  readonly agg: AggregateExpr;
}

export interface FactColumn {
  readonly name: string;
  /** The first layer that can select it. */
  readonly level: number;
  select(scope: LayerScope): Sql;
  read(alias: string): SqlExpr;
}

export interface FinalSpec {
  readonly select: readonly Sql[];
  readonly where?: readonly Sql[];
  readonly joins?: readonly { readonly from: Sql; readonly alias: string; readonly on: Sql }[];
  readonly orderBy?: readonly Sql[];
}

const RANK_KINDS = new Set(['metric', 'segment', 'rank', 'strategyOf', 'membershipChange']);

export class AudienceQuery {
  readonly audience: TableDef;
  /** The carried name of the audience key column. */
  readonly keyColumn: string;
  private readonly columns = new Map<string, Column>();
  private readonly rankColumns = new Map<string, string>();
  private readonly passes = new Map<string, EventPass>();
  private readonly aggregates = new Map<string, AggregateColumn>();
  private readonly audienceFields = new Map<string, { path: readonly string[]; field: string }>();
  private readonly passNames = new ColumnNames();
  /** `any`/`none` tests that may become EXISTS probes (see `resolveProbes`), by signature. */
  private readonly probes = new Map<string, { readonly agg: AggregateExpr; readonly name: string; exists?: boolean }>();
  private readonly baseJoins: RowJoins;
  private rankCount = 0;
  /** Layers read more than once (by sorted-value thresholds): computed once, not re-inlined per read. */
  readonly materializedLayers = new Set<number>();

  constructor(
    readonly ws: CheckedWorkspace,
    readonly dialect: Dialect,
    readonly options: AudienceQueryOptions = {},
  ) {
    this.audience = tableOf(ws, ws.model.audience);
    if (!this.audience.key) throw new Error(`the audience table ${this.audience.name} has no key`);
    this.keyColumn = this.audienceField([], this.audience.key);
    this.baseJoins = new RowJoins(ws, dialect, this.audience, this.audience.name);
  }

  /** Registers a customer field to carry through the layers; returns its carried column name. */
  audienceField(path: readonly string[], field: string): string {
    const name = [this.audience.name, ...path, field].join('.');
    if (!this.audienceFields.has(name)) this.audienceFields.set(name, { path, field });
    return name;
  }

  /**
   * The first layer at which `expr` can be written (0 = straight over the audience
   * table and the passes), registering every pass, column and ranking it needs.
   */
  need(expr: IrExpr): number {
    switch (expr.kind) {
      case 'literal':
      case 'time':
      case 'outcome':
      case 'list':
        return 0;
      case 'mapLookup':
        return this.need(expr.key);
      case 'field':
        if (expr.scope !== 'audience') throw new Error(`internal: ${expr.scope} field outside its scope`);
        this.audienceField(expr.path, expr.field);
        return 0;
      case 'aggregate':
        if (this.probeCandidate(expr)) return 0;
        return this.aggregate(expr).pass.level;
      case 'metric':
        return this.metricColumn(expr.name).at + 1;
      case 'segment':
        return this.segmentColumn(expr.name).at + 1;
      case 'rank':
        return this.rankColumn(expr).at + 1;
      case 'strategyOf':
        return this.strategyColumn(expr.which).at + 1;
      case 'membershipChange':
        return this.segmentColumn(expr.segment).at + 1;
      case 'offerProp':
        throw new Error(`internal: offer.${expr.name} outside an offer`);
      case 'not':
      case 'neg':
        return this.need(expr.arg);
      case 'and':
      case 'or':
      case 'call':
        return Math.max(0, ...expr.args.map((a) => this.need(a)));
      case 'compare': {
        // A ranking score against a number compares the ranked metric with one sorted value.
        const ranked = rankComparison(this.ws, expr);
        if (ranked) return this.rankedColumn(ranked.arg).at + 1;
        return Math.max(this.need(expr.left), this.need(expr.right));
      }
      case 'arith':
        return Math.max(this.need(expr.left), this.need(expr.right));
      case 'in':
        return Math.max(this.need(expr.needle), this.need(expr.haystack));
      case 'between':
        return Math.max(this.need(expr.subject), this.need(expr.low), this.need(expr.high));
      case 'isMissing':
        return this.need(expr.arg);
      case 'textMatch':
        return Math.max(this.need(expr.subject), this.need(expr.pattern));
      case 'inWindow':
        return this.need(expr.subject);
    }
  }

  /** The layer column holding a ranked metric or customer field (fields are carried from layer 0). */
  rankedColumn(arg: Extract<IrExpr, { kind: 'metric' | 'field' }>): { name: string; at: number } {
    if (arg.kind === 'metric') return this.metricColumn(arg.name);
    return { name: this.audienceField(arg.path, arg.field), at: 0 };
  }

  /** Makes a metric a named column; returns its name. */
  metricColumn(name: string): Column {
    const existing = this.columns.get(name);
    if (existing) return existing;
    const def = this.ws.metrics[name];
    if (!def) throw new Error(`internal: unknown metric ${name}`);
    if (def.expr.kind === 'rank') return this.rankColumn(def.expr, name);
    const at = this.need(def.expr);
    return this.addColumn({ name, at, define: (scope) => compileExpr(def.expr, scope) });
  }

  segmentColumn(name: string): Column {
    const existing = this.columns.get(name);
    if (existing) return existing;
    const def = this.ws.segments[name];
    if (!def) throw new Error(`internal: unknown segment ${name}`);
    const at = this.need(def.condition);
    // Stored two-valued, so `not dormant` is true for a customer whose rule was false because of a missing value.
    return this.addColumn({
      name,
      at,
      define: (scope) => ({ sql: asCondition(compileExpr(def.condition, scope), this.dialect), nullable: false }),
    });
  }

  rankColumn(expr: Extract<IrExpr, { kind: 'rank' }>, name?: string): Column {
    requireCapability(this.dialect, 'windowFunctions', expr.fn);
    const signature = irKey(expr);
    const known = this.rankColumns.get(signature);
    if (known) return this.columns.get(known)!;
    const columnName = name ?? `rank:${++this.rankCount}`;
    this.rankColumns.set(signature, columnName);
    const at = this.need(expr.arg);
    return this.addColumn({
      name: columnName,
      at,
      define: (scope) => ({ sql: rankSql(expr, compileExpr(expr.arg, scope), scope.key, this.dialect), nullable: true }),
    });
  }

  /** `primary`/`secondary` under the plan's strategy: first matching rule; the secondary skips the primary's outcome. */
  strategyColumn(which: 'primary' | 'secondary'): Column {
    const name = `strategy:${which}`;
    const existing = this.columns.get(name);
    if (existing) return existing;
    const strategy = this.options.strategy;
    if (!strategy) throw new Error('internal: `primary`/`secondary` in a plan without a strategy');
    const rules = which === 'primary' ? strategy.primary : strategy.secondary;
    let at = Math.max(0, ...rules.map((r) => (r.condition ? this.need(r.condition) : 0)));
    if (which === 'secondary') at = Math.max(at, this.strategyColumn('primary').at + 1);
    return this.addColumn({
      name,
      at,
      define: (scope) => {
        const d = this.dialect;
        const primary = which === 'secondary' ? scope.column('strategy:primary').sql : undefined;
        const branches: Sql[] = [];
        let otherwise: Sql = sql`null`;
        for (const rule of rules) {
          const outcome = d.param(rule.outcome, 'text');
          if (!rule.condition) {
            otherwise = outcome;
            break;
          }
          const cond = compileExpr(rule.condition, scope).sql;
          const when = primary ? sql`${cond} and ${primary} <> ${d.param(rule.outcome, 'text')}` : cond;
          branches.push(sql`when ${when} then ${outcome}`);
        }
        if (branches.length === 0) return { sql: otherwise, nullable: false };
        return { sql: sql`case ${sql.join(branches, raw(' '))} else ${otherwise} end`, nullable: false };
      },
    });
  }

  private addColumn(column: Column): Column {
    this.columns.set(column.name, column);
    return column;
  }

  /**
   * Registers an `any`/`none` over customer-level events as a possible probe; returns
   * false for every other aggregate. Whether it becomes an EXISTS probe or a count in the
   * grouped pass is decided when the query is built (`resolveProbes`).
   */
  private probeCandidate(agg: AggregateExpr): boolean {
    if (!this.dialect.capabilities.existenceProbes || (agg.fn !== 'any' && agg.fn !== 'none')) return false;
    if (outerLeaves(agg).length > 0) return false;
    const signature = irKey(agg);
    if (!this.probes.has(signature)) {
      this.probes.set(signature, { agg, name: `${agg.source}:${agg.fn}#${this.probes.size + 1}` });
    }
    return true;
  }

  /**
   * An existence test becomes an EXISTS probe (an index seek per customer, and SQLite
   * builds an automatic index when there is none) unless its event table is scanned by a
   * grouped pass anyway, where a count costs nothing more.
   */
  private resolveProbes(): void {
    for (const probe of this.probes.values()) {
      if (probe.exists !== undefined) continue;
      // Folded into the pass only when that costs no extra rows: the pass reads all history
      // anyway, or the test looks back from a start of its own.
      const pass = this.passes.get(`${probe.agg.source}@0`);
      probe.exists = !pass || (!pass.readsAllHistory && !probe.agg.window?.start);
      if (!probe.exists) this.aggregate(probe.agg);
    }
  }

  private probe(agg: AggregateExpr) {
    const probe = this.probes.get(irKey(agg));
    if (probe && probe.exists === undefined) this.resolveProbes();
    return probe;
  }

  /** `exists (select 1 from <events> where <key> = <customer> and <before as-of> and <condition>)`. */
  private existsSql(agg: AggregateExpr, level: number): SqlExpr {
    const probe = new EventPass(this.ws, this.dialect, {
      source: tableOf(this.ws, agg.source),
      cteName: 'probe',
      level: 0,
      names: new ColumnNames(),
    });
    const body = probe.existsQuery(agg, this.keyAt(level));
    return { sql: agg.fn === 'none' ? sql`not exists (${body})` : sql`exists (${body})`, nullable: false };
  }

  /** The pass column of a customer-level aggregate. */
  aggregate(agg: AggregateExpr): AggregateColumn {
    const signature = irKey(agg);
    const known = this.aggregates.get(signature);
    if (known) return known;
    const source = tableOf(this.ws, agg.source);
    // A `where` that reads metrics or segments runs after the layer that computes them.
    const level = Math.max(0, ...outerLeaves(agg).map((leaf) => this.need(leaf)));
    if (level > 0) for (const leaf of audienceLeaves(agg)) this.need(leaf);
    const pick = (agg.fn === 'first' || agg.fn === 'last') && !EventPass.picksEventTime(source, agg);
    const passKey = pick ? `pick:${signature}` : `${source.name}@${level}`;
    let pass = this.passes.get(passKey);
    if (!pass) {
      const index = pick ? [...this.passes.keys()].filter((k) => k.startsWith('pick:')).length + 1 : 0;
      const cteName = pick ? `pick:${source.name}:${index}` : level === 0 ? `pass:${source.name}` : `pass:${source.name}:${level}`;
      pass = new EventPass(this.ws, this.dialect, {
        source,
        cteName,
        level,
        names: this.passNames,
        ...(level > 0 ? { outer: this.outerRow(level) } : {}),
        ...(pick ? { pick: agg } : {}),
      });
      this.passes.set(passKey, pass);
    }
    const entry = { pass, column: pass.add(agg), agg };
    this.aggregates.set(signature, entry);
    return entry;
  }

  private outerRow(level: number): OuterRow {
    const alias = layerAlias(level - 1);
    return { source: alias, alias, keyColumn: this.keyColumn, leaf: (expr) => new LayerScope(this, level).leaf(expr) };
  }

  /** A column's nullability, known once the query has been built. */
  columnNullable(name: string): boolean {
    return this.columns.get(name)?.nullable ?? true;
  }

  /** Reads a registered column at layer `level` (> its own layer). */
  columnAt(name: string, level: number): SqlExpr {
    const column = this.columns.get(name);
    if (!column || column.at >= level) throw new Error(`internal: column ${name} is not available at layer ${level}`);
    return { sql: id(layerAlias(level - 1), name), nullable: column.nullable ?? true, ...(column.textTime ? { textTime: true } : {}) };
  }

  aggregateAt(agg: AggregateExpr, level: number): SqlExpr {
    if (this.probe(agg)?.exists) return this.existsSql(agg, level);
    const entry = this.aggregate(agg);
    const column = entry.pass.level === level ? id(entry.pass.cteName, entry.column) : id(layerAlias(level - 1), entry.column);
    return aggregateRef(agg, column, this.dialect, entry.pass.resultIsTextTime(agg));
  }

  audienceFieldAt(path: readonly string[], field: string, level: number): SqlExpr {
    const name = this.audienceField(path, field);
    if (level === 0) return this.baseJoins.value(path, field);
    const textTime = this.baseJoins.value(path, field).textTime === true;
    return { sql: id(layerAlias(level - 1), name), nullable: name !== this.keyColumn, ...(textTime ? { textTime } : {}) };
  }

  keyAt(level: number): Sql {
    return level === 0
      ? id(this.audience.name, fieldOf(this.audience, this.audience.key!).column)
      : id(layerAlias(level - 1), this.keyColumn);
  }

  /**
   * A customer-level leaf as a column of a materialised table (a plan's facts):
   * its column name, and how to read it from a row of that table. Aggregates are
   * stored raw and read with `aggregateRef`, exactly as the layers read them.
   */
  factColumn(leaf: LeafExpr): FactColumn {
    switch (leaf.kind) {
      case 'field': {
        const name = this.audienceField(leaf.path, leaf.field);
        return {
          name,
          level: 0,
          select: (scope) => scope.leaf(leaf).sql,
          read: (alias) => {
            const textTime = this.baseJoins.value(leaf.path, leaf.field).textTime === true;
            return { sql: id(alias, name), nullable: name !== this.keyColumn, ...(textTime ? { textTime } : {}) };
          },
        };
      }
      case 'aggregate': {
        if (this.probeCandidate(leaf)) {
          const probe = this.probes.get(irKey(leaf))!;
          return {
            name: probe.name,
            level: 0,
            select: (scope) => (this.probe(leaf)!.exists ? this.existsSql(leaf, scope.level).sql : this.aggregateRaw(leaf, scope.level)),
            read: (alias) =>
              probe.exists
                ? { sql: id(alias, probe.name), nullable: false }
                : aggregateRef(leaf, id(alias, probe.name), this.dialect),
          };
        }
        const entry = this.aggregate(leaf);
        return {
          name: entry.column,
          level: entry.pass.level,
          select: (scope) =>
            entry.pass.level === scope.level ? id(entry.pass.cteName, entry.column) : id(layerAlias(scope.level - 1), entry.column),
          read: (alias) => aggregateRef(leaf, id(alias, entry.column), this.dialect, entry.pass.resultIsTextTime(leaf)),
        };
      }
      case 'membershipChange': {
        const name = `${leaf.change}:${leaf.segment}`;
        return {
          name,
          level: this.need(leaf),
          select: (scope) => scope.leaf(leaf).sql,
          read: (alias) => ({ sql: id(alias, name), nullable: false }),
        };
      }
      case 'metric':
      case 'segment':
      case 'rank':
      case 'strategyOf': {
        const column =
          leaf.kind === 'metric'
            ? this.metricColumn(leaf.name)
            : leaf.kind === 'segment'
              ? this.segmentColumn(leaf.name)
              : leaf.kind === 'rank'
                ? this.rankColumn(leaf)
                : this.strategyColumn(leaf.which);
        return {
          name: column.name,
          level: column.at + 1,
          select: (scope) => scope.column(column.name).sql,
          read: (alias) => ({
            sql: id(alias, column.name),
            nullable: this.columnNullable(column.name),
            ...(column.textTime ? { textTime: true } : {}),
          }),
        };
      }
      case 'offerProp':
        throw new Error(`internal: offer.${leaf.name} is not a customer value`);
    }
  }

  /** The raw pass column of an aggregate read at `level`. */
  private aggregateRaw(agg: AggregateExpr, level: number): Sql {
    const entry = this.aggregate(agg);
    return entry.pass.level === level ? id(entry.pass.cteName, entry.column) : id(layerAlias(level - 1), entry.column);
  }

  /**
   * The whole query: passes and layers as CTEs, then the final SELECT at layer `level`
   * (which must be at least `need()` of everything `final` writes). With `filter` (the
   * rule the final SELECT keeps rows by), customers without events of a pass the rule
   * cannot match without are dropped early, so the engine can join from the pass.
   */
  build(level: number, final: (scope: LayerScope) => FinalSpec, filter?: IrExpr): Sql {
    this.resolveProbes();
    const present = filter
      ? [...this.passes.values()].filter((p) => p.level === 0 && !p.isPick && EmptyEventsEvaluator.of(this.ws, p.source.name).certainlyFalse(filter))
      : [];
    const ctes: { name: string; query: Sql; layer?: number }[] = [];
    let finalQuery: SelectParts | undefined;
    for (let layer = 0; layer <= level; layer++) {
      const scope = new LayerScope(this, layer);
      const passes = [...this.passes.values()].filter((p) => p.level === layer);
      const isFinal = layer === level;
      let selects: Sql[];
      let spec: FinalSpec | undefined;
      if (isFinal) {
        const base = final(scope);
        // Rows the rule cannot keep: customers without a row in a pass it needs (null-rejecting, so the join can start from the pass).
        const presence = present.map((pass) =>
          layer === 0 ? sql`${id(pass.cteName, 'key')} is not null` : sql`${id(layerAlias(layer - 1), `${pass.source.name}:key`)} is not null`,
        );
        spec = { ...base, where: [...presence, ...(base.where ?? [])] };
        selects = [...spec.select];
      } else {
        selects = layer === 0 ? this.carriedFields() : [sql`${id(layerAlias(layer - 1))}.*`];
        if (layer === 0) for (const pass of present) selects.push(sql`${id(pass.cteName, 'key')} as ${id(`${pass.source.name}:key`)}`);
        for (const pass of passes) {
          for (const column of pass.columnNames) selects.push(sql`${id(pass.cteName, column)} as ${id(column)}`);
        }
        for (const column of [...this.columns.values()].filter((c) => c.at === layer)) {
          const compiled = column.define(scope);
          column.nullable = compiled.nullable;
          column.textTime = compiled.textTime === true;
          selects.push(sql`${compiled.sql} as ${id(column.name)}`);
        }
      }
      // Built only now: compiling the layer above may still have added joins to a pass.
      for (const pass of passes) ctes.push({ name: pass.cteName, query: pass.build() });
      const key = this.keyAt(layer);
      const joins: Sql[] = [];
      if (layer === 0) for (const join of this.baseJoins.joins) joins.push(joinSql('left join', tableAs(join.table, join.alias), join.on));
      for (const pass of passes) joins.push(joinSql('left join', tableAs(pass.cteName, pass.cteName), sql`${id(pass.cteName, 'key')} = ${key}`));
      for (const join of spec?.joins ?? []) joins.push(joinSql('inner join', sql`${join.from} as ${id(join.alias)}`, join.on));
      const query: SelectParts = {
        select: selects,
        from: layer === 0 ? tableAs(this.audience.sqlName, this.audience.name) : tableAs(layerAlias(layer - 1), layerAlias(layer - 1)),
        joins,
        ...(spec ? { where: spec.where, orderBy: spec.orderBy } : {}),
      };
      if (isFinal) finalQuery = query;
      else ctes.push({ name: layerAlias(layer), query: selectSql(query), layer });
    }
    // Known only now: a layer read by a later one's sorted-value thresholds is computed once.
    const materialized = (layer: number | undefined) => layer !== undefined && this.materializedLayers.has(layer);
    return selectSql({ with: ctes.map((cte) => ({ name: cte.name, query: cte.query, materialized: materialized(cte.layer) })), ...finalQuery! });
  }

  private carriedFields(): Sql[] {
    const selects: Sql[] = [];
    for (const [name, { path, field }] of this.audienceFields) {
      selects.push(sql`${this.baseJoins.value(path, field).sql} as ${id(name)}`);
    }
    return selects;
  }
}

/** Leaves inside an aggregate's where/field that live on the customer row, not the event. */
function outerLeaves(agg: AggregateExpr): IrExpr[] {
  const found: IrExpr[] = [];
  walk(agg.where, (e) => {
    if (RANK_KINDS.has(e.kind)) found.push(e);
    return !RANK_KINDS.has(e.kind);
  });
  return found;
}

function audienceLeaves(agg: AggregateExpr): IrExpr[] {
  const found: IrExpr[] = [];
  walk(agg.where, (e) => {
    if (e.kind === 'field' && e.scope === 'audience') found.push(e);
    return true;
  });
  return found;
}
