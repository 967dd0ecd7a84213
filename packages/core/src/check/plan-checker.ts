/**
 * Plans: audience, offers, strategy, ranking, arbitration limits, contact
 * policy, holdout, schedule and output. `rank by` and `boost` see the current
 * offer (`offer.…`, `score`, `value`) and the customer's `primary`/`secondary`
 * outcome; `entered(…)`/`left(…)` exist only in the audience.
 */
import type { Expr, Name, PlanDecl, PlanProperty } from '../syntax/ast';
import type { IrExpr, OfferDef, OutputDef, PlanDef } from '../model/ir';
import { type CheckContext, type Env, kindPhrase, typeOf } from './check-context';
import { closestName } from './did-you-mean';
import type { ExprLowerer } from './lower-expr';
import { fold, literalOf } from './lower-values';
import { uniqueProperties } from './offer-checker';
import { symbolId } from './symbol-index';

export function checkPlan(lowerer: ExprLowerer, decl: PlanDecl, file: string, offers: ReadonlyMap<string, OfferDef>): PlanDef {
  const ctx = lowerer.ctx;
  const name = decl.name.text;
  const props = uniqueProperties<PlanProperty>(ctx, file, decl.properties, new Set(['boost']));
  const one = <K extends PlanProperty['key']>(key: K) => props.get(key) as Extract<PlanProperty, { key: K }> | undefined;

  const strategyProp = one('strategy');
  const strategy = strategyProp ? checkStrategyName(ctx, file, strategyProp.strategy) : undefined;
  const env = (part: 'audience' | 'ranking' | 'other'): Env => ({ file, plan: { name, ...(strategy ? { strategy } : {}), part } });

  const audienceProp = one('audience');
  const audience: IrExpr = audienceProp
    ? lowerer.condition(audienceProp.condition, env('audience'), 'A plan audience')
    : { kind: 'literal', type: 'bool', value: true };
  const channel = one('channel')?.channel.text || undefined;

  const offersProp = one('offers');
  const planOffers = offersProp ? checkOfferList(ctx, file, offersProp, offers) : [];
  if (!offersProp) {
    ctx.report('SEG4012', file, decl.name.span, `Plan \`${name}\` has no offers: add \`offers all\` or \`offers a, b\`.`);
  }

  const rankProp = one('rankBy');
  const rankBy: IrExpr = rankProp ? lowerer.number(rankProp.value, env('ranking'), '`rank by`') : { kind: 'offerProp', type: 'number', name: 'score' };
  const boosts: { factor: number; condition: IrExpr }[] = [];
  for (const property of decl.properties) {
    if (property.key !== 'boost') continue;
    let factorExpr: Expr = property.factor;
    while (factorExpr.kind === 'Paren') factorExpr = factorExpr.inner;
    const condition = lowerer.condition(property.condition, env('ranking'), 'A boost condition');
    if ((factorExpr.kind !== 'Number' && factorExpr.kind !== 'Percent') || factorExpr.value <= 0) {
      if (factorExpr.kind !== 'Error') {
        ctx.report('SEG4009', file, property.factor.span, 'A boost factor must be a positive number written out, such as `1.5`.');
      }
      continue;
    }
    boosts.push({ factor: factorExpr.value, condition });
  }

  const topProp = one('top');
  let top = 1;
  if (topProp) {
    top = positiveWhole(lowerer, topProp.count, file, '`top`') ?? 1;
    const audienceName = ctx.audience;
    const accepted = ['customer', audienceName, audienceName.replace(/s$/, '')];
    checkPer(ctx, file, topProp.per, accepted, 'customer');
  }
  const atMostProp = one('atMost');
  let perCategory: number | undefined;
  if (atMostProp) {
    perCategory = positiveWhole(lowerer, atMostProp.count, file, '`at most`');
    checkPer(ctx, file, atMostProp.per, ['category'], 'category');
  }

  const suppressProp = one('suppress');
  const suppress = suppressProp ? lowerer.condition(suppressProp.condition, env('other'), '`suppress when`') : undefined;

  const holdoutProp = one('holdout');
  const holdout = holdoutProp ? holdoutShare(ctx, file, holdoutProp.share) : 0;

  const scheduleProp = one('schedule');
  let schedule: PlanDef['schedule'];
  if (scheduleProp) {
    checkCron(ctx, file, scheduleProp.cron.value, scheduleProp.cron.span);
    const zone = scheduleProp.timezone;
    if (zone && !isTimeZone(zone.value)) {
      ctx.report('SEG4014', file, zone.span, `${zone.raw} is not a time zone; use an IANA name such as "Australia/Sydney".`);
    }
    schedule = { cron: scheduleProp.cron.value, ...(zone ? { timezone: zone.value } : {}) };
  }

  const outputProp = one('output');
  const output = outputProp ? checkOutput(lowerer, file, outputProp) : undefined;

  warnAboutOffers(ctx, file, strategy, channel, offersProp, planOffers, offers);

  return {
    name,
    ...(decl.label ? { label: decl.label.value } : {}),
    ...(decl.doc ? { doc: decl.doc } : {}),
    origin: { file, span: decl.name.span },
    audience,
    ...(channel ? { channel } : {}),
    offers: planOffers,
    ...(strategy ? { strategy } : {}),
    rankBy,
    boosts,
    top,
    ...(perCategory !== undefined ? { perCategory } : {}),
    ...(suppress ? { suppress } : {}),
    holdout,
    ...(schedule ? { schedule } : {}),
    ...(output ? { output } : {}),
  };
}

function checkStrategyName(ctx: CheckContext, file: string, name: Name): string | undefined {
  if (name.text === '') return undefined;
  const entry = ctx.decls.get(name.text);
  if (entry?.kind === 'strategy') {
    ctx.symbols.reference(file, name.span, symbolId('strategy', name.text));
    return name.text;
  }
  if (entry) {
    ctx.report('SEG1006', file, name.span, `\`${name.text}\` is ${kindPhrase(entry.kind)}, not a strategy.`);
    return undefined;
  }
  const strategies = [...ctx.decls.values()].filter((e) => e.kind === 'strategy').map((e) => e.name);
  const best = closestName(name.text, strategies);
  ctx.report('SEG1010', file, name.span, `There is no strategy \`${name.text}\`${best ? `; did you mean \`${best}\`?` : '.'}`, {
    suggestions: best ? [ctx.replaceWith(file, name.span, best)] : [],
  });
  return undefined;
}

/** Offer and family names a list refers to; `offers all` is every one, by name. */
function checkOfferList(ctx: CheckContext, file: string, prop: Extract<PlanProperty, { key: 'offers' }>, offers: ReadonlyMap<string, OfferDef>): string[] {
  if (prop.all) return [...offers.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const names: string[] = [];
  for (const offer of prop.offers) {
    if (offer.text === '') continue;
    if (!checkOfferName(ctx, file, offer)) continue;
    if (names.includes(offer.text)) {
      ctx.report('SEG4017', file, offer.span, `\`${offer.text}\` is already in this plan's offers.`);
      continue;
    }
    names.push(offer.text);
  }
  return names;
}

/** Reports (with did-you-mean) when a name is not an offer or offer family. */
export function checkOfferName(ctx: CheckContext, file: string, name: Name): boolean {
  const entry = ctx.decls.get(name.text);
  if (entry?.kind === 'offer' || entry?.kind === 'offerFamily') {
    ctx.symbols.reference(file, name.span, symbolId(entry.kind, name.text));
    return true;
  }
  if (entry) {
    ctx.report('SEG1006', file, name.span, `\`${name.text}\` is ${kindPhrase(entry.kind)}, not an offer.`);
    return false;
  }
  const all = [...ctx.decls.values()].filter((e) => e.kind === 'offer' || e.kind === 'offerFamily').map((e) => e.name);
  const best = closestName(name.text, all);
  ctx.report('SEG1009', file, name.span, `There is no offer \`${name.text}\`${best ? `; did you mean \`${best}\`?` : '.'}`, {
    suggestions: best ? [ctx.replaceWith(file, name.span, best)] : [],
  });
  return false;
}

function positiveWhole(lowerer: ExprLowerer, expr: Expr, file: string, what: string): number | undefined {
  const ir = fold(lowerer.lower(expr, { file }));
  const literal = literalOf(ir);
  if (literal && typeof literal.value === 'number' && Number.isInteger(literal.value) && literal.value >= 1) return literal.value;
  if (typeOf(ir) !== 'unknown') {
    lowerer.ctx.report('SEG4008', file, expr.span, `${what} needs a positive whole number, such as 3.`);
  }
  return undefined;
}

function checkPer(ctx: CheckContext, file: string, per: Name, accepted: readonly string[], wanted: string): void {
  if (per.text === '' || accepted.includes(per.text)) return;
  ctx.report('SEG4013', file, per.span, `Only \`per ${wanted}\` is supported here.`, {
    suggestions: [ctx.replaceWith(file, per.span, wanted)],
  });
}

function holdoutShare(ctx: CheckContext, file: string, expr: Expr): number {
  if (expr.kind === 'Error') return 0;
  if ((expr.kind === 'Percent' || expr.kind === 'Number') && expr.value >= 0 && expr.value <= 1) return expr.value;
  const asPercent = expr.kind === 'Number' && expr.value > 1 && expr.value <= 100;
  ctx.report('SEG4010', file, expr.span, `A holdout is a share between 0% and 100%, such as \`10%\`${asPercent ? `; did you mean \`${expr.raw}%\`?` : '.'}`, {
    suggestions: asPercent ? [ctx.replaceWith(file, expr.span, `${expr.raw}%`)] : [],
  });
  return 0;
}

const CRON_FIELD = /^[\d*/,\-A-Za-z?LW#]+$/;

function checkCron(ctx: CheckContext, file: string, cron: string, span: { start: number; end: number }): void {
  const fields = cron.trim().split(/\s+/);
  if (fields.length >= 5 && fields.length <= 6 && fields.every((field) => CRON_FIELD.test(field))) return;
  ctx.report('SEG4014', file, span, 'A schedule is a cron expression with five fields (minute hour day month weekday), such as "0 6 * * MON".');
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function checkOutput(lowerer: ExprLowerer, file: string, prop: Extract<PlanProperty, { key: 'output' }>): OutputDef | undefined {
  const ctx = lowerer.ctx;
  const columns: string[] = [];
  for (const column of prop.columns) {
    const resolved = lowerer.resolver.resolve({ kind: 'Ref', parts: [column], span: column.span }, { file });
    if (resolved.kind === 'field' || (resolved.kind === 'decl' && (resolved.entry.kind === 'metric' || resolved.entry.kind === 'segment'))) {
      columns.push(column.text);
    } else if (resolved.kind === 'decl') {
      ctx.report('SEG1006', file, column.span, `\`${column.text}\` is ${kindPhrase(resolved.entry.kind)}; output columns are metrics, segments or fields of \`${ctx.audience}\`.`);
    }
  }
  const destination = prop.destination;
  const text = 'kind' in destination && destination.kind === 'String' ? destination.value : (destination as Name).text;
  if (prop.target === 'table') {
    if (ctx.tables.has(text)) {
      ctx.report('SEG4016', file, destination.span, `\`${text}\` is a table of the model; the plan would overwrite it. Choose another output table name.`);
    }
    return { kind: 'table', table: text, columns };
  }
  return prop.target === 'csv' ? { kind: 'csv', path: text, columns } : { kind: 'webhook', url: text, columns };
}

function warnAboutOffers(
  ctx: CheckContext,
  file: string,
  strategy: string | undefined,
  channel: string | undefined,
  prop: Extract<PlanProperty, { key: 'offers' }> | undefined,
  planOffers: readonly string[],
  offers: ReadonlyMap<string, OfferDef>,
): void {
  if (!prop) return;
  const outcomes = strategy ? ctx.strategyOutcomes.get(strategy) ?? [] : undefined;
  const spanOf = (name: string) => (prop.all ? prop.keywordSpan : prop.offers.find((offer) => offer.text === name)?.span ?? prop.keywordSpan);
  for (const name of planOffers) {
    const offer = offers.get(name);
    if (!offer) continue;
    if (outcomes && offer.strategy && !outcomes.includes(offer.strategy)) {
      ctx.report('SEG4007', file, spanOf(name), `Offer \`${name}\` serves \`${offer.strategy}\`, which strategy \`${strategy}\` never gives a customer, so its boosts can never apply.`, {
        related: [{ file: offer.origin.file, span: offer.origin.span, message: `\`${name}\` is declared here` }],
      });
    }
    if (!prop.all && channel && offer.channels.length > 0 && !offer.channels.includes(channel)) {
      ctx.report('SEG4018', file, spanOf(name), `Offer \`${name}\` is only for ${offer.channels.join(', ')}, so this ${channel} plan never sends it.`);
    }
  }
}
