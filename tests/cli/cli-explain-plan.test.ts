/**
 * `seg explain KEY PLAN` after the arbitration: which offers the customer gets,
 * in which order, and for every other candidate the limit that kept it out —
 * worked out by hand for the small workspace of tests/runtime/support/run-workspace.ts
 * (as of 2026-11-22, no holdout): gold (cap 2) goes to c1 (6) and c2 (4), so c3
 * (2.5) loses it and takes silver, bronze and plain2; plain ranks fourth.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connect } from '../../packages/runtime/src/db/connect';
import { checkedWorkspace, loadRows, SOURCE } from '../runtime/support/run-workspace';
import { runSeg } from '../support/run-seg';

const scratch = mkdtempSync(join(tmpdir(), 'seg-explain-plan-'));
const folder = join(scratch, 'rules');
const db = `sqlite:${join(scratch, 'runs.db')}`;
const source = SOURCE.replace('holdout 30%', 'holdout 0%');

beforeAll(async () => {
  mkdirSync(folder);
  writeFileSync(join(folder, 'runs.seg'), source);
  const database = await connect(db);
  try {
    await loadRows(database, checkedWorkspace(source));
  } finally {
    await database.close();
  }
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

it('names the offers chosen, in order, and why each other candidate was not', () => {
  const result = runSeg(['explain', 'c3', 'weekly', folder, '--db', db, '--as-of', '2026-11-22']);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  const after = result.stdout.slice(result.stdout.indexOf('After arbitration'));
  expect(after.split('\n')).toEqual([
    'After arbitration across all customers (top 3, at most 1 per category, caps):',
    '  1. silver  score 1',
    '  2. bronze  score 0.4',
    '  3. plain2  score 0.35',
    '  –  gold  score 2.5: its cap of 2 was used up by other customers',
    '  –  plain  score 0.3: ranked below the top 3: bronze, plain2, silver were chosen',
    '',
  ]);
});

it('leaves the database as it was: a dry run records nothing and writes no output', async () => {
  runSeg(['explain', 'c1', 'weekly', folder, '--db', db, '--as-of', '2026-11-22']);
  const database = await connect(db);
  try {
    expect(await database.query(`select count(*) as n from seg_runs`)).toEqual([{ n: 0 }]);
    const outputs = await database.query(`select name from sqlite_master where name = 'weekly_out'`);
    expect(outputs).toEqual([]);
  } finally {
    await database.close();
  }
});
