/**
 * Generic traversals of IR expressions: visiting (`walk`) and rebuilding (`mapIr`).
 */
import type { IrExpr } from '@seg/core';

/** Rebuilds an expression top-down: `replace` may return a node to use instead (its children are then left as they are). */
export function mapIr(expr: IrExpr, replace: (e: IrExpr) => IrExpr | undefined): IrExpr {
  const direct = replace(expr);
  if (direct) return direct;
  const m = (e: IrExpr) => mapIr(e, replace);
  switch (expr.kind) {
    case 'mapLookup':
      return { ...expr, key: m(expr.key) };
    case 'aggregate':
      return expr.where ? { ...expr, where: m(expr.where) } : expr;
    case 'not':
    case 'neg':
    case 'isMissing':
      return { ...expr, arg: m(expr.arg) } as IrExpr;
    case 'and':
    case 'or':
    case 'call':
      return { ...expr, args: expr.args.map(m) } as IrExpr;
    case 'compare':
    case 'arith':
      return { ...expr, left: m(expr.left), right: m(expr.right) } as IrExpr;
    case 'in':
      return { ...expr, needle: m(expr.needle), haystack: m(expr.haystack) };
    case 'between':
      return { ...expr, subject: m(expr.subject), low: m(expr.low), high: m(expr.high) };
    case 'textMatch':
      return { ...expr, subject: m(expr.subject), pattern: m(expr.pattern) };
    case 'inWindow':
      return { ...expr, subject: m(expr.subject) };
    case 'rank':
      return { ...expr, arg: m(expr.arg) };
    default:
      return expr;
  }
}


/** Visits an expression tree; `visit` returns false to skip a node's children. */
export function walk(expr: IrExpr | undefined, visit: (e: IrExpr) => boolean): void {
  if (!expr || !visit(expr)) return;
  switch (expr.kind) {
    case 'mapLookup':
      return walk(expr.key, visit);
    case 'aggregate':
      return walk(expr.where, visit);
    case 'not':
    case 'neg':
    case 'isMissing':
      return walk(expr.arg, visit);
    case 'and':
    case 'or':
    case 'call':
      return expr.args.forEach((a) => walk(a, visit));
    case 'compare':
    case 'arith':
      walk(expr.left, visit);
      return walk(expr.right, visit);
    case 'in':
      walk(expr.needle, visit);
      return walk(expr.haystack, visit);
    case 'between':
      walk(expr.subject, visit);
      walk(expr.low, visit);
      return walk(expr.high, visit);
    case 'textMatch':
      walk(expr.subject, visit);
      return walk(expr.pattern, visit);
    case 'inWindow':
      return walk(expr.subject, visit);
    case 'rank':
      return walk(expr.arg, visit);
    default:
      return;
  }
}

const signatures = new WeakMap<object, string>();

/** A stable text key for an IR node (its JSON), computed once per node object. */
export function signature(node: object): string {
  let s = signatures.get(node);
  if (s === undefined) {
    s = JSON.stringify(node);
    signatures.set(node, s);
  }
  return s;
}
