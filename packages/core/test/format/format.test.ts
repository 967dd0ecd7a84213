import { describe, expect, it } from 'vitest';
import { formatFile, formatSource } from '../../src/format/format';
import { parseFile } from '../../src/syntax/parse';
import { retailExamples, shape } from '../support/syntax-helpers';

/** Formats text that must be clean. */
function fmt(text: string): string {
  const result = formatSource('t.seg', text);
  if (result.text === undefined) throw new Error(`syntax errors: ${result.diagnostics.map((d) => d.message).join(' | ')}`);
  return result.text;
}

/** The two guarantees: a fixed point after one pass, and the same tree (and comments) as the input. */
function expectStable(text: string): void {
  const once = fmt(text);
  expect(fmt(once)).toBe(once);
  expect(shape(parseFile('t.seg', once).file)).toEqual(shape(parseFile('t.seg', text).file));
}

describe('formatter on the retail examples', () => {
  for (const [name, text] of Object.entries(retailExamples())) {
    it(`${name}: idempotent and tree-preserving`, () => expectStable(text));
  }

  it('leaves files already in the canonical style untouched', () => {
    const examples = retailExamples();
    for (const name of ['offers.seg', 'plans.seg', 'strategies.seg', 'tests.seg']) expect(fmt(examples[name]!), name).toBe(examples[name]);
  });

  it('aligns field types and trailing comments in tables', () => {
    const out = fmt(retailExamples()['model.seg']!);
    expect(out).toContain(
      [
        '  predicted_clv   number  // predicted customer lifetime value, from the data team',
        '  churn_risk      number  // 0..1, from the data team',
        '  owns_card       bool    // holds the store credit card',
        '  owns_insurance  bool',
      ].join('\n'),
    );
    expect(out).toContain('table order_lines {\n  order     -> orders on order_id\n  product   -> products on sku\n');
  });
});

describe('formatter on messy input', () => {
  const messy = `// header comment


audience   customers
table customers key customer_id {
 email text   // the address
      predicted_clv     number
  // a doc comment
  country text in ("AU","NZ")   as "Country Code"
}
const   a=1
const b = 2 // trailing on const


const c = 3
/* block
   comment */
segment   s   "Label \\u{41}"{count(orders)>0
   and   x    between 1 and 5 // inner
   and not(y)
}
segment blocks { all of {
x>1 // first
  (a or b)
any of { c
d }
    }
}
plan p{audience x
channel email // the channel


  top 8 per customer
  output table t with a,b
  // dangling in body
}
strategy st { primary { when a then b
else c } }
test "t" { as of 2026-11-22
customers { customer_id: "c1",
  age: -3 }
  expect p("c1") = (x,y)
  expect p("c1") includes   "fam:C1",x
}
// trailing file comment`;

  it('prints the one canonical style', () => {
    expect(fmt(messy)).toBe(`// header comment

audience customers

table customers key customer_id {
  email          text  // the address
  predicted_clv  number
  // a doc comment
  country        text in ("AU", "NZ") as "Country Code"
}

const a = 1
const b = 2  // trailing on const

const c = 3

/* block
   comment */
segment s "Label A" {
  // inner
  count(orders) > 0 and x between 1 and 5 and not (y)
}

segment blocks {
  all of {
    x > 1  // first
    (a or b)
    any of {
      c
      d
    }
  }
}

plan p {
  audience x
  channel email  // the channel

  top 8 per customer
  output table t with a, b
  // dangling in body
}

strategy st {
  primary {
    when a then b
    else c
  }
}

test "t" {
  as of 2026-11-22
  customers { customer_id: "c1", age: -3 }
  expect p("c1") = (x, y)
  expect p("c1") includes "fam:C1", x
}
// trailing file comment
`);
    expectStable(messy);
  });

  it('keeps all of blocks multi-line wherever they appear', () => {
    expect(fmt('offer o { eligible a and all of { b c } or d }')).toBe('offer o {\n  eligible a and all of {\n    b\n    c\n  } or d\n}\n');
    expectStable('metric m = (all of { a b })');
  });

  it('re-escapes strings canonically and keeps numbers as written', () => {
    expect(fmt('metric m = "tab\\there \\u{22} \\u{1F600}" + 3.50 + 0.250 + 10%')).toBe('metric m = "tab\\there \\" 😀" + 3.50 + 0.250 + 10%\n');
    expectStable('metric m = "a\\\\b\\nc" = "\\u{7}"');
  });

  it('keeps parentheses, negative numbers and every expression form', () => {
    const source = `segment s {
  (a or b) and not (c) and -x < -3 and y not in ("a") and z is not missing and e contains "x" and n starts with "B"
  and t in last 12 hours and u < 2 weeks ago and v between today and now and w not between 1 and 2
  and count(o from 1 year ago to 6 months ago where k = 1) > sum(o.t between 2026-01-01 and 2026-03-31)
  and quintile(r desc) = 5 and m[offer.category] = 2026-01-01T06:00:00Z
}`;
    expectStable(source.replace('\n  and', ' and').replace('\n  and', ' and').replace('\n  and', ' and'));
    expect(fmt('segment s { x>1 }')).toBe('segment s {\n  x > 1\n}\n');
  });

  it('keeps comments in every position', () => {
    const source = `/* top */ segment s { // after brace
  // before condition
  a /* inside */ and b // after condition
  // before close
} // after close

plan p { // plan
  channel email
}`;
    const out = fmt(source);
    for (const comment of ['/* top */', '// after brace', '// before condition', '/* inside */', '// after condition', '// before close', '// after close', '// plan']) {
      expect(out).toContain(comment);
    }
    expectStable(source);
  });

  it('keeps adjacent one-line declarations together and separates the rest', () => {
    expect(fmt('const a = 1\nconst b = 2\nsegment s { x }\nmetric m = 1\n\n\nmetric n = 2')).toBe(
      'const a = 1\nconst b = 2\n\nsegment s {\n  x\n}\n\nmetric m = 1\n\nmetric n = 2\n',
    );
  });

  it('prints an empty or comment-only file', () => {
    expect(fmt('')).toBe('');
    expect(fmt('  \n\n')).toBe('');
    expect(fmt('// only a comment\n')).toBe('// only a comment\n');
  });

  it('refuses to format a file with syntax errors', () => {
    const result = formatSource('t.seg', 'segment s {\n  x >\n}');
    expect(result.text).toBeUndefined();
    expect(result.diagnostics.map((d) => d.code)).toEqual(['SEG0006']);
  });

  it('formats a parsed tree directly', () => {
    const { file } = parseFile('t.seg', 'metric   m=1');
    expect(formatFile(file)).toBe('metric m = 1\n');
  });
});
