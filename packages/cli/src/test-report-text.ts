/** `seg test`'s text report: one line per test, and under a failing one what was expected, found, and why. */
import type { ExpectationFailure, TestResult } from '@seg/runtime';

/** A workspace file as the user should read it (relative to where `seg` runs). */
export type ShowPath = (workspaceFile: string) => string;

/** `PASS  title (12 ms)` — ✓/✗ on a terminal. */
export function resultLine(result: TestResult, interactive: boolean): string {
  const mark = interactive ? (result.status === 'passed' ? '✓' : '✗') : result.status === 'passed' ? 'PASS ' : result.status === 'failed' ? 'FAIL ' : 'ERROR';
  return `${mark} ${result.title} (${Math.round(result.durationMs)} ms)`;
}

/** What a failing expectation says, unindented: place and text, expected vs found, what decided it, the explanation. */
export function failureText(failure: ExpectationFailure, showPath: ShowPath): string {
  const { file, line, column } = failure.location;
  let text = `${showPath(file)}:${line}:${column}: ${failure.source}\n${failure.message}\n`;
  if (failure.decidedBy.length > 0) text += `decided by:\n${indent(failure.decidedBy.map((l) => `${l}\n`).join(''), 1)}`;
  if (failure.explanation) text += `explanation:\n${indent(failure.explanation, 1)}`;
  return text;
}

/** Everything said about one test beyond its line: each failure, or the error that stopped it. */
export function resultDetails(result: TestResult, showPath: ShowPath): string {
  if (result.status === 'error') return `${showPath(result.location.file)}:${result.location.line}:${result.location.column}: the test could not run: ${result.error}\n`;
  return result.failures.map((f) => failureText(f, showPath)).join('\n');
}

/** Every line of `text` (ending in `\n`) two spaces per level further in. */
export function indent(text: string, levels: number): string {
  const pad = '  '.repeat(levels);
  return text.replace(/^(?=.)/gm, pad);
}
