/**
 * Checks an expression and lowers it to typed IR in one walk. Errors are
 * reported where they are found and leave an `unknown`-typed node behind, so
 * one mistake produces one diagnostic, not a cascade.
 */
import type {
  BetweenExpr,
  BlockExpr,
  CompareExpr,
  Expr,
  InListExpr,
  LogicalExpr,
  RefExpr,
  StringLit,
} from '../syntax/ast';
import type { IrExpr, ScalarType } from '../model/ir';
import { type CheckContext, type Env, errorIr, isTimeType, type Ty, typeOf, typePhrase } from './check-context';
import { closestName } from './did-you-mean';
import { lowerAggregate } from './lower-aggregate';
import { lowerCall } from './lower-call';
import { asTime, checkCalendar, lowerWindow, timePointOf } from './lower-time';
import { lowerIndex, lowerListValue } from './lower-values';
import { NameResolver, OFFER_PROP_TYPES } from './resolve-name';
import { symbolId } from './symbol-index';

const ORDERED: ReadonlySet<Ty> = new Set(['number', 'text', 'date', 'timestamp', 'unknown']);

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
        if (!checkCalendar(this.ctx, env.file, expr)) return errorIr();
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
        return this.compare(expr, env);
      case 'InList':
        return this.inList(expr, env);
      case 'InWindow': {
        const subject = this.lower(expr.subject, env);
        this.expectTime(subject, expr.subject, env);
        const window = lowerWindow(this, expr.window, env);
        if (!window) return errorIr();
        return { kind: 'inWindow', type: 'bool', subject, window };
      }
      case 'Between':
        return this.between(expr, env);
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

  private compare(expr: CompareExpr, env: Env): IrExpr {
    const bare = (e: Expr) => e.kind === 'Ref' && e.parts.length === 1;
    let left: IrExpr;
    let right: IrExpr;
    if (bare(expr.left) && !bare(expr.right)) {
      right = this.operand(expr.right, env, false);
      left = this.operand(expr.left, env, typeOf(right) === 'outcome');
    } else {
      left = this.operand(expr.left, env, false);
      right = this.operand(expr.right, env, typeOf(left) === 'outcome');
    }
    [left, right] = this.coerceTimes(left, right);
    const lt = typeOf(left);
    const rt = typeOf(right);
    if (lt !== 'unknown' && rt !== 'unknown') {
      if (!comparable(lt, rt)) {
        const hint = lt === 'list' || rt === 'list' ? ' To test membership, use `in`.' : '';
        this.ctx.report(
          'SEG2001',
          env.file,
          expr.span,
          `\`${this.ctx.snippet(env.file, expr.left.span)}\` is ${typePhrase(lt)} but \`${this.ctx.snippet(env.file, expr.right.span)}\` is ${typePhrase(rt)}; they cannot be compared.${hint}`,
        );
        return errorIr();
      }
      if (expr.op !== '=' && expr.op !== '!=' && !ORDERED.has(lt)) {
        this.ctx.report('SEG2018', env.file, expr.span, `${capitalise(typePhrase(lt))} has no order; only \`=\` and \`!=\` compare it.`);
        return errorIr();
      }
      this.checkEnum(left, expr.right, env);
      this.checkEnum(right, expr.left, env);
    }
    return { kind: 'compare', type: 'bool', op: expr.op, left, right };
  }

  /** A date literal next to a timestamp is the start of that day. */
  coerceTimes(a: IrExpr, b: IrExpr): [IrExpr, IrExpr] {
    if (typeOf(a) === 'timestamp') return [a, asTime(b)];
    if (typeOf(b) === 'timestamp') return [asTime(a), b];
    return [a, b];
  }

  /** Reports a text literal compared with an enumerated field when it is not one of the field's values. */
  checkEnum(field: IrExpr, other: Expr, env: Env): void {
    let literal: Expr = other;
    while (literal.kind === 'Paren') literal = literal.inner;
    if (literal.kind !== 'String') return;
    const values = this.enumValues(field);
    if (!values || values.includes(literal.value)) return;
    this.reportEnumValue(literal, values, field, env.file);
  }

  reportEnumValue(literal: StringLit, values: readonly string[], field: IrExpr, file: string): void {
    const best = closestName(literal.value, values);
    const name = field.kind === 'field' ? field.field : 'this field';
    const replacement = best === undefined ? undefined : JSON.stringify(best);
    this.ctx.report(
      'SEG2007',
      file,
      literal.span,
      `${literal.raw} is not one of the values of \`${name}\` (${values.map((v) => JSON.stringify(v)).join(', ')})${replacement ? `; did you mean ${replacement}?` : '.'}`,
      { suggestions: replacement ? [this.ctx.replaceWith(file, literal.span, replacement)] : [] },
    );
  }

  /** The declared values of an enumerated field read by `ir`, if it is one. */
  enumValues(ir: IrExpr): readonly string[] | undefined {
    if (ir.kind !== 'field') return undefined;
    let table = this.ctx.tables.get(ir.table);
    for (const link of ir.path) table = table && this.ctx.tables.get(table.fields[link]?.link?.target ?? '');
    return table?.fields[ir.field]?.values;
  }

  private inList(expr: InListExpr, env: Env): IrExpr {
    const needle = this.lower(expr.subject, env);
    if (typeOf(needle) === 'outcome') return this.outcomeIn(expr, needle, env);
    const haystack = lowerListValue(this, expr.list, env);
    const itemType = haystack.kind === 'list' || haystack.kind === 'mapLookup' ? haystack.itemType : undefined;
    const type = typeOf(needle);
    const empty = haystack.kind === 'list' && haystack.items.length === 0;
    if (itemType && type !== 'unknown' && !empty && !comparable(type, itemType)) {
      this.ctx.report(
        'SEG2001',
        env.file,
        expr.span,
        `\`${this.ctx.snippet(env.file, expr.subject.span)}\` is ${typePhrase(type)} but the list holds ${typePhrase(itemType)} values.`,
      );
      return errorIr();
    }
    const values = this.enumValues(needle);
    let list: Expr = expr.list;
    while (list.kind === 'Paren' && list.inner.kind === 'Paren') list = list.inner;
    const items = list.kind === 'List' ? list.items : list.kind === 'Paren' ? [list.inner] : [];
    if (values) for (const item of items) if (item.kind === 'String' && !values.includes(item.value)) this.reportEnumValue(item, values, needle, env.file);
    return { kind: 'in', type: 'bool', negated: expr.negated, needle, haystack };
  }

  /** `offer.strategy in (retain, cross_sell)`: outcomes are not list values, so this is a chain of comparisons. */
  private outcomeIn(expr: InListExpr, needle: IrExpr, env: Env): IrExpr {
    const list = expr.list.kind === 'Paren' ? [expr.list.inner] : expr.list.kind === 'List' ? expr.list.items : [expr.list];
    const op = expr.negated ? '!=' : '=';
    const args: IrExpr[] = list.map((item) => ({ kind: 'compare', type: 'bool', op, left: needle, right: this.operand(item, env, true) }));
    if (args.length === 1) return args[0]!;
    return { kind: expr.negated ? 'and' : 'or', type: 'bool', args };
  }

  private between(expr: BetweenExpr, env: Env): IrExpr {
    const subject = this.lower(expr.subject, env);
    const type = typeOf(subject);
    if (isTimeType(type)) {
      // On time values `between` takes whole days: [start of low, start of the day after high).
      const start = timePointOf(this, expr.low, env, 'start');
      const end = timePointOf(this, expr.high, env, 'betweenEnd');
      if (!start || !end) return errorIr();
      const inWindow: IrExpr = { kind: 'inWindow', type: 'bool', subject, window: { start, end } };
      return expr.negated ? { kind: 'not', type: 'bool', arg: inWindow } : inWindow;
    }
    const low = this.lower(expr.low, env);
    const high = this.lower(expr.high, env);
    if (type === 'unknown') return errorIr();
    if (!ORDERED.has(type)) {
      this.ctx.report('SEG2018', env.file, expr.subject.span, `${capitalise(typePhrase(type))} has no order, so \`between\` cannot apply to it.`);
      return errorIr();
    }
    for (const [ir, side] of [[low, expr.low], [high, expr.high]] as const) {
      const sideType = typeOf(ir);
      if (sideType !== 'unknown' && !comparable(type, sideType)) {
        this.ctx.report(
          'SEG2001',
          env.file,
          side.span,
          `\`${this.ctx.snippet(env.file, expr.subject.span)}\` is ${typePhrase(type)} but \`${this.ctx.snippet(env.file, side.span)}\` is ${typePhrase(sideType)}.`,
        );
        return errorIr();
      }
    }
    return { kind: 'between', type: 'bool', negated: expr.negated, subject, low, high };
  }
}

/** Whether two types can be compared: the same type, or a date with a timestamp. */
export function comparable(a: Ty, b: Ty): boolean {
  if (a === 'unknown' || b === 'unknown') return true;
  if (a === 'list' || b === 'list' || a === 'duration' || b === 'duration') return false;
  return a === b || (isTimeType(a) && isTimeType(b));
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
