/**
 * Tests: an as-of time, fixture rows and expectations. Fixture values must be
 * literals of their field's type (a link takes the linked row's key); each
 * expectation must name the right kind of thing (a segment or plan for `in`,
 * a metric, strategy or plan for `=`, a plan for `includes`/`is empty`).
 */
import type { Expectation, Expr, FixtureRow, Name, OfferRef, StringLit, TestDecl } from '../syntax/ast';
import type { FieldDef, FixtureValue, PlanDef, TestDef, TestExpectationDef } from '../model/ir';
import { parseAsOf } from '../model/time-points';
import { type CheckContext, type DeclEntry, type DeclKind, kindPhrase } from './check-context';
import { closestName } from './did-you-mean';
import type { ExprLowerer } from './lower-expr';
import { reportEnumValue } from './lower-comparison';
import { checkOutcomeName } from './offer-checker';
import { checkOfferName } from './plan-checker';
import { symbolId } from './symbol-index';

interface TestContext {
  readonly lowerer: ExprLowerer;
  readonly ctx: CheckContext;
  readonly file: string;
  readonly plans: ReadonlyMap<string, PlanDef>;
  /** `"family:key"` offers named by expectations, checked against the fixture rows once all are read. */
  readonly familyOffers: FamilyOfferRef[];
}

interface FamilyOfferRef {
  readonly ref: StringLit;
  readonly source: string;
  readonly key: string;
}

export function checkTests(
  lowerer: ExprLowerer,
  tests: readonly { readonly file: string; readonly decl: TestDecl }[],
  plans: ReadonlyMap<string, PlanDef>,
): TestDef[] {
  const ctx = lowerer.ctx;
  const titles = new Map<string, { file: string; title: StringLit }>();
  const result: TestDef[] = [];
  for (const { file, decl } of tests) {
    const earlier = titles.get(decl.title.value);
    if (earlier) {
      ctx.report('SEG5008', file, decl.title.span, `Another test is already called ${decl.title.raw}; give each test its own title.`, {
        related: [{ file: earlier.file, span: earlier.title.span, message: 'The other test with this title' }],
      });
    } else titles.set(decl.title.value, { file, title: decl.title });
    const test = checkTest({ lowerer, ctx, file, plans, familyOffers: [] }, decl);
    if (test) result.push(test);
  }
  return result;
}

function checkTest(t: TestContext, decl: TestDecl): TestDef | undefined {
  const { ctx, file } = t;
  let asOf: string | undefined;
  let asOfSeen = false;
  const fixtures: TestDef['fixtures'][number][] = [];
  const expectations: TestExpectationDef[] = [];
  const keys = new Map<string, Map<FixtureValue, Expr>>();
  for (const item of decl.items) {
    switch (item.kind) {
      case 'AsOf':
        if (asOfSeen) {
          ctx.report('SEG5002', file, item.span, 'This test already has an `as of` time.');
          break;
        }
        asOfSeen = true;
        asOf = checkAsOf(t, item.value);
        break;
      case 'Fixture': {
        const row = checkFixture(t, item, keys);
        if (row) fixtures.push(row);
        break;
      }
      default: {
        const expectation = checkExpectation(t, item);
        if (expectation) expectations.push(expectation);
      }
    }
  }
  checkFamilyOfferRows(t, keys);
  if (!asOfSeen) {
    ctx.report('SEG5001', file, decl.title.span, 'This test has no `as of` time: add a line such as `as of 2026-11-22`.');
  }
  if (!asOf) return undefined;
  return { title: decl.title.value, origin: { file, span: decl.title.span }, asOf, fixtures, expectations };
}

function checkAsOf(t: TestContext, expr: Expr): string | undefined {
  const inner = unwrap(expr);
  if (inner.kind === 'Date' || inner.kind === 'Timestamp') {
    try {
      return parseAsOf(inner.value, t.ctx.timezone).toISOString();
    } catch {
      // reported below
    }
  }
  if (inner.kind !== 'Error') {
    t.ctx.report('SEG5002', t.file, expr.span, '`as of` needs a date or timestamp, such as `2026-11-22` or `2026-11-22T06:00:00Z`.');
  }
  return undefined;
}

function unwrap(expr: Expr): Expr {
  let inner = expr;
  while (inner.kind === 'Paren') inner = inner.inner;
  return inner;
}

function checkFixture(t: TestContext, row: FixtureRow, keys: Map<string, Map<FixtureValue, Expr>>): TestDef['fixtures'][number] | undefined {
  const { ctx, file } = t;
  const tableName = row.table.text;
  if (tableName === '') return undefined;
  const table = ctx.tables.get(tableName);
  if (!table) {
    const other = ctx.decls.get(tableName);
    if (other) ctx.report('SEG1006', file, row.table.span, `\`${tableName}\` is ${kindPhrase(other.kind)}, not a table.`);
    else {
      const best = closestName(tableName, [...ctx.tables.keys()]);
      ctx.report('SEG1004', file, row.table.span, `There is no table \`${tableName}\`${best ? `; did you mean \`${best}\`?` : '.'}`, {
        suggestions: best ? [ctx.replaceWith(file, row.table.span, best)] : [],
      });
    }
    return undefined;
  }
  if (!table.builtin) ctx.symbols.reference(file, row.table.span, symbolId('table', tableName));
  const values: Record<string, FixtureValue> = {};
  const given = new Map<string, Name>();
  let failed = false;
  for (const field of row.fields) {
    const name = field.name.text;
    if (name === '') continue;
    const def = table.fields[name];
    if (!def) {
      t.lowerer.resolver.reportUnknownField(field.name, table, file);
      failed = true;
      continue;
    }
    if (!table.builtin) ctx.symbols.reference(file, field.name.span, symbolId('field', name, tableName));
    const earlier = given.get(name);
    if (earlier) {
      ctx.report('SEG5005', file, field.name.span, `\`${name}\` is already given in this row.`, {
        related: [{ file, span: earlier.span, message: 'First given here' }],
      });
      failed = true;
      continue;
    }
    given.set(name, field.name);
    const value = fixtureValue(t, field.value, def, tableName);
    if (value === undefined) {
      failed = true;
      continue;
    }
    values[name] = value;
    if (name === table.key && value !== null) {
      const seen = keys.get(tableName) ?? new Map<FixtureValue, Expr>();
      keys.set(tableName, seen);
      const other = seen.get(value);
      if (other) {
        ctx.report('SEG5010', file, field.value.span, `Another \`${tableName}\` row in this test already has the key ${ctx.snippet(file, field.value.span)}.`, {
          related: [{ file, span: other.span, message: 'The other row with this key' }],
        });
        failed = true;
      } else seen.set(value, field.value);
    }
  }
  if (failed) return undefined;
  return { table: tableName, values, origin: { file, span: row.span } };
}

const EXAMPLES: Record<FieldDef['type'], string> = {
  text: '"some text"',
  number: '42',
  bool: 'true',
  date: '2026-03-01',
  timestamp: '2026-03-01 or 2026-03-01T09:30:00Z',
};

/** A literal of the field's type; dates in a timestamp field are kept as dates (the start of that day). */
function fixtureValue(t: TestContext, expr: Expr, field: FieldDef, table: string): FixtureValue | undefined {
  const inner = unwrap(expr);
  if (inner.kind === 'Error') return undefined;
  let value: FixtureValue | undefined;
  switch (field.type) {
    case 'text':
      if (inner.kind === 'String') value = inner.value;
      break;
    case 'number':
      if (inner.kind === 'Number' || inner.kind === 'Percent') value = inner.value;
      else if (inner.kind === 'Unary' && inner.op === '-' && inner.operand.kind === 'Number') value = -inner.operand.value;
      break;
    case 'bool':
      if (inner.kind === 'Bool') value = inner.value;
      break;
    case 'date':
      if (inner.kind === 'Date') value = inner.value;
      break;
    case 'timestamp':
      if (inner.kind === 'Date' || inner.kind === 'Timestamp') value = inner.value;
      break;
  }
  if (value === undefined) {
    const what = field.link ? `a link to \`${field.link.target}\`: give the linked row's key` : `${field.type}`;
    t.ctx.report(
      'SEG5004',
      t.file,
      expr.span,
      `\`${table}.${field.name}\` is ${what}, so its value must be written like ${EXAMPLES[field.type]}.`,
    );
    return undefined;
  }
  if (inner.kind === 'String' && field.values && !field.values.includes(inner.value)) {
    reportEnumValue(t.lowerer, inner, field.values, { kind: 'field', type: 'text', scope: 'event', table, path: [], field: field.name }, t.file);
    return undefined;
  }
  return value;
}

function customerKey(t: TestContext, expr: Expr): string | undefined {
  const inner = unwrap(expr);
  if (inner.kind === 'String') return inner.value;
  if (inner.kind === 'Number') return String(inner.value);
  if (inner.kind !== 'Error') t.ctx.report('SEG5009', t.file, expr.span, 'Name the customer by their key, as text: `"c1"`.');
  return undefined;
}

/** The declaration an expectation names, if it is one of the kinds wanted (reported otherwise). */
function target(t: TestContext, name: Name, kinds: readonly DeclKind[], what: string): DeclEntry | undefined {
  const { ctx, file } = t;
  if (name.text === '') return undefined;
  const entry = ctx.decls.get(name.text);
  if (entry && kinds.includes(entry.kind)) {
    ctx.symbols.reference(file, name.span, symbolId(entry.kind, entry.name));
    return entry;
  }
  if (entry) {
    ctx.report('SEG5006', file, name.span, `\`${name.text}\` is ${kindPhrase(entry.kind)}; this expectation needs ${what}.`);
    return undefined;
  }
  const candidates = [...ctx.decls.values()].filter((e) => kinds.includes(e.kind)).map((e) => e.name);
  const best = closestName(name.text, candidates);
  ctx.report('SEG1002', file, name.span, `There is no ${what.replace(/\ban? /g, '')} called \`${name.text}\`${best ? `; did you mean \`${best}\`?` : '.'}`, {
    suggestions: best ? [ctx.replaceWith(file, name.span, best)] : [],
  });
  return undefined;
}

function listItems(expr: Expr): Expr[] {
  const inner = unwrap(expr);
  return inner.kind === 'List' ? [...inner.items] : [inner];
}

/** An offer as an expected plan result lists it: a bare name or a `"family:key"` string. */
function offerRef(expr: Expr): OfferRef | undefined {
  const inner = unwrap(expr);
  if (inner.kind === 'String') return inner;
  return bareName(inner);
}

function bareName(expr: Expr): Name | undefined {
  const inner = unwrap(expr);
  return inner.kind === 'Ref' && inner.parts.length === 1 ? inner.parts[0] : undefined;
}

function checkExpectation(t: TestContext, item: Expectation): TestExpectationDef | undefined {
  const { ctx, file } = t;
  const origin = { file, span: item.span };
  const key = customerKey(t, item.key);
  switch (item.kind) {
    case 'ExpectMembership': {
      const entry = target(t, item.target, item.holdout ? ['plan'] : ['segment', 'plan'], item.holdout ? 'a plan (`in holdout of <plan>`)' : 'a segment or a plan');
      if (!entry || key === undefined) return undefined;
      return { kind: 'membership', key, negated: item.negated, holdout: item.holdout, target: entry.name, targetKind: entry.kind === 'plan' ? 'plan' : 'segment', origin };
    }
    case 'ExpectOffers':
    case 'ExpectEmpty': {
      const entry = target(t, item.target, ['plan'], 'a plan');
      const offers = item.kind === 'ExpectOffers' ? checkOffers(t, item.offers, entry?.name) : [];
      if (!entry || key === undefined || !offers) return undefined;
      const op = item.kind === 'ExpectOffers' ? item.op : item.negated ? 'isNotEmpty' : 'isEmpty';
      return { kind: 'planOffers', key, plan: entry.name, op, offers, origin };
    }
    case 'ExpectValue': {
      const entry = target(t, item.target, ['metric', 'strategy', 'plan'], 'a metric, a strategy or a plan');
      if (!entry) return undefined;
      if (entry.kind === 'metric') {
        const expected = metricValue(t, item.expected, entry.name);
        if (expected === undefined || key === undefined) return undefined;
        return { kind: 'metric', key, metric: entry.name, op: item.op, expected, origin };
      }
      if (item.op !== '=' && !(entry.kind === 'strategy' && item.op === '!=')) {
        ctx.report('SEG5007', file, item.span, `A ${entry.kind} result can only be compared with \`=\`${entry.kind === 'strategy' ? ' or `!=`' : ''}.`);
        return undefined;
      }
      if (entry.kind === 'plan') {
        const offers = checkOffers(t, listItems(item.expected).map(offerRef).filter((n): n is OfferRef => !!n), entry.name);
        if (listItems(item.expected).some((e) => !offerRef(e))) {
          ctx.report('SEG5007', file, item.expected.span, 'Expected offers are written as a list of offer names, such as `(welcome_10, winback_15)` or `(welcome_10, "category_coupons:C123")`.');
          return undefined;
        }
        if (!offers || key === undefined) return undefined;
        return { kind: 'planOffers', key, plan: entry.name, op: 'equals', offers, origin };
      }
      const items = listItems(item.expected);
      const names = items.map(bareName);
      if (items.length < 1 || items.length > 2 || names.some((n) => !n)) {
        ctx.report('SEG5007', file, item.expected.span, 'A strategy result is written `(primary, secondary)` or `(primary)`, using outcome names.');
        return undefined;
      }
      const outcomes = ctx.strategyOutcomes.get(entry.name) ?? [];
      const valid = names.every((n) => checkOutcomeName(ctx, file, n!, outcomes));
      if (!valid || key === undefined) return undefined;
      return {
        kind: 'strategy',
        key,
        strategy: entry.name,
        primary: names[0]!.text,
        ...(names[1] ? { secondary: names[1].text } : {}),
        negated: item.op === '!=',
        origin,
      };
    }
  }
}

function checkOffers(t: TestContext, refs: readonly OfferRef[], plan: string | undefined): string[] | undefined {
  const offers: string[] = [];
  let failed = false;
  const planDef = plan ? t.plans.get(plan) : undefined;
  for (const ref of refs) {
    const name = 'kind' in ref ? familyOfferName(t, ref) : ref;
    if (!name || !checkOfferName(t.ctx, t.file, name)) {
      failed = true;
      continue;
    }
    const family = 'kind' in ref ? t.ctx.decls.get(name.text) : undefined;
    if ('kind' in ref && family?.kind !== 'offerFamily') {
      t.ctx.report('SEG5007', t.file, ref.span, `\`${name.text}\` is a single offer: name it without quotes. A quoted offer is one offer of a family, \`"family:key"\`.`);
      failed = true;
      continue;
    }
    if (planDef && !planDef.offers.includes(name.text)) {
      t.ctx.report('SEG5011', t.file, name.span, `Plan \`${planDef.name}\` never considers \`${name.text}\`, so this expectation is decided in advance.`);
    } else if (family?.kind === 'offerFamily' && 'kind' in ref) {
      t.familyOffers.push({ ref, source: family.node.source.text, key: ref.value.slice(name.text.length + 1) });
    }
    offers.push('kind' in ref ? ref.value : name.text);
  }
  return failed ? undefined : offers;
}

/**
 * The family named by `"family:key"`, as a Name whose span covers the family part
 * inside the quotes when the string is written plainly (so go-to-definition and
 * rename see it); reported when the string is not `family:key`.
 */
function familyOfferName(t: TestContext, ref: StringLit): Name | undefined {
  const colon = ref.value.indexOf(':');
  if (colon <= 0 || colon === ref.value.length - 1) {
    t.ctx.report('SEG5007', t.file, ref.span, 'One offer of a family is written `"family:key"`, such as `"category_coupons:C123"`: the family\'s name, a colon, and the catalogue row\'s key.');
    return undefined;
  }
  const family = ref.value.slice(0, colon);
  const plain = ref.raw.slice(1, 1 + family.length) === family;
  const span = plain ? { start: ref.span.start + 1, end: ref.span.start + 1 + family.length } : ref.span;
  return { text: family, span };
}

/** A family offer whose catalogue row is not among the fixtures is never a candidate: the expectation is decided in advance. */
function checkFamilyOfferRows(t: TestContext, keys: ReadonlyMap<string, ReadonlyMap<FixtureValue, Expr>>): void {
  for (const { ref, source, key } of t.familyOffers) {
    const rows = keys.get(source);
    if (rows && [...rows.keys()].some((k) => String(k) === key)) continue;
    t.ctx.report('SEG5011', t.file, ref.span, `This test has no \`${source}\` row with key ${JSON.stringify(key)}, so ${ref.raw} is never offered and this expectation is decided in advance.`);
  }
}

function metricValue(t: TestContext, expr: Expr, metric: string): FixtureValue | undefined {
  const type = t.ctx.metricTypes.get(metric) ?? 'unknown';
  if (type === 'unknown') return undefined;
  const inner = unwrap(expr);
  const negative = inner.kind === 'Unary' && inner.op === '-' && inner.operand.kind === 'Number' ? -inner.operand.value : undefined;
  const value =
    type === 'number' && (inner.kind === 'Number' || inner.kind === 'Percent') ? inner.value
    : type === 'number' && negative !== undefined ? negative
    : type === 'text' && inner.kind === 'String' ? inner.value
    : type === 'bool' && inner.kind === 'Bool' ? inner.value
    : (type === 'date' || type === 'timestamp') && (inner.kind === 'Date' || (type === 'timestamp' && inner.kind === 'Timestamp')) ? inner.value
    : undefined;
  if (value === undefined && inner.kind !== 'Error') {
    t.ctx.report('SEG5007', t.file, expr.span, `Metric \`${metric}\` is ${type}, so the expected value must be written like ${EXAMPLES[type as FieldDef['type']] ?? 'a literal'}.`);
  }
  return value;
}
