/**
 * CST → AST for expressions. Total: a missing piece becomes an `ErrorExpr`
 * (the parser has already reported why), never an exception.
 *
 * The grammar parses `and`/`or` chains and `+ - * /` chains flat; precedence
 * is restored here (and over or; * / over + -; all left-associative).
 */
import type { CstNode, IToken } from 'chevrotain';
import {
  AGGREGATE_FNS,
  type AggregateExpr,
  type AggregateFn,
  type CallArg,
  type CompareOp,
  type DurationLit,
  type Expr,
  type Name,
  type RefExpr,
  type Window,
} from './ast';
import type { Diagnostic } from '../diagnostics/diagnostic';
import { cover, type Span } from '../text/span';
import { nodeOf, nodesOf, nodeSpan, point, tokenOf, tokensOf, tokenSpan, nameOf } from './cst-access';
import { dateProblem, durationUnit, suggestUnit, timestampProblem, unescapeString } from './literals';
import { syntaxDiagnostic } from './syntax-diagnostic';
import * as T from './tokens';

const AGGREGATES: ReadonlySet<string> = new Set(AGGREGATE_FNS);

function precedence(op: IToken): number {
  return op.tokenType === T.Star || op.tokenType === T.Slash ? 2 : 1;
}

/** Where a window keyword (`in`, `between`) starts, for the window's span inside an aggregate. */
const windowStarts = new WeakMap<Expr, number>();

export class ExpressionBuilder {
  readonly diagnostics: Diagnostic[] = [];

  constructor(
    readonly path: string,
    readonly text: string,
  ) {}

  protected report(code: string, span: Span, message: string): void {
    this.diagnostics.push(syntaxDiagnostic(code, this.path, span, message));
  }

  protected errorExpr(span: Span): Expr {
    return { kind: 'Error', span };
  }

  /** An `expression` CST node (or an ErrorExpr at `at` when absent). */
  expression(node: CstNode | undefined, at: number): Expr {
    if (!node) return this.errorExpr(point(at));
    const operandNodes = nodesOf(node, 'operands');
    const ops = tokensOf(node, 'ops');
    // Fast path: most expressions have no and/or.
    if (ops.length === 0 && operandNodes.length === 1) return this.notExpr(operandNodes[0]!, at);
    const span = nodeSpan(node, point(at));
    const operands = operandNodes.map((n) => this.notExpr(n, span.end));
    if (operands.length === 0) return this.errorExpr(point(span.start));
    // Recovery can leave an operator without its right operand.
    while (operands.length <= ops.length) operands.push(this.errorExpr(point(tokenSpan(ops[operands.length - 1]!).end)));

    // `and` binds tighter than `or`: fold each run of `and`, then the `or`s.
    const orTerms: Expr[] = [];
    let current = operands[0]!;
    for (let i = 0; i < ops.length; i++) {
      const right = operands[i + 1]!;
      if (ops[i]!.tokenType === T.And) current = { kind: 'Logical', op: 'and', left: current, right, span: cover(current.span, right.span) };
      else {
        orTerms.push(current);
        current = right;
      }
    }
    orTerms.push(current);
    let result = orTerms[0]!;
    for (let i = 1; i < orTerms.length; i++) {
      const right = orTerms[i]!;
      result = { kind: 'Logical', op: 'or', left: result, right, span: cover(result.span, right.span) };
    }
    return result;
  }

  private notExpr(node: CstNode, at: number): Expr {
    const nots = tokensOf(node, 'nots');
    let operand = this.comparison(node, nots.length > 0 ? tokenSpan(nots[nots.length - 1]!).end : at);
    for (let i = nots.length - 1; i >= 0; i--) {
      const start = nots[i]!.startOffset;
      operand = { kind: 'Unary', op: 'not', operand, span: { start, end: Math.max(start + 3, operand.span.end) } };
    }
    return operand;
  }

  /** The comparison part of a `notExpr` node (after its leading `not`s). */
  private comparison(node: CstNode, at: number): Expr {
    const subject = this.arith(nodeOf(node, 'subject'), at);
    const op = tokenOf(node, 'op');
    if (!op) return subject;
    const span = { start: subject.span.start, end: Math.max(subject.span.end, nodeSpan(node, subject.span).end) };
    const negated = tokensOf(node, 'negate').length > 0;
    const opEnd = tokenSpan(op).end;
    const whole = cover(subject.span, span);
    const right = (): Expr => this.arith(nodeOf(node, 'right'), opEnd);
    switch (op.tokenType) {
      case T.In: {
        const durationNode = nodeOf(node, 'duration');
        if (durationNode) {
          const duration = this.duration(durationNode, opEnd);
          const window: Window = { kind: 'LastWindow', duration, span: { start: op.startOffset, end: Math.max(opEnd, duration.span.end) } };
          const expr: Expr = { kind: 'InWindow', subject, window, span: whole };
          windowStarts.set(expr, op.startOffset);
          // `x not in last 30 days`: the window form has no negation of its own.
          return negated ? { kind: 'Unary', op: 'not', operand: expr, span: whole } : expr;
        }
        return { kind: 'InList', negated, subject, list: this.listify(right()), span: whole };
      }
      case T.Between: {
        const low = this.arith(nodeOf(node, 'low'), opEnd);
        const high = this.arith(nodeOf(node, 'high'), low.span.end);
        const expr: Expr = { kind: 'Between', negated, subject, low, high, span: whole };
        windowStarts.set(expr, op.startOffset);
        return expr;
      }
      case T.Is:
        return { kind: 'IsMissing', negated, subject, span: whole };
      case T.Contains:
        return { kind: 'TextMatch', op: 'contains', subject, pattern: right(), span: whole };
      case T.Starts:
        return { kind: 'TextMatch', op: 'startsWith', subject, pattern: right(), span: whole };
      default:
        return { kind: 'Compare', op: op.image as CompareOp, left: subject, right: right(), span: whole };
    }
  }

  /** `(a)` where a list is expected (`in ("Baby")`, map values) is a one-item list. */
  listify(expr: Expr): Expr {
    return expr.kind === 'Paren' ? { kind: 'List', items: [expr.inner], span: expr.span } : expr;
  }

  duration(node: CstNode, at: number): DurationLit {
    const number = tokenOf(node, 'NumberTok');
    const unitToken = tokenOf(node, 'unit') ?? tokenOf(node, 'badUnit');
    const start = number ? number.startOffset : at;
    if (!number) return { kind: 'Duration', amount: 0, unit: 'day', raw: '', span: point(start) };
    return this.durationFrom(number, unitToken);
  }

  private durationFrom(number: IToken, unitToken: IToken | undefined): DurationLit {
    const span = { start: number.startOffset, end: unitToken ? tokenSpan(unitToken).end : tokenSpan(number).end };
    const amount = Number(number.image);
    if (!unitToken) return { kind: 'Duration', amount, unit: 'day', raw: '', span };
    const unit = durationUnit(unitToken.image);
    if (!unit) {
      const suggestion = suggestUnit(unitToken.image);
      this.diagnostics.push(
        syntaxDiagnostic(
          'SEG0015',
          this.path,
          tokenSpan(unitToken),
          `\`${unitToken.image}\` is not a unit of time; use hours, days, weeks, months or years.`,
          suggestion ? [{ title: `Change to \`${suggestion}\``, file: this.path, span: tokenSpan(unitToken), replacement: suggestion }] : undefined,
        ),
      );
    }
    return { kind: 'Duration', amount, unit: unit ?? 'day', raw: unitToken.image, span };
  }

  /** An `arith` CST node: applies * / over + - precedence. */
  arith(node: CstNode | undefined, at: number): Expr {
    if (!node) return this.errorExpr(point(at));
    const operandNodes = nodesOf(node, 'operands');
    const ops = tokensOf(node, 'ops');
    if (ops.length === 0 && operandNodes.length === 1) return this.unary(operandNodes[0]!, at);
    const operands = operandNodes.map((n) => this.unary(n, at));
    if (operands.length === 0) return this.errorExpr(point(nodeSpan(node, point(at)).start));
    while (operands.length <= ops.length) operands.push(this.errorExpr(point(tokenSpan(ops[operands.length - 1]!).end)));

    const values: Expr[] = [operands[0]!];
    const pending: IToken[] = [];
    const reduce = (): void => {
      const op = pending.pop()!;
      const right = values.pop()!;
      const left = values.pop()!;
      values.push({ kind: 'Binary', op: op.image as '+' | '-' | '*' | '/', left, right, span: cover(left.span, right.span) });
    };
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i]!;
      while (pending.length > 0 && precedence(pending[pending.length - 1]!) >= precedence(op)) reduce();
      pending.push(op);
      values.push(operands[i + 1]!);
    }
    while (pending.length > 0) reduce();
    return values[0]!;
  }

  private unary(node: CstNode, at: number): Expr {
    let expr = this.primary(node, at);
    const postfixes = nodesOf(node, 'postfix');
    for (let i = 0; i < postfixes.length; i++) expr = this.applyPostfix(expr, postfixes[i]!);
    if (expr.kind === 'Ref' && expr.parts.length === 1) {
      const word = expr.parts[0]!.text;
      if (word === 'today') expr = { kind: 'Today', span: expr.span };
      else if (word === 'now') expr = { kind: 'Now', span: expr.span };
    }
    const minus = tokensOf(node, 'minus');
    if (minus.length === 0) return expr;
    for (let i = minus.length - 1; i >= 0; i--) {
      const start = minus[i]!.startOffset;
      const opSpan = { start, end: Math.max(start + 1, expr.span.end) };
      // `-33.87` is a negative number literal, not an operator applied to one.
      if (expr.kind === 'Number' && !expr.raw.startsWith('-')) expr = { kind: 'Number', value: -expr.value, raw: `-${expr.raw}`, span: opSpan };
      else if (expr.kind === 'Percent' && !expr.raw.startsWith('-')) expr = { kind: 'Percent', value: -expr.value, raw: `-${expr.raw}`, span: opSpan };
      else expr = { kind: 'Unary', op: '-', operand: expr, span: opSpan };
    }
    return expr;
  }

  /** The primary inlined in a `unary` node. */
  private primary(node: CstNode, at: number): Expr {
    const number = tokenOf(node, 'number');
    if (number) {
      const unit = tokenOf(node, 'unit') ?? tokenOf(node, 'badUnit');
      if (!unit) return { kind: 'Number', value: Number(number.image), raw: number.image, span: tokenSpan(number) };
      const duration = this.durationFrom(number, unit);
      const ago = tokenOf(node, 'Ago');
      return ago ? { kind: 'Ago', duration, span: { start: duration.span.start, end: tokenSpan(ago).end } } : duration;
    }
    const literal = tokenOf(node, 'literal');
    if (literal) return this.literal(literal);
    const paren = tokenOf(node, 'paren');
    if (paren) {
      const items = nodesOf(node, 'items').map((n) => this.expression(n, tokenSpan(paren).end));
      const own = this.closedSpan(paren, tokenOf(node, 'RParen'), items);
      if (items.length === 1 && tokensOf(node, 'commas').length === 0) return { kind: 'Paren', inner: items[0]!, span: own };
      return { kind: 'List', items, span: own };
    }
    const block = tokenOf(node, 'block');
    if (block) {
      const open = tokenOf(node, 'LBrace');
      const items = nodesOf(node, 'items').map((n) => this.expression(n, open ? tokenSpan(open).end : tokenSpan(block).end));
      const op = block.tokenType === T.All ? 'all' : block.tokenType === T.Any ? 'any' : 'none';
      return { kind: 'Block', op, items, span: this.closedSpan(block, tokenOf(node, 'RBrace') ?? open ?? tokenOf(node, 'Of'), items) };
    }
    const name = tokenOf(node, 'name');
    if (name) return { kind: 'Ref', parts: [nameOf(name)], span: tokenSpan(name) };
    const span = nodeSpan(node, point(at));
    return this.errorExpr(span.end > span.start ? span : point(span.start));
  }

  /** From `first` to the closing token (or the last item when recovery lost the closer). */
  private closedSpan(first: IToken, close: IToken | undefined, items: readonly Expr[]): Span {
    const end = close ? tokenSpan(close).end : items.length > 0 ? items[items.length - 1]!.span.end : tokenSpan(first).end;
    return { start: first.startOffset, end: Math.max(end, tokenSpan(first).end) };
  }

  private literal(token: IToken): Expr {
    const span = tokenSpan(token);
    switch (token.tokenType) {
      case T.PercentTok:
        return { kind: 'Percent', value: Number(token.image.slice(0, -1)) / 100, raw: token.image, span };
      case T.True:
        return { kind: 'Bool', value: true, span };
      case T.False:
        return { kind: 'Bool', value: false, span };
      case T.DateTok: {
        const problem = dateProblem(token.image);
        if (problem) this.report('SEG0014', span, problem);
        return { kind: 'Date', value: token.image, span };
      }
      case T.TimestampTok: {
        const problem = timestampProblem(token.image);
        if (problem) this.report('SEG0014', span, problem);
        return { kind: 'Timestamp', value: token.image, span };
      }
      default:
        return this.stringLit(token);
    }
  }

  /** A string token as a StringLit (escape problems reported with their exact place). */
  stringLit(token: IToken): { kind: 'String'; value: string; raw: string; span: Span } {
    const { value, problems } = unescapeString(token.image);
    for (const p of problems) this.report('SEG0011', { start: token.startOffset + p.start, end: token.startOffset + p.end }, p.message);
    return { kind: 'String', value, raw: token.image, span: tokenSpan(token) };
  }

  private applyPostfix(target: Expr, node: CstNode): Expr {
    const span = nodeSpan(node, point(target.span.end));
    const whole = cover(target.span, span);
    const field = tokenOf(node, 'field');
    if (tokenOf(node, 'Dot')) {
      if (!field) return target;
      if (target.kind === 'Ref') return { kind: 'Ref', parts: [...target.parts, nameOf(field)], span: whole };
      this.report('SEG0001', span, `A field name like \`.${field.image}\` can only follow a table or link name, as in \`orders.total\`.`);
      return target;
    }
    if (tokenOf(node, 'LBracket')) {
      return { kind: 'Index', target, index: this.expression(nodeOf(node, 'index'), span.start + 1), span: whole };
    }
    if (target.kind !== 'Ref' || target.parts.length !== 1) {
      this.report('SEG0001', span, 'Only a function name can be followed by `(…)`, as in `days_since(signup_at)`.');
      return target;
    }
    const callee = target.parts[0]!;
    const argNodes = nodesOf(node, 'args');
    if (AGGREGATES.has(callee.text) && argNodes.length === 1) {
      return this.aggregate(callee, argNodes[0]!, whole);
    }
    const args: CallArg[] = argNodes.map((argNode) => {
      const { arg, extras } = this.callArg(argNode, span.end);
      if (extras) this.report('SEG0019', extras, '`where` and `from … to …` can only be used inside an aggregate such as `count(orders where …)`.');
      return arg;
    });
    return { kind: 'Call', callee, args, span: whole };
  }

  private callArg(node: CstNode, at: number): { arg: CallArg; extras?: Span; window?: Window; where?: Expr } {
    const span = nodeSpan(node, point(at));
    const value = this.expression(nodeOf(node, 'value'), span.start);
    const order = tokenOf(node, 'order');
    const from = tokenOf(node, 'From');
    const where = tokenOf(node, 'Where');
    let window: Window | undefined;
    if (from) {
      const fromExpr = this.arith(nodeOf(node, 'from'), tokenSpan(from).end);
      const toExpr = this.arith(nodeOf(node, 'to'), fromExpr.span.end);
      window = { kind: 'FromToWindow', from: fromExpr, to: toExpr, span: { start: from.startOffset, end: Math.max(tokenSpan(from).end, toExpr.span.end) } };
    }
    const whereExpr = where ? this.expression(nodeOf(node, 'where'), tokenSpan(where).end) : undefined;
    const extrasStart = from?.startOffset ?? where?.startOffset;
    const arg: CallArg = order ? { value, order: order.image as 'asc' | 'desc', span } : { value, span };
    return {
      arg,
      ...(extrasStart !== undefined && { extras: { start: extrasStart, end: span.end } }),
      ...(window && { window }),
      ...(whereExpr && { where: whereExpr }),
    };
  }

  private aggregate(callee: Name, argNode: CstNode, span: Span): Expr {
    const { arg, window: fromTo, where } = this.callArg(argNode, span.end);
    if (arg.order) this.report('SEG0001', arg.span, `\`${arg.order}\` orders a ranking such as \`quintile(x desc)\`; \`${callee.text}\` does not take it.`);
    let source: Expr = arg.value;
    let window: Window | undefined;
    if (source.kind === 'InWindow' && source.subject.kind === 'Ref') {
      window = source.window;
      source = source.subject;
    } else if (source.kind === 'Between' && !source.negated && source.subject.kind === 'Ref') {
      const start = windowStarts.get(source) ?? source.low.span.start;
      window = { kind: 'BetweenWindow', from: source.low, to: source.high, span: { start, end: source.span.end } };
      source = source.subject;
    }
    if (source.kind !== 'Ref') {
      if (source.kind !== 'Error') {
        this.report(
          'SEG0018',
          source.span,
          `\`${callee.text}\` needs a table or a table's field to aggregate, like \`${callee.text}(orders${callee.text === 'count' || callee.text === 'any' || callee.text === 'none' ? '' : '.total'})\`.`,
        );
      }
      return this.errorExpr(span);
    }
    if (window && fromTo) this.report('SEG0001', fromTo.span, 'An aggregate takes one time window; remove one of them.');
    const result: AggregateExpr = {
      kind: 'Aggregate',
      fn: callee.text as AggregateFn,
      callee,
      source: source as RefExpr,
      span,
      ...((window ?? fromTo) && { window: window ?? fromTo }),
      ...(where && { where }),
    };
    return result;
  }
}
