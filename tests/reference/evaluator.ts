/**
 * A reference evaluator for the checked model (IR), written straight from
 * LANGUAGE.md and independently of the SQL compiler. It walks the IR for one
 * audience member at a time over plain in-memory rows. It is meant to be
 * obviously correct, not fast: every aggregate rescans its table.
 *
 * Values inside the evaluator: numbers, strings, booleans, `null` (missing), and
 * time values as epoch milliseconds (numbers). Lists are arrays.
 *
 * The rules it implements (quoted from the language brief):
 * - windows are half-open [start, end), end clipped to the as-of time; events at or
 *   after the as-of time are never seen (with or without a window);
 * - count/sum/distinct over no events are 0; any = false, none = true;
 *   avg/min/max/first/last over no events are missing;
 * - any comparison with missing is false; `and`/`or`/`not` see missing as false
 *   (two-valued at condition level: `not (x = 5)` is true when x is missing);
 * - ranking follows pandas qcut: cut points are the k/B quantiles (linear
 *   interpolation) of the non-missing values, score = 1 + cut points strictly below.
 */
import { parseAsOf, resolveTimePoint } from '../../packages/core/src/model/time-points';
import type { CheckedWorkspace, IrExpr, ScalarType, TableDef, TimePoint, TimeWindow } from '../../packages/core/src/model/ir';

export type RowValue = string | number | boolean | null | undefined;
/** A row as a fixture gives it: values by field name, links hold the linked row's key. */
export type Row = Readonly<Record<string, RowValue>>;
export type Dataset = Readonly<Record<string, readonly Row[]>>;

type Scalar = string | number | boolean | null;
type Value = Scalar | readonly Scalar[];

interface Scope {
  readonly member: Row;
  readonly memberKey: string;
  /** The event row inside an aggregate's `where`. */
  readonly event?: Row;
}

const DAY_MS = 86_400_000;
const EARTH_RADIUS_KM = 6371;

export class ReferenceEvaluator {
  private readonly asOfMs: number;
  private readonly audience: TableDef;
  private readonly audienceKey: string;
  private readonly members: readonly Row[];
  private readonly byKey = new Map<string, Map<string, Row>>();
  private readonly memo = new Map<string, Scalar>();
  private readonly rankMemo = new Map<IrExpr, Map<string, Scalar>>();
  /** Resolved time points (resolving goes through Intl, which is slow). */
  private readonly pointMemo = new Map<string, number>();
  /** Event rows by table, then by the audience member they belong to (built on first use). */
  private readonly eventIndex = new Map<string, Map<string, Row[]>>();

  constructor(
    private readonly workspace: CheckedWorkspace,
    private readonly data: Dataset,
    private readonly asOf: Date,
  ) {
    this.asOfMs = asOf.getTime();
    this.audience = this.table(workspace.model.audience);
    if (!this.audience.key) throw new Error('The audience table needs a key.');
    this.audienceKey = this.audience.key;
    this.members = this.rows(this.audience.name);
    for (const table of Object.values(workspace.model.tables)) {
      if (!table.key) continue;
      const index = new Map<string, Row>();
      for (const row of this.rows(table.name)) {
        const key = row[table.key];
        if (key !== null && key !== undefined) index.set(String(key), row);
      }
      this.byKey.set(table.name, index);
    }
  }

  /** Keys of the members in a segment, sorted. */
  segment(name: string): string[] {
    return this.memberKeys().filter((key) => this.segmentHolds(name, key)).sort();
  }

  /** A metric's value for every member (missing = null). Time values as epoch ms. */
  metric(name: string): Map<string, Scalar> {
    return new Map(this.memberKeys().map((key) => [key, this.metricValue(name, key)]));
  }

  /** Members for whom a condition holds (used for ad-hoc conditions). */
  where(condition: IrExpr): string[] {
    return this.memberKeys().filter((key) => this.holds(condition, this.scopeOf(key))).sort();
  }

  /** One expression for one member. */
  value(expr: IrExpr, memberKey: string): Value {
    return this.eval(expr, this.scopeOf(memberKey));
  }

  memberKeys(): string[] {
    return this.members.map((row) => String(row[this.audienceKey]));
  }

  // -------------------------------------------------------------------------

  private segmentHolds(name: string, key: string): boolean {
    const id = `segment:${name}:${key}`;
    if (!this.memo.has(id)) {
      const def = this.workspace.segments[name];
      if (!def) throw new Error(`No segment ${name}`);
      this.memo.set(id, this.holds(def.condition, this.scopeOf(key)));
    }
    return this.memo.get(id) === true;
  }

  private metricValue(name: string, key: string): Scalar {
    const id = `metric:${name}:${key}`;
    if (!this.memo.has(id)) {
      const def = this.workspace.metrics[name];
      if (!def) throw new Error(`No metric ${name}`);
      this.memo.set(id, scalar(this.eval(def.expr, this.scopeOf(key))));
    }
    return this.memo.get(id) ?? null;
  }

  private scopeOf(memberKey: string): Scope {
    const member = this.byKey.get(this.audience.name)?.get(memberKey);
    if (!member) throw new Error(`No audience member ${memberKey}`);
    return { member, memberKey };
  }

  /** A condition: true only when the value is exactly true (missing counts as false). */
  private holds(expr: IrExpr, scope: Scope): boolean {
    return this.eval(expr, scope) === true;
  }

  private eval(expr: IrExpr, scope: Scope): Value {
    switch (expr.kind) {
      case 'literal':
        return expr.value === null ? null : this.convert(expr.value, expr.type);
      case 'list':
        return expr.items.map((item) => this.convert(item, expr.itemType));
      case 'mapLookup': {
        const key = scalar(this.eval(expr.key, scope));
        if (key === null) return [];
        const entry = expr.entries.find((e) => e.key === key);
        return entry ? entry.values.map((item) => this.convert(item, expr.itemType)) : [];
      }
      case 'field': {
        const start = expr.scope === 'audience' ? scope.member : expr.scope === 'event' ? scope.event : undefined;
        if (!start) throw new Error(`No ${expr.scope} row in scope for ${expr.field}`);
        return this.readField(expr.table, start, expr.path, expr.field);
      }
      case 'metric':
        return this.metricValue(expr.name, scope.memberKey);
      case 'segment':
        return this.segmentHolds(expr.name, scope.memberKey);
      case 'aggregate':
        return this.aggregate(expr, scope);
      case 'not':
        return !this.holds(expr.arg, scope);
      case 'and':
        return expr.args.every((arg) => this.holds(arg, scope));
      case 'or':
        return expr.args.some((arg) => this.holds(arg, scope));
      case 'compare': {
        const left = scalar(this.eval(expr.left, scope));
        const right = scalar(this.eval(expr.right, scope));
        if (left === null || right === null) return false;
        return compare(left, expr.op, right);
      }
      case 'arith': {
        const left = num(this.eval(expr.left, scope));
        const right = num(this.eval(expr.right, scope));
        if (left === null || right === null) return null;
        switch (expr.op) {
          case '+': return left + right;
          case '-': return left - right;
          case '*': return left * right;
          case '/': return right === 0 ? null : left / right;
        }
        throw new Error("Unknown arithmetic operator");
      }
      case 'neg': {
        const value = num(this.eval(expr.arg, scope));
        return value === null ? null : -value;
      }
      case 'in': {
        const needle = scalar(this.eval(expr.needle, scope));
        if (needle === null) return false;
        const haystack = this.eval(expr.haystack, scope);
        if (!Array.isArray(haystack)) throw new Error('`in` needs a list');
        const found = haystack.some((item) => item === needle);
        return expr.negated ? !found : found;
      }
      case 'between': {
        const subject = scalar(this.eval(expr.subject, scope));
        const low = scalar(this.eval(expr.low, scope));
        const high = scalar(this.eval(expr.high, scope));
        if (subject === null || low === null || high === null) return false;
        const inside = compare(subject, '>=', low) && compare(subject, '<=', high);
        return expr.negated ? !inside : inside;
      }
      case 'isMissing': {
        const missing = scalar(this.eval(expr.arg, scope)) === null;
        return expr.negated ? !missing : missing;
      }
      case 'textMatch': {
        const subject = scalar(this.eval(expr.subject, scope));
        const pattern = scalar(this.eval(expr.pattern, scope));
        if (subject === null || pattern === null) return false;
        const text = String(subject);
        return expr.op === 'contains' ? text.includes(String(pattern)) : text.startsWith(String(pattern));
      }
      case 'call':
        return this.call(expr.fn, expr.args.map((arg) => scalar(this.eval(arg, scope))));
      case 'rank':
        return this.rank(expr).get(scope.memberKey) ?? null;
      case 'time':
        return this.instant(expr.point);
      case 'inWindow': {
        const t = num(this.eval(expr.subject, scope));
        return t !== null && this.inWindow(t, expr.window);
      }
      case 'outcome':
      case 'strategyOf':
      case 'offerProp':
      case 'membershipChange':
        throw new Error(`The reference evaluator covers segments and metrics, not ${expr.kind}`);
    }
  }

  // -------------------------------------------------------------------------
  // Data access

  private table(name: string): TableDef {
    const table = this.workspace.model.tables[name];
    if (!table) throw new Error(`No table ${name}`);
    return table;
  }

  private rows(table: string): readonly Row[] {
    return this.data[table] ?? [];
  }

  /** Follows link fields from a row, then reads a field (converted to the evaluator's value form). */
  private readField(tableName: string, row: Row, path: readonly string[], fieldName: string): Scalar {
    let table = this.table(tableName);
    let current: Row | undefined = row;
    for (const link of path) {
      const field = table.fields[link];
      if (!field?.link) throw new Error(`${table.name}.${link} is not a link`);
      const key: RowValue = current[field.name];
      table = this.table(field.link.target);
      current = key === null || key === undefined ? undefined : this.byKey.get(table.name)?.get(String(key));
      if (!current) return null;
    }
    const field = table.fields[fieldName];
    if (!field) throw new Error(`${table.name}.${fieldName} is not a field`);
    const raw = current[field.name];
    return raw === null || raw === undefined ? null : this.convert(raw, field.type);
  }

  /** A stored value in the evaluator's form: time values become epoch milliseconds. */
  private convert(raw: string | number | boolean, type: ScalarType): Scalar {
    switch (type) {
      case 'number':
        return Number(raw);
      case 'bool':
        return raw === true || raw === 1 || raw === 'true';
      case 'text':
        return String(raw);
      case 'date':
      case 'timestamp':
        return instantMs(raw, this.workspace.timezone);
    }
  }

  private eventsOf(source: string, memberKey: string): Row[] {
    let byMember = this.eventIndex.get(source);
    if (!byMember) {
      const table = this.table(source);
      if (!table.audiencePath) throw new Error(`${source} does not lead to the audience`);
      const path = table.audiencePath;
      byMember = new Map();
      for (const row of this.rows(source)) {
        // Follow the links to the audience member's key (the last link holds it).
        const owner = path.length === 0 ? row[this.audienceKey] : this.readField(source, row, path.slice(0, -1), path[path.length - 1]!);
        if (owner === null || owner === undefined) continue;
        const rows = byMember.get(String(owner)) ?? [];
        rows.push(row);
        byMember.set(String(owner), rows);
      }
      this.eventIndex.set(source, byMember);
    }
    return byMember.get(memberKey) ?? [];
  }

  /** An event's time in ms, or null when the table is timeless or the time is missing. */
  private eventTime(source: string, row: Row): number | null {
    const time = this.table(source).timeSource;
    if (!time) return null;
    return num(this.readField(source, row, time.path, time.field));
  }

  private inWindow(t: number, window: TimeWindow): boolean {
    const start = window.start ? this.instant(window.start) : -Infinity;
    const end = Math.min(window.end ? this.instant(window.end) : Infinity, this.asOfMs);
    return start <= t && t < end;
  }

  private instant(point: TimePoint): number {
    const id = JSON.stringify(point);
    let ms = this.pointMemo.get(id);
    if (ms === undefined) {
      ms = resolveTimePoint(point, this.asOf, this.workspace.timezone).getTime();
      this.pointMemo.set(id, ms);
    }
    return ms;
  }

  // -------------------------------------------------------------------------
  // Aggregates, functions, ranking

  private aggregate(expr: Extract<IrExpr, { kind: 'aggregate' }>, scope: Scope): Scalar {
    const timed = this.table(expr.source).timeSource !== undefined;
    const events = this.eventsOf(expr.source, scope.memberKey)
      .map((row) => ({ row, time: this.eventTime(expr.source, row) }))
      .filter(({ time }) => !timed || (time !== null && time < this.asOfMs))
      .filter(({ time }) => !expr.window || !timed || (time !== null && this.inWindow(time, expr.window)))
      .filter(({ row }) => !expr.where || this.holds(expr.where, { ...scope, event: row }));
    const valueOf = (row: Row): Scalar => {
      if (!expr.field) throw new Error(`${expr.fn} needs a field`);
      return this.readField(expr.source, row, expr.field.path, expr.field.field);
    };
    const present = () => events.map(({ row }) => valueOf(row)).filter((v): v is string | number | boolean => v !== null);
    switch (expr.fn) {
      case 'count':
        return events.length;
      case 'any':
        return events.length > 0;
      case 'none':
        return events.length === 0;
      case 'sum':
        return present().reduce<number>((total, v) => total + Number(v), 0);
      case 'avg': {
        const values = present();
        return values.length === 0 ? null : values.reduce<number>((t, v) => t + Number(v), 0) / values.length;
      }
      case 'min':
      case 'max': {
        const values = present();
        if (values.length === 0) return null;
        return values.reduce((best, v) => (compare(v, expr.fn === 'min' ? '<' : '>', best) ? v : best));
      }
      case 'distinct':
        return new Set(present()).size;
      case 'first':
      case 'last': {
        if (events.length === 0) return null;
        if (!timed) throw new Error(`${expr.fn} needs an event table with a time`);
        const sorted = [...events].sort((a, b) => (a.time ?? 0) - (b.time ?? 0));
        const pick = expr.fn === 'first' ? sorted[0]! : sorted[sorted.length - 1]!;
        const tied = sorted.filter((e) => e.time === pick.time).map((e) => valueOf(e.row));
        if (new Set(tied).size > 1) throw new Error(`${expr.fn}(${expr.source}) is ambiguous: events tie at one time`);
        return valueOf(pick.row);
      }
    }
  }

  private call(fn: Extract<IrExpr, { kind: 'call' }>['fn'], args: Scalar[]): Scalar {
    if (fn === 'coalesce') return args.find((a) => a !== null) ?? null;
    // Every other function gives missing when an argument is missing.
    if (args.some((a) => a === null)) return null;
    const n = args.map(Number);
    switch (fn) {
      case 'min':
        return Math.min(...n);
      case 'max':
        return Math.max(...n);
      case 'abs':
        return Math.abs(n[0]!);
      case 'round':
        return roundHalfAwayFromZero(n[0]!, n[1] ?? 0);
      case 'days_since':
        return Math.floor((this.asOfMs - n[0]!) / DAY_MS);
      case 'distance_km':
        return haversineKm(n[0]!, n[1]!, n[2]!, n[3]!);
    }
  }

  /** Scores for every member, computed once per ranking expression. */
  private rank(expr: Extract<IrExpr, { kind: 'rank' }>): Map<string, Scalar> {
    const cached = this.rankMemo.get(expr);
    if (cached) return cached;
    const values = new Map<string, number>();
    for (const key of this.memberKeys()) {
      const v = num(this.eval(expr.arg, this.scopeOf(key)));
      if (v !== null) values.set(key, v);
    }
    const scores = new Map<string, Scalar>();
    const all = [...values.values()];
    if (expr.fn === 'rank') {
      for (const [key, v] of values) scores.set(key, 1 + all.filter((o) => (expr.desc ? o > v : o < v)).length);
    } else if (expr.fn === 'ntile') {
      const n = expr.buckets ?? 1;
      // SQL NTILE over (value, then key): the first (m mod n) tiles hold one extra row.
      const ordered = [...values].sort(([ka, a], [kb, b]) => (expr.desc ? b - a : a - b) || (ka < kb ? -1 : ka > kb ? 1 : 0));
      const m = ordered.length;
      const small = Math.floor(m / n);
      const bigTiles = m % n;
      ordered.forEach(([key], i) => {
        const tile = i < bigTiles * (small + 1) ? Math.floor(i / (small + 1)) : bigTiles + Math.floor((i - bigTiles * (small + 1)) / small);
        scores.set(key, tile + 1);
      });
    } else {
      const buckets = expr.fn === 'quintile' ? 5 : expr.fn === 'decile' ? 10 : 100;
      const sorted = [...all].sort((a, b) => a - b);
      const cuts = Array.from({ length: buckets - 1 }, (_, i) => quantile(sorted, i + 1, buckets));
      for (const [key, v] of values) {
        const score = 1 + cuts.filter((cut) => cut < v).length;
        scores.set(key, expr.desc ? buckets + 1 - score : score);
      }
    }
    this.rankMemo.set(expr, scores);
    return scores;
  }
}

// ---------------------------------------------------------------------------
// Small pure helpers (exported for the evaluator's own tests)

/**
 * The k/buckets quantile of sorted values with linear interpolation (numpy.quantile,
 * percentile_cont). The position k·(n−1)/buckets is computed exactly in integers, so a
 * cut point that falls on a value is that value (0.29 · 100 in floating point is 28.999…).
 */
export function quantile(sorted: readonly number[], k: number, buckets: number): number {
  const position = k * (sorted.length - 1);
  const lo = Math.floor(position / buckets);
  const rest = position - lo * buckets;
  if (rest === 0) return sorted[lo]!;
  return sorted[lo]! + (rest / buckets) * (sorted[lo + 1]! - sorted[lo]!);
}

export function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.sqrt(a));
}

export function roundHalfAwayFromZero(x: number, digits: number): number {
  const factor = 10 ** digits;
  return (Math.sign(x) * Math.round(Math.abs(x) * factor)) / factor;
}

/**
 * A stored time value as epoch ms: a date alone is the start of that day in the zone,
 * a timestamp without offset is UTC, a number is epoch seconds.
 */
export function instantMs(raw: string | number | boolean, timeZone: string): number {
  if (typeof raw === 'number') return raw * 1000;
  const text = String(raw).trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return parseAsOf(text, timeZone).getTime();
  const iso = text.includes('T') ? text : text.replace(' ', 'T');
  const time = iso.slice(iso.indexOf('T') + 1);
  const ms = Date.parse(/(Z|[+-]\d{2}(:?\d{2})?)$/i.test(time) ? iso : `${iso}Z`);
  if (Number.isNaN(ms)) throw new Error(`Not a time: ${text}`);
  return ms;
}

function scalar(value: Value): Scalar {
  if (Array.isArray(value)) throw new Error('A list where a single value was expected');
  return value as Scalar;
}

function num(value: Value): number | null {
  const v = scalar(value);
  return v === null ? null : Number(v);
}

function compare(left: string | number | boolean, op: string, right: string | number | boolean): boolean {
  switch (op) {
    case '=': return left === right;
    case '!=': return left !== right;
    case '<': return left < right;
    case '<=': return left <= right;
    case '>': return left > right;
    case '>=': return left >= right;
  }
  throw new Error(`Unknown comparison ${op}`);
}
