/**
 * "Could a customer without any events of this table match the rule?" — asked
 * of a rule by evaluating it with that table's aggregates at their no-events
 * values (count/sum/distinct 0, any false, none true, the others missing) and
 * everything else unknown. When the answer is certainly no, the query may keep
 * only customers that have a row in the table's grouped pass: the engine can
 * then join from the pass instead of scanning every customer (what an analyst
 * does by hand when writing `FROM (… GROUP BY customer_id) WHERE …`).
 */
import type { CheckedWorkspace, IrExpr } from '@seg/core';

type Known = number | string | boolean | null;
const UNKNOWN = Symbol('unknown');
type V = Known | typeof UNKNOWN;

const isFalse = (v: V) => v === false || v === null;

const evaluators = new WeakMap<CheckedWorkspace, Map<string, EmptyEventsEvaluator>>();

export class EmptyEventsEvaluator {
  private readonly memo = new Map<string, V>();
  private readonly active = new Set<string>();
  /** Answers by condition: a segment's rule is asked about once per query it is compiled into. */
  private readonly answers = new WeakMap<IrExpr, boolean>();

  constructor(
    private readonly ws: CheckedWorkspace,
    /** The event table assumed empty for the customer. */
    private readonly source: string,
  ) {}

  /** The evaluator of `ws` for `source`, made once: what it found for each metric and segment holds for every query. */
  static of(ws: CheckedWorkspace, source: string): EmptyEventsEvaluator {
    let bySource = evaluators.get(ws);
    if (!bySource) evaluators.set(ws, (bySource = new Map()));
    let evaluator = bySource.get(source);
    if (!evaluator) bySource.set(source, (evaluator = new EmptyEventsEvaluator(ws, source)));
    return evaluator;
  }

  /** True when the condition is certainly false (or missing) for a customer with no events of `source`. */
  certainlyFalse(condition: IrExpr): boolean {
    let answer = this.answers.get(condition);
    if (answer === undefined) {
      answer = isFalse(this.eval(condition));
      this.answers.set(condition, answer);
    }
    return answer;
  }

  private named(kind: 'metric' | 'segment', name: string): V {
    const key = `${kind}:${name}`;
    if (this.memo.has(key)) return this.memo.get(key)!;
    if (this.active.has(key)) return UNKNOWN;
    this.active.add(key);
    const def = kind === 'metric' ? this.ws.metrics[name]?.expr : this.ws.segments[name]?.condition;
    let v: V = def ? this.eval(def) : UNKNOWN;
    if (kind === 'segment' && v !== UNKNOWN) v = v === true;
    this.active.delete(key);
    this.memo.set(key, v);
    return v;
  }

  eval(e: IrExpr): V {
    switch (e.kind) {
      case 'literal':
        return e.type === 'date' || e.type === 'timestamp' ? UNKNOWN : e.value;
      case 'aggregate':
        if (e.source !== this.source) return UNKNOWN;
        if (e.fn === 'count' || e.fn === 'sum' || e.fn === 'distinct') return 0;
        if (e.fn === 'any') return false;
        if (e.fn === 'none') return true;
        return null;
      case 'metric':
        return this.named('metric', e.name);
      case 'segment':
        return this.named('segment', e.name);
      case 'not': {
        const v = this.eval(e.arg);
        return v === UNKNOWN ? UNKNOWN : !(v === true);
      }
      case 'and': {
        const vs = e.args.map((a) => this.eval(a));
        if (vs.some(isFalse)) return false;
        return vs.every((v) => v === true) ? true : UNKNOWN;
      }
      case 'or': {
        const vs = e.args.map((a) => this.eval(a));
        if (vs.some((v) => v === true)) return true;
        return vs.every(isFalse) ? false : UNKNOWN;
      }
      case 'compare': {
        const l = this.eval(e.left);
        const r = this.eval(e.right);
        if (l === null || r === null) return null;
        if (l === UNKNOWN || r === UNKNOWN) return UNKNOWN;
        switch (e.op) {
          case '=':
            return l === r;
          case '!=':
            return l !== r;
          case '<':
            return l < r;
          case '<=':
            return l <= r;
          case '>':
            return l > r;
          case '>=':
            return l >= r;
        }
        return UNKNOWN;
      }
      case 'arith': {
        const l = this.eval(e.left);
        const r = this.eval(e.right);
        if (l === null || r === null) return null;
        if (typeof l !== 'number' || typeof r !== 'number') return UNKNOWN;
        if (e.op === '/') return r === 0 ? null : l / r;
        return e.op === '+' ? l + r : e.op === '-' ? l - r : l * r;
      }
      case 'neg': {
        const v = this.eval(e.arg);
        return typeof v === 'number' ? -v : v === null ? null : UNKNOWN;
      }
      case 'call': {
        const vs = e.args.map((a) => this.eval(a));
        if (e.fn === 'coalesce') {
          for (const v of vs) {
            if (v === UNKNOWN) return UNKNOWN;
            if (v !== null) return v;
          }
          return null;
        }
        if (vs.some((v) => v === null)) return null;
        if (vs.some((v) => v === UNKNOWN || typeof v !== 'number')) return UNKNOWN;
        const ns = vs as number[];
        if (e.fn === 'min') return Math.min(...ns);
        if (e.fn === 'max') return Math.max(...ns);
        if (e.fn === 'abs') return Math.abs(ns[0]!);
        return UNKNOWN;
      }
      case 'isMissing': {
        const v = this.eval(e.arg);
        return v === UNKNOWN ? UNKNOWN : (v === null) !== e.negated;
      }
      case 'in':
      case 'between':
      case 'textMatch':
      case 'inWindow': {
        const subject = this.eval(e.kind === 'in' ? e.needle : e.subject);
        return subject === null ? null : UNKNOWN;
      }
      default:
        return UNKNOWN;
    }
  }
}
