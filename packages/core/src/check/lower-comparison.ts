/**
 * Comparisons: `=`/`<`…, `in (…)`, `between`. Both sides must have comparable
 * types (a date compares with a timestamp); a text literal compared with an
 * enumerated field must be one of its values; a bare name next to an outcome
 * is an outcome (`offer.strategy = cross_sell`).
 */
import type { BetweenExpr, CompareExpr, Expr, InListExpr, StringLit } from '../syntax/ast';
import type { IrExpr } from '../model/ir';
import { comparable, type Env, errorIr, isTimeType, type Ty, typeOf, typePhrase } from './check-context';
import { closestName } from './did-you-mean';
import type { ExprLowerer } from './lower-expr';
import { timePointOf } from './lower-time';
import { lowerListValue } from './lower-values';

const ORDERED: ReadonlySet<Ty> = new Set(['number', 'text', 'date', 'timestamp', 'unknown']);

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function lowerCompare(lowerer: ExprLowerer, expr: CompareExpr, env: Env): IrExpr {
  const bare = (e: Expr) => e.kind === 'Ref' && e.parts.length === 1;
  let left: IrExpr;
  let right: IrExpr;
  if (bare(expr.left) && !bare(expr.right)) {
    right = lowerer.operand(expr.right, env, false);
    left = lowerer.operand(expr.left, env, typeOf(right) === 'outcome');
  } else {
    left = lowerer.operand(expr.left, env, false);
    right = lowerer.operand(expr.right, env, typeOf(left) === 'outcome');
  }
  [left, right] = lowerer.coerceTimes(left, right);
  const lt = typeOf(left);
  const rt = typeOf(right);
  if (lt !== 'unknown' && rt !== 'unknown') {
    if (!comparable(lt, rt)) {
      const hint = lt === 'list' || rt === 'list' ? ' To test membership, use `in`.' : '';
      lowerer.ctx.report(
        'SEG2001',
        env.file,
        expr.span,
        `\`${lowerer.ctx.snippet(env.file, expr.left.span)}\` is ${typePhrase(lt)} but \`${lowerer.ctx.snippet(env.file, expr.right.span)}\` is ${typePhrase(rt)}; they cannot be compared.${hint}`,
      );
      return errorIr();
    }
    if (expr.op !== '=' && expr.op !== '!=' && !ORDERED.has(lt)) {
      lowerer.ctx.report('SEG2018', env.file, expr.span, `${capitalise(typePhrase(lt))} has no order; only \`=\` and \`!=\` compare it.`);
      return errorIr();
    }
    checkEnum(lowerer, left, expr.right, env);
    checkEnum(lowerer, right, expr.left, env);
  }
  return { kind: 'compare', type: 'bool', op: expr.op, left, right };
}

/** Reports a text literal compared with an enumerated field when it is not one of the field's values. */
function checkEnum(lowerer: ExprLowerer, field: IrExpr, other: Expr, env: Env): void {
  let literal: Expr = other;
  while (literal.kind === 'Paren') literal = literal.inner;
  if (literal.kind !== 'String') return;
  const values = enumValues(lowerer, field);
  if (!values || values.includes(literal.value)) return;
  reportEnumValue(lowerer, literal, values, field, env.file);
}

export function reportEnumValue(lowerer: ExprLowerer, literal: StringLit, values: readonly string[], field: IrExpr, file: string): void {
  const best = closestName(literal.value, values);
  const name = field.kind === 'field' ? field.field : 'this field';
  const replacement = best === undefined ? undefined : JSON.stringify(best);
  lowerer.ctx.report(
    'SEG2007',
    file,
    literal.span,
    `${literal.raw} is not one of the values of \`${name}\` (${values.map((v) => JSON.stringify(v)).join(', ')})${replacement ? `; did you mean ${replacement}?` : '.'}`,
    { suggestions: replacement ? [lowerer.ctx.replaceWith(file, literal.span, replacement)] : [] },
  );
}

/** The declared values of an enumerated field read by `ir`, if it is one. */
function enumValues(lowerer: ExprLowerer, ir: IrExpr): readonly string[] | undefined {
  if (ir.kind !== 'field') return undefined;
  let table = lowerer.ctx.tables.get(ir.table);
  for (const link of ir.path) table = table && lowerer.ctx.tables.get(table.fields[link]?.link?.target ?? '');
  return table?.fields[ir.field]?.values;
}

export function lowerInList(lowerer: ExprLowerer, expr: InListExpr, env: Env): IrExpr {
  const needle = lowerer.lower(expr.subject, env);
  if (typeOf(needle) === 'outcome') return outcomeIn(lowerer, expr, needle, env);
  const haystack = lowerListValue(lowerer, expr.list, env);
  const itemType = haystack.kind === 'list' || haystack.kind === 'mapLookup' ? haystack.itemType : undefined;
  const type = typeOf(needle);
  const empty = haystack.kind === 'list' && haystack.items.length === 0;
  if (itemType && type !== 'unknown' && !empty && !comparable(type, itemType)) {
    lowerer.ctx.report(
      'SEG2001',
      env.file,
      expr.span,
      `\`${lowerer.ctx.snippet(env.file, expr.subject.span)}\` is ${typePhrase(type)} but the list holds ${typePhrase(itemType)} values.`,
    );
    return errorIr();
  }
  const values = enumValues(lowerer, needle);
  let list: Expr = expr.list;
  while (list.kind === 'Paren' && list.inner.kind === 'Paren') list = list.inner;
  const items = list.kind === 'List' ? list.items : list.kind === 'Paren' ? [list.inner] : [];
  if (values) for (const item of items) if (item.kind === 'String' && !values.includes(item.value)) reportEnumValue(lowerer, item, values, needle, env.file);
  return { kind: 'in', type: 'bool', negated: expr.negated, needle, haystack };
}

/** `offer.strategy in (retain, cross_sell)`: outcomes are not list values, so this is a chain of comparisons. */
function outcomeIn(lowerer: ExprLowerer, expr: InListExpr, needle: IrExpr, env: Env): IrExpr {
  const list = expr.list.kind === 'Paren' ? [expr.list.inner] : expr.list.kind === 'List' ? expr.list.items : [expr.list];
  const op = expr.negated ? '!=' : '=';
  const args: IrExpr[] = list.map((item) => ({ kind: 'compare', type: 'bool', op, left: needle, right: lowerer.operand(item, env, true) }));
  if (args.length === 1) return args[0]!;
  return { kind: expr.negated ? 'and' : 'or', type: 'bool', args };
}

export function lowerBetween(lowerer: ExprLowerer, expr: BetweenExpr, env: Env): IrExpr {
  const subject = lowerer.lower(expr.subject, env);
  const type = typeOf(subject);
  if (isTimeType(type)) {
    // On time values `between` takes whole days: [start of low, start of the day after high).
    const start = timePointOf(lowerer, expr.low, env, 'start');
    const end = timePointOf(lowerer, expr.high, env, 'betweenEnd');
    if (!start || !end) return errorIr();
    const inWindow: IrExpr = { kind: 'inWindow', type: 'bool', subject, window: { start, end } };
    return expr.negated ? { kind: 'not', type: 'bool', arg: inWindow } : inWindow;
  }
  const low = lowerer.lower(expr.low, env);
  const high = lowerer.lower(expr.high, env);
  if (type === 'unknown') return errorIr();
  if (!ORDERED.has(type)) {
    lowerer.ctx.report('SEG2018', env.file, expr.subject.span, `${capitalise(typePhrase(type))} has no order, so \`between\` cannot apply to it.`);
    return errorIr();
  }
  for (const [ir, side] of [[low, expr.low], [high, expr.high]] as const) {
    const sideType = typeOf(ir);
    if (sideType !== 'unknown' && !comparable(type, sideType)) {
      lowerer.ctx.report(
        'SEG2001',
        env.file,
        side.span,
        `\`${lowerer.ctx.snippet(env.file, expr.subject.span)}\` is ${typePhrase(type)} but \`${lowerer.ctx.snippet(env.file, side.span)}\` is ${typePhrase(sideType)}.`,
      );
      return errorIr();
    }
  }
  return { kind: 'between', type: 'bool', negated: expr.negated, subject, low, high };
}
