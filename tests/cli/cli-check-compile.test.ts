/**
 * `seg check`, `seg compile` and `seg fmt` as CI runs them: the real bundled CLI
 * in a child process, on real folders, asserting exit statuses and output lines.
 */
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, runSeg } from '../support/run-seg';

const scratch = mkdtempSync(join(tmpdir(), 'seg-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function workspaceWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(scratch, 'ws-'));
  cpSync(join(repoRoot, 'examples/retail'), dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) out[join(entry.parentPath, entry.name).slice(dir.length + 1)] = readFileSync(join(entry.parentPath, entry.name), 'utf8');
  }
  return out;
}

describe('seg check', () => {
  it.each(['retail', 'bank', 'cdnow'])('finds nothing wrong in examples/%s', (example) => {
    const result = runSeg(['check', `examples/${example}`]);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/no problems/);
    expect(result.status).toBe(0);
  });

  it('prints path:line:col: error CODE: message for each mistake and exits 1', () => {
    const dir = workspaceWith({ 'broken.seg': 'segment big_baskets {\n  sum(orders.totl in last 30 days) > 100\n}\n' });
    const result = runSeg(['check', dir], { cwd: dir });
    expect(result.status).toBe(1);
    expect(result.stdout.trim().split('\n')).toEqual([expect.stringMatching(/^broken\.seg:2:14: error SEG\d{4}: .*`totl`.*`total`/)]);
  });

  it('gives the same diagnostics as JSON with 1-based ranges', () => {
    const dir = workspaceWith({ 'broken.seg': 'segment big_baskets {\n  sum(orders.totl in last 30 days) > 100\n}\n' });
    const result = runSeg(['check', dir, '--format', 'json'], { cwd: dir });
    expect(result.status).toBe(1);
    const [diagnostic, ...rest] = JSON.parse(result.stdout);
    expect(rest).toEqual([]);
    expect(diagnostic).toMatchObject({
      file: 'broken.seg',
      severity: 'error',
      range: { start: { line: 2, column: 14 }, end: { line: 2, column: 18 } },
    });
    expect(diagnostic.code).toMatch(/^SEG\d{4}$/);
  });

  it('exits 2 on a usage mistake, naming it, without a stack trace', () => {
    const result = runSeg(['check', 'examples/retail', '--fromat', 'json']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/unknown option --fromat/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('says which folder does not exist', () => {
    const result = runSeg(['check', 'no/such/folder']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/No such folder: no\/such\/folder/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('seg compile', () => {
  it.each(['sqlite', 'postgres', 'duckdb'] as const)('writes every plan and SQL file for %s, byte-identical across runs', (dialect) => {
    const first = join(scratch, `first-${dialect}`);
    const second = join(scratch, `second-${dialect}`);
    for (const out of [first, second]) {
      const result = runSeg(['compile', 'examples/retail', '--dialect', dialect, '--out', out]);
      expect(result.stderr).toMatch(/Compiled 3 plans/);
      expect(result.status).toBe(0);
    }
    const files = readTree(first);
    expect(Object.keys(files).filter((f) => f.endsWith('.plan.json')).sort()).toEqual([
      'store_event_invite.plan.json',
      'weekly_email.plan.json',
      'winback_trigger.plan.json',
    ]);
    expect(files['segments/dormant.sql']).toMatch(/select/i);
    expect(files['metrics/spend_12m.sql']).toMatch(/select/i);
    expect(JSON.parse(files['weekly_email.plan.json']!).dialect ?? JSON.parse(files['weekly_email.plan.json']!).session?.dialect).toBe(dialect);
    expect(readTree(second)).toEqual(files);
  });

  it('a recompile after an edit replaces the whole output: changed files, removed files, nothing left over', () => {
    const dir = workspaceWith({ 'extra.seg': 'segment big_spenders { spend_12m > 500 }\nsegment gone_soon { spend_12m > 900 }\n' });
    const out = join(scratch, 'recompiled');
    expect(runSeg(['compile', dir, '--out', out]).status).toBe(0);
    const before = readTree(out);
    expect(before['segments/gone_soon.sql']).toBeDefined();

    writeFileSync(join(dir, 'extra.seg'), 'segment big_spenders { spend_12m > 750 }\n');
    expect(runSeg(['compile', dir, '--out', out]).status).toBe(0);
    const after = readTree(out);
    expect(after['segments/gone_soon.sql']).toBeUndefined();
    expect(after['segments/big_spenders.sql']).not.toBe(before['segments/big_spenders.sql']);
    expect(after['segments/big_spenders.sql']).toMatch(/-- {3}\d+\. 750\b/);
    // Everything else is what a compile into an empty folder writes.
    const fresh = join(scratch, 'recompiled-fresh');
    expect(runSeg(['compile', dir, '--out', fresh]).status).toBe(0);
    expect(after).toEqual(readTree(fresh));
    expect(readdirSync(scratch).filter((name) => name.includes('.staging') || name.endsWith('.old'))).toEqual([]);
  });

  it('refuses an unknown dialect with exit 2', () => {
    const result = runSeg(['compile', 'examples/retail', '--dialect', 'oracle', '--out', join(scratch, 'never')]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--dialect must be one of sqlite, postgres, duckdb/);
  });

  it('writes nothing when the workspace has errors', () => {
    const dir = workspaceWith({ 'broken.seg': 'segment oops { nosuchthing > 1 }\n' });
    const out = join(scratch, 'not-written');
    const result = runSeg(['compile', dir, '--out', out]);
    expect(result.status).toBe(1);
    expect(() => readdirSync(out)).toThrow();
  });
});

describe('seg fmt', () => {
  const messy = 'segment   big_spenders\n"Big spenders"{spend_12m>vip_threshold   and not dormant}\n';

  it('reports files that would change with --check and exit 1, then formats them so --check passes', () => {
    const dir = workspaceWith({ 'messy.seg': messy });
    const check = runSeg(['fmt', dir, '--check'], { cwd: dir });
    expect(check.status).toBe(1);
    expect(check.stdout).toMatch(/messy\.seg would be reformatted/);
    expect(readFileSync(join(dir, 'messy.seg'), 'utf8')).toBe(messy);

    expect(runSeg(['fmt', dir]).status).toBe(0);
    const formatted = readFileSync(join(dir, 'messy.seg'), 'utf8');
    expect(formatted).toBe('segment big_spenders "Big spenders" {\n  spend_12m > vip_threshold and not dormant\n}\n');
    expect(runSeg(['fmt', dir, '--check']).status).toBe(0);
    expect(runSeg(['check', dir]).status).toBe(0);
  });

  it('leaves a file with syntax errors alone and exits 1', () => {
    const broken = 'segment unfinished {\n  spend_12m >\n';
    const dir = workspaceWith({ 'broken.seg': broken });
    const result = runSeg(['fmt', dir], { cwd: dir });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^broken\.seg:\d+:\d+: error SEG0\d{3}/m);
    expect(readFileSync(join(dir, 'broken.seg'), 'utf8')).toBe(broken);
  });
});
