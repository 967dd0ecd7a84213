/**
 * Time in the IR: points relative to the as-of time (`180 days ago`, `today`,
 * `now`) or fixed (`2026-11-01`), and half-open windows [start, end). Nothing is
 * computed here; the runtime resolves points in the workspace time zone.
 */
import type { Expr, Window } from '../syntax/ast';
import type { IrExpr, TimePoint, TimeWindow } from '../model/ir';
import type { Env } from './check-context';
import type { ExprLowerer } from './lower-expr';

/** `end` of a `between` is inclusive of its whole day: the point moves to the start of the next day. */
export type PointRole = 'start' | 'end' | 'betweenEnd';

/** `2026-03-31` → `2026-04-01`. */
export function nextDay(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

function adjust(point: TimePoint, role: PointRole): TimePoint {
  if (role !== 'betweenEnd') return point;
  if (point.kind === 'fixed') return point.date ? { kind: 'fixed', value: nextDay(point.value), date: true } : point;
  // `today` names a whole day too: its end is the start of tomorrow.
  if (point.anchor === 'today' && point.unit === 'day') return { ...point, amount: point.amount - 1 };
  return point;
}

/** A date literal used where a time is expected becomes a fixed time point. */
export function asTime(ir: IrExpr): IrExpr {
  if (ir.kind === 'literal' && ir.type === 'date' && typeof ir.value === 'string') {
    return { kind: 'time', type: 'timestamp', point: { kind: 'fixed', value: ir.value, date: true } };
  }
  return ir;
}

/** The point an expression names, or undefined (reported) when it is not a point in time. */
export function timePointOf(lowerer: ExprLowerer, expr: Expr, env: Env, role: PointRole): TimePoint | undefined {
  switch (expr.kind) {
    case 'Paren':
      return timePointOf(lowerer, expr.inner, env, role);
    case 'Error':
      return undefined;
    case 'Ago':
      return { kind: 'relative', anchor: 'asOf', amount: expr.duration.amount, unit: expr.duration.unit };
    case 'Today':
      return adjust({ kind: 'relative', anchor: 'today', amount: 0, unit: 'day' }, role);
    case 'Now':
      return { kind: 'relative', anchor: 'asOf', amount: 0, unit: 'day' };
    case 'Date':
      return adjust({ kind: 'fixed', value: expr.value, date: true }, role);
    case 'Timestamp':
      return { kind: 'fixed', value: expr.value, date: false };
    default: {
      const ir = asTime(lowerer.lower(expr, env));
      if (ir.kind === 'time') return adjust(ir.point, role);
      if ((ir.type as string) === 'unknown') return undefined;
      lowerer.ctx.report(
        'SEG2010',
        env.file,
        expr.span,
        `A window needs points in time such as \`90 days ago\`, \`today\` or \`2026-01-01\`; \`${lowerer.ctx.snippet(env.file, expr.span)}\` is not one.`,
      );
      return undefined;
    }
  }
}

/** Whether [start, end) is certainly empty (only decided when both ends are alike). */
function isEmpty(start: TimePoint, end: TimePoint): boolean {
  if (start.kind === 'relative' && end.kind === 'relative') {
    return start.anchor === end.anchor && start.unit === end.unit && start.amount <= end.amount;
  }
  if (start.kind === 'fixed' && end.kind === 'fixed' && start.date === end.date) {
    return Date.parse(start.value) >= Date.parse(end.value);
  }
  return false;
}

/** `in last 90 days` → [asOf − 90 days, asOf); `from A to B` → [A, B); `between A and B` → [A, B] by whole days. */
export function lowerWindow(lowerer: ExprLowerer, window: Window, env: Env): TimeWindow | undefined {
  let result: { start?: TimePoint; end?: TimePoint } | undefined;
  switch (window.kind) {
    case 'LastWindow':
      if (window.duration.amount <= 0) {
        lowerer.ctx.report('SEG2019', env.file, window.span, 'A window of no length never contains anything.');
      }
      return { start: { kind: 'relative', anchor: 'asOf', amount: window.duration.amount, unit: window.duration.unit } };
    case 'FromToWindow': {
      const start = timePointOf(lowerer, window.from, env, 'start');
      const end = timePointOf(lowerer, window.to, env, 'end');
      if (!start || !end) return undefined;
      result = { start, end };
      break;
    }
    case 'BetweenWindow': {
      const start = timePointOf(lowerer, window.from, env, 'start');
      const end = timePointOf(lowerer, window.to, env, 'betweenEnd');
      if (!start || !end) return undefined;
      result = { start, end };
      break;
    }
  }
  if (result.start && result.end && isEmpty(result.start, result.end)) {
    lowerer.ctx.report('SEG2019', env.file, window.span, 'This window ends before it starts, so it never contains anything; swap its two ends.');
  }
  return result;
}
