import { describe, expect, it } from 'vitest';
import { parseFile } from '../../src/syntax/parse';
import { condition, metricValue, parseClean, strip } from '../support/syntax-helpers';

const ref = (...parts: string[]) => ({ kind: 'Ref', parts: parts.map((text) => ({ text })) });
const num = (raw: string) => ({ kind: 'Number', value: Number(raw), raw });
const str = (value: string) => ({ kind: 'String', value });
const days = (amount: number, raw = 'days') => ({ kind: 'Duration', amount, unit: raw.startsWith('day') ? 'day' : raw.replace(/s$/, ''), raw });

describe('aggregates and windows', () => {
  it('reads `in last` as the window of an aggregate', () => {
    expect(metricValue('sum(orders.total in last 90 days)')).toEqual({
      kind: 'Aggregate',
      fn: 'sum',
      callee: { text: 'sum' },
      source: ref('orders', 'total'),
      window: { kind: 'LastWindow', duration: days(90) },
    });
  });

  it('reads `from … to …` windows made of relative times', () => {
    expect(metricValue('sum(orders.total from 180 days ago to 90 days ago)')).toMatchObject({
      kind: 'Aggregate',
      window: { kind: 'FromToWindow', from: { kind: 'Ago', duration: days(180) }, to: { kind: 'Ago', duration: days(90) } },
    });
  });

  it('reads `between` dates as a window, together with `where`', () => {
    expect(metricValue('count(orders between 2026-01-01 and 2026-03-31 where channel = "store")')).toEqual({
      kind: 'Aggregate',
      fn: 'count',
      callee: { text: 'count' },
      source: ref('orders'),
      window: { kind: 'BetweenWindow', from: { kind: 'Date', value: '2026-01-01' }, to: { kind: 'Date', value: '2026-03-31' } },
      where: { kind: 'Compare', op: '=', left: ref('channel'), right: str('store') },
    });
  });

  it('navigates links inside `where`, with soft keywords as field names', () => {
    expect(condition('any(order_lines in last 180 days where product.category = "Baby")')).toMatchObject({
      kind: 'Aggregate',
      fn: 'any',
      where: { kind: 'Compare', left: ref('product', 'category') },
    });
  });

  it('treats min/max with one argument as aggregates and with two as functions', () => {
    expect(metricValue('max(orders.total)')).toMatchObject({ kind: 'Aggregate', fn: 'max' });
    expect(metricValue('max(1, orders_12m)')).toEqual({
      kind: 'Call',
      callee: { text: 'max' },
      args: [{ value: num('1') }, { value: ref('orders_12m') }],
    });
  });

  it('reads hard-keyword aggregates (`last`, `any`, `none`) and calls with `desc`', () => {
    expect(metricValue('days_since(last(orders.placed_at))')).toMatchObject({
      kind: 'Call',
      callee: { text: 'days_since' },
      args: [{ value: { kind: 'Aggregate', fn: 'last', source: ref('orders', 'placed_at') } }],
    });
    expect(metricValue('quintile(recency_days desc)')).toEqual({
      kind: 'Call',
      callee: { text: 'quintile' },
      args: [{ value: ref('recency_days'), order: 'desc' }],
    });
    expect(condition('none(orders where channel = "app")')).toMatchObject({ kind: 'Aggregate', fn: 'none' });
  });

  it('treats entered(x) and left(x) as ordinary calls', () => {
    expect(condition('entered(dormant) and left(high_value)')).toMatchObject({
      kind: 'Logical',
      left: { kind: 'Call', callee: { text: 'entered' } },
      right: { kind: 'Call', callee: { text: 'left' } },
    });
  });
});

describe('operators and precedence', () => {
  it('keeps `between … and …` inside an `and` chain', () => {
    expect(condition('x between 1 and 5 and y')).toEqual({
      kind: 'Logical',
      op: 'and',
      left: { kind: 'Between', negated: false, subject: ref('x'), low: num('1'), high: num('5') },
      right: ref('y'),
    });
  });

  it('binds and tighter than or, * tighter than +, and not looser than comparisons', () => {
    expect(condition('a or b and c')).toEqual({
      kind: 'Logical',
      op: 'or',
      left: ref('a'),
      right: { kind: 'Logical', op: 'and', left: ref('b'), right: ref('c') },
    });
    expect(metricValue('1 + 2 * 3 - 4')).toEqual({
      kind: 'Binary',
      op: '-',
      left: { kind: 'Binary', op: '+', left: num('1'), right: { kind: 'Binary', op: '*', left: num('2'), right: num('3') } },
      right: num('4'),
    });
    expect(condition('not a = b')).toEqual({ kind: 'Unary', op: 'not', operand: { kind: 'Compare', op: '=', left: ref('a'), right: ref('b') } });
  });

  it('reads the comparison forms', () => {
    expect(condition('kind not in ("open", "click")')).toEqual({
      kind: 'InList',
      negated: true,
      subject: ref('kind'),
      list: { kind: 'List', items: [str('open'), str('click')] },
    });
    expect(condition('email is not missing')).toEqual({ kind: 'IsMissing', negated: true, subject: ref('email') });
    expect(condition('email contains "@example.com"')).toMatchObject({ kind: 'TextMatch', op: 'contains' });
    expect(condition('name starts with "Baby"')).toMatchObject({ kind: 'TextMatch', op: 'startsWith', pattern: str('Baby') });
    expect(condition('signup_at in last 30 days')).toEqual({
      kind: 'InWindow',
      subject: ref('signup_at'),
      window: { kind: 'LastWindow', duration: days(30) },
    });
    expect(condition('placed_at < 180 days ago')).toMatchObject({ kind: 'Compare', op: '<', right: { kind: 'Ago' } });
    expect(condition('category in adjacent_categories[offer.category]')).toEqual({
      kind: 'InList',
      negated: false,
      subject: ref('category'),
      list: { kind: 'Index', target: ref('adjacent_categories'), index: ref('offer', 'category') },
    });
  });

  it('makes a one-item parenthesis a list where a list is expected, and keeps it a parenthesis elsewhere', () => {
    expect(condition('channel in ("web")')).toMatchObject({ kind: 'InList', list: { kind: 'List', items: [str('web')] } });
    expect(metricValue('(1 + 2) * 3')).toMatchObject({ kind: 'Binary', left: { kind: 'Paren', inner: { kind: 'Binary', op: '+' } } });
    expect(metricValue('()')).toEqual({ kind: 'List', items: [] });
    const [map] = parseClean('map m {\n  "Toys" -> ("Baby")\n}');
    expect(strip(map)).toMatchObject({ entries: [{ key: str('Toys'), value: { kind: 'List', items: [str('Baby')] } }] });
  });
});

describe('literals', () => {
  it('reads negative numbers as number literals and keeps how numbers were written', () => {
    expect(condition('distance_km(latitude, longitude, -33.87, 151.21) <= 20')).toMatchObject({
      left: { args: [{}, {}, { value: { kind: 'Number', value: -33.87, raw: '-33.87' } }, { value: num('151.21') }] },
    });
    expect(metricValue('3.50')).toEqual(num('3.50'));
    expect(metricValue('-x')).toEqual({ kind: 'Unary', op: '-', operand: ref('x') });
  });

  it('reads percentages as fractions', () => {
    expect(metricValue('10%')).toEqual({ kind: 'Percent', value: 0.1, raw: '10%' });
    expect(metricValue('12.5%')).toEqual({ kind: 'Percent', value: 0.125, raw: '12.5%' });
  });

  it('unescapes strings', () => {
    expect(metricValue(String.raw`"O'Brien \"Jr\" \\ \n\t\u{1F600}\u{e9}"`)).toEqual(str(`O'Brien "Jr" \\ \n\t😀é`));
  });

  it('reads dates, timestamps with zones and fractions, today and now', () => {
    expect(metricValue('2026-11-01')).toEqual({ kind: 'Date', value: '2026-11-01' });
    for (const ts of ['2026-11-01T06:00:00Z', '2026-11-01T06:00:00.250+10:00', '2026-11-01T06:00-05:00', '2026-11-01T06:00:00']) {
      expect(metricValue(ts)).toEqual({ kind: 'Timestamp', value: ts });
    }
    expect(metricValue('today')).toEqual({ kind: 'Today' });
    expect(metricValue('now')).toEqual({ kind: 'Now' });
  });

  it('reads singular and plural duration units', () => {
    expect(metricValue('1 year')).toEqual({ kind: 'Duration', amount: 1, unit: 'year', raw: 'year' });
    expect(metricValue('12 hours')).toEqual({ kind: 'Duration', amount: 12, unit: 'hour', raw: 'hours' });
    expect(metricValue('2 weeks ago')).toEqual({ kind: 'Ago', duration: { kind: 'Duration', amount: 2, unit: 'week', raw: 'weeks' } });
    expect(metricValue('6 months')).toMatchObject({ unit: 'month' });
    expect(metricValue('1 day')).toMatchObject({ unit: 'day', raw: 'day' });
  });

  it('lets identifiers start with keywords (`days_since`, `input`, `offers_seen`)', () => {
    expect(metricValue('days_since(input) + offers_seen')).toMatchObject({
      left: { kind: 'Call', callee: { text: 'days_since' }, args: [{ value: ref('input') }] },
      right: ref('offers_seen'),
    });
  });
});

describe('all of / any of / none of blocks', () => {
  it('splits conditions at lines that cannot continue the previous one', () => {
    expect(condition('all of {\n  r_score >= 4\n  f_score >= 4\n  not unsubscribed\n}')).toEqual({
      kind: 'Block',
      op: 'all',
      items: [
        { kind: 'Compare', op: '>=', left: ref('r_score'), right: num('4') },
        { kind: 'Compare', op: '>=', left: ref('f_score'), right: num('4') },
        { kind: 'Unary', op: 'not', operand: ref('unsubscribed') },
      ],
    });
  });

  it('starts a new condition at a line beginning with `(`, even after a name', () => {
    const block = condition('any of {\n  vip\n  (a or b)\n  f(x)\n  g\n  (h)\n}') as { items: Array<{ kind: string }> };
    expect(block.items.map((i) => i.kind)).toEqual(['Ref', 'Paren', 'Call', 'Ref', 'Paren']);
  });

  it('continues a condition over lines when an operator carries it on', () => {
    const block = condition('all of {\n  a > 1\n    and b\n  c\n}') as { items: Array<{ kind: string }> };
    expect(block.items.map((i) => i.kind)).toEqual(['Logical', 'Ref']);
  });

  it('does not take a name on the next line for a duration unit', () => {
    const block = condition('none of {\n  total > 30\n  days > 2\n}') as { items: unknown[] };
    expect(block.items).toEqual([
      { kind: 'Compare', op: '>', left: ref('total'), right: num('30') },
      { kind: 'Compare', op: '>', left: ref('days'), right: num('2') },
    ]);
  });

  it('nests blocks', () => {
    expect(condition('all of {\n  a\n  any of {\n    b\n    c\n  }\n}')).toMatchObject({
      items: [ref('a'), { kind: 'Block', op: 'any', items: [ref('b'), ref('c')] }],
    });
  });
});

describe('soft keywords are names', () => {
  it('accepts property and declaration words as fields', () => {
    const [table] = parseClean('table t key key time time {\n  value number\n  category text\n  offer text\n  list text\n  date date\n}');
    expect(strip(table)).toMatchObject({
      key: { text: 'key' },
      time: { text: 'time' },
      fields: ['value', 'category', 'offer', 'list', 'date'].map((text) => ({ name: { text } })),
    });
    expect(condition('offer.value > 3 and offer.strategy = primary')).toMatchObject({
      left: { left: ref('offer', 'value') },
      right: { right: ref('primary') },
    });
  });
});

describe('declarations', () => {
  it('reads tables with links, enumerations and column names', () => {
    const [table] = parseClean('table orders "Orders" key order_id time placed_at {\n  customer -> customers on customer_id as "Customer ID"\n  channel text in ("web", "app")\n  email text as "E-mail"\n}');
    expect(strip(table)).toEqual({
      kind: 'Table',
      name: { text: 'orders' },
      label: str('Orders'),
      key: { text: 'order_id' },
      time: { text: 'placed_at' },
      fields: [
        { kind: 'Link', name: { text: 'customer' }, target: { text: 'customers' }, on: { text: 'customer_id' }, column: str('Customer ID') },
        { kind: 'Column', name: { text: 'channel' }, type: { kind: 'Type', name: 'text', values: [str('web'), str('app')] } },
        { kind: 'Column', name: { text: 'email' }, type: { kind: 'Type', name: 'text' }, column: str('E-mail') },
      ],
    });
  });

  it('reads strategies, keeping rules after else', () => {
    const [strategy] = parseClean('strategy s {\n  secondary {\n    else retain\n  }\n  primary {\n    when a then x\n    else y\n    when b then z\n  }\n}');
    expect(strip(strategy)).toMatchObject({
      primary: { which: 'primary', rules: [{ condition: ref('a'), outcome: { text: 'x' } }, { outcome: { text: 'y' } }, { outcome: { text: 'z' } }] },
      secondary: { which: 'secondary', rules: [{ outcome: { text: 'retain' } }] },
    });
  });

  it('reads every plan property', () => {
    const [plan] = parseClean(`plan p "P" {
  audience email_opt_in and not unsubscribed
  channel email
  offers a, b
  strategy value_map
  rank by score * offer.value
  boost 1.5 when offer.strategy = primary
  top 8 per customer
  at most 2 per category
  suppress when count(contacts in last 3 days where channel = "email") > 0
  holdout 10%
  schedule "0 6 * * MON" in "Australia/Sydney"
  output table t with spend_12m, r_score
}`);
    const props = (plan as unknown as { properties: Array<{ key: string }> }).properties;
    expect(props.map((p) => p.key)).toEqual(['audience', 'channel', 'offers', 'strategy', 'rankBy', 'boost', 'top', 'atMost', 'suppress', 'holdout', 'schedule', 'output']);
    expect(strip(props)).toMatchObject([
      {},
      { channel: { text: 'email' } },
      { all: false, offers: [{ text: 'a' }, { text: 'b' }] },
      { strategy: { text: 'value_map' } },
      {},
      { factor: num('1.5'), condition: { kind: 'Compare' } },
      { count: num('8'), per: { text: 'customer' } },
      { count: num('2'), per: { text: 'category' } },
      { condition: { kind: 'Compare', left: { kind: 'Aggregate', fn: 'count' } } },
      { share: { kind: 'Percent', value: 0.1 } },
      { cron: str('0 6 * * MON'), timezone: str('Australia/Sydney') },
      { target: 'table', destination: { text: 't' }, columns: [{ text: 'spend_12m' }, { text: 'r_score' }] },
    ]);
    const [other] = parseClean('plan q {\n  offers all\n  output csv "out/x.csv"\n  output webhook "https://example.com/hook" with a\n}');
    expect(strip((other as unknown as { properties: unknown[] }).properties)).toEqual([
      { key: 'offers', all: true, offers: [] },
      { key: 'output', target: 'csv', destination: str('out/x.csv'), columns: [] },
      { key: 'output', target: 'webhook', destination: str('https://example.com/hook'), columns: [{ text: 'a' }] },
    ]);
  });

  it('reads offers and offer families', () => {
    const [offer, family] = parseClean(`offer o {
  category "Baby"
  channels email, app
  strategy cross_sell
  valid from 2026-11-01 to 2026-12-31
  eligible baby
  score 0.4
  value 3.50
  cap 5000
}
offers fam from coupon_catalog key coupon_id {
  category offer.category
  valid to 2026-12-31
}`);
    expect(strip(offer)).toMatchObject({
      properties: [
        { key: 'category', value: str('Baby') },
        { key: 'channels', channels: [{ text: 'email' }, { text: 'app' }] },
        { key: 'strategy', outcome: { text: 'cross_sell' } },
        { key: 'valid', from: { kind: 'Date' }, to: { kind: 'Date' } },
        { key: 'eligible', condition: ref('baby') },
        { key: 'score' },
        { key: 'value', value: num('3.50') },
        { key: 'cap', value: num('5000') },
      ],
    });
    expect(strip(family)).toEqual({
      kind: 'OfferFamily',
      name: { text: 'fam' },
      source: { text: 'coupon_catalog' },
      key: { text: 'coupon_id' },
      properties: [
        { key: 'category', value: ref('offer', 'category') },
        { key: 'valid', to: { kind: 'Date', value: '2026-12-31' } },
      ],
    });
  });

  it('reads every kind of test expectation', () => {
    const [test] = parseClean(`test "t" {
  as of 2026-11-22T06:00:00Z
  customers { customer_id: "c1", predicted_clv: -900, email_opt_in: true }
  orders {
    order_id: "o1"
    customer: "c1"
  }
  expect "c1" in dormant
  expect "c1" not in active
  expect "c9" in holdout of weekly_email
  expect m("c1") = 12
  expect s("c1") = (a, b)
  expect p("c1") = (o1)
  expect p("c1") includes x, y
  expect p("c1") excludes x
  expect p("c1") is empty
  expect p("c1") is not empty
}`);
    expect(strip(test)).toEqual({
      kind: 'Test',
      title: str('t'),
      items: [
        { kind: 'AsOf', value: { kind: 'Timestamp', value: '2026-11-22T06:00:00Z' } },
        {
          kind: 'Fixture',
          table: { text: 'customers' },
          fields: [
            { name: { text: 'customer_id' }, value: str('c1') },
            { name: { text: 'predicted_clv' }, value: num('-900') },
            { name: { text: 'email_opt_in' }, value: { kind: 'Bool', value: true } },
          ],
        },
        { kind: 'Fixture', table: { text: 'orders' }, fields: [{ name: { text: 'order_id' }, value: str('o1') }, { name: { text: 'customer' }, value: str('c1') }] },
        { kind: 'ExpectMembership', key: str('c1'), negated: false, holdout: false, target: { text: 'dormant' } },
        { kind: 'ExpectMembership', key: str('c1'), negated: true, holdout: false, target: { text: 'active' } },
        { kind: 'ExpectMembership', key: str('c9'), negated: false, holdout: true, target: { text: 'weekly_email' } },
        { kind: 'ExpectValue', target: { text: 'm' }, key: str('c1'), op: '=', expected: num('12') },
        { kind: 'ExpectValue', target: { text: 's' }, key: str('c1'), op: '=', expected: { kind: 'List', items: [ref('a'), ref('b')] } },
        { kind: 'ExpectValue', target: { text: 'p' }, key: str('c1'), op: '=', expected: { kind: 'List', items: [ref('o1')] } },
        { kind: 'ExpectOffers', target: { text: 'p' }, key: str('c1'), op: 'includes', offers: [{ text: 'x' }, { text: 'y' }] },
        { kind: 'ExpectOffers', target: { text: 'p' }, key: str('c1'), op: 'excludes', offers: [{ text: 'x' }] },
        { kind: 'ExpectEmpty', target: { text: 'p' }, key: str('c1'), negated: false },
        { kind: 'ExpectEmpty', target: { text: 'p' }, key: str('c1'), negated: true },
      ],
    });
  });

  it('keeps labels and documentation', () => {
    const decls = parseClean('/**\n * Lapsed.\n * Really.\n */\nsegment dormant "Lapsed customers" { x }\n\n// not a doc\n\nconst c = 1\ntable t {\n  // the e-mail\n  email text\n  age number // in years\n}');
    expect(decls[0]).toMatchObject({ doc: 'Lapsed.\nReally.', label: { value: 'Lapsed customers' } });
    expect(decls[1]?.doc).toBeUndefined();
    expect(strip(decls[2])).toMatchObject({ fields: [{ doc: 'the e-mail' }, { doc: 'in years' }] });
  });

  it('gives every node a span inside the text, covering its source', () => {
    const text = 'segment s "S" {\n  count(orders in last 90 days where x = 1) > 0 and product.category in ("a", "b")\n}';
    const { file } = parseFile('s.seg', text);
    const segment = file.declarations[0]!;
    expect(text.slice(segment.span.start, segment.span.end)).toBe(text);
    if (segment.kind !== 'Segment') throw new Error('segment expected');
    const cond = segment.condition;
    expect(text.slice(cond.span.start, cond.span.end)).toBe('count(orders in last 90 days where x = 1) > 0 and product.category in ("a", "b")');
    if (cond.kind !== 'Logical') throw new Error('logical expected');
    expect(text.slice(cond.right.span.start, cond.right.span.end)).toBe('product.category in ("a", "b")');
    const left = cond.left;
    if (left.kind !== 'Compare' || left.left.kind !== 'Aggregate') throw new Error('aggregate expected');
    expect(text.slice(left.left.span.start, left.left.span.end)).toBe('count(orders in last 90 days where x = 1)');
    expect(text.slice(left.left.window!.span.start, left.left.window!.span.end)).toBe('in last 90 days');
  });
});
