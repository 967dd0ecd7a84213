/** `expect recency_days("c1") = 12` (and `!= < <= > >=`), by the metric's compiled SQL. */
import { describeIr, parseAsOf, type CompareOp, type ScalarType, type TestExpectationDef } from '@seg/core';
import { timestampTextToIso } from '../db/normalise-value';
import { showValue } from '../explain/explain-text';
import { PASSED, type Verdict } from './expectation-verdict';
import type { TestContext } from './test-context';

type MetricExpectation = Extract<TestExpectationDef, { kind: 'metric' }>;
type Comparable = number | string | boolean | null;

export async function evaluateMetric(t: TestContext, e: MetricExpectation): Promise<Verdict> {
  const def = t.ws.metrics[e.metric]!;
  const row = (await t.query(t.compiled.metric(e.metric))).find((r) => String(r.key) === e.key);
  const tz = t.ws.timezone;
  if (row && holds(comparable(row.value, def.type, tz, 'engine'), e.op, comparable(e.expected, def.type, tz, 'literal'))) return PASSED;
  const shown = row ? shownValue(row.value, def.type) : '';
  return {
    passed: false,
    found: row ? `found ${shown}` : `found: no ${t.ws.model.audience} row with that key`,
    decidedBy: [`${e.metric} = ${describeIr(def.expr)}`],
    explanation: row ? `${e.key}: ${e.metric} = ${shown} (as of ${t.asOf.toISOString()})\n` : `${e.key} is not a key of ${t.ws.model.audience}.\n`,
  };
}

/** Values as they compare: numbers, booleans, text; dates and times as epoch milliseconds. */
function comparable(value: unknown, type: ScalarType, timeZone: string, from: 'engine' | 'literal'): Comparable {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'number':
      return Number(value);
    case 'bool':
      return value === true || value === 1 || value === '1' || value === 'true' || value === 't';
    case 'text':
      return String(value);
    case 'date':
    case 'timestamp':
      return instant(value, timeZone, from);
  }
}

/**
 * An expected literal reads as in a rule (a date is the start of that day in the workspace
 * zone, a time without offset is wall-clock time there); an engine value is a date, UTC
 * timestamp text (no offset is UTC, as SQLite reads it), or epoch seconds.
 */
function instant(value: unknown, timeZone: string, from: 'engine' | 'literal'): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number') return value * 1000;
  const text = String(value);
  if (from === 'literal' || /^\d{4}-\d{2}-\d{2}$/.test(text)) return parseAsOf(text, timeZone).getTime();
  return Date.parse(timestampTextToIso(text));
}

function holds(found: Comparable, op: CompareOp, expected: Comparable): boolean {
  if (found === null || expected === null) return false;
  if (typeof found === 'number' && typeof expected === 'number') {
    // Engines add doubles in their own order: equal within a relative 1e-9.
    const close = Math.abs(found - expected) <= 1e-9 * Math.max(1, Math.abs(found), Math.abs(expected));
    if (op === '=') return close;
    if (op === '!=') return !close;
  }
  switch (op) {
    case '=':
      return found === expected;
    case '!=':
      return found !== expected;
    case '<':
      return found < expected;
    case '<=':
      return found <= expected;
    case '>':
      return found > expected;
    case '>=':
      return found >= expected;
  }
}

function shownValue(value: unknown, type: ScalarType): string {
  if (value === null || value === undefined) return 'missing';
  if (type === 'timestamp' && typeof value === 'string') return timestampTextToIso(value);
  if (type === 'text') return JSON.stringify(String(value));
  if (type === 'bool') return String(comparable(value, type, 'UTC', 'engine'));
  return showValue(value);
}
