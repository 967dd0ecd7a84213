/**
 * Offers and offer families. Inside them `offer.x` is the offer's own
 * property (and, in a family, a column of the catalogue row). Category and cap
 * are fixed per offer (the arbitration counts by them), the rest may depend on
 * the customer.
 */
import type { Expr, Name, OfferDecl, OfferFamilyDecl, OfferProperty } from '../syntax/ast';
import type { IrExpr, OfferDef, TableDef } from '../model/ir';
import { type CheckContext, type Env, typeOf } from './check-context';
import { reportUnknownTable } from './data-model';
import { closestName } from './did-you-mean';
import type { ExprLowerer } from './lower-expr';
import { fold, literalOf } from './lower-values';
import { symbolId } from './symbol-index';

/** The first of each property; repeats are reported. */
export function uniqueProperties<P extends { key: string; keywordSpan: { start: number; end: number } }>(
  ctx: CheckContext,
  file: string,
  properties: readonly P[],
  repeatable: ReadonlySet<string> = new Set(),
): Map<P['key'], P> {
  const first = new Map<P['key'], P>();
  for (const property of properties) {
    const earlier = first.get(property.key);
    if (earlier && !repeatable.has(property.key)) {
      ctx.report('SEG4005', file, property.keywordSpan, `\`${ctx.snippet(file, property.keywordSpan)}\` is already given above.`, {
        related: [{ file, span: earlier.keywordSpan, message: 'First given here' }],
      });
      continue;
    }
    if (!earlier) first.set(property.key, property);
  }
  return first;
}

/** Whether an expression is the same for every customer (literals, offer properties, catalogue columns). */
export function isFixedPerOffer(ir: IrExpr): boolean {
  switch (ir.kind) {
    case 'literal':
    case 'list':
    case 'time':
    case 'offerProp':
    case 'outcome':
      return true;
    case 'field':
      return ir.scope === 'offer';
    case 'arith':
    case 'compare':
      return isFixedPerOffer(ir.left) && isFixedPerOffer(ir.right);
    case 'neg':
    case 'not':
      return isFixedPerOffer(ir.arg);
    case 'and':
    case 'or':
    case 'call':
      return ir.args.every(isFixedPerOffer);
    case 'mapLookup':
      return isFixedPerOffer(ir.key);
    default:
      return false;
  }
}

/** An outcome name (`strategy cross_sell`), checked against every strategy's outcomes. */
export function checkOutcomeName(ctx: CheckContext, file: string, name: Name, candidates: Iterable<string> = ctx.outcomes.keys()): boolean {
  if (name.text === '') return false;
  const list = [...candidates];
  if (list.includes(name.text)) {
    ctx.symbols.reference(file, name.span, symbolId('outcome', name.text));
    return true;
  }
  const best = closestName(name.text, list);
  ctx.report('SEG1011', file, name.span, `No strategy has the outcome \`${name.text}\`${best ? `; did you mean \`${best}\`?` : '.'}`, {
    suggestions: best ? [ctx.replaceWith(file, name.span, best)] : [],
  });
  return false;
}

function validDate(lowerer: ExprLowerer, expr: Expr | undefined, file: string): string | undefined {
  if (!expr) return undefined;
  const ir = fold(lowerer.lower(expr, { file }));
  const literal = literalOf(ir);
  if (literal?.type === 'date') return literal.value as string;
  if (typeOf(ir) !== 'unknown') {
    lowerer.ctx.report('SEG4011', file, expr.span, `Offer validity is given in whole days, such as \`2026-11-01\`; \`${lowerer.ctx.snippet(file, expr.span)}\` is not a date.`);
  }
  return undefined;
}

export function checkOffer(lowerer: ExprLowerer, decl: OfferDecl | OfferFamilyDecl, file: string): OfferDef {
  const ctx = lowerer.ctx;
  const name = decl.name.text;
  let source: TableDef | undefined;
  let family: OfferDef['family'];
  if (decl.kind === 'OfferFamily') {
    source = ctx.tables.get(decl.source.text);
    if (!source) {
      if (decl.source.text !== '') reportUnknownTable(ctx, file, decl.source.span, decl.source.text, [...ctx.tables.keys()]);
    } else {
      if (!source.builtin) ctx.symbols.reference(file, decl.source.span, symbolId('table', source.name));
      if (source.fields[decl.key.text]) {
        ctx.symbols.reference(file, decl.key.span, symbolId('field', decl.key.text, source.name));
        family = { source: source.name, key: decl.key.text };
      } else if (decl.key.text !== '') {
        lowerer.resolver.reportUnknownField(decl.key, source, file);
      }
    }
  }

  const props = uniqueProperties<OfferProperty>(ctx, file, decl.properties);
  const env = (property: string): Env => ({ file, offer: { name, ...(source ? { source } : {}), property } });
  const one = <K extends OfferProperty['key']>(key: K) => props.get(key) as Extract<OfferProperty, { key: K }> | undefined;

  let category: IrExpr | undefined;
  const categoryProp = one('category');
  if (categoryProp) {
    category = lowerer.expect(categoryProp.value, env('category'), 'text', 'An offer category');
    requireFixed(lowerer, category, categoryProp.value, file, 'category');
  }

  const strategyProp = one('strategy');
  let strategy: string | undefined;
  if (strategyProp && checkOutcomeName(ctx, file, strategyProp.outcome)) strategy = strategyProp.outcome.text;

  const validProp = one('valid');
  const validFrom = validDate(lowerer, validProp?.from, file);
  const validTo = validDate(lowerer, validProp?.to, file);
  if (validProp && validFrom && validTo && validFrom > validTo) {
    ctx.report('SEG4011', file, validProp.span, `This offer ends (${validTo}) before it starts (${validFrom}).`);
  }

  const eligibleProp = one('eligible');
  const eligible: IrExpr = eligibleProp
    ? lowerer.condition(eligibleProp.condition, env('eligible'), '`eligible`')
    : { kind: 'literal', type: 'bool', value: true };
  const scoreProp = one('score');
  const score: IrExpr = scoreProp ? lowerer.number(scoreProp.value, env('score'), 'A score') : { kind: 'literal', type: 'number', value: 1 };
  const valueProp = one('value');
  const value: IrExpr = valueProp ? lowerer.number(valueProp.value, env('value'), 'A value') : { kind: 'literal', type: 'number', value: 1 };

  let cap: IrExpr | undefined;
  const capProp = one('cap');
  if (capProp) {
    cap = fold(lowerer.number(capProp.value, env('cap'), 'A cap'));
    if (requireFixed(lowerer, cap, capProp.value, file, 'cap') && cap.kind === 'literal' && typeof cap.value === 'number') {
      if (!Number.isInteger(cap.value) || cap.value < 1) {
        ctx.report('SEG4008', file, capProp.value.span, 'A cap is a number of customers: a positive whole number such as 5000.');
      }
    }
  }

  const channels = one('channels')?.channels.map((channel) => channel.text).filter((text) => text !== '') ?? [];
  return {
    name,
    ...(decl.label ? { label: decl.label.value } : {}),
    ...(decl.doc ? { doc: decl.doc } : {}),
    origin: { file, span: decl.name.span },
    ...(category ? { category } : {}),
    channels,
    ...(strategy ? { strategy } : {}),
    ...(validFrom ? { validFrom } : {}),
    ...(validTo ? { validTo } : {}),
    eligible,
    score,
    value,
    ...(cap ? { cap } : {}),
    ...(family ? { family } : {}),
  };
}

function requireFixed(lowerer: ExprLowerer, ir: IrExpr, expr: Expr, file: string, what: string): boolean {
  if (typeOf(ir) === 'unknown') return false;
  if (isFixedPerOffer(ir)) return true;
  lowerer.ctx.report(
    'SEG4020',
    file,
    expr.span,
    `An offer's ${what} must be the same for every customer (a value, or a column of the offer's catalogue), but \`${lowerer.ctx.snippet(file, expr.span)}\` depends on the customer.`,
  );
  return false;
}
