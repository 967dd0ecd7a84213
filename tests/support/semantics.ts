/**
 * The semantic suites' harness: one corpus of rules and rows, run as compiled SQL
 * on every engine and by the reference evaluator, compared with each other and with
 * expectations worked out by hand.
 *
 *   const corpus = defineCorpus({ model: RETAIL_MODEL, data: ROWS });
 *   describe.each(testEngines())('$label', (engine) => {
 *     const run = corpus.on(engine);           // opens once, loads the rows once
 *     it('…', () => run.segment('count(orders) > 2', '2026-03-31', ['c1']));
 *   });
 *
 * Each rule is checked as its own workspace (the model, the corpus's shared
 * declarations, and the rule), so one rule the checker rejects fails one test only.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import { checkWorkspace } from '../../packages/core/src/check/check-workspace';
import type { CheckedWorkspace, ScalarType } from '../../packages/core/src/model/ir';
import { parseAsOf } from '../../packages/core/src/model/time-points';
import { bindParameters, compileCount, compileMetric, compileSegment } from '../../packages/compiler/src/index';
import type { Database } from '../../packages/runtime/src/db/database';
import { createSchema, insertFixtures } from '../../packages/runtime/src/fixtures';
import type { TestEngine } from '../../packages/runtime/test/support/engines';
import { instantMs, ReferenceEvaluator, type Dataset } from '../reference/evaluator';

export type MetricValue = number | string | boolean | null;

export interface CorpusOptions {
  /** The data model (and anything else every rule may use: consts, lists, maps, shared metrics). */
  readonly model: string;
  readonly data: Dataset;
  /** Workspace time zone; default UTC. */
  readonly timezone?: string;
}

const RULE = 'rule_under_test';

/** Checks sources, failing with the diagnostics when there are errors. */
export function checked(files: Readonly<Record<string, string>>, timezone?: string): CheckedWorkspace {
  const result = checkWorkspace({ files, config: { name: 'semantics', timezone } });
  if (!result.workspace) {
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    const text = (file: string, start: number, end: number) => files[file]?.slice(start, end) ?? '';
    throw new Error(
      `The checker rejected the rule:\n${errors.map((d) => `${d.code} ${d.message} at \`${text(d.file, d.span.start, d.span.end)}\``).join('\n')}`,
    );
  }
  return result.workspace;
}

/** A segment body or metric expression as a rule in its own workspace. */
function ruleWorkspace(options: CorpusOptions, kind: 'segment' | 'metric', body: string, extra = ''): CheckedWorkspace {
  const rule = kind === 'segment' ? `segment ${RULE} {\n  ${body}\n}` : `metric ${RULE} = ${body}`;
  return checked({ 'model.seg': options.model, 'rule.seg': `${extra}\n${rule}\n` }, options.timezone);
}

export interface CorpusRun {
  /** The open database (after beforeAll). */
  db(): Database;
  /**
   * Members of `segment rule_under_test { body }` as of `asOf` by compiled SQL; asserts they equal
   * the reference evaluator's and, when given, the hand-worked `expected`. Returns the members.
   */
  segment(body: string, asOf: string, expected?: readonly string[], extra?: string): Promise<string[]>;
  /**
   * Values of `metric rule_under_test = expr` for every member by compiled SQL; asserts they equal
   * the reference evaluator's and, for the keys given, the hand-worked `expected`.
   */
  metric(expr: string, asOf: string, expected?: Readonly<Record<string, MetricValue>>, extra?: string): Promise<Map<string, MetricValue>>;
  /** A whole workspace's named segment (for rules that reference other declarations). */
  named(kind: 'segment' | 'metric', name: string, sources: string, asOf: string): Promise<{ sql: unknown; reference: unknown }>;
}

export interface Corpus {
  readonly options: CorpusOptions;
  /** Registers beforeAll/afterAll hooks in the current describe: open the engine, load the rows. */
  on(engine: TestEngine): CorpusRun;
  /** The model checked on its own. */
  readonly workspace: CheckedWorkspace;
  reference(workspace: CheckedWorkspace, asOf: string): ReferenceEvaluator;
}

export function defineCorpus(options: CorpusOptions): Corpus {
  const timezone = options.timezone ?? 'UTC';
  const workspace = checked({ 'model.seg': options.model }, options.timezone);
  const reference = (ws: CheckedWorkspace, asOf: string) => new ReferenceEvaluator(ws, options.data, parseAsOf(asOf, timezone));
  return {
    options,
    workspace,
    reference,
    on(engine) {
      let db: Database | undefined;
      beforeAll(async () => {
        db = await engine.open();
        await loadData(db, workspace, options.data, timezone);
      });
      afterAll(async () => {
        await db?.close();
      });
      const open = () => {
        if (!db) throw new Error('database not open (call corpus.on() inside describe)');
        return db;
      };
      return {
        db: open,
        async segment(body, asOf, expected, extra) {
          const ws = ruleWorkspace(options, 'segment', body, extra);
          const sql = await sqlMembers(open(), ws, RULE, asOf, timezone);
          const ref = reference(ws, asOf).segment(RULE);
          expect(sql, `${engine.label}: compiled SQL vs reference evaluator`).toEqual(ref);
          if (expected) expect(sql, `${engine.label}: hand-worked expectation`).toEqual([...expected].sort());
          return sql;
        },
        async metric(expr, asOf, expected, extra) {
          const ws = ruleWorkspace(options, 'metric', expr, extra);
          const type = ws.metrics[RULE]!.type;
          const sql = await sqlMetric(open(), ws, RULE, asOf, timezone);
          const ref = reference(ws, asOf).metric(RULE);
          expectSameValues(sql, ref, type, `${engine.label}: compiled SQL vs reference evaluator`);
          if (expected) {
            const picked = new Map(Object.keys(expected).map((key) => [key, sql.get(key) ?? null]));
            expectSameValues(picked, new Map(Object.entries(expected).map(([k, v]) => [k, normaliseExpected(v, type, timezone)])), type, `${engine.label}: hand-worked expectation`);
          }
          return sql;
        },
        async named(kind, name, sources, asOf) {
          const ws = checked({ 'model.seg': options.model, 'rules.seg': sources }, options.timezone);
          if (kind === 'segment') {
            const sql = await sqlMembers(open(), ws, name, asOf, timezone);
            const ref = reference(ws, asOf).segment(name);
            expect(sql, `${engine.label}: compiled SQL vs reference evaluator`).toEqual(ref);
            return { sql, reference: ref };
          }
          const sql = await sqlMetric(open(), ws, name, asOf, timezone);
          const ref = reference(ws, asOf).metric(name);
          expectSameValues(sql, ref, ws.metrics[name]!.type, `${engine.label}: compiled SQL vs reference evaluator`);
          return { sql, reference: ref };
        },
      };
    },
  };
}

/** Fresh tables for the model (dropping earlier ones), then the rows. */
export async function loadData(db: Database, workspace: CheckedWorkspace, data: Dataset, timeZone = 'UTC'): Promise<void> {
  await createSchema(db, workspace.model, { replace: true });
  await insertFixtures(db, workspace.model, data, { timeZone });
}

// ---------------------------------------------------------------------------
// Running compiled SQL

function context(asOf: string, timeZone: string) {
  return { asOf: parseAsOf(asOf, timeZone), timeZone };
}

/** A segment's members by compiled SQL, sorted; also checks compileCount agrees. */
export async function sqlMembers(db: Database, ws: CheckedWorkspace, name: string, asOf: string, timeZone: string, checkCount = true): Promise<string[]> {
  const query = compileSegment(ws, name, db.dialect);
  const rows = await db.query(query.sql, bindParameters(query.parameters, context(asOf, timeZone)));
  const keys = rows.map((row) => String(row.key)).sort();
  expect(new Set(keys).size, 'a member appears once').toBe(keys.length);
  if (!checkCount) return keys;
  const count = compileCount(ws, name, db.dialect);
  const counted = await db.query(count.sql, bindParameters(count.parameters, context(asOf, timeZone)));
  expect(Number(counted[0]?.count), 'compileCount agrees with compileSegment').toBe(keys.length);
  return keys;
}

/** A metric's value per member by compiled SQL (members without a row are missing). */
export async function sqlMetric(db: Database, ws: CheckedWorkspace, name: string, asOf: string, timeZone: string): Promise<Map<string, MetricValue>> {
  const query = compileMetric(ws, name, db.dialect);
  const rows = await db.query(query.sql, bindParameters(query.parameters, context(asOf, timeZone)));
  const type = ws.metrics[name]!.type;
  const values = new Map<string, MetricValue>();
  for (const row of rows) values.set(String(row.key), normaliseSql(row.value, type, timeZone));
  return values;
}

/** Engine values in the evaluator's form: numbers, booleans, text, time as epoch ms. */
export function normaliseSql(value: unknown, type: ScalarType, timeZone: string): MetricValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  switch (type) {
    case 'number':
      return Number(value);
    case 'bool':
      return value === true || value === 1 || value === '1' || value === 'true' || value === 't';
    case 'date':
    case 'timestamp':
      if (value instanceof Date) return value.getTime();
      return instantMs(value as string | number, timeZone);
    case 'text':
      return String(value);
  }
}

function normaliseExpected(value: MetricValue, type: ScalarType, timeZone: string): MetricValue {
  if (value === null) return null;
  if ((type === 'timestamp' || type === 'date') && typeof value === 'string') return instantMs(value, timeZone);
  return value;
}

/** Equal maps; numbers within 1e-9 (relative), since engines add doubles in their own order. */
export function expectSameValues(actual: Map<string, MetricValue>, expected: Map<string, MetricValue>, type: ScalarType, label: string): void {
  const keys = [...new Set([...actual.keys(), ...expected.keys()])].sort();
  const want = Object.fromEntries(keys.map((k) => [k, tidy(expected.get(k) ?? null)]));
  const got = Object.fromEntries(
    keys.map((k) => {
      const a = tidy(actual.get(k) ?? null);
      const e = want[k];
      const close = type === 'number' && typeof a === 'number' && typeof e === 'number' && Math.abs(a - e) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(e));
      return [k, close ? e : a];
    }),
  );
  expect(got, label).toEqual(want);
}

/** -0 and 0 are the same number to a marketer. */
function tidy(value: MetricValue): MetricValue {
  return value === 0 ? 0 : value;
}
