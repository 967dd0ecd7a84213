/**
 * `seg test` through the bundled CLI: the retail example's tests pass, a wrong
 * expectation fails naming the rule and the condition that decided it, the
 * filter picks tests by title, and the JUnit report is one CI servers accept.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, runSeg } from '../support/run-seg';

const scratch = mkdtempSync(join(tmpdir(), 'seg-cli-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const SCHEMA = join(repoRoot, 'tests/fixtures/junit.xsd');
const xmllint = spawnSync('xmllint', ['--version']).status === 0;

/** A copy of the retail example with `tests.seg` edited. */
function retailCopy(name: string, edit: (tests: string) => string): string {
  const dir = join(scratch, name);
  cpSync(join(repoRoot, 'examples/retail'), dir, { recursive: true });
  const path = join(dir, 'tests.seg');
  writeFileSync(path, edit(readFileSync(path, 'utf8')));
  return dir;
}

const lastLine = (text: string) => text.trimEnd().split('\n').at(-1);

describe('seg test', () => {
  it('passes the retail example’s tests: one line per test, then the counts', () => {
    const result = runSeg(['test', 'examples/retail']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(
      /^PASS  a lapsed big spender is reactivated and offered the win-back \(\d+ ms\)\nPASS  baby households get the baby offer, unless they just bought wipes \(\d+ ms\)\nPASS  unsubscribed customers receive nothing \(\d+ ms\)\n3 passed, 0 failed\n$/,
    );
  });

  it('fails on a wrong expectation, saying what was expected, what was found, and the rule and condition that decided it', () => {
    const dir = retailCopy('wrong', (tests) =>
      tests
        .replace('expect "c1" in dormant', 'expect "c1" in active')
        .replace('expect weekly_email("b2") excludes baby_wipes_20', 'expect weekly_email("b2") includes baby_wipes_20'),
    );
    const result = runSeg(['test', dir], { cwd: scratch });
    expect(result.status).toBe(1);
    expect(lastLine(result.stdout)).toBe('1 passed, 2 failed');
    expect(result.stdout).toMatch(/^FAIL  a lapsed big spender is reactivated and offered the win-back \(\d+ ms\)\n/);
    expect(result.stdout).toContain(
      [
        '      wrong/tests.seg:6:3: expect "c1" in active',
        '      expected "c1" in active, found: not a member',
        '      decided by:',
        '        active: ✗ any(orders in last 90 days)',
        '      explanation:',
        '        c1 is not in active "Bought in the last 90 days" (as of 2026-11-22T00:00:00.000Z)',
        '          ✗ any(orders in last 90 days)',
      ].join('\n'),
    );
    expect(result.stdout).toContain('      wrong/tests.seg:25:3: expect weekly_email("b2") includes baby_wipes_20\n      expected weekly_email("b2") includes baby_wipes_20, found no offers\n');
    expect(result.stdout).toContain('        baby_wipes_20 eligible: ✗ none(order_lines in last 14 days where product.name = "Baby wipes 80 pack")\n');
    expect(result.stdout).toMatch(/\nPASS  unsubscribed customers receive nothing/);
  });

  it('runs only the tests whose title contains --filter, ignoring case', () => {
    const result = runSeg(['test', 'examples/retail', '--filter', 'UNSUBSCRIBED']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^PASS  unsubscribed customers receive nothing \(\d+ ms\)\n1 passed, 0 failed\n$/);

    const none = runSeg(['test', 'examples/retail', '--filter', 'no such test']);
    expect(none.status).toBe(1);
    expect(none.stderr).toBe('No test title contains "no such test" (3 tests in the workspace).\n');
    expect(none.stdout).toBe('0 passed, 0 failed\n');
  });

  it('prints the diagnostics and exits 1 when the workspace has errors', () => {
    const dir = retailCopy('broken', (tests) => tests.replace('expect "c1" in dormant', 'expect "c1" in dormnt'));
    const result = runSeg(['test', dir], { cwd: scratch });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('broken/tests.seg:6:18: error SEG1002: There is no segment or plan called `dormnt`; did you mean `dormant`?');
    expect(result.stdout).toBe('');
  });

  it('refuses an unknown reporter and a report without a file (usage, exit 2)', () => {
    const unknown = runSeg(['test', 'examples/retail', '--reporter', 'tap']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('seg test: --reporter must be text or junit, not "tap"');
    const noFile = runSeg(['test', 'examples/retail', '--reporter', 'junit']);
    expect(noFile.status).toBe(2);
    expect(noFile.stderr).toContain('--reporter junit needs --output FILE');
  });
});

describe('seg test --reporter junit', () => {
  // A title with the characters XML must escape, too.
  const dir = retailCopy('junit', (tests) =>
    tests
      .replace('expect weekly_email("b2") excludes baby_wipes_20', 'expect weekly_email("b2") includes baby_wipes_20')
      .replace('test "unsubscribed customers receive nothing"', 'test "unsubscribed customers receive nothing <&> \\"ever\\""'),
  );
  const reports = join(scratch, 'reports');
  const output = join(reports, 'nested', 'junit.xml');

  it('writes the report (creating its folder) and still prints the text report', () => {
    const result = runSeg(['test', dir, '--reporter', 'junit', '--output', output], { cwd: scratch });
    expect(result.status).toBe(1);
    expect(lastLine(result.stdout)).toBe('2 passed, 1 failed');
    expect(readdirSync(join(reports, 'nested'))).toEqual(['junit.xml']);
  });

  it('has the JUnit shape: testsuites > testsuite > testcase > failure, with counts, times and the details', () => {
    const xml = readFileSync(output, 'utf8');
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="retail" tests="3" failures="1" errors="0" time="')).toBe(true);
    const suites = [...xml.matchAll(/<testsuite (name="[^"]*" tests="\d+" failures="\d+" errors="\d+" skipped="\d+") time="[\d.]+" timestamp="(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)" hostname="[^"]*">/g)];
    expect(suites.map((m) => m[1])).toEqual(['name="junit/tests.seg" tests="3" failures="1" errors="0" skipped="0"']);
    expect(Math.abs(Date.parse(`${suites[0]![2]}Z`) - Date.now())).toBeLessThan(10 * 60_000);
    const cases = [...xml.matchAll(/<testcase name="([^"]*)" classname="([^"]*)" time="(\d+\.\d{3})"/g)].map((m) => [m[1], m[2]]);
    expect(cases).toEqual([
      ['a lapsed big spender is reactivated and offered the win-back', 'junit/tests.seg'],
      ['baby households get the baby offer, unless they just bought wipes', 'junit/tests.seg'],
      ['unsubscribed customers receive nothing &lt;&amp;&gt; &quot;ever&quot;', 'junit/tests.seg'],
    ]);
    const failures = [...xml.matchAll(/<failure message="([^"]*)" type="expectation">([^<]*)<\/failure>/g)];
    expect(failures).toHaveLength(1);
    expect(failures[0]![1]).toBe('expected weekly_email(&quot;b2&quot;) includes baby_wipes_20, found no offers');
    expect(failures[0]![2]).toContain('baby_wipes_20 eligible: ✗ none(order_lines in last 14 days where product.name = &quot;Baby wipes 80 pack&quot;)\n');
    expect(xml.endsWith('</testsuites>\n')).toBe(true);
  });

  it.skipIf(!xmllint)('validates against the JUnit schema CI servers read (tests/fixtures/junit.xsd, by xmllint)', () => {
    const result = spawnSync('xmllint', ['--noout', '--schema', SCHEMA, output], { encoding: 'utf8' });
    expect(result.stderr.trim()).toBe(`${output} validates`);
    expect(result.status).toBe(0);
    // The schema does reject what CI servers would: a count that is not a number.
    const broken = join(scratch, 'broken.xml');
    writeFileSync(broken, readFileSync(output, 'utf8').replace('failures="1" errors="0" time', 'failures="one" errors="0" time'));
    expect(spawnSync('xmllint', ['--noout', '--schema', SCHEMA, broken], { encoding: 'utf8' }).status).not.toBe(0);
  });

  it.skipIf(xmllint)('validates against the JUnit schema — skipped: xmllint (Debian package libxml2-utils) is not installed', () => {});
});
