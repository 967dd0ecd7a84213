/**
 * Bound parameters. Nothing a user typed reaches SQL text: every literal is a
 * value parameter, every time point a parameter resolved when the query runs
 * (from the as-of time and the workspace time zone), and run facts (run id,
 * previous run) are parameters too. A compiled query lists one `ParamSpec` per
 * placeholder, in the engine's order; `bindParameters` turns them into values.
 */
import { resolveTimePoint, type TimePoint } from '@seg/core';

/** How a time parameter is handed to the engine. */
export type TimeEncoding =
  /** Whole seconds since 1970-01-01T00:00:00Z (SQLite compares epoch seconds). */
  | 'epochSeconds'
  /** ISO-8601 text in UTC, cast to a native timestamp in the SQL (PostgreSQL, DuckDB). */
  | 'iso'
  /** `2026-11-21T09:13:05Z`: compared as text with columns stored that way (SQLite, `isoUtcSeconds`). */
  | 'isoSeconds';

/**
 * How an `isoSeconds` parameter with a fraction of a second meets whole-second values:
 * `up` for `>=` and `<` (t ≥ 12.75 ⇔ t ≥ 13), `down` for `>` and `<=`, `exact` for `=`
 * and `!=` (a fraction then never equals a stored value).
 */
export type SecondsRounding = 'up' | 'down' | 'exact';

/** Facts about the run that a plan's statements may read. */
export type RunParamName =
  /** The plan's name (the key of its membership history and contacts). */
  | 'plan'
  /** The id of the run being executed. */
  | 'runId'
  /** The id of the plan's previous successful run; null on the first run. */
  | 'previousRunId';

export type ParamSpec =
  | { readonly kind: 'value'; readonly value: string | number | boolean | null }
  | { readonly kind: 'time'; readonly point: TimePoint; readonly encoding: TimeEncoding; readonly rounding?: SecondsRounding }
  | { readonly kind: 'run'; readonly name: RunParamName };

/** A statement ready to run: SQL text with placeholders and what to bind to them. */
export interface CompiledQuery {
  readonly sql: string;
  readonly parameters: readonly ParamSpec[];
}

export interface BindContext {
  readonly asOf: Date;
  /** IANA zone for calendar arithmetic (the workspace's `timezone`). */
  readonly timeZone: string;
  readonly plan?: string;
  readonly runId?: string;
  readonly previousRunId?: string | null;
}

/** Marker objects that travel through kysely as parameter values and become ParamSpecs. */
export class TimeParam {
  constructor(
    readonly point: TimePoint,
    readonly encoding: TimeEncoding,
    readonly rounding?: SecondsRounding,
  ) {}
}

export class RunParam {
  constructor(readonly name: RunParamName) {}
}

/** Converts the raw parameter list kysely produced into ParamSpecs. */
export function toParamSpecs(raw: readonly unknown[]): ParamSpec[] {
  return raw.map((p): ParamSpec => {
    if (p instanceof TimeParam) return { kind: 'time', point: p.point, encoding: p.encoding, ...(p.rounding ? { rounding: p.rounding } : {}) };
    if (p instanceof RunParam) return { kind: 'run', name: p.name };
    if (p === null || typeof p === 'string' || typeof p === 'number' || typeof p === 'boolean') {
      return { kind: 'value', value: p };
    }
    throw new Error(`internal: unexpected parameter ${String(p)}`);
  });
}

/**
 * The values to bind, in placeholder order.
 *
 * Time points are resolved with `resolveTimePoint` and encoded as the statement
 * expects. Epoch seconds keep milliseconds (as fractions), like the stored values
 * second precision, and an as-of time carries no fraction of a second.
 *
 * @example
 * const q = compileCount(ws, 'dormant', sqliteDialect);
 * db.prepare(q.sql).get(...bindParameters(q.parameters, { asOf: parseAsOf('2026-11-22', 'UTC'), timeZone: 'UTC' }));
 */
export function bindParameters(params: readonly ParamSpec[], ctx: BindContext): unknown[] {
  const asOf = ctx.asOf;
  return params.map((p) => {
    switch (p.kind) {
      case 'value':
        return p.value;
      case 'time': {
        const at = resolveTimePoint(p.point, asOf, ctx.timeZone);
        // ms / 1000: the same double SQLite's unixepoch(…, 'subsec') computes from a stored time.
        if (p.encoding === 'epochSeconds') return at.getTime() / 1000;
        if (p.encoding === 'iso') return at.toISOString();
        return isoSeconds(at.getTime(), p.rounding ?? 'up');
      }
      case 'run': {
        if (p.name === 'previousRunId') return ctx.previousRunId ?? null;
        const value = p.name === 'plan' ? ctx.plan : ctx.runId;
        if (value === undefined) throw new Error(`bindParameters: this statement needs "${p.name}"`);
        return value;
      }
    }
  });
}

function isoSeconds(ms: number, rounding: SecondsRounding): string {
  const fraction = ((ms % 1000) + 1000) % 1000;
  if (fraction !== 0 && rounding === 'exact') return new Date(ms).toISOString();
  const whole = fraction === 0 ? ms : rounding === 'up' ? ms - fraction + 1000 : ms - fraction;
  return `${new Date(whole).toISOString().slice(0, 19)}Z`;
}
