/** `seg demo`, the README's first command, end to end on a small seeded database. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runSeg } from '../support/run-seg';

const scratch = mkdtempSync(join(tmpdir(), 'seg-demo-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

it('builds the demo database and reports segments, strategy mix and plan audiences, the same on every run', () => {
  const db = `sqlite:${join(scratch, 'demo.db')}`;
  const runs = [1, 2].map(() => runSeg(['demo', '--customers', '2000', '--db', db], { cwd: scratch }));
  for (const run of runs) {
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  }
  const report = runs[0]!.stdout;
  expect(report).toMatch(/^Built .* 2,000 customers/m);
  expect(report).toMatch(/^Segments\n {2}segment +members +share/m);
  expect(report).toMatch(/^ {2}dormant +[\d,]+ +\d+\.\d %/m);
  expect(report).toMatch(/^Strategy value_map "Customer value map"/m);
  expect(report).toMatch(/^ {2}winback_trigger +[\d,]+ +\d+\.\d % +10 %/m);
  // Seeded: identical figures on a rebuild (only the build time may differ).
  const figures = (text: string) => text.replace(/ in \d+\.\d s:/, ':');
  expect(figures(runs[1]!.stdout)).toBe(figures(report));
});
