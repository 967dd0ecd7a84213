/**
 * `offer.score`, `offer.value`, `offer.strategy`… inside a plan's `rank by` and
 * `boost`, and inside an offer's own rules, are replaced by what the offer
 * declares before compiling, so each candidate statement is one plain
 * expression over the customer's facts (and, in a family, the catalogue row).
 */
import type { IrExpr, OfferDef } from '@seg/core';

/** Rebuilds an expression bottom-up; `replace` may return a node to use instead. */
export function mapIr(expr: IrExpr, replace: (e: IrExpr) => IrExpr | undefined): IrExpr {
  const direct = replace(expr);
  if (direct) return direct;
  const m = (e: IrExpr) => mapIr(e, replace);
  switch (expr.kind) {
    case 'mapLookup':
      return { ...expr, key: m(expr.key) };
    case 'aggregate':
      return expr.where ? { ...expr, where: m(expr.where) } : expr;
    case 'not':
    case 'neg':
    case 'isMissing':
      return { ...expr, arg: m(expr.arg) } as IrExpr;
    case 'and':
    case 'or':
    case 'call':
      return { ...expr, args: expr.args.map(m) } as IrExpr;
    case 'compare':
    case 'arith':
      return { ...expr, left: m(expr.left), right: m(expr.right) } as IrExpr;
    case 'in':
      return { ...expr, needle: m(expr.needle), haystack: m(expr.haystack) };
    case 'between':
      return { ...expr, subject: m(expr.subject), low: m(expr.low), high: m(expr.high) };
    case 'textMatch':
      return { ...expr, subject: m(expr.subject), pattern: m(expr.pattern) };
    case 'inWindow':
      return { ...expr, subject: m(expr.subject) };
    case 'rank':
      return { ...expr, arg: m(expr.arg) };
    default:
      return expr;
  }
}

const NULL_TEXT: IrExpr = { kind: 'literal', type: 'text', value: null };
const NULL_NUMBER: IrExpr = { kind: 'literal', type: 'number', value: null };

/** What `offer.<prop>` means for this offer (its name stays symbolic in a family: `family:key`). */
export function offerProp(offer: OfferDef, name: Extract<IrExpr, { kind: 'offerProp' }>['name']): IrExpr | undefined {
  switch (name) {
    case 'score':
      return substituteOfferProps(offer.score, offer);
    case 'value':
      return substituteOfferProps(offer.value, offer);
    case 'category':
      return offer.category ? substituteOfferProps(offer.category, offer) : NULL_TEXT;
    case 'cap':
      return offer.cap ? substituteOfferProps(offer.cap, offer) : NULL_NUMBER;
    case 'strategy':
      return offer.strategy ? { kind: 'outcome', type: 'outcome', name: offer.strategy } : NULL_TEXT;
    case 'name':
      return offer.family ? undefined : { kind: 'literal', type: 'text', value: offer.name };
  }
}

export function substituteOfferProps(expr: IrExpr, offer: OfferDef): IrExpr {
  return mapIr(expr, (e) => (e.kind === 'offerProp' ? offerProp(offer, e.name) : undefined));
}

/** Whether an expression reads the offer's catalogue row (so it is per customer AND per family offer). */
export function readsOffer(expr: IrExpr | undefined): boolean {
  if (!expr) return false;
  let found = false;
  mapIr(expr, (e) => {
    if ((e.kind === 'field' && e.scope === 'offer') || e.kind === 'offerProp') found = true;
    return found ? e : undefined;
  });
  return found;
}
