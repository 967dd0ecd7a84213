/**
 * CST → AST for `test` blocks: `as of`, fixture rows and expectations.
 * Total like the rest of the builder: a malformed expectation is reported and left out.
 */
import { tokenMatcher, type CstNode } from 'chevrotain';
import type { CompareOp, Expectation, Expr, Name, TestItem } from './ast';
import type { Span } from '../text/span';
import { missingName, nameOf, nodeOf, nodesOf, nodeSpan, point, tokenOf, tokensOf, tokenSpan } from './cst-access';
import { ExpressionBuilder } from './cst-expressions';
import * as T from './tokens';

export class TestItemBuilder extends ExpressionBuilder {
  protected nameAt(node: CstNode, key: string, at: number, index = 0): Name {
    const token = tokenOf(node, key, index);
    return token ? nameOf(token) : missingName(at);
  }

  protected testItems(node: CstNode, declSpan: Span): TestItem[] {
    const out: TestItem[] = [];
    for (const item of nodesOf(node, 'testItem')) {
      const span = nodeSpan(item, point(declSpan.end));
      const asOf = nodeOf(item, 'asOf');
      if (tokenOf(item, 'As')) {
        out.push({ kind: 'AsOf', value: this.expression(asOf, span.end), span });
        continue;
      }
      const row = nodeOf(item, 'fixtureRow');
      if (row) {
        const rowSpan = nodeSpan(row, span);
        const fields = nodesOf(row, 'fixtureField').map((f) => {
          const fieldSpan = nodeSpan(f, point(rowSpan.end));
          const colon = tokenOf(f, 'Colon');
          return { name: this.nameAt(f, 'name', fieldSpan.start), value: this.expression(nodeOf(f, 'value'), colon ? tokenSpan(colon).end : fieldSpan.end), span: fieldSpan };
        });
        out.push({ kind: 'Fixture', table: this.nameAt(row, 'table', rowSpan.start), fields, span: rowSpan });
        continue;
      }
      const expectation = nodeOf(item, 'expectation');
      if (expectation) {
        const built = this.expectation(expectation, span);
        if (built) out.push(built);
      }
    }
    return out;
  }

  private expectation(node: CstNode, outer: Span): Expectation | undefined {
    const span = nodeSpan(node, outer);
    const subjectNode = nodeOf(node, 'subject');
    const subjectAt = tokenOf(node, 'Expect') ? tokenSpan(tokenOf(node, 'Expect')!).end : span.start;
    const op = tokenOf(node, 'op');
    const negated = tokensOf(node, 'negate').length > 0;
    if (tokenOf(node, 'In')) {
      return {
        kind: 'ExpectMembership',
        key: this.arith(subjectNode, subjectAt),
        negated,
        holdout: tokenOf(node, 'holdout') !== undefined,
        target: this.nameAt(node, 'names', span.end),
        span,
      };
    }
    if (!op) return undefined;
    const call = this.callShape(subjectNode);
    if (!call) {
      this.report('SEG0021', nodeSpan(subjectNode, point(subjectAt)), 'Name what to evaluate and for whom, like `expect recency_days("c1") = 12` or `expect weekly_email("c1") includes winback_15`.');
      return undefined;
    }
    const { target, key } = call;
    if (op.tokenType === T.Includes || op.tokenType === T.Excludes) {
      return { kind: 'ExpectOffers', target, key, op: op.tokenType === T.Includes ? 'includes' : 'excludes', offers: tokensOf(node, 'names').map((t) => (tokenMatcher(t, T.StringTok) ? this.stringLit(t) : nameOf(t))), span };
    }
    if (op.tokenType === T.Is) return { kind: 'ExpectEmpty', target, key, negated, span };
    const expected = this.expression(nodeOf(node, 'expected'), tokenSpan(op).end);
    const asList = expected.kind === 'Paren' ? this.listify(expected) : expected;
    return { kind: 'ExpectValue', target, key, op: op.image as CompareOp, expected: asList, span };
  }

  /** `name("key")` read straight from the CST, so a plan called `count` is not taken for an aggregate. */
  private callShape(arith: CstNode | undefined): { target: Name; key: Expr } | undefined {
    if (!arith || tokensOf(arith, 'ops').length > 0) return undefined;
    const unary = nodeOf(arith, 'operands');
    if (!unary || tokensOf(unary, 'minus').length > 0) return undefined;
    const nameToken = tokenOf(unary, 'name');
    const postfixes = nodesOf(unary, 'postfix');
    if (!nameToken || postfixes.length !== 1 || !tokenOf(postfixes[0], 'call')) return undefined;
    const args = nodesOf(postfixes[0], 'args');
    if (args.length !== 1) return undefined;
    const argSpan = nodeSpan(args[0], point(tokenSpan(nameToken).end));
    return { target: nameOf(nameToken), key: this.expression(nodeOf(args[0], 'value'), argSpan.start) };
  }
}
