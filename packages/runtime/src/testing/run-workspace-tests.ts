/**
 * `seg test`: runs a workspace's `test` blocks. Each test gets a fresh database
 * holding only its fixture rows (in-memory SQLite unless another engine is
 * given), and each expectation is evaluated by the workspace's real compiled SQL
 * as of the test's time; plans run as dry runs, without their holdout unless the
 * test asks about it.
 *
 * @example
 *   const report = await runWorkspaceTests({ workspace, files: loaded.files });
 *   console.log(`${report.passed} passed, ${report.failed} failed`);
 */
import { LineIndex, type CheckedWorkspace, type Origin, type TestDef, type TestExpectationDef } from '@seg/core';
import type { Dialect } from '../db/database';
import { evaluateMembership } from './membership-expectation';
import { evaluateMetric } from './metric-expectation';
import { evaluatePlanOffers } from './plan-offers-expectation';
import { evaluateStrategy } from './strategy-expectation';
import { CompiledRules, TestContext } from './test-context';
import { loadFixtures, openInMemorySqlite, type OpenTestDatabase } from './test-database';
import type { Verdict } from './expectation-verdict';
import type { ExpectationFailure, SourceLocation, TestResult, TestRunReport } from './test-results';

export interface RunTestsOptions {
  readonly workspace: CheckedWorkspace;
  /** The workspace's sources by file name, for the expectations' text and places. */
  readonly files: Readonly<Record<string, string>>;
  /** A fresh, empty database per test, of any engine; default in-memory SQLite. */
  readonly open?: OpenTestDatabase;
  /** Only tests whose title contains this text, ignoring case. */
  readonly filter?: string;
  /** Called as each test finishes (for progress). */
  readonly onResult?: (result: TestResult) => void;
}

export async function runWorkspaceTests(options: RunTestsOptions): Promise<TestRunReport> {
  const { workspace, files } = options;
  // Compiled once per engine, on first use: `open` decides the engine.
  const compiled = new Map<Dialect, CompiledRules>();
  const compiledFor = (dialect: Dialect) => {
    let rules = compiled.get(dialect);
    if (!rules) compiled.set(dialect, (rules = new CompiledRules(workspace, dialect)));
    return rules;
  };
  const sources = new SourceText(files);
  const filter = options.filter?.toLowerCase();
  const tests = filter === undefined ? workspace.tests : workspace.tests.filter((test) => test.title.toLowerCase().includes(filter));
  const startedAt = new Date();
  const started = performance.now();
  const results: TestResult[] = [];
  for (const test of tests) {
    const result = await runTest(test, compiledFor, options.open ?? openInMemorySqlite, sources);
    results.push(result);
    options.onResult?.(result);
  }
  const passed = results.filter((r) => r.status === 'passed').length;
  const dialects = [...compiled.keys()];
  return { results, passed, failed: results.length - passed, total: workspace.tests.length, startedAt, durationMs: performance.now() - started, dialects };
}

async function runTest(test: TestDef, compiledFor: (dialect: Dialect) => CompiledRules, open: OpenTestDatabase, sources: SourceText): Promise<TestResult> {
  const started = performance.now();
  const base = { title: test.title, location: sources.location(test.origin), expectations: test.expectations.length };
  const failures: ExpectationFailure[] = [];
  try {
    const db = await open();
    try {
      const compiled = compiledFor(db.dialect);
      await loadFixtures(db, compiled, test);
      const context = new TestContext(db, compiled, test);
      for (const expectation of test.expectations) {
        const verdict = await evaluate(context, expectation);
        if (!verdict.passed) failures.push(failure(expectation, verdict, sources));
      }
    } finally {
      await db.close();
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ...base, status: 'error', durationMs: performance.now() - started, failures, error: message };
  }
  return { ...base, status: failures.length > 0 ? 'failed' : 'passed', durationMs: performance.now() - started, failures };
}

function evaluate(context: TestContext, e: TestExpectationDef): Promise<Verdict> {
  switch (e.kind) {
    case 'membership':
      return evaluateMembership(context, e);
    case 'metric':
      return evaluateMetric(context, e);
    case 'strategy':
      return evaluateStrategy(context, e);
    case 'planOffers':
      return evaluatePlanOffers(context, e);
  }
}

function failure(e: TestExpectationDef, verdict: Extract<Verdict, { passed: false }>, sources: SourceText): ExpectationFailure {
  const source = sources.text(e.origin);
  return {
    source,
    location: sources.location(e.origin),
    message: `expected ${source.replace(/^expect\s+/, '')}, ${verdict.found}`,
    decidedBy: verdict.decidedBy,
    explanation: verdict.explanation,
  };
}

/** Text and line:column of the places the checker recorded. */
class SourceText {
  private readonly indexes = new Map<string, LineIndex>();

  constructor(private readonly files: Readonly<Record<string, string>>) {}

  text(origin: Origin): string {
    return (this.files[origin.file] ?? '').slice(origin.span.start, origin.span.end).replace(/\s+/g, ' ').trim();
  }

  location(origin: Origin): SourceLocation {
    let index = this.indexes.get(origin.file);
    if (!index) this.indexes.set(origin.file, (index = new LineIndex(this.files[origin.file] ?? '')));
    const position = index.position(origin.span.start);
    return { file: origin.file, line: position.line + 1, column: position.character + 1 };
  }
}
