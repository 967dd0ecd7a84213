/**
 * Checks an expression and lowers it to typed IR in one walk. Errors are
 * reported where they are found and leave an `unknown`-typed node behind, so
 * one mistake produces one diagnostic, not a cascade.
 */
import type { BlockExpr, Expr, LogicalExpr, RefExpr } from '../syntax/ast';
import type { IrExpr, ScalarType } from '../model/ir';
import { type CheckContext, type Env, errorIr, isTimeType, typeOf, typePhrase } from './check-context';
import { closestName } from './did-you-mean';
import { lowerAggregate } from './lower-aggregate';
import { lowerCall } from './lower-call';
import { lowerBetween, lowerCompare, lowerInList } from './lower-comparison';
import { asTime, lowerWindow, timePointOf } from './lower-time';
import { lowerIndex, lowerListValue } from './lower-values';
import { NameResolver, OFFER_PROP_TYPES } from './resolve-name';
import { symbolId } from './symbol-index';

export class ExprLowerer {
  readonly resolver: NameResolver;

  constructor(readonly ctx: CheckContext) {
    this.resolver = new NameResolver(ctx);
  }

  lower(expr: Expr, env: Env): IrExpr {
    switch (expr.kind) {
      case 'Number':
      case 'Percent':
        return { kind: 'literal', type: 'number', value: expr.value };
      case 'String':
        return { kind: 'literal', type: 'text', value: expr.value };
      case 'Bool':
        return { kind: 'literal', type: 'bool', value: expr.value };
      case 'Date':
        return { kind: 'literal', type: 'date', value: expr.value };
      case 'Timestamp':
      case 'Ago':
      case 'Now':
      case 'Today':
        return { kind: 'time', type: 'timestamp', point: timePointOf(this, expr, env, 'start')! };
      case 'Duration':
        this.ctx.report(
          'SEG2017',
          env.file,
          expr.span,
          `\`${expr.amount} ${expr.raw}\` is a length of time, not a value: write \`${expr.amount} ${expr.raw} ago\` for a point in time, or use it in a window (\`in last ${expr.amount} ${expr.raw}\`).`,
        );
        return errorIr();
      case 'List':
        return lowerListValue(this, expr, env);
      case 'Ref':
        return this.ref(expr, env);
      case 'Index':
        return lowerIndex(this, expr, env);
      case 'Call':
        return lowerCall(this, expr, env);
      case 'Aggregate':
        return lowerAggregate(this, expr, env);
      case 'Unary':
        if (expr.op === 'not') return { kind: 'not', type: 'bool', arg: this.condition(expr.operand, env, '`not`') };
        {
          const arg = this.number(expr.operand, env, 'A minus sign');
          if (arg.kind === 'literal' && typeof arg.value === 'number') return { kind: 'literal', type: 'number', value: -arg.value };
          return { kind: 'neg', type: 'number', arg };
        }
      case 'Binary':
        return {
          kind: 'arith',
          type: 'number',
          op: expr.op,
          left: this.number(expr.left, env, `\`${expr.op}\``),
          right: this.number(expr.right, env, `\`${expr.op}\``),
        };
      case 'Logical':
        return this.logical(expr, env);
      case 'Compare':
        return lowerCompare(this, expr, env);
      case 'InList':
        return lowerInList(this, expr, env);
      case 'InWindow': {
        const subject = this.lower(expr.subject, env);
        this.expectTime(subject, expr.subject, env);
        const window = lowerWindow(this, expr.window, env);
        if (!window) return errorIr();
        return { kind: 'inWindow', type: 'bool', subject, window };
      }
      case 'Between':
        return lowerBetween(this, expr, env);
      case 'IsMissing':
        return { kind: 'isMissing', type: 'bool', negated: expr.negated, arg: this.lower(expr.subject, env) };
      case 'TextMatch':
        return {
          kind: 'textMatch',
          type: 'bool',
          op: expr.op,
          subject: this.expect(expr.subject, env, 'text', `\`${expr.op === 'contains' ? 'contains' : 'starts with'}\``),
          pattern: this.expect(expr.pattern, env, 'text', `\`${expr.op === 'contains' ? 'contains' : 'starts with'}\``),
        };
      case 'Block':
        return this.block(expr, env);
      case 'Paren':
        return this.lower(expr.inner, env);
      case 'Error':
        return errorIr();
    }
  }

  /** Lowers a condition, reporting when it is some other kind of value. */
  condition(expr: Expr, env: Env, what: string): IrExpr {
    const ir = this.lower(expr, env);
    const type = typeOf(ir);
    if (type !== 'bool' && type !== 'unknown') {
      this.ctx.report(
        'SEG2002',
        env.file,
        expr.span,
        `${what} must be a condition (yes/no), but \`${this.ctx.snippet(env.file, expr.span)}\` is ${typePhrase(type)}.`,
      );
      return errorIr();
    }
    return ir;
  }

  number(expr: Expr, env: Env, what: string): IrExpr {
    return this.expect(expr, env, 'number', what);
  }

  /** Lowers a value that must have one type (`what` says who needs it: "`sum`", "A score"). */
  expect(expr: Expr, env: Env, want: ScalarType, what: string): IrExpr {
    const ir = this.lower(expr, env);
    const type = typeOf(ir);
    if (type !== want && type !== 'unknown') {
      this.ctx.report(
        'SEG2003',
        env.file,
        expr.span,
        `${what} needs ${typePhrase(want)}, but \`${this.ctx.snippet(env.file, expr.span)}\` is ${typePhrase(type)}.`,
      );
      return errorIr();
    }
    return ir;
  }

  expectTime(ir: IrExpr, expr: Expr, env: Env): void {
    const type = typeOf(ir);
    if (!isTimeType(type) && type !== 'unknown') {
      this.ctx.report(
        'SEG2006',
        env.file,
        expr.span,
        `A time window needs a date or timestamp, but \`${this.ctx.snippet(env.file, expr.span)}\` is ${typePhrase(type)}.`,
      );
    }
  }

  private ref(expr: RefExpr, env: Env): IrExpr {
    const resolved = this.resolver.resolve(expr, env);
    switch (resolved.kind) {
      case 'field':
        return {
          kind: 'field',
          type: resolved.field.type,
          scope: resolved.scope,
          table: resolved.table,
          path: resolved.path,
          field: resolved.field.name,
        };
      case 'offerProp':
        return { kind: 'offerProp', type: OFFER_PROP_TYPES[resolved.name], name: resolved.name };
      case 'strategyOf':
        return { kind: 'strategyOf', type: 'outcome', which: resolved.which };
      case 'error':
        return errorIr();
      case 'decl': {
        const { entry } = resolved;
        switch (entry.kind) {
          case 'const':
          case 'list':
            return this.ctx.constValues.get(entry.name) ?? errorIr();
          case 'metric':
            return { kind: 'metric', type: (this.ctx.metricTypes.get(entry.name) ?? 'unknown') as ScalarType, name: entry.name };
          case 'segment':
            return { kind: 'segment', type: 'bool', name: entry.name };
          case 'map':
            this.ctx.report('SEG2014', env.file, expr.span, `\`${entry.name}\` is a map: look a key up with \`${entry.name}[key]\`.`);
            return errorIr();
          default:
            return errorIr();
        }
      }
    }
  }

  private logical(expr: LogicalExpr, env: Env): IrExpr {
    const what = `Each side of \`${expr.op}\``;
    const args: IrExpr[] = [];
    for (const side of [expr.left, expr.right]) {
      const ir = this.condition(side, env, what);
      // `a and b and c` is one `and` of three (same meaning, flatter SQL).
      if (ir.kind === expr.op && side.kind === 'Logical') args.push(...ir.args);
      else args.push(ir);
    }
    return { kind: expr.op, type: 'bool', args };
  }

  private block(expr: BlockExpr, env: Env): IrExpr {
    const what = `Each line of \`${expr.op} of\``;
    const args = expr.items.map((item) => this.condition(item, env, what));
    if (args.length === 0) return { kind: 'literal', type: 'bool', value: expr.op !== 'any' };
    const combined: IrExpr = args.length === 1 ? args[0]! : { kind: expr.op === 'all' ? 'and' : 'or', type: 'bool', args };
    return expr.op === 'none' ? { kind: 'not', type: 'bool', arg: combined } : combined;
  }

  /**
   * A bare name where an outcome is expected (`offer.strategy = cross_sell`) is
   * an outcome; elsewhere a bare name is an outcome only if nothing else has it.
   */
  operand(expr: Expr, env: Env, outcomeExpected: boolean): IrExpr {
    if (expr.kind === 'Ref' && expr.parts.length === 1) {
      const name = expr.parts[0]!;
      if (this.ctx.outcomes.has(name.text) && (outcomeExpected || this.resolver.resolve(expr, env, true).kind === 'error')) {
        this.ctx.symbols.reference(env.file, name.span, symbolId('outcome', name.text));
        return { kind: 'outcome', type: 'outcome', name: name.text };
      }
      const strategyName = env.plan?.part === 'ranking' && (name.text === 'primary' || name.text === 'secondary');
      if (outcomeExpected && !strategyName && this.resolver.resolve(expr, env, true).kind === 'error') {
        const best = closestName(name.text, [...this.ctx.outcomes.keys(), ...(env.plan?.part === 'ranking' ? ['primary', 'secondary'] : [])]);
        this.ctx.report('SEG1011', env.file, name.span, `No strategy has the outcome \`${name.text}\`${best ? `; did you mean \`${best}\`?` : '.'}`, {
          suggestions: best ? [this.ctx.replaceWith(env.file, name.span, best)] : [],
        });
        return errorIr();
      }
    }
    return this.lower(expr, env);
  }

  /** A date literal next to a timestamp is the start of that day. */
  coerceTimes(a: IrExpr, b: IrExpr): [IrExpr, IrExpr] {
    if (typeOf(a) === 'timestamp') return [a, asTime(b)];
    if (typeOf(b) === 'timestamp') return [asTime(a), b];
    return [a, b];
  }
}
