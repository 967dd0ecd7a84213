/**
 * `seg test --reporter junit`: the JUnit XML that CI servers (Jenkins, GitLab,
 * GitHub Actions reporters, Azure DevOps) read — the Ant/Surefire shape:
 * `testsuites > testsuite > testcase > failure | error`, one testsuite per
 * `.seg` file, the file as each test case's `classname`, times in seconds, the
 * start as UTC `YYYY-MM-DDTHH:MM:SS`. Only attributes Jenkins' junit-10.xsd
 * knows, so a strict consumer accepts it (tests/fixtures/junit.xsd checks it).
 */
import type { TestResult, TestRunReport } from '@seg/runtime';
import { resultDetails, type ShowPath } from './test-report-text';

export interface JunitOptions {
  /** The workspace's name: the `testsuites` name. */
  readonly name: string;
  readonly hostname: string;
  readonly showPath: ShowPath;
}

export function junitXml(report: TestRunReport, options: JunitOptions): string {
  const byFile = new Map<string, TestResult[]>();
  for (const result of report.results) {
    const file = options.showPath(result.location.file);
    byFile.set(file, [...(byFile.get(file) ?? []), result]);
  }
  const timestamp = report.startedAt.toISOString().slice(0, 19);
  const suites = [...byFile].map(([file, results]) => {
    const counts = countsOf(results);
    const cases = results.map((r) => testCase(r, file, options.showPath)).join('');
    const time = seconds(results.reduce((sum, r) => sum + r.durationMs, 0));
    return `  <testsuite name="${xml(file)}" tests="${results.length}" failures="${counts.failures}" errors="${counts.errors}" skipped="0" time="${time}" timestamp="${timestamp}" hostname="${xml(options.hostname)}">\n${cases}  </testsuite>\n`;
  });
  const all = countsOf(report.results);
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<testsuites name="${xml(options.name)}" tests="${report.results.length}" failures="${all.failures}" errors="${all.errors}" time="${seconds(report.durationMs)}">\n` +
    suites.join('') +
    '</testsuites>\n'
  );
}

function testCase(result: TestResult, file: string, showPath: ShowPath): string {
  const open = `    <testcase name="${xml(result.title)}" classname="${xml(file)}" time="${seconds(result.durationMs)}"`;
  if (result.status === 'passed') return `${open}/>\n`;
  const details = xml(resultDetails(result, showPath));
  const [first] = result.failures;
  const element =
    result.status === 'error' ? `<error message="${xml(result.error ?? 'error')}" type="error">${details}</error>`
    : `<failure message="${xml(`${first!.message}${result.failures.length > 1 ? ` (and ${result.failures.length - 1} more)` : ''}`)}" type="expectation">${details}</failure>`;
  return `${open}>\n      ${element}\n    </testcase>\n`;
}

function countsOf(results: readonly TestResult[]): { failures: number; errors: number } {
  return { failures: results.filter((r) => r.status === 'failed').length, errors: results.filter((r) => r.status === 'error').length };
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** Text for an attribute or element: escaped, and without the control characters XML 1.0 cannot hold. */
function xml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}
