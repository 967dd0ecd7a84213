/**
 * Aggregates over an event table: `count(orders in last 90 days where …)`,
 * `sum(orders.total …)`. The source must be an event table (one that reaches
 * the audience through links); inside `where`, the event's fields come first.
 */
import type { AggregateExpr } from '../syntax/ast';
import type { IrExpr, ScalarType, TableDef, TimeWindow } from '../model/ir';
import { type Env, errorIr, kindPhrase, VALUE_KINDS } from './check-context';
import { reportUnknownTable } from './data-model';
import type { ExprLowerer } from './lower-expr';
import { lowerWindow } from './lower-time';
import { symbolId } from './symbol-index';

const COUNTING = new Set(['count', 'any', 'none']);

export function lowerAggregate(lowerer: ExprLowerer, expr: AggregateExpr, env: Env): IrExpr {
  const ctx = lowerer.ctx;
  const parts = expr.source.parts;
  const head = parts[0];
  if (!head || parts.some((part) => part.text === '')) return errorIr();
  const fn = expr.fn;
  const table = ctx.tables.get(head.text);

  if (!table) {
    const entry = ctx.decls.get(head.text);
    if ((fn === 'min' || fn === 'max') && entry && VALUE_KINDS.has(entry.kind)) {
      ctx.report('SEG2008', env.file, expr.span, `\`${fn}\` of a single value needs two values (\`${fn}(a, b)\`), or a field of an event table (\`${fn}(orders.total)\`).`);
    } else if (entry && entry.kind !== 'table') {
      ctx.report('SEG1006', env.file, head.span, `\`${head.text}\` is ${kindPhrase(entry.kind)}, not a table of events: \`${fn}\` works over events such as \`${fn}(orders…)\`.`);
    } else if (!entry) {
      reportUnknownTable(ctx, env.file, head.span, head.text, eventTables(lowerer));
    }
    return errorIr();
  }
  if (!table.builtin) ctx.symbols.reference(env.file, head.span, symbolId('table', table.name));
  if (table.name === ctx.audience) {
    ctx.report('SEG2011', env.file, head.span, `\`${table.name}\` is the audience itself; aggregates work over its events, such as \`count(orders)\`.`);
    return errorIr();
  }
  if (!table.audiencePath) {
    ctx.report(
      'SEG2011',
      env.file,
      head.span,
      `\`${table.name}\` is not linked to \`${ctx.audience}\`, so its rows cannot be counted per customer; aggregate a table that links to it instead.`,
    );
    return errorIr();
  }

  let field: { path: readonly string[]; field: string; type: ScalarType } | undefined;
  if (parts.length > 1) {
    const resolved = lowerer.resolver.walk(table, parts, 1, 'event', env.file, false);
    if (resolved.kind !== 'field') return errorIr();
    field = { path: resolved.path, field: resolved.field.name, type: resolved.field.type };
  }

  let failed = false;
  if (COUNTING.has(fn) && field) {
    ctx.report(
      'SEG2004',
      env.file,
      expr.source.span,
      `\`${fn}\` works on events, not a field: write \`${fn}(${table.name} where ${parts.slice(1).map((p) => p.text).join('.')} is not missing)\` to skip missing values.`,
    );
    failed = true;
  } else if (!COUNTING.has(fn) && !field) {
    ctx.report('SEG2004', env.file, expr.source.span, `\`${fn}\` needs a field of the events, such as \`${fn}(${table.name}.${exampleField(table, fn)})\`.`);
    failed = true;
  } else if (field) {
    failed = !checkFieldType(lowerer, expr, field.type, env);
  }
  if ((fn === 'first' || fn === 'last') && !table.timeSource) {
    ctx.report('SEG2005', env.file, expr.callee.span, `\`${fn}\` picks the ${fn === 'first' ? 'earliest' : 'latest'} event, but \`${table.name}\` has no time.`);
    failed = true;
  }

  let window: TimeWindow | undefined;
  if (expr.window) {
    if (!table.timeSource) {
      ctx.report('SEG2005', env.file, expr.window.span, `\`${table.name}\` has no time, so a time window cannot apply to it; declare one with \`time <column>\`.`);
      failed = true;
    } else {
      window = lowerWindow(lowerer, expr.window, env);
      if (!window) failed = true;
    }
  }
  const where = expr.where ? lowerer.condition(expr.where, { ...env, event: table }, '`where`') : undefined;
  if (failed) return errorIr();

  const type: ScalarType = COUNTING.has(fn) ? (fn === 'count' ? 'number' : 'bool') : fn === 'sum' || fn === 'avg' || fn === 'distinct' ? 'number' : field!.type;
  return {
    kind: 'aggregate',
    type,
    fn,
    source: table.name,
    ...(field ? { field } : {}),
    ...(window ? { window } : {}),
    ...(where ? { where } : {}),
  };
}

function checkFieldType(lowerer: ExprLowerer, expr: AggregateExpr, type: ScalarType, env: Env): boolean {
  const fn = expr.fn;
  const needsNumber = fn === 'sum' || fn === 'avg';
  const ordered = fn === 'min' || fn === 'max';
  if ((needsNumber && type !== 'number') || (ordered && type === 'bool')) {
    const what = needsNumber ? (fn === 'sum' ? 'adds up numbers' : 'averages numbers') : 'needs values with an order';
    lowerer.ctx.report('SEG2003', env.file, expr.source.span, `\`${fn}\` ${what}, but \`${lowerer.ctx.snippet(env.file, expr.source.span)}\` is ${type === 'bool' ? 'a yes/no field' : type}.`);
    return false;
  }
  return true;
}

function exampleField(table: TableDef, fn: string): string {
  const wanted = fn === 'sum' || fn === 'avg' ? 'number' : undefined;
  const field = Object.values(table.fields).find((f) => !f.link && (!wanted || f.type === wanted));
  return field?.name ?? 'field';
}

/** Tables an aggregate can run over, for did-you-mean. */
function eventTables(lowerer: ExprLowerer): string[] {
  const names: string[] = [];
  for (const table of lowerer.ctx.tables.values()) if (table.audiencePath && table.name !== lowerer.ctx.audience) names.push(table.name);
  return names;
}
