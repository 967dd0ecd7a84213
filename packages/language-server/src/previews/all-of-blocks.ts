/**
 * The `all of` blocks of a rule, each with its lines as the checker lowered
 * them (what a funnel counts). The checker lowers a block line by line into
 * one `and` (and flattens `a and b and c`), so walking the syntax tree beside
 * the IR pairs each line with its condition. The walk goes through `and`,
 * `or`, `not`, parentheses and blocks only: a block inside an aggregate's
 * `where` filters events, not members, and has no funnel.
 */
import type { BlockExpr, Expr, IrExpr } from '@seg/core';

export interface AllOfBlock {
  readonly block: BlockExpr;
  /** The lowered condition of each line, in order. */
  readonly lines: readonly IrExpr[];
}

export function allOfBlocks(expr: Expr, ir: IrExpr): AllOfBlock[] {
  const found: AllOfBlock[] = [];
  walk(expr, ir, found);
  return found;
}

function walk(expr: Expr, ir: IrExpr, found: AllOfBlock[]): void {
  switch (expr.kind) {
    case 'Paren':
      return walk(expr.inner, ir, found);
    case 'Unary':
      if (expr.op === 'not' && ir.kind === 'not') walk(expr.operand, ir.arg, found);
      return;
    case 'Logical': {
      const sides = operands(expr, expr.op);
      if (ir.kind === expr.op && ir.args.length === sides.length) sides.forEach((side, i) => walk(side, ir.args[i]!, found));
      return;
    }
    case 'Block': {
      // `none of` is `not (any of)`; one line is that line's condition itself.
      const inner = expr.op === 'none' ? (ir.kind === 'not' ? ir.arg : undefined) : ir;
      if (!inner || expr.items.length === 0) return;
      if (expr.items.length === 1) return walk(expr.items[0]!, inner, found);
      const combined = expr.op === 'all' ? 'and' : 'or';
      if (inner.kind !== combined || inner.args.length !== expr.items.length) return;
      if (expr.op === 'all') found.push({ block: expr, lines: inner.args });
      expr.items.forEach((item, i) => walk(item, inner.args[i]!, found));
      return;
    }
    default:
      return;
  }
}

/** `a and b and c` as the checker flattens it: the sides that are the same operator, opened up. */
function operands(expr: Expr, op: 'and' | 'or'): Expr[] {
  if (expr.kind !== 'Logical' || expr.op !== op) return [expr];
  return [...operands(expr.left, op), ...operands(expr.right, op)];
}
