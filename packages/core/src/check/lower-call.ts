/**
 * Function calls: scalar functions (`min(a, b)`, `days_since(t)`…), rankings over
 * the whole audience (`quintile(x desc)`…) and, in a plan's audience only,
 * `entered(segment)` / `left(segment)`.
 */
import type { CallExpr } from '../syntax/ast';
import { AGGREGATE_FNS } from '../syntax/ast';
import type { IrExpr, RankFn, ScalarFn, ScalarType } from '../model/ir';
import { comparable, type Env, errorIr, isTimeType, kindPhrase, type Ty, typeOf, typePhrase } from './check-context';
import { closestName } from './did-you-mean';
import type { ExprLowerer } from './lower-expr';
import { asTime } from './lower-time';
import { symbolId } from './symbol-index';

const SCALAR_ARITY: Readonly<Record<ScalarFn, readonly [number, number]>> = {
  min: [2, Infinity],
  max: [2, Infinity],
  round: [1, 2],
  abs: [1, 1],
  coalesce: [2, Infinity],
  days_since: [1, 1],
  distance_km: [4, 4],
};

const RANK_BUCKETS: Readonly<Record<Exclude<RankFn, 'ntile'>, number | undefined>> = {
  quintile: 5,
  decile: 10,
  percentile: 100,
  rank: undefined,
};

const FUNCTION_NAMES = [...Object.keys(SCALAR_ARITY), ...Object.keys(RANK_BUCKETS), 'ntile', 'entered', 'left'];

export function lowerCall(lowerer: ExprLowerer, expr: CallExpr, env: Env): IrExpr {
  const ctx = lowerer.ctx;
  const name = expr.callee.text;
  if (name in SCALAR_ARITY) return scalarCall(lowerer, expr, name as ScalarFn, env);
  if (name in RANK_BUCKETS || name === 'ntile') return rankCall(lowerer, expr, name as RankFn, env);
  if (name === 'entered' || name === 'left') return membershipChange(lowerer, expr, name, env);

  for (const arg of expr.args) lowerer.lower(arg.value, env);
  const entry = ctx.decls.get(name);
  if (entry) {
    const hint = entry.kind === 'strategy' || entry.kind === 'plan' || entry.kind === 'metric' ? ' (calls like this belong in test expectations)' : '';
    ctx.report('SEG1006', env.file, expr.callee.span, `\`${name}\` is ${kindPhrase(entry.kind)}, not a function${hint}.`);
  } else if ((AGGREGATE_FNS as readonly string[]).includes(name)) {
    ctx.report('SEG2008', env.file, expr.span, `\`${name}\` takes one source of events, such as \`${name}(orders…)\`.`);
  } else {
    const best = closestName(name, FUNCTION_NAMES);
    ctx.report('SEG1007', env.file, expr.callee.span, `There is no function \`${name}\`${best ? `; did you mean \`${best}\`?` : '.'}`, {
      suggestions: best ? [ctx.replaceWith(env.file, expr.callee.span, best)] : [],
    });
  }
  return errorIr();
}

function arityMessage(name: string, [min, max]: readonly [number, number], given: number): string {
  const wanted = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} or ${max}`;
  return `\`${name}\` takes ${wanted} argument${wanted === '1' ? '' : 's'}, not ${given}.`;
}

function rejectOrder(lowerer: ExprLowerer, expr: CallExpr, env: Env, allowFirst: boolean): void {
  expr.args.forEach((arg, index) => {
    if (arg.order && !(allowFirst && index === 0)) {
      lowerer.ctx.report('SEG2016', env.file, arg.span, `\`${arg.order}\` only applies to a ranking such as \`quintile(x ${arg.order})\`.`);
    }
  });
}

function scalarCall(lowerer: ExprLowerer, expr: CallExpr, fn: ScalarFn, env: Env): IrExpr {
  const ctx = lowerer.ctx;
  rejectOrder(lowerer, expr, env, false);
  let args = expr.args.map((arg) => lowerer.lower(arg.value, env));
  const arity = SCALAR_ARITY[fn];
  if (args.length < arity[0] || args.length > arity[1]) {
    ctx.report('SEG2008', env.file, expr.span, arityMessage(fn, arity, args.length));
    return errorIr();
  }
  if (args.some((arg) => typeOf(arg) === 'unknown')) return errorIr();
  const wrong = (index: number, want: string): IrExpr => {
    const span = expr.args[index]!.span;
    ctx.report('SEG2003', env.file, span, `\`${fn}\` needs ${want}, but \`${ctx.snippet(env.file, span)}\` is ${typePhrase(typeOf(args[index]!))}.`);
    return errorIr();
  };
  let type: ScalarType = 'number';
  switch (fn) {
    case 'round':
    case 'abs':
    case 'distance_km': {
      const bad = args.findIndex((arg) => typeOf(arg) !== 'number');
      if (bad >= 0) return wrong(bad, 'numbers');
      break;
    }
    case 'days_since': {
      args = [asTime(args[0]!)];
      if (!isTimeType(typeOf(args[0]!))) return wrong(0, 'a date or timestamp');
      break;
    }
    case 'min':
    case 'max':
    case 'coalesce': {
      const first = typeOf(args[0]!);
      if (fn !== 'coalesce' && (first === 'bool' || first === 'outcome')) return wrong(0, 'values with an order');
      if (first === 'list' || first === 'duration') return wrong(0, 'single values');
      const bad = args.findIndex((arg) => !comparable(first, typeOf(arg)));
      if (bad >= 0) return wrong(bad, `values of one type (the first is ${typePhrase(first)})`);
      const types = args.map(typeOf);
      if (types.includes('timestamp')) {
        args = args.map(asTime);
        type = 'timestamp';
      } else type = first as ScalarType;
      break;
    }
  }
  return { kind: 'call', type, fn, args };
}

function rankCall(lowerer: ExprLowerer, expr: CallExpr, fn: RankFn, env: Env): IrExpr {
  const ctx = lowerer.ctx;
  rejectOrder(lowerer, expr, env, true);
  const wanted: readonly [number, number] = fn === 'ntile' ? [2, 2] : [1, 1];
  // A ranking is over the whole audience: its value cannot depend on an event or an offer.
  const memberEnv: Env = { file: env.file };
  const arg = expr.args[0] ? lowerer.lower(expr.args[0].value, memberEnv) : errorIr();
  if (expr.args.length !== wanted[0]) {
    ctx.report('SEG2008', env.file, expr.span, arityMessage(fn, wanted, expr.args.length));
    return errorIr();
  }
  const type: Ty = typeOf(arg);
  if (type !== 'unknown' && type !== 'number' && !isTimeType(type)) {
    ctx.report('SEG2003', env.file, expr.args[0]!.span, `\`${fn}\` ranks numbers, dates or timestamps, but \`${ctx.snippet(env.file, expr.args[0]!.span)}\` is ${typePhrase(type)}.`);
    return errorIr();
  }
  let buckets: number | undefined;
  if (fn === 'ntile') {
    const n = expr.args[1]!.value;
    if (n.kind !== 'Number' || !Number.isInteger(n.value) || n.value < 1) {
      ctx.report('SEG2003', env.file, n.span, '`ntile` needs a whole number of groups, such as `ntile(x, 4)`.');
      return errorIr();
    }
    buckets = n.value;
  } else {
    buckets = RANK_BUCKETS[fn];
  }
  if (type === 'unknown') return errorIr();
  return { kind: 'rank', type: 'number', fn, arg, desc: expr.args[0]!.order === 'desc', ...(buckets !== undefined ? { buckets } : {}) };
}

function membershipChange(lowerer: ExprLowerer, expr: CallExpr, change: 'entered' | 'left', env: Env): IrExpr {
  const ctx = lowerer.ctx;
  rejectOrder(lowerer, expr, env, false);
  const arg = expr.args[0]?.value;
  const name = arg?.kind === 'Ref' && arg.parts.length === 1 ? arg.parts[0]! : undefined;
  const entry = name && ctx.decls.get(name.text);
  if (expr.args.length !== 1 || !name || !entry || entry.kind !== 'segment') {
    if (name && !entry && expr.args.length === 1) {
      const segments = [...ctx.decls.values()].filter((e) => e.kind === 'segment').map((e) => e.name);
      const best = closestName(name.text, segments);
      ctx.report('SEG1002', env.file, name.span, `There is no segment \`${name.text}\`${best ? `; did you mean \`${best}\`?` : '.'}`, {
        suggestions: best ? [ctx.replaceWith(env.file, name.span, best)] : [],
      });
    } else {
      ctx.report('SEG1006', env.file, expr.args[0]?.span ?? expr.span, `\`${change}\` takes the name of one segment, such as \`${change}(dormant)\`.`);
    }
    return errorIr();
  }
  ctx.symbols.reference(env.file, name.span, symbolId('segment', name.text));
  if (env.plan?.part !== 'audience') {
    ctx.report(
      'SEG2012',
      env.file,
      expr.callee.span,
      `\`${change}(…)\` compares with a plan's previous run, so it can only be used in a plan's \`audience\`.`,
    );
    return errorIr();
  }
  return { kind: 'membershipChange', type: 'bool', change, segment: name.text };
}
