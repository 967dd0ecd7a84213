/**
 * Segments, metrics, counts and member lists: one query each over the audience.
 */
import { sql } from 'kysely';
import type { CheckedWorkspace, IrExpr } from '@seg/core';
import type { Dialect, DialectName, Sql } from './dialect/dialect';
import { getDialect } from './dialect/index';
import { optimizeWorkspace } from './ir/existence-rewrite';
import { finishSql } from './compiled-query';
import type { CompiledQuery } from './parameters';
import { AudienceQuery } from './sql/audience-query';
import { compileExpr, engineTime, type SqlExpr } from './sql/sql-expr';
import { id } from './sql/fragments';

/** What a name stands for when counting or listing members: a segment's rule or a plan's audience. */
export function audienceRule(ws: CheckedWorkspace, name: string): { rule: IrExpr; strategy?: string; plan?: string } {
  const segment = ws.segments[name];
  if (segment) return { rule: segment.condition };
  const plan = ws.plans[name];
  if (plan) return { rule: plan.audience, plan: plan.name, ...(plan.strategy ? { strategy: plan.strategy } : {}) };
  throw new Error(`"${name}" is not a segment or a plan`);
}

/** A dialect object, or an engine name (`sqlite`, `postgres`, `duckdb`). */
export type DialectLike = Dialect | DialectName;

export function resolveDialect(dialect: DialectLike): Dialect {
  return typeof dialect === 'string' ? getDialect(dialect) : dialect;
}

function newQuery(ws: CheckedWorkspace, dialect: Dialect, strategy?: string, plan?: string): AudienceQuery {
  const def = strategy ? ws.strategies[strategy] : undefined;
  return new AudienceQuery(ws, dialect, { ...(def ? { strategy: def } : {}), ...(plan ? { plan } : {}) });
}

/**
 * The members of a segment (or a plan's audience): one column `key`, ordered by key.
 *
 * @example compileSegment(ws, 'dormant', sqliteDialect).sql // with "pass:orders" as (…) select … as "key" …
 */
export function compileSegment(ws: CheckedWorkspace, name: string, dialect: DialectLike): CompiledQuery {
  return compileMembers(ws, name, dialect);
}

/** `(key, value)` for every audience member; timestamps come back as the engine's timestamp (ISO text on SQLite). */
export function compileMetric(ws: CheckedWorkspace, name: string, dialectLike: DialectLike): CompiledQuery {
  ws = optimizeWorkspace(ws);
  const dialect = resolveDialect(dialectLike);
  const def = ws.metrics[name];
  if (!def) throw new Error(`"${name}" is not a metric`);
  const q = newQuery(ws, dialect);
  const level = q.need({ kind: 'metric', type: def.type, name });
  const query = q.build(level, (scope) => {
    const value = scope.leaf({ kind: 'metric', type: def.type, name });
    return {
      select: [sql`${scope.key} as ${id('key')}`, sql`${outputValue(value, def.type, dialect)} as ${id('value')}`],
      orderBy: [id('key')],
    };
  });
  return finishSql(query, dialect);
}

/** A value as a result row carries it: timestamps as the engine gives them (ISO text on SQLite). */
export function outputValue(value: SqlExpr, type: string, dialect: Dialect): Sql {
  return type === 'timestamp' || type === 'date' ? dialect.timestampOutput(engineTime(value, dialect).sql) : value.sql;
}

/** One row `{ count, audience }`: members of the segment (or plan audience), and all audience members. */
export function compileCount(ws: CheckedWorkspace, segmentOrPlan: string, dialectLike: DialectLike): CompiledQuery {
  ws = optimizeWorkspace(ws);
  const dialect = resolveDialect(dialectLike);
  const { rule, strategy, plan } = audienceRule(ws, segmentOrPlan);
  const q = newQuery(ws, dialect, strategy, plan);
  const level = q.need(rule);
  const audience = q.audience;
  // The rule goes in WHERE (so the engine can skip customers early and simplify joins); the
  // audience size is a separate count of the audience table.
  const query = q.build(level, (scope) => ({
    select: [
      sql`count(*) as ${id('count')}`,
      sql`(select count(*) from ${id(audience.sqlName)}) as ${id('audience')}`,
    ],
    where: [compileExpr(rule, scope).sql],
  }), rule);
  return finishSql(query, dialect);
}

export interface MembersOptions {
  /** Metrics to add as columns, named after the metric. */
  readonly with?: readonly string[];
}

/** Member keys (column `key`), optionally with metric columns, ordered by key. */
export function compileMembers(
  ws: CheckedWorkspace,
  segmentOrPlan: string,
  dialectLike: DialectLike,
  options: MembersOptions = {},
): CompiledQuery {
  ws = optimizeWorkspace(ws);
  const dialect = resolveDialect(dialectLike);
  const { rule, strategy, plan } = audienceRule(ws, segmentOrPlan);
  const metrics = options.with ?? [];
  for (const m of metrics) if (!ws.metrics[m]) throw new Error(`"${m}" is not a metric`);
  const q = newQuery(ws, dialect, strategy, plan);
  // Metrics are read as columns of a layer below the filter, so a ranking still ranks the whole audience.
  let level = q.need(rule);
  for (const m of metrics) level = Math.max(level, q.metricColumn(m).at + 1);
  const query = q.build(level, (scope) => {
    const cond = compileExpr(rule, scope);
    const select: Sql[] = [sql`${scope.key} as ${id('key')}`];
    for (const m of metrics) {
      select.push(sql`${outputValue(scope.column(m), ws.metrics[m]!.type, dialect)} as ${id(m)}`);
    }
    return { select, where: [cond.sql], orderBy: [id('key')] };
  }, rule);
  return finishSql(query, dialect);
}

/** `(key, primary, secondary)` of a strategy for every audience member, ordered by key. */
export function compileStrategy(ws: CheckedWorkspace, name: string, dialectLike: DialectLike): CompiledQuery {
  ws = optimizeWorkspace(ws);
  const dialect = resolveDialect(dialectLike);
  if (!ws.strategies[name]) throw new Error(`"${name}" is not a strategy`);
  const q = newQuery(ws, dialect, name);
  const level = Math.max(q.strategyColumn('primary').at, q.strategyColumn('secondary').at) + 1;
  const query = q.build(level, (scope) => ({
    select: [
      sql`${scope.key} as ${id('key')}`,
      sql`${scope.column('strategy:primary').sql} as ${id('primary')}`,
      sql`${scope.column('strategy:secondary').sql} as ${id('secondary')}`,
    ],
    orderBy: [id('key')],
  }));
  return finishSql(query, dialect);
}
