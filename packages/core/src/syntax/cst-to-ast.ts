/**
 * CST → AST for declarations (expressions are in cst-expressions.ts). Total:
 * recovery leaves partial CST nodes, so every child may be missing; a missing
 * name becomes an empty `Name`, a missing expression an `ErrorExpr`, a missing
 * optional part is simply absent.
 */
import type { CstNode, IToken } from 'chevrotain';
import type {
  Comment,
  Declaration,
  FieldDecl,
  MapEntry,
  Name,
  OfferProperty,
  PlanProperty,
  ScalarTypeName,
  StrategyBlock,
  StrategyRule,
  StringLit,
} from './ast';
import { cover, type Span } from '../text/span';
import { missingName, nameOf, nodeOf, nodesOf, nodeSpan, point, tokenOf, tokensOf, tokenSpan } from './cst-access';
import { TestItemBuilder } from './cst-test-items';
import { DocComments } from './doc-comments';
import { syntaxDiagnostic } from './syntax-diagnostic';
import * as T from './tokens';

const SCALAR_TYPES: ReadonlySet<string> = new Set(['text', 'number', 'bool', 'date', 'timestamp']);
const TYPE_ALIASES: Readonly<Record<string, ScalarTypeName>> = {
  string: 'text',
  varchar: 'text',
  int: 'number',
  integer: 'number',
  float: 'number',
  decimal: 'number',
  numeric: 'number',
  double: 'number',
  boolean: 'bool',
  datetime: 'timestamp',
};

export class AstBuilder extends TestItemBuilder {
  private readonly docs: DocComments;

  constructor(path: string, text: string, comments: readonly Comment[]) {
    super(path, text);
    this.docs = new DocComments(text, comments);
  }

  /** Declarations of one `file` CST node (one recovery chunk). */
  declarations(file: CstNode | undefined): Declaration[] {
    const out: Declaration[] = [];
    for (const declaration of nodesOf(file, 'declaration')) {
      const inner = firstChildNode(declaration);
      if (!inner) continue;
      const built = this.declaration(inner);
      if (built) out.push(built);
    }
    return out;
  }

  private declaration(node: CstNode): Declaration | undefined {
    const span = nodeSpan(node, point(0));
    if (Number.isNaN(node.location?.startOffset ?? NaN)) return undefined;
    const doc = this.docs.above(span.start);
    const withDoc = <D extends Declaration>(d: D): D => (doc ? { ...d, doc } : d);
    switch (node.name) {
      case 'audienceDecl':
        return withDoc({ kind: 'Audience', table: this.nameAt(node, 'name', span.end), span });
      case 'tableDecl':
        return withDoc({
          kind: 'Table',
          ...this.header(node, span),
          ...this.optionalName(node, 'key'),
          ...this.optionalName(node, 'time'),
          fields: nodesOf(node, 'fieldDecl').map((f) => this.field(f, span.end)),
          span,
        });
      case 'constDecl':
        return withDoc({ kind: 'Const', ...this.header(node, span), value: this.expression(nodeOf(node, 'value'), span.end), span });
      case 'listDecl':
        return withDoc({ kind: 'List', ...this.header(node, span), value: this.listify(this.expression(nodeOf(node, 'value'), span.end)), span });
      case 'metricDecl':
        return withDoc({ kind: 'Metric', ...this.header(node, span), value: this.expression(nodeOf(node, 'value'), span.end), span });
      case 'mapDecl':
        return withDoc({ kind: 'Map', ...this.header(node, span), entries: nodesOf(node, 'mapEntry').map((e) => this.mapEntry(e, span.end)), span });
      case 'segmentDecl':
        return withDoc({ kind: 'Segment', ...this.header(node, span), condition: this.segmentCondition(node, span), span });
      case 'strategyDecl':
        return withDoc({ kind: 'Strategy', ...this.header(node, span), ...this.strategyBlocks(node), span });
      case 'offerDecl':
        return withDoc({ kind: 'Offer', ...this.header(node, span), properties: this.offerProperties(node), span });
      case 'offersDecl':
        return withDoc({
          kind: 'OfferFamily',
          ...this.header(node, span),
          source: this.nameAt(node, 'source', span.end),
          key: this.nameAt(node, 'key', span.end),
          properties: this.offerProperties(node),
          span,
        });
      case 'planDecl':
        return withDoc({ kind: 'Plan', ...this.header(node, span), properties: this.planProperties(node), span });
      case 'testDecl':
        return withDoc({ kind: 'Test', title: this.string(node, 'title', span.end), items: this.testItems(node, span), span });
      default:
        return undefined;
    }
  }

  // -------------------------------------------------------------------------
  // Small pieces

  private optionalName(node: CstNode, key: 'key' | 'time'): { key?: Name } | { time?: Name } {
    const token = tokenOf(node, key);
    return token ? { [key]: nameOf(token) } : {};
  }

  private header(node: CstNode, span: Span): { name: Name; label?: StringLit } {
    const nameToken = tokenOf(node, 'name');
    const name = nameToken ? nameOf(nameToken) : missingName(span.end);
    const label = tokenOf(node, 'label');
    return label ? { name, label: this.stringLit(label) } : { name };
  }

  private string(node: CstNode, key: string, at: number, index = 0): StringLit {
    const token = tokenOf(node, key, index);
    return token ? this.stringLit(token) : { kind: 'String', value: '', raw: '', span: point(at) };
  }

  private keywordSpan(node: CstNode, first: IToken | undefined, second?: IToken): Span {
    const span = first ? tokenSpan(first) : point(nodeSpan(node, point(0)).start);
    return second ? cover(span, tokenSpan(second)) : span;
  }

  // -------------------------------------------------------------------------
  // Tables

  private field(node: CstNode, at: number): FieldDecl {
    const span = nodeSpan(node, point(at));
    const name = this.nameAt(node, 'name', span.start);
    const doc = this.docs.above(span.start) ?? this.docs.trailing(span.end);
    const columnToken = tokenOf(node, 'column');
    const extra = { ...(columnToken && { column: this.stringLit(columnToken) }), ...(doc && { doc }) };
    if (tokenOf(node, 'Arrow')) {
      return { kind: 'Link', name, target: this.nameAt(node, 'target', span.end), on: this.nameAt(node, 'on', span.end), ...extra, span };
    }
    const typeToken = tokenOf(node, 'type');
    const values = tokensOf(node, 'values').map((t) => this.stringLit(t));
    const close = tokenOf(node, 'RParen');
    const typeSpan = typeToken ? { start: typeToken.startOffset, end: close ? tokenSpan(close).end : tokenSpan(typeToken).end } : point(span.end);
    const typeName = this.typeName(typeToken);
    const type = tokenOf(node, 'In') ? { kind: 'Type' as const, name: typeName, values, span: typeSpan } : { kind: 'Type' as const, name: typeName, span: typeSpan };
    return { kind: 'Column', name, type, ...extra, span };
  }

  private typeName(token: IToken | undefined): ScalarTypeName {
    if (!token) return 'text';
    if (SCALAR_TYPES.has(token.image)) return token.image as ScalarTypeName;
    const alias = TYPE_ALIASES[token.image.toLowerCase()];
    this.diagnostics.push(
      syntaxDiagnostic(
        'SEG0016',
        this.path,
        tokenSpan(token),
        `\`${token.image}\` is not a column type; use text, number, bool, date or timestamp.`,
        alias ? [{ title: `Change to \`${alias}\``, file: this.path, span: tokenSpan(token), replacement: alias }] : undefined,
      ),
    );
    return alias ?? 'text';
  }

  // -------------------------------------------------------------------------
  // Maps, segments, strategies

  private mapEntry(node: CstNode, at: number): MapEntry {
    const span = nodeSpan(node, point(at));
    const key = this.arith(nodeOf(node, 'key'), span.start);
    const arrow = tokenOf(node, 'Arrow');
    const value = this.listify(this.expression(nodeOf(node, 'value'), arrow ? tokenSpan(arrow).end : span.end));
    return { key, value, span };
  }

  private segmentCondition(node: CstNode, span: Span) {
    const conditions = nodesOf(node, 'conditions');
    const open = tokenOf(node, 'LBrace');
    if (conditions.length === 0) {
      if (open && tokenOf(node, 'RBrace')) {
        this.report('SEG0022', span, `Segment \`${tokenOf(node, 'name')?.image ?? ''}\` has no condition; write the rule that selects its members between the braces.`);
      }
      return this.errorExpr(point(open ? tokenSpan(open).end : span.end));
    }
    for (let i = 1; i < conditions.length; i++) {
      this.report(
        'SEG0017',
        nodeSpan(conditions[i], point(span.end)),
        'A segment holds one condition: join this line to the previous one with `and` or `or`, or list the conditions inside `all of { … }`.',
      );
    }
    return this.expression(conditions[0], span.end);
  }

  private strategyBlocks(node: CstNode): { primary?: StrategyBlock; secondary?: StrategyBlock } {
    const out: { primary?: StrategyBlock; secondary?: StrategyBlock } = {};
    for (const blockNode of nodesOf(node, 'strategyBlock')) {
      const whichToken = tokenOf(blockNode, 'which');
      if (!whichToken) continue;
      const which = whichToken.tokenType === T.Primary ? 'primary' : 'secondary';
      const span = nodeSpan(blockNode, tokenSpan(whichToken));
      const rules = nodesOf(blockNode, 'strategyRule').map((r) => this.strategyRule(r, span.end));
      if (out[which]) {
        this.report('SEG0020', tokenSpan(whichToken), `This strategy already has a \`${which}\` block; put all its rules in one block.`);
        continue;
      }
      out[which] = { which, rules, span };
    }
    return out;
  }

  private strategyRule(node: CstNode, at: number): StrategyRule {
    const span = nodeSpan(node, point(at));
    const outcome = this.nameAt(node, 'outcome', span.end);
    if (tokenOf(node, 'Else')) return { outcome, span };
    const when = tokenOf(node, 'When');
    return { condition: this.expression(nodeOf(node, 'condition'), when ? tokenSpan(when).end : span.start), outcome, span };
  }

  // -------------------------------------------------------------------------
  // Offers and plans

  private offerProperties(node: CstNode): OfferProperty[] {
    const out: OfferProperty[] = [];
    for (const prop of nodesOf(node, 'offerProperty')) {
      const keyword = tokenOf(prop, 'keyword');
      if (!keyword) continue;
      const span = nodeSpan(prop, tokenSpan(keyword));
      const keywordSpan = tokenSpan(keyword);
      const value = () => this.expression(nodeOf(prop, 'value'), keywordSpan.end);
      const base = { span, keywordSpan };
      switch (keyword.tokenType) {
        case T.Category:
          out.push({ key: 'category', value: value(), ...base });
          break;
        case T.Channels:
          out.push({ key: 'channels', channels: tokensOf(prop, 'names').map(nameOf), ...base });
          break;
        case T.Strategy:
          out.push({ key: 'strategy', outcome: this.nameAt(prop, 'names', span.end), ...base });
          break;
        case T.Valid: {
          const from = nodeOf(prop, 'from');
          const to = nodeOf(prop, 'to');
          out.push({
            key: 'valid',
            ...(from && { from: this.expression(from, keywordSpan.end) }),
            ...(to && { to: this.expression(to, keywordSpan.end) }),
            ...base,
          });
          if (!from && !to) this.report('SEG0022', span, 'Say when the offer is valid: `valid from 2026-11-01 to 2026-12-31` (either end may be left out).');
          break;
        }
        case T.Eligible:
          out.push({ key: 'eligible', condition: value(), ...base });
          break;
        case T.Score:
          out.push({ key: 'score', value: value(), ...base });
          break;
        case T.Value:
          out.push({ key: 'value', value: value(), ...base });
          break;
        case T.Cap:
          out.push({ key: 'cap', value: value(), ...base });
          break;
      }
    }
    return out;
  }

  private planProperties(node: CstNode): PlanProperty[] {
    const out: PlanProperty[] = [];
    for (const prop of nodesOf(node, 'planProperty')) {
      const keyword = tokenOf(prop, 'keyword');
      if (!keyword) continue;
      const span = nodeSpan(prop, tokenSpan(keyword));
      const value = (at: number) => this.expression(nodeOf(prop, 'value'), at);
      const count = (at: number) => this.arith(nodeOf(prop, 'count'), at);
      const names = tokensOf(prop, 'names').map(nameOf);
      const firstName = (): Name => names[0] ?? missingName(span.end);
      switch (keyword.tokenType) {
        case T.Audience: {
          const keywordSpan = tokenSpan(keyword);
          out.push({ key: 'audience', condition: value(keywordSpan.end), span, keywordSpan });
          break;
        }
        case T.Channel:
          out.push({ key: 'channel', channel: firstName(), span, keywordSpan: tokenSpan(keyword) });
          break;
        case T.Offers:
          out.push({ key: 'offers', all: tokenOf(prop, 'All') !== undefined, offers: names, span, keywordSpan: tokenSpan(keyword) });
          break;
        case T.Strategy:
          out.push({ key: 'strategy', strategy: firstName(), span, keywordSpan: tokenSpan(keyword) });
          break;
        case T.Rank: {
          const keywordSpan = this.keywordSpan(prop, keyword, tokenOf(prop, 'By'));
          out.push({ key: 'rankBy', value: value(keywordSpan.end), span, keywordSpan });
          break;
        }
        case T.Boost: {
          const keywordSpan = tokenSpan(keyword);
          const factor = count(keywordSpan.end);
          out.push({ key: 'boost', factor, condition: value(factor.span.end), span, keywordSpan });
          break;
        }
        case T.Top: {
          const keywordSpan = tokenSpan(keyword);
          out.push({ key: 'top', count: count(keywordSpan.end), per: firstName(), span, keywordSpan });
          break;
        }
        case T.At: {
          const keywordSpan = this.keywordSpan(prop, keyword, tokenOf(prop, 'Most'));
          out.push({ key: 'atMost', count: count(keywordSpan.end), per: firstName(), span, keywordSpan });
          break;
        }
        case T.Suppress: {
          const keywordSpan = this.keywordSpan(prop, keyword, tokenOf(prop, 'When'));
          out.push({ key: 'suppress', condition: value(keywordSpan.end), span, keywordSpan });
          break;
        }
        case T.Holdout: {
          const keywordSpan = tokenSpan(keyword);
          out.push({ key: 'holdout', share: value(keywordSpan.end), span, keywordSpan });
          break;
        }
        case T.Schedule: {
          const timezone = tokenOf(prop, 'strings', 1);
          out.push({
            key: 'schedule',
            cron: this.string(prop, 'strings', span.end),
            ...(timezone && { timezone: this.stringLit(timezone) }),
            span,
            keywordSpan: tokenSpan(keyword),
          });
          break;
        }
        case T.Output: {
          const target = tokenOf(prop, 'target');
          const kind = target?.tokenType === T.Csv ? 'csv' : target?.tokenType === T.Webhook ? 'webhook' : 'table';
          const destination = kind === 'table' ? this.nameAt(prop, 'destination', span.end) : this.string(prop, 'strings', span.end);
          out.push({ key: 'output', target: kind, destination, columns: names, span, keywordSpan: tokenSpan(keyword) });
          break;
        }
      }
    }
    return out;
  }
}

function firstChildNode(node: CstNode): CstNode | undefined {
  for (const key of Object.keys(node.children)) {
    const element = node.children[key]![0];
    if (element && (element as CstNode).children) return element as CstNode;
  }
  return undefined;
}
