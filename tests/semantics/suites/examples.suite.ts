/**
 * The example workspaces' own `test` blocks: each one's fixture rows loaded with the
 * fixture loader, and each segment and metric expectation checked by compiled SQL on
 * every engine and by the reference evaluator. (Plan and strategy expectations belong
 * to the runtime's suites.)
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckedWorkspace, CompareOp, FixtureValue, TestDef } from '../../../packages/core/src/model/ir';
import type { Database } from '../../../packages/runtime/src/db/database';
import { testEngines } from '../../../packages/runtime/test/support/engines';
import { instantMs, ReferenceEvaluator, type Row } from '../../reference/evaluator';
import { checked, loadData, sqlMembers, sqlMetric, type MetricValue } from '../../support/semantics';

const EXAMPLES = join(dirname(fileURLToPath(import.meta.url)), '../../../examples');

/** Every example workspace (a folder with seg.json), checked (or the checker's complaint). */
function exampleWorkspaces(): { name: string; workspace?: CheckedWorkspace; error?: string }[] {
  if (!existsSync(EXAMPLES)) return [];
  return readdirSync(EXAMPLES)
    .filter((name) => existsSync(join(EXAMPLES, name, 'seg.json')))
    .map((name) => {
      const dir = join(EXAMPLES, name);
      const config = JSON.parse(readFileSync(join(dir, 'seg.json'), 'utf8')) as { timezone?: string };
      const files = Object.fromEntries(
        readdirSync(dir)
          .filter((file) => file.endsWith('.seg'))
          .map((file) => [file, readFileSync(join(dir, file), 'utf8')]),
      );
      try {
        return { name, workspace: checked(files, config.timezone) };
      } catch (error) {
        return { name, error: String(error) };
      }
    });
}

const examples = exampleWorkspaces();
const cases = examples.flatMap(({ name, workspace }) =>
  (workspace?.tests ?? []).map((test) => [`${name}: ${test.title}`, workspace!, test] as const),
);

describe('the example workspaces', () => {
  it.each(examples.map((e) => [e.name, e.error] as const))('%s checks clean', (_name, error) => {
    expect(error).toBeUndefined();
  });
});

describe.each(testEngines())('the example workspaces’ tests on $label', (engine) => {
  let db: Database;
  beforeAll(async () => {
    db = await engine.open();
  });
  afterAll(() => db?.close());

  it('finds the examples', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  it.each(cases)('%s', async (_title, workspace, test) => {
    await checkTest(db, workspace, test);
  });
});

async function checkTest(db: Database, workspace: CheckedWorkspace, test: TestDef): Promise<void> {
  const tz = workspace.timezone;
  const data: Record<string, Record<string, FixtureValue>[]> = {};
  for (const row of test.fixtures) (data[row.table] ??= []).push({ ...row.values });
  await loadData(db, workspace, data, tz);
  const reference = new ReferenceEvaluator(workspace, data as Record<string, Row[]>, new Date(test.asOf));
  for (const e of test.expectations) {
    if (e.kind === 'membership' && e.targetKind === 'segment' && !e.holdout) {
      const sql = await sqlMembers(db, workspace, e.target, test.asOf, tz);
      expect(sql, `${e.target} by compiled SQL vs reference`).toEqual(reference.segment(e.target));
      expect(sql.includes(e.key), `expect "${e.key}" ${e.negated ? 'not in' : 'in'} ${e.target}`).toBe(!e.negated);
    } else if (e.kind === 'metric') {
      const type = workspace.metrics[e.metric]!.type;
      const sql = (await sqlMetric(db, workspace, e.metric, test.asOf, tz)).get(e.key) ?? null;
      const ref = reference.metric(e.metric).get(e.key) ?? null;
      expect(sql, `${e.metric}("${e.key}") by compiled SQL vs reference`).toEqual(ref);
      const expected = typeof e.expected === 'string' && (type === 'timestamp' || type === 'date') ? instantMs(e.expected, tz) : e.expected;
      expect(holds(sql, e.op, expected), `expect ${e.metric}("${e.key}") ${e.op} ${String(e.expected)}, got ${String(sql)}`).toBe(true);
    }
  }
}

function holds(actual: MetricValue, op: CompareOp, expected: FixtureValue): boolean {
  if (op === '=') return actual === expected || (typeof actual === 'number' && typeof expected === 'number' && Math.abs(actual - expected) < 1e-9);
  if (op === '!=') return actual !== expected;
  if (actual === null || expected === null) return false;
  switch (op) {
    case '<': return actual < expected;
    case '<=': return actual <= expected;
    case '>': return actual > expected;
    case '>=': return actual >= expected;
  }
}
