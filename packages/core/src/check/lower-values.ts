/**
 * Fixed values: list literals, `const`/`list`/`map` declarations (inlined into
 * the IR wherever they are used) and map look-ups.
 */
import type { ConstDecl, Expr, IndexExpr, ListDecl, MapDecl } from '../syntax/ast';
import type { IrExpr, ScalarType } from '../model/ir';
import { comparable, type Env, errorIr, type MapValue, typeOf, typePhrase } from './check-context';
import type { ExprLowerer } from './lower-expr';

type Scalar = string | number | boolean;

/** The fixed value of a lowered expression, if it is one. */
export function literalOf(ir: IrExpr): { type: ScalarType; value: Scalar } | undefined {
  if (ir.kind === 'literal' && ir.value !== null && (ir.type as string) !== 'unknown') return { type: ir.type, value: ir.value };
  if (ir.kind === 'time' && ir.point.kind === 'fixed') return { type: ir.point.date ? 'date' : 'timestamp', value: ir.point.value };
  return undefined;
}

/** Folds arithmetic on number literals (`2 * 50`), so constants stay literals. */
export function fold(ir: IrExpr): IrExpr {
  if (ir.kind === 'neg') {
    const arg = fold(ir.arg);
    return arg.kind === 'literal' && typeof arg.value === 'number' ? { kind: 'literal', type: 'number', value: -arg.value } : ir;
  }
  if (ir.kind !== 'arith') return ir;
  const left = fold(ir.left);
  const right = fold(ir.right);
  if (left.kind !== 'literal' || right.kind !== 'literal' || typeof left.value !== 'number' || typeof right.value !== 'number') return ir;
  const a = left.value;
  const b = right.value;
  if (ir.op === '/' && b === 0) return ir;
  const value = ir.op === '+' ? a + b : ir.op === '-' ? a - b : ir.op === '*' ? a * b : a / b;
  return { kind: 'literal', type: 'number', value };
}

function listItems(lowerer: ExprLowerer, items: readonly Expr[], env: Env): IrExpr {
  const values: Scalar[] = [];
  let itemType: ScalarType | undefined;
  let failed = false;
  for (const item of items) {
    const ir = fold(lowerer.lower(item, env));
    if (typeOf(ir) === 'unknown') {
      failed = true;
      continue;
    }
    const literal = literalOf(ir);
    if (!literal) {
      lowerer.ctx.report('SEG2009', env.file, item.span, `List items must be fixed values such as "Baby" or 10; \`${lowerer.ctx.snippet(env.file, item.span)}\` is computed.`);
      failed = true;
      continue;
    }
    if (itemType && literal.type !== itemType) {
      lowerer.ctx.report('SEG2015', env.file, item.span, `This list mixes ${typePhrase(itemType)} and ${typePhrase(literal.type)} values.`);
      failed = true;
      continue;
    }
    itemType = literal.type;
    values.push(literal.value);
  }
  if (failed) return errorIr();
  return { kind: 'list', type: 'list', itemType: itemType ?? 'text', items: values };
}

/**
 * A list where a list is expected (after `in`, in `list` and `map`): a literal
 * `("a", "b")`, a parenthesised single value `("a")`, a `list` name or a map look-up.
 */
export function lowerListValue(lowerer: ExprLowerer, expr: Expr, env: Env): IrExpr {
  switch (expr.kind) {
    case 'List':
      return listItems(lowerer, expr.items, env);
    case 'Paren': {
      if (expr.inner.kind === 'List' || expr.inner.kind === 'Paren' || expr.inner.kind === 'Index') return lowerListValue(lowerer, expr.inner, env);
      const inner = lowerer.lower(expr.inner, env);
      if (inner.kind === 'list' || inner.kind === 'mapLookup') return inner;
      return listItems(lowerer, [expr.inner], env);
    }
    case 'Index':
      return lowerIndex(lowerer, expr, env);
    default: {
      const ir = lowerer.lower(expr, env);
      if (ir.kind === 'list' || ir.kind === 'mapLookup' || typeOf(ir) === 'unknown') return ir;
      lowerer.ctx.report(
        'SEG2003',
        env.file,
        expr.span,
        `A list is needed here, such as ("a", "b") or a \`list\` name, but \`${lowerer.ctx.snippet(env.file, expr.span)}\` is ${typePhrase(typeOf(ir))}.`,
      );
      return errorIr();
    }
  }
}

/** `adjacent_categories[offer.category]`: the map is inlined; a missing key gives the empty list. */
export function lowerIndex(lowerer: ExprLowerer, expr: IndexExpr, env: Env): IrExpr {
  const ctx = lowerer.ctx;
  const target = expr.target;
  if (target.kind === 'Ref' && target.parts.length === 1 && ctx.decls.get(target.parts[0]!.text)?.kind === 'map') {
    const resolved = lowerer.resolver.resolve(target, env); // records the reference
    const key = lowerer.lower(expr.index, env);
    if (resolved.kind !== 'decl') return errorIr();
    const map = ctx.mapValues.get(resolved.entry.name);
    if (!map) return errorIr();
    const keyType = typeOf(key);
    if (keyType !== 'unknown' && !comparable(keyType, map.keyType)) {
      ctx.report('SEG2014', env.file, expr.index.span, `\`${resolved.entry.name}\` has ${typePhrase(map.keyType)} keys, but \`${ctx.snippet(env.file, expr.index.span)}\` is ${typePhrase(keyType)}.`);
      return errorIr();
    }
    return { kind: 'mapLookup', type: 'list', map: resolved.entry.name, itemType: map.itemType, entries: map.entries, key };
  }
  const ir = lowerer.lower(target, env);
  lowerer.lower(expr.index, env);
  if (typeOf(ir) !== 'unknown') {
    ctx.report('SEG2014', env.file, target.span, `Only a \`map\` can be looked up with [ ]; \`${ctx.snippet(env.file, target.span)}\` is ${typePhrase(typeOf(ir))}.`);
  }
  return errorIr();
}

/** `const vip_threshold = 1000`: a fixed value (folded), stored for inlining. */
export function lowerConstDecl(lowerer: ExprLowerer, decl: ConstDecl, file: string): IrExpr | undefined {
  const ir = fold(lowerer.lower(decl.value, { file }));
  if (typeOf(ir) === 'unknown') return undefined;
  if (literalOf(ir) || ir.kind === 'list' || ir.kind === 'time') return ir;
  lowerer.ctx.report(
    'SEG2009',
    file,
    decl.value.span,
    `A constant must be a fixed value such as 1000, "Baby" or 2026-01-01; use a \`metric\` for a value computed per customer.`,
  );
  return undefined;
}

export function lowerListDecl(lowerer: ExprLowerer, decl: ListDecl, file: string): IrExpr | undefined {
  const ir = lowerListValue(lowerer, decl.value, { file });
  if (ir.kind === 'list') return ir;
  if (ir.kind === 'mapLookup') {
    lowerer.ctx.report('SEG2009', file, decl.value.span, 'A `list` must be a fixed list of values such as ("Outdoor", "Camping").');
  }
  return undefined;
}

/** A map: keys are text or number literals, each value a fixed list (a single value is a list of one). */
export function lowerMapDecl(lowerer: ExprLowerer, decl: MapDecl, file: string): MapValue | undefined {
  const ctx = lowerer.ctx;
  const env: Env = { file };
  const entries: { key: string | number; values: Scalar[] }[] = [];
  const seen = new Map<string | number, Expr>();
  let keyType: ScalarType | undefined;
  let itemType: ScalarType | undefined;
  let failed = false;
  for (const entry of decl.entries) {
    const keyIr = fold(lowerer.lower(entry.key, env));
    const key = literalOf(keyIr);
    const list = lowerListValue(lowerer, entry.value, env);
    if (!key || (key.type !== 'text' && key.type !== 'number')) {
      if (typeOf(keyIr) !== 'unknown') {
        ctx.report('SEG2009', file, entry.key.span, 'A map key must be a fixed text or number, such as "Baby".');
      }
      failed = true;
      continue;
    }
    if (keyType && key.type !== keyType) {
      ctx.report('SEG2015', file, entry.key.span, `This map mixes ${typePhrase(keyType)} and ${typePhrase(key.type)} keys.`);
      failed = true;
      continue;
    }
    keyType = key.type;
    const earlier = seen.get(key.value as string | number);
    if (earlier) {
      ctx.report('SEG2020', file, entry.key.span, `The key ${ctx.snippet(file, entry.key.span)} is already in this map.`, {
        related: [{ file, span: earlier.span, message: 'First given here' }],
      });
      failed = true;
      continue;
    }
    seen.set(key.value as string | number, entry.key);
    if (list.kind !== 'list') {
      failed = true;
      continue;
    }
    if (itemType && list.items.length > 0 && list.itemType !== itemType) {
      ctx.report('SEG2015', file, entry.value.span, `This map mixes ${typePhrase(itemType)} and ${typePhrase(list.itemType)} values.`);
      failed = true;
      continue;
    }
    if (list.items.length > 0) itemType = list.itemType;
    entries.push({ key: key.value as string | number, values: [...list.items] });
  }
  if (failed) return undefined;
  return { keyType: keyType ?? 'text', itemType: itemType ?? 'text', entries };
}
