import { describe, expect, it } from 'vitest';
import { applySuggestion, check, codes, MODEL, only, summary } from './support';

const STRATEGY = `segment lapsed { predicted_clv < 10 }
strategy value_map {
  primary {
    when lapsed then reactivate
    else grow
  }
  secondary {
    else retain
  }
}
`;

const OFFER = `offer welcome {
  category "Fashion"
  channels email
}
`;

/** The same offer, serving the grow outcome of STRATEGY. */
const OFFER_GROW = OFFER.replace('channels email', 'channels email\n  strategy grow');

describe('strategies', () => {
  it('requires an else in each block', () => {
    const result = check('strategy s {\n  primary {\n    when email_opt_in then grow\n  }\n  secondary { else grow }\n}\n');
    expect(summary(result)).toEqual(['SEG4001 rules.seg 2:3-2:10']);
  });

  it('warns about rules after else and repeated conditions', () => {
    const rules = [
      'strategy s {',
      '  primary {',
      '    when email_opt_in and predicted_clv > 5 then grow',
      '    when (email_opt_in) and predicted_clv > 5 then retain',
      '    else grow',
      '    when email_opt_in then retain',
      '  }',
      '  secondary { else grow }',
      '}',
      '',
    ].join('\n');
    const result = check(rules);
    expect(summary(result)).toEqual(['SEG4003 rules.seg 4:10-4:46', 'SEG4002 rules.seg 6:5-6:34']);
    expect(result.diagnostics[0]!.related?.[0]?.span.start).toBe(rules.indexOf('when email_opt_in and'));
    expect(result.workspace).toBeDefined();
    expect(result.workspace!.strategies.s!.primary).toHaveLength(4);
  });

  it('requires both blocks', () => {
    const result = check('strategy s {\n  primary { else grow }\n}\n');
    expect(summary(result)).toEqual(['SEG4004 rules.seg 1:10-1:11']);
  });
});

describe('offers', () => {
  it('checks the offer strategy outcome, with a suggestion', () => {
    const rules = STRATEGY + 'offer o {\n  strategy reactivat\n}\n';
    const result = check(rules);
    expect(summary(result)).toEqual(['SEG1011 rules.seg 12:12-12:21']);
    const fixed = applySuggestion({ 'model.seg': MODEL, 'rules.seg': rules }, only(result));
    expect(check(fixed, { model: false }).diagnostics).toEqual([]);
  });

  it('requires positive whole caps and fixed categories', () => {
    const result = check('offer o {\n  category country\n  cap 0.5\n}\n');
    expect(summary(result)).toEqual(['SEG4020 rules.seg 2:12-2:19', 'SEG4008 rules.seg 3:7-3:10']);
  });

  it('checks validity dates', () => {
    const result = check('offer o {\n  valid from 2026-12-01 to 2026-11-01\n}\noffer p {\n  valid from 5 to 2026-11-01\n}\n');
    expect(codes(result)).toEqual(['SEG4011', 'SEG4011']);
  });

  it('rejects repeated properties', () => {
    const result = check('offer o {\n  value 1\n  value 2\n}\n');
    expect(summary(result)).toEqual(['SEG4005 rules.seg 3:3-3:8']);
  });

  it('lets offer.x read the offer, not the customer, and keeps score/value out of the offer itself', () => {
    const result = check('offer o {\n  category "Baby"\n  score offer.value\n  eligible offer.category = "Baby"\n}\n');
    expect(summary(result)).toEqual(['SEG1013 rules.seg 3:15-3:20']);
  });

  it('reads catalogue columns in a family, with did-you-mean', () => {
    const rules = 'table catalog key id {\n  title text\n  weight number\n}\noffers fam from catalog key id {\n  score offer.wieght\n}\n';
    const result = check(rules);
    expect(summary(result)).toEqual(['SEG1003 rules.seg 6:15-6:21']);
    expect(only(result).suggestions?.[0]?.replacement).toBe('weight');
  });

  it('needs a real key for a family', () => {
    const result = check('table catalog key id {\n  title text\n}\noffers fam from catalog key ttle {\n}\n');
    expect(summary(result)).toEqual(['SEG1003 rules.seg 4:29-4:33']);
  });
});

describe('plans', () => {
  it('reports unknown offers and strategies with suggestions', () => {
    const rules = STRATEGY + OFFER_GROW + 'plan p {\n  offers welcom\n  strategy valu_map\n}\n';
    const result = check(rules);
    expect(summary(result)).toEqual(['SEG1009 rules.seg 17:10-17:16', 'SEG1010 rules.seg 18:12-18:20']);
    let files: Record<string, string> = { 'model.seg': MODEL, 'rules.seg': rules };
    files = applySuggestion(files, result.diagnostics[1]!);
    files = applySuggestion(files, result.diagnostics[0]!);
    expect(check(files, { model: false }).diagnostics).toEqual([]);
  });

  it('checks holdout, top, at most and boost values', () => {
    const rules = OFFER + [
      'plan p {',
      '  offers welcome',
      '  holdout 150%',
      '  top 0 per customer',
      '  at most 2.5 per category',
      '  boost predicted_clv when email_opt_in',
      '}',
      'plan q {',
      '  offers welcome',
      '  holdout 10',
      '}',
      '',
    ].join('\n');
    const result = check(rules);
    expect(summary(result)).toEqual([
      'SEG4010 rules.seg 7:11-7:15',
      'SEG4008 rules.seg 8:7-8:8',
      'SEG4008 rules.seg 9:11-9:14',
      'SEG4009 rules.seg 10:9-10:22',
      'SEG4010 rules.seg 14:11-14:13',
    ]);
    expect(result.diagnostics[4]!.suggestions?.[0]?.replacement).toBe('10%');
  });

  it('warns when an offer serves an outcome the plan strategy never produces', () => {
    const rules = STRATEGY + OFFER_GROW + 'offer other {\n  strategy retain\n}\nplan p {\n  offers welcome, other\n  strategy value_map\n}\n';
    expect(codes(check(rules))).toEqual([]);
    const extra = 'strategy narrow {\n  primary { else convert }\n  secondary { else convert }\n}\n';
    const result = check(STRATEGY + OFFER_GROW + extra + 'plan p {\n  offers welcome\n  strategy narrow\n}\n');
    expect(summary(result)).toEqual(['SEG4007 rules.seg 21:10-21:17']);
    expect(result.workspace).toBeDefined();
  });

  it('supports only per customer and per category, and warns about an offer listed twice', () => {
    const result = check(OFFER + 'plan p {\n  offers welcome, welcome\n  top 2 per order\n  at most 1 per channel\n}\n');
    expect(summary(result)).toEqual(['SEG4017 rules.seg 6:19-6:26', 'SEG4013 rules.seg 7:13-7:18', 'SEG4013 rules.seg 8:17-8:24']);
    expect(result.diagnostics.map((d) => d.suggestions?.[0]?.replacement)).toEqual([undefined, 'customer', 'category']);
  });

  it('warns when a listed offer never goes through the plan channel', () => {
    const result = check(OFFER + 'plan p {\n  channel sms\n  offers welcome\n}\n');
    expect(summary(result)).toEqual(['SEG4018 rules.seg 7:10-7:17']);
  });

  it('knows primary and secondary only when the plan has a strategy', () => {
    const result = check(OFFER + 'plan p {\n  offers welcome\n  boost 2 when offer.strategy = primary\n}\n');
    expect(summary(result)).toEqual(['SEG1013 rules.seg 7:33-7:40']);
  });

  it('compares offer strategies with outcome names, and checks them', () => {
    const ok = check(STRATEGY + OFFER_GROW + 'plan p {\n  offers all\n  strategy value_map\n  boost 2 when offer.strategy = grow\n  boost 3 when offer.strategy in (retain, reactivate)\n}\n');
    expect(ok.diagnostics).toEqual([]);
    expect(ok.workspace!.plans.p!.boosts[0]!.condition).toEqual({
      kind: 'compare',
      type: 'bool',
      op: '=',
      left: { kind: 'offerProp', type: 'outcome', name: 'strategy' },
      right: { kind: 'outcome', type: 'outcome', name: 'grow' },
    });
    const typo = check(STRATEGY + OFFER_GROW + 'plan p {\n  offers all\n  boost 2 when offer.strategy = gorw\n}\n');
    expect(summary(typo)).toEqual(['SEG1011 rules.seg 18:33-18:37']);
    expect(only(typo).suggestions?.[0]?.replacement).toBe('grow');
  });

  it('requires offers, and output tables that are not model tables', () => {
    const result = check('plan p {\n  output table orders\n}\n');
    expect(summary(result)).toEqual(['SEG4012 rules.seg 1:6-1:7', 'SEG4016 rules.seg 2:16-2:22']);
  });

  it('checks output columns and schedules', () => {
    const result = check(OFFER + 'plan p {\n  offers welcome\n  schedule "every monday" in "Mars/Olympus"\n  output table t with predicted_clv, spnd\n}\n');
    expect(codes(result)).toEqual(['SEG4014', 'SEG4014', 'SEG1002']);
  });
});
