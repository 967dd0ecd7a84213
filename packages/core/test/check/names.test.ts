import { describe, expect, it } from 'vitest';
import { applySuggestion, check, codes, MODEL, only, summary } from './support';

describe('unknown names', () => {
  it('says which table lacks a field and suggests the closest one', () => {
    const rules = 'metric spend = sum(orders.totl)\n';
    const result = check(rules);
    expect(summary(result)).toEqual(['SEG1003 rules.seg 1:27-1:31']);
    const diagnostic = only(result);
    expect(diagnostic.message).toContain('`totl` is not a field of `orders`; did you mean `total`?');
    expect(diagnostic.suggestions).toEqual([
      { title: 'Change to `total`', file: 'rules.seg', span: { start: 26, end: 30 }, replacement: 'total' },
    ]);
    const fixed = applySuggestion({ 'model.seg': MODEL, 'rules.seg': rules }, diagnostic);
    expect(check(fixed, { model: false }).diagnostics).toEqual([]);
  });

  it('suggests audience fields, metrics and segments for a bare name', () => {
    const rules = 'metric spend = sum(orders.total)\nsegment big {\n  spnd > 100 and predicted_clvv > 5\n}\n';
    const result = check(rules);
    expect(summary(result)).toEqual(['SEG1002 rules.seg 3:3-3:7', 'SEG1002 rules.seg 3:18-3:32']);
    const files = { 'model.seg': MODEL, 'rules.seg': rules };
    const first = applySuggestion(files, result.diagnostics[1]!);
    const second = applySuggestion(first, check(first, { model: false }).diagnostics[0]!);
    expect(second['rules.seg']).toContain('spend > 100 and predicted_clv > 5');
    expect(check(second, { model: false }).diagnostics).toEqual([]);
  });

  it('resolves event fields first inside an aggregate, and follows links', () => {
    const rules = [
      'segment web_buyers { count(orders where chanel = "web") > 0 }',
      'segment babies { any(order_lines where product.categry = "Baby") }',
      'segment ok { any(order_lines where product.category = "Baby" and order.channel = "web") }',
      '',
    ].join('\n');
    const result = check(rules);
    expect(summary(result)).toEqual(['SEG1002 rules.seg 1:41-1:47', 'SEG1003 rules.seg 2:48-2:55']);
    expect(result.diagnostics.map((d) => d.suggestions?.[0]?.replacement)).toEqual(['channel', 'category']);
  });

  it('says when a dotted name goes through something that is not a link', () => {
    const result = check('segment s { any(orders where total.amount > 1) }\n');
    expect(summary(result)).toEqual(['SEG1014 rules.seg 1:36-1:42']);
  });

  it('rejects plan-only names elsewhere', () => {
    const result = check('segment s { offer.value > 1 }\nsegment t { primary = primary }\n');
    expect(codes(result)).toEqual(['SEG1013', 'SEG1013', 'SEG1013']);
  });

  it('names the kind of a name used as a value', () => {
    const result = check('segment s { orders > 1 }\n');
    expect(summary(result)).toEqual(['SEG1006 rules.seg 1:13-1:19']);
  });

  it('suggests a function name', () => {
    const result = check('metric r = quintle(predicted_clv)\n');
    expect(summary(result)).toEqual(['SEG1007 rules.seg 1:12-1:19']);
    expect(only(result).suggestions?.[0]?.replacement).toBe('quintile');
  });

  it('makes customers.email always the audience field, even inside an aggregate', () => {
    const rules = 'table notes { customer -> customers on customer_id\n  email text }\nsegment s { any(notes where email = customers.email) }\n';
    const result = check(rules);
    // `email` inside the aggregate is the note's field, which hides the customer's: a warning that suggests qualifying it.
    expect(summary(result)).toEqual(['SEG1005 rules.seg 3:29-3:34']);
    const fixed = applySuggestion({ 'model.seg': MODEL, 'rules.seg': rules }, only(result));
    expect(fixed['rules.seg']).toContain('where notes.email = customers.email');
    const clean = check(fixed, { model: false });
    expect(clean.diagnostics).toEqual([]);
    const segment = clean.workspace!.segments.s!.condition;
    expect(segment).toMatchObject({
      kind: 'aggregate',
      where: {
        left: { kind: 'field', scope: 'event', table: 'notes', field: 'email' },
        right: { kind: 'field', scope: 'audience', table: 'customers', field: 'email' },
      },
    });
  });

  it('warns once when a declaration hides an audience field', () => {
    const result = check('metric country = 1\nsegment s { country = 1 and customers.country = "AU" }\n');
    expect(summary(result)).toEqual(['SEG1005 rules.seg 1:8-1:15']);
    expect(result.workspace).toBeDefined();
  });
});

describe('duplicate declarations', () => {
  it('reports each place and points at the other, across files', () => {
    const files = {
      'a.seg': 'segment vip { predicted_clv > 1 }\n',
      'b.seg': '\nmetric vip = 2\n',
    };
    const result = check(files);
    expect(summary(result)).toEqual(['SEG1001 a.seg 1:9-1:12', 'SEG1001 b.seg 2:8-2:11']);
    const [a, b] = result.diagnostics;
    expect(a!.related).toEqual([{ file: 'b.seg', span: { start: 8, end: 11 }, message: expect.any(String) }]);
    expect(b!.related).toEqual([{ file: 'a.seg', span: { start: 8, end: 11 }, message: expect.any(String) }]);
    expect(result.workspace).toBeUndefined();
  });

  it('treats tables, offers and plans as one namespace', () => {
    const result = check('segment orders { predicted_clv > 1 }\n');
    expect(summary(result)).toEqual(['SEG1001 model.seg 11:7-11:13', 'SEG1001 rules.seg 1:9-1:15']);
  });
});

describe('cycles', () => {
  it('names the cycle at each member', () => {
    const rules = 'metric a = b + 1\nmetric b = c * 2\nmetric c = a\nmetric d = a\n';
    const result = check(rules);
    expect(summary(result)).toEqual(['SEG1008 rules.seg 1:8-1:9', 'SEG1008 rules.seg 2:8-2:9', 'SEG1008 rules.seg 3:8-3:9']);
    expect(result.diagnostics.map((d) => d.message)).toEqual([
      expect.stringContaining('a → b → c → a'),
      expect.stringContaining('b → c → a → b'),
      expect.stringContaining('c → a → b → c'),
    ]);
  });

  it('finds cycles through segments and constants, and self-reference', () => {
    const result = check('segment s { t }\nsegment t { not s }\nconst k = k\n');
    expect(codes(result)).toEqual(['SEG1008', 'SEG1008', 'SEG1008']);
    expect(result.diagnostics[2]!.message).toContain('k → k');
  });

  it('does not mistake an event field for a metric of the same name', () => {
    // `total` inside the aggregate is the order's field, not the metric: no cycle, only a shadowing warning.
    const result = check('metric total = sum(orders.total where total > 0)\n');
    expect(codes(result)).toEqual(['SEG1005']);
    expect(result.workspace!.evaluationOrder).toEqual([{ kind: 'metric', name: 'total' }]);
  });
});

describe('several mistakes in one file', () => {
  it('reports all three, in order', () => {
    const rules = [
      'metric spend = sum(orders.totl in last 90 days)',
      'segment big { predicted_clv > "lots" }',
      'segment web { any(orders where channel = "webb") }',
      '',
    ].join('\n');
    const result = check(rules);
    expect(summary(result)).toEqual(['SEG1003 rules.seg 1:27-1:31', 'SEG2001 rules.seg 2:15-2:37', 'SEG2007 rules.seg 3:42-3:48']);
    expect(result.diagnostics[2]!.suggestions?.[0]?.replacement).toBe('"web"');
  });
});
