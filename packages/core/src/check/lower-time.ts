/**
 * Time in the IR: points relative to the as-of time (`180 days ago`, `today`,
 * `now`) or fixed (`2026-11-01`), and half-open windows [start, end). Nothing is
 * computed here; the runtime resolves points in the workspace time zone.
 */
import type { Expr, Window } from '../syntax/ast';
import type { IrExpr, TimePoint, TimeWindow } from '../model/ir';
import type { CheckContext, Env } from './check-context';
import type { Span } from '../text/span';
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

const DATE_PART = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?/;

/** Whether `2026-02-30` / `2026-11-01T25:00:00Z` names a real day and time. */
export function isCalendarValid(text: string): boolean {
  const m = DATE_PART.exec(text);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > days) return false;
  return m[4] === undefined || (Number(m[4]) < 24 && Number(m[5]) < 60 && Number(m[6] ?? 0) < 60);
}

/** Reports a date or timestamp literal that is not on the calendar; true when it is fine. */
export function checkCalendar(ctx: CheckContext, file: string, expr: { value: string; span: Span }): boolean {
  if (isCalendarValid(expr.value)) return true;
  ctx.report('SEG2021', file, expr.span, `\`${expr.value}\` is not a real date${expr.value.length > 10 ? ' and time' : ''}.`);
  return false;
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
      checkCalendar(lowerer.ctx, env.file, expr);
      return adjust({ kind: 'fixed', value: expr.value, date: true }, role);
    case 'Timestamp':
      checkCalendar(lowerer.ctx, env.file, expr);
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
