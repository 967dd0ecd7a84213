import type { IrExpr, TimePoint, TimeWindow } from './ir';

/**
 * Renders a checked expression back as `.seg`-like text, for explanations
 * (`seg explain`, hovers). Constants appear as their values, since the checked
 * model has inlined them.
 */
export function describeIr(expr: IrExpr): string {
  switch (expr.kind) {
    case 'literal':
      return expr.value === null ? 'missing' : typeof expr.value === 'string' && expr.type === 'text' ? JSON.stringify(expr.value) : String(expr.value);
    case 'list':
      return `(${expr.items.map((i) => (typeof i === 'string' ? JSON.stringify(i) : String(i))).join(', ')})`;
    case 'mapLookup':
      return `${expr.map}[${describeIr(expr.key)}]`;
    case 'field':
      return [expr.scope === 'offer' ? 'offer' : '', ...expr.path, expr.field].filter(Boolean).join('.');
    case 'metric':
    case 'segment':
    case 'outcome':
      return expr.name;
    case 'aggregate': {
      const source = expr.field ? [expr.source, ...expr.field.path, expr.field.field].join('.') : expr.source;
      const window = expr.window ? ` ${describeWindow(expr.window)}` : '';
      const where = expr.where ? ` where ${describeIr(expr.where)}` : '';
      return `${expr.fn}(${source}${window}${where})`;
    }
    case 'not':
      return `not ${group(expr.arg)}`;
    case 'and':
    case 'or':
      return expr.args.map(group).join(` ${expr.kind} `);
    case 'compare':
      return `${describeIr(expr.left)} ${expr.op} ${describeIr(expr.right)}`;
    case 'arith':
      return `${group(expr.left)} ${expr.op} ${group(expr.right)}`;
    case 'neg':
      return `-${group(expr.arg)}`;
    case 'in':
      return `${describeIr(expr.needle)} ${expr.negated ? 'not in' : 'in'} ${describeIr(expr.haystack)}`;
    case 'between':
      return `${describeIr(expr.subject)} ${expr.negated ? 'not between' : 'between'} ${describeIr(expr.low)} and ${describeIr(expr.high)}`;
    case 'isMissing':
      return `${describeIr(expr.arg)} is ${expr.negated ? 'not missing' : 'missing'}`;
    case 'textMatch':
      return `${describeIr(expr.subject)} ${expr.op === 'contains' ? 'contains' : 'starts with'} ${describeIr(expr.pattern)}`;
    case 'call':
      return `${expr.fn}(${expr.args.map(describeIr).join(', ')})`;
    case 'rank':
      return `${expr.fn}(${describeIr(expr.arg)}${expr.desc ? ' desc' : ''}${expr.fn === 'ntile' ? `, ${expr.buckets}` : ''})`;
    case 'time':
      return describeTimePoint(expr.point);
    case 'inWindow':
      return `${describeIr(expr.subject)} ${describeWindow(expr.window)}`;
    case 'strategyOf':
      return expr.which;
    case 'offerProp':
      return `offer.${expr.name}`;
    case 'membershipChange':
      return `${expr.change}(${expr.segment})`;
  }
}

function group(expr: IrExpr): string {
  return expr.kind === 'and' || expr.kind === 'or' || expr.kind === 'arith' ? `(${describeIr(expr)})` : describeIr(expr);
}

function describeTimePoint(point: TimePoint): string {
  if (point.kind === 'fixed') return point.value;
  const anchor = point.anchor === 'asOf' ? 'now' : 'today';
  if (point.amount === 0) return anchor;
  const unit = `${point.unit}${Math.abs(point.amount) === 1 ? '' : 's'}`;
  return point.amount > 0 ? `${point.amount} ${unit} ago` : `${anchor} + ${-point.amount} ${unit}`;
}

function describeWindow(window: TimeWindow): string {
  const start = window.start ? describeTimePoint(window.start) : undefined;
  const end = window.end ? describeTimePoint(window.end) : undefined;
  if (window.start?.kind === 'relative' && window.start.anchor === 'asOf' && !window.end) {
    return `in last ${start!.replace(/ ago$/, '')}`;
  }
  return `from ${start ?? 'the beginning'} to ${end ?? 'now'}`;
}
