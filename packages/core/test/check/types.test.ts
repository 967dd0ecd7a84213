import { describe, expect, it } from 'vitest';
import { applySuggestion, check, codes, MODEL, only, summary } from './support';

describe('type errors', () => {
  it('refuses to compare text with a number', () => {
    const result = check('segment s { country = 5 }\n');
    expect(summary(result)).toEqual(['SEG2001 rules.seg 1:13-1:24']);
  });

  it('refuses to add up a text field', () => {
    const result = check('metric m = sum(orders.channel)\n');
    expect(summary(result)).toEqual(['SEG2003 rules.seg 1:16-1:30']);
  });

  it('requires a segment body to be a condition', () => {
    const result = check('segment s { predicted_clv * 2 }\n');
    expect(summary(result)).toEqual(['SEG2002 rules.seg 1:13-1:30']);
  });

  it('requires conditions on both sides of and/or', () => {
    const result = check('segment s { email_opt_in and predicted_clv }\n');
    expect(summary(result)).toEqual(['SEG2002 rules.seg 1:30-1:43']);
  });

  it('refuses a time window on events without time', () => {
    const rules = 'table notes { customer -> customers on customer_id\n  body text }\nmetric n = count(notes in last 30 days)\nmetric f = first(notes.body)\n';
    const result = check(rules);
    expect(summary(result)).toEqual(['SEG2005 rules.seg 3:24-3:39', 'SEG2005 rules.seg 4:12-4:17']);
  });

  it('refuses `in last` on a value that is not a time', () => {
    const result = check('segment s { predicted_clv in last 30 days }\n');
    expect(summary(result)).toEqual(['SEG2006 rules.seg 1:13-1:26']);
  });

  it('checks text against an enumerated field and suggests the declared value', () => {
    const rules = 'segment s { any(orders where channel in ("web", "Store")) }\n';
    const result = check(rules);
    expect(summary(result)).toEqual(['SEG2007 rules.seg 1:49-1:56']);
    const fixed = applySuggestion({ 'model.seg': MODEL, 'rules.seg': rules }, only(result));
    expect(fixed['rules.seg']).toContain('("web", "store")');
    expect(check(fixed, { model: false }).diagnostics).toEqual([]);
  });

  it('refuses aggregates over the audience itself and over lookup tables', () => {
    const result = check('metric a = count(customers)\nmetric b = count(products)\n');
    expect(summary(result)).toEqual(['SEG2011 rules.seg 1:18-1:27', 'SEG2011 rules.seg 2:18-2:26']);
  });

  it('wants a field for sum and none for count', () => {
    const result = check('metric a = sum(orders)\nmetric b = count(orders.total)\n');
    expect(summary(result)).toEqual(['SEG2004 rules.seg 1:16-1:22', 'SEG2004 rules.seg 2:18-2:30']);
  });

  it('checks function arguments', () => {
    const result = check('metric a = days_since(predicted_clv)\nmetric b = round(1, 2, 3)\nmetric c = abs(email)\n');
    expect(codes(result)).toEqual(['SEG2003', 'SEG2008', 'SEG2003']);
  });

  it('allows `desc` only in rankings', () => {
    const result = check('metric a = abs(predicted_clv desc)\n');
    expect(codes(result)).toEqual(['SEG2016']);
  });

  it('allows entered/left only in a plan audience', () => {
    const result = check('segment lapsed { predicted_clv < 1 }\nsegment s { entered(lapsed) }\n');
    expect(summary(result)).toEqual(['SEG2012 rules.seg 2:13-2:20']);
  });

  it('refuses a duration on its own', () => {
    const result = check('segment s { signup_at < 30 days }\n');
    expect(summary(result)).toEqual(['SEG2017 rules.seg 1:25-1:32']);
  });

  it('refuses ordering comparisons on conditions', () => {
    const result = check('segment s { email_opt_in < true }\n');
    expect(codes(result)).toEqual(['SEG2018']);
  });

  it('warns about a window that ends before it starts', () => {
    const result = check('metric m = count(orders from 30 days ago to 90 days ago)\n');
    expect(summary(result)).toEqual(['SEG2019 rules.seg 1:25-1:56']);
    expect(result.workspace).toBeDefined();
  });

  it('requires maps to be looked up with a key of the right type', () => {
    const rules = 'map m { "a" -> ("b") }\nsegment s { country in m }\nsegment t { country in m[1] }\n';
    const result = check(rules);
    expect(codes(result)).toEqual(['SEG2014', 'SEG2014']);
  });

  it('requires constants and list items to be fixed values', () => {
    const result = check('const c = predicted_clv\nlist l = ("a", 1)\n');
    expect(codes(result)).toEqual(['SEG2009', 'SEG2015']);
  });

  it('requires window bounds to be points in time', () => {
    const result = check('metric m = count(orders from 5 to today)\n');
    expect(summary(result)).toEqual(['SEG2010 rules.seg 1:30-1:31']);
  });

  it('requires a metric to be one value', () => {
    const result = check('list l = ("a")\nmetric m = l\n');
    expect(summary(result)).toEqual(['SEG2013 rules.seg 2:12-2:13']);
  });

  it('refuses a map key given twice', () => {
    const result = check('map m {\n  "a" -> ("b")\n  "a" -> ("c")\n}\n');
    expect(summary(result)).toEqual(['SEG2020 rules.seg 3:3-3:6']);
  });

  it('reports one error for one mistake, not a cascade', () => {
    const result = check('metric a = sum(orders.nope)\nmetric b = a * 2\nsegment s { b > 1 and a > 2 }\n');
    expect(codes(result)).toEqual(['SEG1003']);
  });
});
