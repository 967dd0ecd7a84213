import { describe, expect, it } from 'vitest';
import { SYNTAX_CODES } from '../../src/diagnostics/syntax-codes';
import { parseFile } from '../../src/syntax/parse';
import { errorsOf } from '../support/syntax-helpers';

describe('syntax errors are reported where they are, each once', () => {
  it('reports three unrelated mistakes in one file, all three in place', () => {
    const text = [
      'segment dormant {', //                1
      '  count(orders) > 0', //              2  (missing `}`)
      '', //                                 3
      'metric spend = sum(orders.total in last 90 dayz)', // 4  unknown unit
      '', //                                 6
      'plan weekly {', //                    6
      '  audience email_opt_in', //          7
      '  frequency 3', //                    8  not a plan property
      '  channel email', //                  9
      '}', //                                10
    ].join('\n');
    expect(errorsOf(text)).toEqual(['SEG0002@2:20', 'SEG0015@4:44', 'SEG0005@8:3']);
  });

  it('names the unclosed declaration and the line it was opened on', () => {
    const text = 'segment a { x }\n\nsegment dormant {\n  x > 1\n\nsegment c { y }\n';
    const { diagnostics } = parseFile('t.seg', text);
    expect(diagnostics.map((d) => d.code)).toEqual(['SEG0002']);
    expect(diagnostics[0]!.message).toContain('segment `dormant`');
    expect(diagnostics[0]!.message).toContain('line 3');
    // The declarations before and after the mistake are still there.
    expect(parseFile('t.seg', text).file.declarations.map((d) => ('name' in d ? d.name.text : ''))).toEqual(['a', 'dormant', 'c']);
  });

  it('keeps parsing a body after a broken line', () => {
    const text = 'test "t" {\n  expect "c1" dormant\n  expect x = 3\n  expect m("c1") = 3\n}';
    const { file, diagnostics } = parseFile('t.seg', text);
    expect(errorsOf(text)).toEqual(['SEG0001@2:15', 'SEG0021@3:10']);
    expect(diagnostics).toHaveLength(2);
    const test = file.declarations[0];
    expect(test?.kind === 'Test' && test.items.map((i) => i.kind)).toEqual(['ExpectValue']);
  });

  it('reports lexical problems with their exact place', () => {
    expect(errorsOf('metric a = "abc\\q"')).toEqual(['SEG0011@1:16']);
    expect(errorsOf('metric a = "\\u{110000}"')).toEqual(['SEG0011@1:13']);
    expect(errorsOf('metric a = "open\nmetric b = 2')).toEqual(['SEG0010@1:12']);
    // The skipped `@` is the one mistake: `a b` is not also reported as two conditions.
    expect(errorsOf('segment s { a @ b }')).toEqual(['SEG0013@1:15']);
    expect(errorsOf('segment s { a } /* never closed\nsegment t { b }')).toEqual(['SEG0012@1:17']);
    expect(errorsOf('const d = 2026-02-30\nconst e = 2026-13-01\nconst t = 2026-01-01T25:00:00Z')).toEqual([
      'SEG0014@1:11',
      'SEG0014@2:11',
      'SEG0014@3:11',
    ]);
  });

  it('reports mistakes in declarations', () => {
    expect(errorsOf('metric = 3')).toEqual(['SEG0007@1:8']);
    expect(errorsOf('metric m 3')).toEqual(['SEG0001@1:10']);
    expect(errorsOf('segment s {\n  x >\n}')).toEqual(['SEG0006@2:6']);
    expect(errorsOf('metric m = f(x) + (1 + 2')).toEqual(['SEG0003@1:25']);
    expect(errorsOf('metric m = min(1 2)')).toEqual(['SEG0001@1:18']);
    expect(errorsOf('table t {\n  a texty\n  b -> c\n  d number\n}')).toEqual(['SEG0016@2:5', 'SEG0001@3:9']);
    expect(errorsOf('plan p {\n  output json "x"\n}')).toEqual(['SEG0001@2:10']);
    expect(errorsOf('segment s {\n  a\n  b\n}')).toEqual(['SEG0017@3:3']);
    expect(errorsOf('segment s {\n}')).toEqual(['SEG0022@1:1']);
    expect(errorsOf('metric m = sum(orders.total * 2)')).toEqual(['SEG0018@1:16']);
    expect(errorsOf('metric m = round(x where y)')).toEqual(['SEG0019@1:20']);
    expect(errorsOf('strategy s {\n  primary { else a }\n  primary { else b }\n}')).toEqual(['SEG0020@3:3']);
    expect(errorsOf('strategy s {\n  primary {\n    when a then\n    else b\n  }\n}')).toEqual(['SEG0007@3:16']);
  });

  it('takes a word after a number for a unit only when it reads like one', () => {
    expect(errorsOf('plan p {\n  top 8 customer\n}')).toEqual(['SEG0001@2:9']);
    expect(errorsOf('metric m = count(orders in last 5 mins)')).toEqual(['SEG0015@1:35']);
    expect(parseFile('t.seg', 'metric m = count(orders in last 5 mins)').diagnostics[0]?.suggestions).toBeUndefined();
  });

  it('reports stray text between declarations', () => {
    expect(errorsOf('}\nsegment s { a }\nfoo bar\nsegment t { b } }')).toEqual(['SEG0001@1:1', 'SEG0004@3:1', 'SEG0001@4:17']);
  });

  it('uses only documented codes', () => {
    const inputs = ['segment {', 'metric m = (', 'plan p { top }', 'x', 'test { }', '"', 'table t { a -> }', 'offer o { valid }'];
    for (const input of inputs) {
      for (const d of parseFile('t.seg', input).diagnostics) expect(SYNTAX_CODES[d.code], `${d.code} for ${input}`).toBeDefined();
    }
  });

  it('suggests the fix for a misspelt unit or type', () => {
    const unit = parseFile('t.seg', 'metric m = count(orders in last 3 dayz)').diagnostics[0];
    expect(unit?.suggestions?.[0]?.replacement).toBe('days');
    const type = parseFile('t.seg', 'table t {\n  a string\n}').diagnostics[0];
    expect(type?.suggestions?.[0]?.replacement).toBe('text');
  });
});
