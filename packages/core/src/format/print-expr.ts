/**
 * Prints expressions in the canonical style: single spaces around binary
 * operators, parentheses exactly where the source had them (the tree keeps
 * `ParenExpr`), numbers as written, strings re-escaped canonically, and
 * `all of` / `any of` / `none of` blocks one condition per line.
 */
import type { DurationLit, Expr, Window } from '../syntax/ast';
import { quoteString } from '../syntax/literals';
import { Fragment } from './lines';

export class ExprPrinter {
  constructor(private readonly text: string) {}

  print(expr: Expr): Fragment {
    switch (expr.kind) {
      case 'Number':
      case 'Percent':
        return Fragment.text(expr.raw, expr.span);
      case 'String':
        return Fragment.text(quoteString(expr.value), expr.span);
      case 'Bool':
        return Fragment.text(expr.value ? 'true' : 'false', expr.span);
      case 'Date':
      case 'Timestamp':
        return Fragment.text(expr.value, expr.span);
      case 'Duration':
        return Fragment.text(duration(expr), expr.span);
      case 'Ago':
        return Fragment.text(`${duration(expr.duration)} ago`, expr.span);
      case 'Now':
        return Fragment.text('now', expr.span);
      case 'Today':
        return Fragment.text('today', expr.span);
      case 'List':
        return this.list(expr.items, expr.span);
      case 'Ref':
        return Fragment.text(expr.parts.map((p) => p.text).join('.'), expr.span);
      case 'Index':
        return this.print(expr.target).add('[').append(this.print(expr.index)).add(']', expr.span);
      case 'Call': {
        const out = Fragment.text(`${expr.callee.text}(`, expr.span);
        expr.args.forEach((arg, i) => {
          if (i > 0) out.add(', ');
          out.append(this.print(arg.value));
          if (arg.order) out.add(` ${arg.order}`);
        });
        return out.add(')');
      }
      case 'Aggregate': {
        const out = Fragment.text(`${expr.callee.text}(`, expr.span).append(this.print(expr.source));
        if (expr.window) out.add(' ').append(this.window(expr.window));
        if (expr.where) out.add(' where ').append(this.print(expr.where));
        return out.add(')');
      }
      case 'Unary':
        return Fragment.text(expr.op === 'not' ? 'not ' : '-', expr.span).append(this.print(expr.operand));
      case 'Binary':
      case 'Logical':
      case 'Compare':
        return this.print(expr.left).add(` ${expr.op} `).append(this.print(expr.right));
      case 'InList':
        return this.print(expr.subject).add(expr.negated ? ' not in ' : ' in ').append(this.print(expr.list));
      case 'InWindow':
        return this.print(expr.subject).add(' ').append(this.window(expr.window));
      case 'Between':
        return this.print(expr.subject)
          .add(expr.negated ? ' not between ' : ' between ')
          .append(this.print(expr.low))
          .add(' and ')
          .append(this.print(expr.high));
      case 'IsMissing':
        return this.print(expr.subject).add(expr.negated ? ' is not missing' : ' is missing');
      case 'TextMatch':
        return this.print(expr.subject).add(expr.op === 'contains' ? ' contains ' : ' starts with ').append(this.print(expr.pattern));
      case 'Paren':
        return Fragment.text('(', expr.span).append(this.print(expr.inner)).add(')');
      case 'Block': {
        const brace = this.text.indexOf('{', expr.span.start);
        const headerEnd = brace >= 0 && brace < expr.span.end ? brace + 1 : expr.span.start;
        const out = Fragment.text(`${expr.op} of {`, { start: expr.span.start, end: headerEnd });
        for (const item of expr.items) out.nest(this.print(item), 1);
        return out.newLine(0, '}', { start: Math.max(expr.span.start, expr.span.end - 1), end: expr.span.end }, true);
      }
      case 'Error':
        return Fragment.text(this.text.slice(expr.span.start, expr.span.end).replace(/\s+/g, ' '), expr.span);
    }
  }

  list(items: readonly Expr[], span: { start: number; end: number }): Fragment {
    const out = Fragment.text('(', span);
    items.forEach((item, i) => {
      if (i > 0) out.add(', ');
      out.append(this.print(item));
    });
    return out.add(')');
  }

  window(window: Window): Fragment {
    switch (window.kind) {
      case 'LastWindow':
        return Fragment.text(`in last ${duration(window.duration)}`, window.span);
      case 'FromToWindow':
        return Fragment.text('from ', window.span).append(this.print(window.from)).add(' to ').append(this.print(window.to));
      case 'BetweenWindow':
        return Fragment.text('between ', window.span).append(this.print(window.from)).add(' and ').append(this.print(window.to));
    }
  }
}

function duration(d: DurationLit): string {
  return `${d.amount} ${d.raw || `${d.unit}s`}`;
}
