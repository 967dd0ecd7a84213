import { describe, expect, it } from 'vitest';
import type { IrExpr } from '../../src/model/ir';
import { check } from './support';

function metric(source: string, name = 'm'): IrExpr {
  const result = check(source);
  expect(result.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  return result.workspace!.metrics[name]!.expr;
}

function segment(source: string, name = 's'): IrExpr {
  const result = check(source);
  expect(result.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  return result.workspace!.segments[name]!.condition;
}

describe('lowering time', () => {
  it('turns `between` dates into a window that includes the whole last day', () => {
    expect(metric('metric m = count(orders between 2026-01-01 and 2026-03-31)')).toMatchObject({
      window: { start: { kind: 'fixed', value: '2026-01-01', date: true }, end: { kind: 'fixed', value: '2026-04-01', date: true } },
    });
    expect(segment('segment s { signup_at between 2026-12-01 and 2026-12-31 }')).toEqual({
      kind: 'inWindow',
      type: 'bool',
      subject: { kind: 'field', type: 'timestamp', scope: 'audience', table: 'customers', path: [], field: 'signup_at' },
      window: { start: { kind: 'fixed', value: '2026-12-01', date: true }, end: { kind: 'fixed', value: '2027-01-01', date: true } },
    });
  });

  it('ends a window at tomorrow when `between … and today`', () => {
    expect(segment('segment s { signup_at between 7 days ago and today }')).toMatchObject({
      window: {
        start: { kind: 'relative', anchor: 'asOf', amount: 7, unit: 'day' },
        end: { kind: 'relative', anchor: 'today', amount: -1, unit: 'day' },
      },
    });
  });

  it('lowers from/to windows, relative points and dates compared with timestamps', () => {
    expect(metric('metric m = sum(orders.total from 2 weeks ago to today)')).toMatchObject({
      window: { start: { kind: 'relative', anchor: 'asOf', amount: 2, unit: 'week' }, end: { kind: 'relative', anchor: 'today', amount: 0, unit: 'day' } },
    });
    expect(segment('segment s { signup_at >= 2026-01-01 and signup_at < now }')).toEqual({
      kind: 'and',
      type: 'bool',
      args: [
        expect.objectContaining({ op: '>=', right: { kind: 'time', type: 'timestamp', point: { kind: 'fixed', value: '2026-01-01', date: true } } }),
        expect.objectContaining({ op: '<', right: { kind: 'time', type: 'timestamp', point: { kind: 'relative', anchor: 'asOf', amount: 0, unit: 'day' } } }),
      ],
    });
  });

  it('inlines date constants as time points', () => {
    expect(metric('const launch = 2026-11-01\nmetric m = count(orders from launch to today)')).toMatchObject({
      window: { start: { kind: 'fixed', value: '2026-11-01', date: true } },
    });
  });
});

describe('lowering values', () => {
  it('lowers rankings with their number of buckets', () => {
    const ranks = check(
      'metric a = decile(predicted_clv)\nmetric b = percentile(predicted_clv desc)\nmetric c = ntile(predicted_clv, 4)\nmetric d = rank(signup_at)\n',
    ).workspace!.metrics;
    expect(ranks.a!.expr).toMatchObject({ kind: 'rank', fn: 'decile', buckets: 10, desc: false });
    expect(ranks.b!.expr).toMatchObject({ kind: 'rank', fn: 'percentile', buckets: 100, desc: true });
    expect(ranks.c!.expr).toMatchObject({ kind: 'rank', fn: 'ntile', buckets: 4 });
    expect(ranks.d!.expr).not.toHaveProperty('buckets');
  });

  it('folds constants, negative numbers and flattens and/or chains', () => {
    expect(segment('const limit = 2 * 50\nsegment s { predicted_clv > limit and predicted_clv > -3 and email_opt_in }')).toEqual({
      kind: 'and',
      type: 'bool',
      args: [
        expect.objectContaining({ right: { kind: 'literal', type: 'number', value: 100 } }),
        expect.objectContaining({ right: { kind: 'literal', type: 'number', value: -3 } }),
        { kind: 'field', type: 'bool', scope: 'audience', table: 'customers', path: [], field: 'email_opt_in' },
      ],
    });
  });

  it('lowers blocks: all → and, any → or, none → not or', () => {
    expect(segment('segment s {\n  none of {\n    email_opt_in\n    country = "AU"\n  }\n}')).toMatchObject({
      kind: 'not',
      arg: { kind: 'or', args: [{ kind: 'field', field: 'email_opt_in' }, { kind: 'compare', op: '=' }] },
    });
  });

  it('types metrics after what they compute', () => {
    const metrics = check('metric a = last(orders.channel)\nmetric b = any(orders)\nmetric c = max(signup_at, 2026-01-01)\n').workspace!.metrics;
    expect(metrics.a!.type).toBe('text');
    expect(metrics.b!.type).toBe('bool');
    expect(metrics.c!.type).toBe('timestamp');
    expect(metrics.c!.expr).toMatchObject({ args: [{ kind: 'field' }, { kind: 'time', point: { kind: 'fixed', value: '2026-01-01' } }] });
  });

  it('lowers list lookups, text matching and missing checks', () => {
    expect(segment('segment s { email contains "@example.com" and country is not missing and country not in ("AU", "NZ") }')).toMatchObject({
      kind: 'and',
      args: [
        { kind: 'textMatch', op: 'contains', pattern: { kind: 'literal', value: '@example.com' } },
        { kind: 'isMissing', negated: true },
        { kind: 'in', negated: true, haystack: { kind: 'list', itemType: 'text', items: ['AU', 'NZ'] } },
      ],
    });
  });
});

describe('lowering offers and plans', () => {
  it('reads the current offer inside an aggregate over contacts', () => {
    const result = check('offer o {\n  eligible none(contacts in last 30 days where offer = offer.name)\n}\n');
    expect(result.diagnostics).toEqual([]);
    expect(result.workspace!.offers.o!.eligible).toMatchObject({
      kind: 'aggregate',
      fn: 'none',
      source: 'contacts',
      where: {
        kind: 'compare',
        left: { kind: 'field', scope: 'event', table: 'contacts', path: [], field: 'offer' },
        right: { kind: 'offerProp', type: 'text', name: 'name' },
      },
    });
  });

  it('applies defaults', () => {
    const result = check('offer o {\n}\nplan p {\n  offers o\n}\n');
    expect(result.diagnostics).toEqual([]);
    const { offers, plans } = result.workspace!;
    expect(offers.o).toMatchObject({
      channels: [],
      eligible: { kind: 'literal', type: 'bool', value: true },
      score: { kind: 'literal', type: 'number', value: 1 },
      value: { kind: 'literal', type: 'number', value: 1 },
    });
    expect(plans.p).toMatchObject({
      audience: { kind: 'literal', type: 'bool', value: true },
      rankBy: { kind: 'offerProp', type: 'number', name: 'score' },
      boosts: [],
      top: 1,
      holdout: 0,
    });
    expect(plans.p).not.toHaveProperty('perCategory');
  });
});
