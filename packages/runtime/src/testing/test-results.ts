/** What `runWorkspaceTests` reports: per test, passed or failed, and why a failing expectation failed. */
import type { Dialect } from '../db/database';

/** A place in a workspace file: the file as the workspace names it, 1-based line and column. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export interface ExpectationFailure {
  /** The expectation as written (whitespace runs collapsed), e.g. `expect "c1" in dormant`. */
  readonly source: string;
  readonly location: SourceLocation;
  /** `expected "c1" in dormant, found: not a member`. */
  readonly message: string;
  /** The rule and the conditions that decided the result, with the values seen; one line each. */
  readonly decidedBy: readonly string[];
  /** The customer's explanation as `seg explain` prints it (lines end in `\n`). */
  readonly explanation: string;
}

export type TestStatus = 'passed' | 'failed' | 'error';

export interface TestResult {
  readonly title: string;
  readonly location: SourceLocation;
  /** `error`: the test could not be run to the end (the database refused a statement); see `error`. */
  readonly status: TestStatus;
  readonly durationMs: number;
  /** Expectations checked (all of them, also after a failure). */
  readonly expectations: number;
  readonly failures: readonly ExpectationFailure[];
  readonly error?: string;
}

export interface TestRunReport {
  readonly results: readonly TestResult[];
  readonly passed: number;
  /** Failed or errored. */
  readonly failed: number;
  /** Tests in the workspace, before the filter. */
  readonly total: number;
  readonly startedAt: Date;
  readonly durationMs: number;
  /** The engines the tests ran on (one, unless `open` varies). */
  readonly dialects: readonly Dialect[];
}
