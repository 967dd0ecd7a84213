/**
 * `offer.score`, `offer.value`, `offer.strategy`… inside a plan's `rank by` and
 * `boost`, and inside an offer's own rules, are replaced by what the offer
 * declares before compiling, so each candidate statement is one plain
 * expression over the customer's facts (and, in a family, the catalogue row).
 */
import type { IrExpr, OfferDef } from '@seg/core';
import { mapIr } from '../ir/ir-walk';

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
