/**
 * Prints declarations in the canonical layout: one property, field, rule or
 * condition per line, two-space indentation, field types and map arrows
 * aligned in a column (as in the language's examples).
 */
import type {
  Declaration,
  Expectation,
  FieldDecl,
  Name,
  OfferProperty,
  PlanProperty,
  StrategyBlock,
  StringLit,
  TestItem,
} from '../syntax/ast';
import { quoteString } from '../syntax/literals';
import type { Span } from '../text/span';
import { Fragment } from './lines';
import { ExprPrinter } from './print-expr';

export class DeclPrinter {
  private readonly exprs: ExprPrinter;

  constructor(private readonly text: string) {
    this.exprs = new ExprPrinter(text);
  }

  print(decl: Declaration): Fragment {
    switch (decl.kind) {
      case 'Audience':
        return Fragment.text(`audience ${decl.table.text}`, decl.span);
      case 'Table': {
        let header = `table ${decl.name.text}${label(decl.label)}`;
        if (decl.key) header += ` key ${decl.key.text}`;
        if (decl.time) header += ` time ${decl.time.text}`;
        const last = decl.time ?? decl.key ?? decl.label ?? decl.name;
        return this.body(header, decl.span, last.span.end, this.fields(decl.fields));
      }
      case 'Const':
      case 'List':
      case 'Metric': {
        const keyword = decl.kind === 'Const' ? 'const' : decl.kind === 'List' ? 'list' : 'metric';
        return Fragment.text(`${keyword} ${decl.name.text}${label(decl.label)} = `, decl.span).append(this.exprs.print(decl.value));
      }
      case 'Map': {
        const keys = decl.entries.map((e) => this.exprs.print(e.key));
        const width = Math.max(0, ...keys.map((k) => (k.multiline ? 0 : k.lines[0]!.text.length)));
        const entries = decl.entries.map((entry, i) => {
          const key = keys[i]!;
          const pad = key.multiline ? ' ' : ' '.repeat(width - key.lines[0]!.text.length + 1);
          return key.add(`${pad}-> `).append(this.exprs.print(entry.value));
        });
        return this.body(`map ${decl.name.text}${label(decl.label)}`, decl.span, (decl.label ?? decl.name).span.end, entries);
      }
      case 'Segment':
        return this.body(`segment ${decl.name.text}${label(decl.label)}`, decl.span, (decl.label ?? decl.name).span.end, [this.exprs.print(decl.condition)]);
      case 'Strategy': {
        const blocks = [decl.primary, decl.secondary].filter((b): b is StrategyBlock => b !== undefined).sort((a, b) => a.span.start - b.span.start);
        return this.body(
          `strategy ${decl.name.text}${label(decl.label)}`,
          decl.span,
          (decl.label ?? decl.name).span.end,
          blocks.map((block) => this.strategyBlock(block)),
        );
      }
      case 'Offer':
        return this.body(`offer ${decl.name.text}${label(decl.label)}`, decl.span, (decl.label ?? decl.name).span.end, decl.properties.map((p) => this.offerProperty(p)));
      case 'OfferFamily':
        return this.body(
          `offers ${decl.name.text}${label(decl.label)} from ${decl.source.text} key ${decl.key.text}`,
          decl.span,
          decl.key.span.end,
          decl.properties.map((p) => this.offerProperty(p)),
        );
      case 'Plan':
        return this.body(`plan ${decl.name.text}${label(decl.label)}`, decl.span, (decl.label ?? decl.name).span.end, decl.properties.map((p) => this.planProperty(p)));
      case 'Test':
        return this.body(`test ${quoteString(decl.title.value)}`, decl.span, decl.title.span.end, decl.items.map((item) => this.testItem(item)));
    }
  }

  /** `HEADER {`, the items one level in, `}`. */
  private body(header: string, span: Span, headerEnd: number, items: Fragment[]): Fragment {
    const brace = this.text.indexOf('{', headerEnd);
    const out = Fragment.text(`${header} {`, { start: span.start, end: brace >= 0 && brace < span.end ? brace + 1 : headerEnd });
    for (const item of items) out.nest(item, 1);
    return out.newLine(0, '}', { start: Math.max(span.start, span.end - 1), end: span.end }, true);
  }

  private fields(fields: readonly FieldDecl[]): Fragment[] {
    const width = Math.max(0, ...fields.map((f) => f.name.text.length)) + 2;
    return fields.map((field) => {
      let text = field.name.text.padEnd(width);
      if (field.kind === 'Link') text += `-> ${field.target.text} on ${field.on.text}`;
      else {
        text += field.type.name;
        if (field.type.values) text += ` in (${field.type.values.map((v) => quoteString(v.value)).join(', ')})`;
      }
      if (field.column) text += ` as ${quoteString(field.column.value)}`;
      const line = Fragment.text(text, field.span);
      line.lines[0]!.field = true;
      return line;
    });
  }

  private strategyBlock(block: StrategyBlock): Fragment {
    const rules = block.rules.map((rule) =>
      rule.condition
        ? Fragment.text('when ', rule.span).append(this.exprs.print(rule.condition)).add(` then ${rule.outcome.text}`)
        : Fragment.text(`else ${rule.outcome.text}`, rule.span),
    );
    return this.body(block.which, block.span, block.span.start, rules);
  }

  private offerProperty(p: OfferProperty): Fragment {
    const start = (text: string): Fragment => Fragment.text(text, p.span);
    switch (p.key) {
      case 'category':
      case 'score':
      case 'value':
      case 'cap':
        return start(`${p.key} `).append(this.exprs.print(p.value));
      case 'eligible':
        return start('eligible ').append(this.exprs.print(p.condition));
      case 'channels':
        return start(`channels ${names(p.channels)}`);
      case 'strategy':
        return start(`strategy ${p.outcome.text}`);
      case 'valid': {
        const out = start('valid');
        if (p.from) out.add(' from ').append(this.exprs.print(p.from));
        if (p.to) out.add(' to ').append(this.exprs.print(p.to));
        return out;
      }
    }
  }

  private planProperty(p: PlanProperty): Fragment {
    const start = (text: string): Fragment => Fragment.text(text, p.span);
    switch (p.key) {
      case 'audience':
        return start('audience ').append(this.exprs.print(p.condition));
      case 'channel':
        return start(`channel ${p.channel.text}`);
      case 'offers':
        return start(p.all ? 'offers all' : `offers ${names(p.offers)}`);
      case 'strategy':
        return start(`strategy ${p.strategy.text}`);
      case 'rankBy':
        return start('rank by ').append(this.exprs.print(p.value));
      case 'boost':
        return start('boost ').append(this.exprs.print(p.factor)).add(' when ').append(this.exprs.print(p.condition));
      case 'top':
        return start('top ').append(this.exprs.print(p.count)).add(` per ${p.per.text}`);
      case 'atMost':
        return start('at most ').append(this.exprs.print(p.count)).add(` per ${p.per.text}`);
      case 'suppress':
        return start('suppress when ').append(this.exprs.print(p.condition));
      case 'holdout':
        return start('holdout ').append(this.exprs.print(p.share));
      case 'schedule':
        return start(`schedule ${quoteString(p.cron.value)}${p.timezone ? ` in ${quoteString(p.timezone.value)}` : ''}`);
      case 'output': {
        const destination = 'kind' in p.destination ? quoteString(p.destination.value) : p.destination.text;
        return start(`output ${p.target} ${destination}${p.columns.length > 0 ? ` with ${names(p.columns)}` : ''}`);
      }
    }
  }

  private testItem(item: TestItem): Fragment {
    switch (item.kind) {
      case 'AsOf':
        return Fragment.text('as of ', item.span).append(this.exprs.print(item.value));
      case 'Fixture': {
        if (item.fields.length === 0) return Fragment.text(`${item.table.text} {}`, item.span);
        const out = Fragment.text(`${item.table.text} { `, item.span);
        item.fields.forEach((field, i) => {
          if (i > 0) out.add(', ');
          out.add(`${field.name.text}: `).append(this.exprs.print(field.value));
        });
        return out.add(' }');
      }
      default:
        return this.expectation(item);
    }
  }

  private expectation(e: Expectation): Fragment {
    const out = Fragment.text('expect ', e.span);
    if (e.kind === 'ExpectMembership') {
      return out.append(this.exprs.print(e.key)).add(`${e.negated ? ' not' : ''} in ${e.holdout ? 'holdout of ' : ''}${e.target.text}`);
    }
    out.add(`${e.target.text}(`).append(this.exprs.print(e.key)).add(')');
    switch (e.kind) {
      case 'ExpectValue':
        return out.add(` ${e.op} `).append(e.expected.kind === 'List' ? this.exprs.list(e.expected.items, e.expected.span) : this.exprs.print(e.expected));
      case 'ExpectOffers':
        return out.add(` ${e.op} ${e.offers.map((o) => ('kind' in o ? quoteString(o.value) : o.text)).join(', ')}`);
      case 'ExpectEmpty':
        return out.add(e.negated ? ' is not empty' : ' is empty');
    }
  }
}

function label(l: StringLit | undefined): string {
  return l ? ` ${quoteString(l.value)}` : '';
}

function names(list: readonly Name[]): string {
  return list.map((n) => n.text).join(', ');
}
