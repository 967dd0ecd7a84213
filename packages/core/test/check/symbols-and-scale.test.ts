import { describe, expect, it } from 'vitest';
import { checkParsedFiles, checkWorkspace } from '../../src/check/check-workspace';
import { parseFile } from '../../src/syntax/parse';
import { declarationsOf, referencesTo, symbolAt } from '../../src/check/symbol-index';
import { check, MODEL } from './support';

describe('the symbol index', () => {
  const rules = [
    '// Big spenders.',
    'metric spend "Spend" = sum(orders.total)',
    'segment big { spend > 100 and any(order_lines where product.category = "Baby") }',
    'offer o {\n  eligible big\n}',
    'plan p {\n  offers o\n  output table out with spend\n}',
    '',
  ].join('\n');
  const result = check(rules);
  const { symbols } = result;

  it('records declarations with their name, span, label and doc', () => {
    const [spend] = declarationsOf(symbols, 'metric:spend');
    expect(spend).toMatchObject({ kind: 'metric', file: 'rules.seg', label: 'Spend', doc: 'Big spenders.' });
    expect(rules.slice(spend!.nameSpan.start, spend!.nameSpan.end)).toBe('spend');
    expect(rules.slice(spend!.span.start, spend!.span.end)).toBe('metric spend "Spend" = sum(orders.total)');
    const [category] = declarationsOf(symbols, 'field:products.category');
    expect(category).toMatchObject({ file: 'model.seg', table: 'products', detail: 'text in ("Baby", "Toys", "Outdoor")' });
  });

  it('records every reference so rename can replace each one', () => {
    const spends = referencesTo(symbols, 'metric:spend');
    expect(spends).toHaveLength(2);
    for (const ref of spends) expect(rules.slice(ref.span.start, ref.span.end)).toBe('spend');
    expect(referencesTo(symbols, 'segment:big')).toHaveLength(1);
    expect(referencesTo(symbols, 'offer:o')).toHaveLength(1);
    const links = referencesTo(symbols, 'field:order_lines.product').filter((r) => r.file === 'rules.seg');
    expect(links.map((r) => rules.slice(r.span.start, r.span.end))).toEqual(['product']);
  });

  it('finds the symbol under the cursor, on a reference or on a declaration', () => {
    expect(symbolAt(symbols, 'rules.seg', rules.indexOf('orders.total') + 8)?.id).toBe('field:orders.total');
    expect(symbolAt(symbols, 'rules.seg', rules.indexOf('orders.total') + 2)?.id).toBe('table:orders');
    expect(symbolAt(symbols, 'rules.seg', rules.indexOf('big {') + 1)?.id).toBe('segment:big');
    expect(symbolAt(symbols, 'model.seg', MODEL.indexOf('total'))?.id).toBe('field:orders.total');
  });

  it('is returned even when there are errors', () => {
    const broken = check('metric spend = sum(orders.totl)\nsegment big { spend > 1 }\n');
    expect(broken.workspace).toBeUndefined();
    expect(referencesTo(broken.symbols, 'metric:spend')).toHaveLength(1);
  });
});

/** A workspace of about `lines` lines: a model plus blocks of metrics, segments, strategies, offers, plans and tests. */
function bigWorkspace(blocks: number): Record<string, string> {
  const files: Record<string, string> = { 'model.seg': MODEL };
  for (let file = 0; file < 10; file++) {
    const parts: string[] = [];
    for (let b = 0; b < blocks / 10; b++) {
      const i = file * 1000 + b;
      const previous = b > 0 ? `m${i - 1}` : 'predicted_clv';
      parts.push(
        `// Block ${i}.`,
        `metric m${i} = sum(orders.total in last ${(i % 12) + 1} months where channel in ("web", "app")) + ${previous}`,
        `metric q${i} = quintile(m${i} desc)`,
        `segment s${i} "Segment ${i}" {`,
        `  all of {`,
        `    q${i} >= 3`,
        `    any(order_lines in last 90 days where product.category = "Baby")`,
        `    signup_at < 30 days ago`,
        `  }`,
        `}`,
        `strategy st${i} {`,
        `  primary {`,
        `    when s${i} then grow`,
        `    else keep`,
        `  }`,
        `  secondary { else keep }`,
        `}`,
        `offer o${i} {`,
        `  category "Baby"`,
        `  strategy grow`,
        `  eligible s${i} and not email_opt_in`,
        `  score 0.5 + 0.1 * q${i}`,
        `}`,
        `plan p${i} {`,
        `  offers o${i}`,
        `  strategy st${i}`,
        `  boost 1.5 when offer.strategy = primary`,
        `  top 2 per customer`,
        `}`,
        '',
      );
    }
    files[`rules-${file}.seg`] = parts.join('\n');
  }
  return files;
}

describe('scale', () => {
  it('checks a 10,000-line workspace well under a second', () => {
    const files = bigWorkspace(340);
    const lines = Object.values(files).reduce((n, text) => n + text.split('\n').length, 0);
    expect(lines).toBeGreaterThan(10_000);
    checkWorkspace({ files: { 'model.seg': MODEL, 'warm.seg': files['rules-0.seg']!.slice(0, 2000) } }); // warm up
    const parseStart = performance.now();
    const parsed = Object.entries(files).map(([path, text]) => parseFile(path, text));
    const parsing = performance.now() - parseStart;
    const start = performance.now();
    const result = checkParsedFiles(parsed);
    const checking = performance.now() - start;
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(Object.keys(result.workspace!.metrics)).toHaveLength(680);
    expect(result.workspace!.evaluationOrder).toHaveLength(1020);
    console.log(`${lines} lines: parsed in ${parsing.toFixed(0)} ms, checked in ${checking.toFixed(0)} ms`);
    // The checker alone; typically ~100 ms. Generous because CI machines are shared.
    expect(checking).toBeLessThan(1000);
  });
});
