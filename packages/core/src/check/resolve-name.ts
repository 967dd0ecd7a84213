/**
 * Name resolution, in the language's order: inside an aggregate the event's
 * fields (and the event table's own name as a prefix), then `offer.…` and the
 * plan's ranking names where they exist, then metrics, segments and constants,
 * then the audience table's fields. `customers.email` (the audience table's
 * name first) is always the audience field. Dotted names follow links.
 *
 * `quiet` resolution (used to find dependencies before checking) neither
 * reports nor records symbols, so each reference is reported once.
 */
import type { FieldDef, TableDef, ValueType } from '../model/ir';
import type { Name, RefExpr } from '../syntax/ast';
import { type CheckContext, type DeclEntry, type Env, kindPhrase, VALUE_KINDS } from './check-context';
import { closestName } from './did-you-mean';
import { symbolId } from './symbol-index';

export type OfferPropName = 'score' | 'value' | 'category' | 'strategy' | 'cap' | 'name';

export const OFFER_PROP_TYPES: Readonly<Record<OfferPropName, ValueType>> = {
  score: 'number',
  value: 'number',
  category: 'text',
  strategy: 'outcome',
  cap: 'number',
  name: 'text',
};

/** Offer properties readable inside an offer's own definition (the rest could depend on themselves). */
const OWN_OFFER_PROPS: readonly OfferPropName[] = ['name', 'category', 'strategy'];
const RANKING_NAMES = ['score', 'value', 'primary', 'secondary'];

export type Resolution =
  | {
      readonly kind: 'field';
      readonly scope: 'audience' | 'event' | 'offer';
      /** The table the path starts from. */
      readonly table: string;
      readonly path: readonly string[];
      readonly field: FieldDef;
    }
  | { readonly kind: 'decl'; readonly entry: DeclEntry }
  | { readonly kind: 'offerProp'; readonly name: OfferPropName }
  | { readonly kind: 'strategyOf'; readonly which: 'primary' | 'secondary' }
  | { readonly kind: 'error' };

const ERROR: Resolution = { kind: 'error' };

export class NameResolver {
  private valueNames?: string[];

  constructor(private readonly ctx: CheckContext) {}

  resolve(ref: RefExpr, env: Env, quiet = false): Resolution {
    const parts = ref.parts;
    if (parts.length === 0 || parts.some((part) => part.text === '')) return ERROR;
    const head = parts[0]!;
    const single = parts.length === 1;
    const ctx = this.ctx;

    const offerScope = head.text === 'offer' && !single && (env.offer !== undefined || env.plan?.part === 'ranking');
    if (env.event) {
      const event = env.event;
      const field = event.fields[head.text];
      // `offer.name` inside `contacts where offer = offer.name` is the current offer, not the contact's text field.
      if (field && !(offerScope && !field.link)) {
        if (!quiet) this.warnEventShadow(head, event, env.file);
        return this.walk(event, parts, 0, 'event', env.file, quiet);
      }
      if (head.text === event.name && !single) {
        if (!quiet) ctx.symbols.reference(env.file, head.span, symbolId('table', event.name));
        return this.walk(event, parts, 1, 'event', env.file, quiet);
      }
    }
    if (offerScope) return this.offerProperty(parts, env, quiet);
    if (single && env.plan?.part === 'ranking') {
      if (head.text === 'score' || head.text === 'value') {
        if (!quiet) this.warnContextShadow(head, env.file, `the offer's ${head.text}`);
        return { kind: 'offerProp', name: head.text };
      }
      if (head.text === 'primary' || head.text === 'secondary') {
        if (!env.plan.strategy) {
          if (!quiet) {
            ctx.report('SEG1013', env.file, head.span, `\`${head.text}\` is the customer's ${head.text} strategy outcome, but plan \`${env.plan.name}\` has no \`strategy\`.`);
          }
          return ERROR;
        }
        if (!quiet) this.warnContextShadow(head, env.file, `the customer's ${head.text} outcome`);
        return { kind: 'strategyOf', which: head.text };
      }
    }

    const entry = ctx.decls.get(head.text);
    if (entry && VALUE_KINDS.has(entry.kind)) {
      if (quiet) return single ? { kind: 'decl', entry } : ERROR;
      ctx.symbols.reference(env.file, head.span, symbolId(entry.kind, entry.name));
      if (!single) {
        ctx.report('SEG1014', env.file, parts[1]!.span, `\`${head.text}\` is ${kindPhrase(entry.kind)}; it has no fields.`);
        return ERROR;
      }
      return { kind: 'decl', entry };
    }

    const audience = ctx.audienceTable();
    if (audience) {
      if (head.text === audience.name && !single) {
        if (!quiet) ctx.symbols.reference(env.file, head.span, symbolId('table', audience.name));
        return this.walk(audience, parts, 1, 'audience', env.file, quiet);
      }
      if (audience.fields[head.text]) return this.walk(audience, parts, 0, 'audience', env.file, quiet);
    }
    if (quiet) return ERROR;
    this.reportUnresolved(head, single, entry, env);
    return ERROR;
  }

  /** Follows `parts[start…]` as fields from `table`, through links. */
  walk(table: TableDef, parts: readonly Name[], start: number, scope: 'audience' | 'event' | 'offer', file: string, quiet: boolean): Resolution {
    let current = table;
    const path: string[] = [];
    for (let i = start; i < parts.length; i++) {
      const part = parts[i]!;
      const field = current.fields[part.text];
      if (!field) {
        if (!quiet) this.reportUnknownField(part, current, file);
        return ERROR;
      }
      if (!quiet && !current.builtin) this.ctx.symbols.reference(file, part.span, symbolId('field', field.name, current.name));
      if (i === parts.length - 1) return { kind: 'field', scope, table: table.name, path, field };
      const target = field.link && this.ctx.tables.get(field.link.target);
      if (!target) {
        if (!quiet && !field.link) {
          this.ctx.report(
            'SEG1014',
            file,
            parts[i + 1]!.span,
            `\`${part.text}\` is a ${field.type} field of \`${current.name}\`, not a link, so it has no \`${parts[i + 1]!.text}\`.`,
          );
        }
        return ERROR;
      }
      path.push(field.name);
      current = target;
    }
    return ERROR;
  }

  reportUnknownField(part: Name, table: TableDef, file: string, what = 'a field of'): void {
    const best = closestName(part.text, Object.keys(table.fields));
    this.ctx.report('SEG1003', file, part.span, `\`${part.text}\` is not ${what} \`${table.name}\`${best ? `; did you mean \`${best}\`?` : '.'}`, {
      suggestions: best ? [this.ctx.replaceWith(file, part.span, best)] : [],
    });
  }

  private offerProperty(parts: readonly Name[], env: Env, quiet: boolean): Resolution {
    const prop = parts[1]!;
    const source = env.offer?.source;
    if (source?.fields[prop.text]) return this.walk(source, parts, 1, 'offer', env.file, quiet);
    const allowed: OfferPropName[] = env.offer
      ? OWN_OFFER_PROPS.filter((name) => name !== env.offer!.property)
      : (Object.keys(OFFER_PROP_TYPES) as OfferPropName[]);
    if ((allowed as string[]).includes(prop.text)) {
      if (parts.length > 2) {
        if (!quiet) this.ctx.report('SEG1014', env.file, parts[2]!.span, `\`offer.${prop.text}\` has no fields.`);
        return ERROR;
      }
      return { kind: 'offerProp', name: prop.text as OfferPropName };
    }
    if (quiet) return ERROR;
    if (prop.text in OFFER_PROP_TYPES) {
      this.ctx.report(
        'SEG1013',
        env.file,
        prop.span,
        `\`offer.${prop.text}\` cannot be used inside the offer's own ${env.offer!.property === prop.text ? `\`${prop.text}\`` : 'definition'}.`,
      );
      return ERROR;
    }
    const candidates = [...allowed, ...(source ? Object.keys(source.fields) : [])];
    const best = closestName(prop.text, candidates);
    const what = source ? `a property of the offer or a column of \`${source.name}\`` : 'a property of an offer';
    this.ctx.report('SEG1003', env.file, prop.span, `\`${prop.text}\` is not ${what}${best ? `; did you mean \`${best}\`?` : '.'}`, {
      suggestions: best ? [this.ctx.replaceWith(env.file, prop.span, best)] : [],
    });
    return ERROR;
  }

  private warnEventShadow(head: Name, event: TableDef, file: string): void {
    const entry = this.ctx.decls.get(head.text);
    const hidden =
      entry && VALUE_KINDS.has(entry.kind)
        ? `${entry.kind} \`${head.text}\``
        : this.ctx.audienceTable()?.fields[head.text] && event.name !== this.ctx.audience
          ? `field \`${head.text}\` of \`${this.ctx.audience}\``
          : undefined;
    if (!hidden) return;
    const qualified = `${event.name}.${head.text}`;
    this.ctx.report('SEG1005', file, head.span, `\`${head.text}\` here is the field of \`${event.name}\`, not the ${hidden}; write \`${qualified}\` to make that clear.`, {
      suggestions: [{ title: `Change to \`${qualified}\``, file, span: head.span, replacement: qualified }],
    });
  }

  private warnContextShadow(head: Name, file: string, meaning: string): void {
    const entry = this.ctx.decls.get(head.text);
    const field = this.ctx.audienceTable()?.fields[head.text];
    if (!(entry && VALUE_KINDS.has(entry.kind)) && !field) return;
    const hidden = entry && VALUE_KINDS.has(entry.kind) ? `${entry.kind} \`${head.text}\`` : `field \`${this.ctx.audience}.${head.text}\``;
    this.ctx.report('SEG1005', file, head.span, `\`${head.text}\` here is ${meaning}, not the ${hidden}.`);
  }

  private reportUnresolved(head: Name, single: boolean, entry: DeclEntry | undefined, env: Env): void {
    const ctx = this.ctx;
    const name = head.text;
    if (entry) {
      const hint = entry.kind === 'table' ? ` Count or add up its rows with an aggregate, e.g. \`count(${name})\`.` : '';
      ctx.report('SEG1006', env.file, head.span, `\`${name}\` is ${kindPhrase(entry.kind)}, not a value.${hint}`);
      return;
    }
    if (ctx.tables.has(name)) {
      ctx.report('SEG1006', env.file, head.span, `\`${name}\` is a table of events; use an aggregate such as \`count(${name})\`.`);
      return;
    }
    if (name === 'offer' && !single) {
      ctx.report('SEG1013', env.file, head.span, '`offer.…` only exists inside an offer, an offer family, or a plan\'s `rank by` and `boost`.');
      return;
    }
    if (single && RANKING_NAMES.includes(name)) {
      ctx.report('SEG1013', env.file, head.span, `\`${name}\` only exists in a plan's \`rank by\` and \`boost\`.`);
      return;
    }
    const candidates: string[] = [];
    if (env.event) candidates.push(...Object.keys(env.event.fields));
    if (env.plan?.part === 'ranking') candidates.push('score', 'value', ...(env.plan.strategy ? ['primary', 'secondary'] : []));
    candidates.push(...this.allValueNames());
    const audience = ctx.audienceTable();
    if (audience) candidates.push(...Object.keys(audience.fields));
    const best = closestName(name, candidates);
    const where = env.event
      ? `a field of \`${env.event.name}\`${audience ? ` or \`${audience.name}\`` : ''}, a metric, a segment or a constant`
      : `a metric, a segment, a constant${audience ? ` or a field of \`${audience.name}\`` : ''}`;
    ctx.report('SEG1002', env.file, head.span, `\`${name}\` is not ${where}${best ? `; did you mean \`${best}\`?` : '.'}`, {
      suggestions: best ? [ctx.replaceWith(env.file, head.span, best)] : [],
    });
  }

  private allValueNames(): string[] {
    if (!this.valueNames) {
      this.valueNames = [];
      for (const entry of this.ctx.decls.values()) if (VALUE_KINDS.has(entry.kind)) this.valueNames.push(entry.name);
    }
    return this.valueNames;
  }
}
