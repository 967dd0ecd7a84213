/**
 * Rewrites comparisons that only ask whether some event exists into `any` /
 * `none`, which engines answer with an index probe (SQLite: EXISTS) or a count
 * in the grouped pass. Each rewrite keeps the language's meaning exactly,
 * including the missing-data rule (a comparison with a missing value is false):
 *
 *   count(S…) > 0, >= 1, != 0            →  any(S…)
 *   count(S…) = 0, < 1, <= 0             →  none(S…)
 *   last(S.time…) < T                    →  any(S…) and none(S… where time >= T)
 *   last(S.time…) <= T                   →  any(S…) and none(S… where time > T)
 *   last(S.time…) > T  /  >= T           →  any(S… where time > T  /  >= T)
 *   first(S.time…) < T  /  <= T          →  any(S… where time < T  /  <= T)
 *   first(S.time…) > T                   →  any(S…) and none(S… where time <= T)
 *   first(S.time…) >= T                  →  any(S…) and none(S… where time < T)
 *
 * (`max`/`min` of the event time are `last`/`first`.) Over no events `last` is
 * missing, so `last < T` is false — and so is `any(S…)`.
 */
import type { CheckedWorkspace, CompareOp, IrExpr } from '@seg/core';
import { mapIr, walk } from './ir-walk';

type Aggregate = Extract<IrExpr, { kind: 'aggregate' }>;
type Compare = Extract<IrExpr, { kind: 'compare' }>;

const FLIP: Record<CompareOp, CompareOp> = { '=': '=', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

/** `any`/`none` over the aggregate's events, optionally only those whose time is `op` `bound`. */
function exists(agg: Aggregate, fn: 'any' | 'none', time?: { readonly field: IrExpr; readonly op: CompareOp; readonly bound: Extract<IrExpr, { kind: 'time' }> }): IrExpr {
  const { field: _field, ...rest } = agg;
  void _field;
  let window = agg.window;
  let where = agg.where;
  if (time) {
    // `time >= T` is a window start and `time < T` a window end when the window has none;
    // otherwise (or for `>`/`<=`) the bound joins the `where`.
    if (time.op === '>=' && !window?.start) window = { ...window, start: time.bound.point };
    else if (time.op === '<' && !window?.end) window = { ...window, end: time.bound.point };
    else {
      const test: IrExpr = { kind: 'compare', type: 'bool', op: time.op, left: time.field, right: time.bound };
      where = where ? { kind: 'and', type: 'bool', args: [where, test] } : test;
    }
  }
  return { ...rest, fn, type: 'bool', ...(window ? { window } : {}), ...(where ? { where } : {}) } as IrExpr;
}

function numberLiteral(e: IrExpr): number | undefined {
  return e.kind === 'literal' && typeof e.value === 'number' ? e.value : undefined;
}

function countTest(agg: Aggregate, op: CompareOp, n: number): IrExpr | undefined {
  if ((op === '>' && n === 0) || (op === '>=' && n === 1) || (op === '!=' && n === 0)) return exists(agg, 'any');
  if ((op === '=' && n === 0) || (op === '<' && n === 1) || (op === '<=' && n === 0)) return exists(agg, 'none');
  return undefined;
}

function timeTest(ws: CheckedWorkspace, agg: Aggregate, op: CompareOp, bound: Extract<IrExpr, { kind: 'time' }>): IrExpr | undefined {
  const source = ws.model.tables[agg.source];
  const ts = source?.timeSource;
  if (!ts || !agg.field || agg.field.field !== ts.field || JSON.stringify(agg.field.path) !== JSON.stringify(ts.path)) return undefined;
  const latest = agg.fn === 'last' || agg.fn === 'max';
  const earliest = agg.fn === 'first' || agg.fn === 'min';
  if (!latest && !earliest) return undefined;
  const time: IrExpr = { kind: 'field', type: agg.field.type, scope: 'event', table: agg.source, path: ts.path, field: ts.field };
  const at = (o: CompareOp) => ({ field: time, op: o, bound });
  const both = (a: IrExpr, b: IrExpr): IrExpr => ({ kind: 'and', type: 'bool', args: [a, b] });
  if (latest) {
    if (op === '<') return both(exists(agg, 'any'), exists(agg, 'none', at('>=')));
    if (op === '<=') return both(exists(agg, 'any'), exists(agg, 'none', at('>')));
    if (op === '>' || op === '>=') return exists(agg, 'any', at(op));
  } else {
    if (op === '<' || op === '<=') return exists(agg, 'any', at(op));
    if (op === '>') return both(exists(agg, 'any'), exists(agg, 'none', at('<=')));
    if (op === '>=') return both(exists(agg, 'any'), exists(agg, 'none', at('<')));
  }
  return undefined;
}

function rewriteCompare(ws: CheckedWorkspace, e: Compare): IrExpr | undefined {
  return rewriteAggregateTest(ws, e.left, e.right, e.op) ?? rewriteAggregateTest(ws, e.right, e.left, FLIP[e.op]);
}

/** `agg op other`, when `agg` is an aggregate and the test only asks whether events exist. */
function rewriteAggregateTest(ws: CheckedWorkspace, agg: IrExpr, other: IrExpr, op: CompareOp): IrExpr | undefined {
  if (agg.kind !== 'aggregate') return undefined;
  if (agg.fn === 'count') {
    const n = numberLiteral(other);
    if (n !== undefined) return countTest(agg, op, n);
  }
  return other.kind === 'time' ? timeTest(ws, agg, op, other) : undefined;
}

/** Whether an expression tests for events (such tests go last in `and`/`or`: they may be probes). */
function testsExistence(e: IrExpr): boolean {
  let found = false;
  walk(e, (x) => {
    if (x.kind === 'aggregate' && (x.fn === 'any' || x.fn === 'none')) found = true;
    return !found && x.kind !== 'aggregate';
  });
  return found;
}

/** Flattens nested `and`/`or`, drops repeated operands, and puts event tests after cheaper ones. */
function tidyLogic(expr: IrExpr): IrExpr {
  return mapIr(expr, (e) => {
    if (e.kind !== 'and' && e.kind !== 'or') return undefined;
    const flat: IrExpr[] = [];
    const keys = new Map<IrExpr, string>();
    const keyOf = (x: IrExpr) => {
      let key = keys.get(x);
      if (key === undefined) keys.set(x, (key = JSON.stringify(x)));
      return key;
    };
    const add = (x: IrExpr) => {
      const tidy = tidyLogic(x);
      if (tidy.kind === e.kind) return tidy.args.forEach(add);
      // A repeat has the same JSON, so it is looked for only among operands of the same kind.
      if (!flat.some((kept) => kept.kind === tidy.kind && keyOf(kept) === keyOf(tidy))) flat.push(tidy);
    };
    e.args.forEach(add);
    const tests = flat.map(testsExistence);
    const ordered = [...flat.filter((_, i) => !tests[i]), ...flat.filter((_, i) => tests[i])];
    return ordered.length === 1 ? ordered[0]! : { ...e, args: ordered };
  });
}

export function rewriteExistence(ws: CheckedWorkspace, expr: IrExpr): IrExpr {
  return tidyLogic(mapIr(expr, (e) => (e.kind === 'compare' ? rewriteCompare(ws, e) : undefined)));
}

const cache = new WeakMap<CheckedWorkspace, CheckedWorkspace>();

/** The workspace with every rule rewritten (cached per workspace object). */
export function optimizeWorkspace(ws: CheckedWorkspace): CheckedWorkspace {
  const known = cache.get(ws);
  if (known) return known;
  const r = (e: IrExpr) => rewriteExistence(ws, e);
  const mapValues = <T>(o: Readonly<Record<string, T>>, f: (v: T) => T) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));
  const optimized: CheckedWorkspace = {
    ...ws,
    metrics: mapValues(ws.metrics, (m) => ({ ...m, expr: r(m.expr) })),
    segments: mapValues(ws.segments, (s) => ({ ...s, condition: r(s.condition) })),
    strategies: mapValues(ws.strategies, (s) => ({
      ...s,
      primary: s.primary.map((rule) => (rule.condition ? { ...rule, condition: r(rule.condition) } : rule)),
      secondary: s.secondary.map((rule) => (rule.condition ? { ...rule, condition: r(rule.condition) } : rule)),
    })),
    offers: mapValues(ws.offers, (o) => ({ ...o, eligible: r(o.eligible), score: r(o.score), value: r(o.value) })),
    plans: mapValues(ws.plans, (p) => ({
      ...p,
      audience: r(p.audience),
      rankBy: r(p.rankBy),
      boosts: p.boosts.map((b) => ({ ...b, condition: r(b.condition) })),
      ...(p.suppress ? { suppress: r(p.suppress) } : {}),
    })),
  };
  cache.set(ws, optimized);
  cache.set(optimized, optimized);
  return optimized;
}
