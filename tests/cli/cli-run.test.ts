/**
 * `seg run` and `seg runs` through the bundled CLI on real SQLite files: the
 * hand-worked workspace of the executor's tests (tests/runtime/support), and the
 * retail example on a small database from the demo generator.
 */
import { mkdirSync, mkdtempSync, readdirSync, copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkWorkspace } from '@seg/core';
import { connect, generateRetail, loadWorkspace } from '@seg/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runSeg } from '../support/run-seg';
import { checkedWorkspace, loadRows, SOURCE } from '../runtime/support/run-workspace';

const scratch = mkdtempSync(join(tmpdir(), 'seg-cli-run-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('seg run and seg runs on a hand-worked workspace', () => {
  const workspace = join(scratch, 'runs');
  const db = `sqlite:${join(scratch, 'runs.db')}`;

  beforeAll(async () => {
    mkdirSync(workspace);
    writeFileSync(join(workspace, 'seg.json'), JSON.stringify({ name: 'runs', timezone: 'UTC' }));
    writeFileSync(join(workspace, 'runs.seg'), SOURCE);
    const database = await connect(db);
    try {
      await loadRows(database, checkedWorkspace());
    } finally {
      await database.close();
    }
  });

  it('says there are no runs before the first', () => {
    const result = runSeg(['runs', workspace, '--db', db]);
    expect(result).toMatchObject({ status: 0, stdout: 'No runs yet.\n', stderr: '' });
  });

  it('runs a plan and prints what happened', () => {
    // weekly with its 30 % holdout (c1, c2 drawn): c3 gold bronze plain2 · c4 silver plain2 plain · c7 gold plain2 plain.
    const result = runSeg(['run', 'weekly', workspace, '--db', db, '--as-of', '2026-11-22']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const [title, ...lines] = result.stdout.trimEnd().split('\n');
    expect(title).toMatch(/^weekly as of 2026-11-22T00:00:00\.000Z: succeeded in \d+\.\d s \(run [0-9a-f-]{36}\)$/);
    expect(lines).toEqual([
      '  audience    6',
      '  holdout     2',
      '  suppressed  1',
      '  rows        9',
      '  top offers  plain2 3 · gold 2 · plain 2 · bronze 1 · silver 1',
      '  output      table weekly_out',
    ]);
  });

  it('exits 1 with the recorded reason when the run fails', async () => {
    expect(runSeg(['run', 'simple', workspace, '--db', db, '--as-of', '2026-11-22']).status).toBe(0);
    // trigger's output table already exists as something else.
    const database = await connect(db);
    try {
      await database.exec('create table trigger_out (id integer)');
    } finally {
      await database.close();
    }
    const result = runSeg(['run', 'trigger', workspace, '--db', db, '--as-of', '2026-11-22']);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /^seg run: trigger failed: output table "trigger_out" already exists without the columns run_id, plan, as_of, customer_key, offer, category, rank, score, holdout: .* \(recorded as run [0-9a-f-]{36}\)\n$/,
    );
  });

  it('lists the runs newest first, with the error of a failed one', () => {
    const result = runSeg(['runs', workspace, '--db', db]);
    expect(result.status).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^plan\s+as of \(UTC\)\s+started\s+finished\s+status\s+rows\s+audience\s+holdout\s+error$/);
    expect(lines.slice(1).map((l) => l.split(/\s{2,}/).filter((cell) => !/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(cell)))).toEqual([
      ['trigger', 'failed', '0', '0', '0', expect.stringMatching(/^output table "trigger_out" already exists/)],
      ['simple', 'succeeded', '6', '6', '0'],
      ['weekly', 'succeeded', '9', '6', '2'],
    ]);
    // Every cell of a column starts where its header does.
    const statusColumn = lines[0]!.indexOf('status');
    expect(lines.slice(1).map((l) => l.slice(statusColumn).split(' ')[0])).toEqual(['failed', 'succeeded', 'succeeded']);
  });

  it('prints the records as JSON', () => {
    const result = runSeg(['runs', workspace, '--db', db, '--json', '--plan', 'weekly']);
    expect(result.status).toBe(0);
    const runs = JSON.parse(result.stdout);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      plan: 'weekly',
      asOf: '2026-11-22T00:00:00.000Z',
      status: 'succeeded',
      error: null,
      audience: 6,
      holdout: 2,
      suppressed: 1,
      rows: 9,
      offers: { plain2: 3, gold: 2, plain: 2, bronze: 1, silver: 1 },
      output: { kind: 'table', target: 'weekly_out' },
    });
  });

  it('suggests the plan meant by a typo', () => {
    const result = runSeg(['run', 'weekli', workspace, '--db', db]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('no plan named "weekli"; did you mean "weekly"?');
  });
});

describe('seg run on the retail example with a demo database', () => {
  const workspace = join(scratch, 'retail');
  const db = `sqlite:${join(scratch, 'retail.db')}`;

  beforeAll(async () => {
    // A copy: the CSV plan writes next to its workspace.
    mkdirSync(workspace);
    const example = join(repoRoot, 'examples/retail');
    for (const name of readdirSync(example)) if (name.endsWith('.seg') || name === 'seg.json') copyFileSync(join(example, name), join(workspace, name));
    const database = await connect(db);
    try {
      await generateRetail(database, { customers: 400, seed: 7, asOf: '2026-11-22' });
    } finally {
      await database.close();
    }
    expect(checkWorkspace({ files: loadWorkspace(workspace).files }).workspace).toBeDefined();
  });

  it('runs every plan of the example and records each', () => {
    for (const plan of ['weekly_email', 'store_event_invite', 'winback_trigger']) {
      const result = runSeg(['run', plan, workspace, '--db', db, '--as-of', '2026-11-22']);
      expect({ plan, stderr: result.stderr, status: result.status }).toEqual({ plan, stderr: '', status: 0 });
    }
    const runs = JSON.parse(runSeg(['runs', workspace, '--db', db, '--json']).stdout) as { plan: string; status: string; rows: number; audience: number }[];
    expect(runs.map((r) => [r.plan, r.status])).toEqual([
      ['winback_trigger', 'succeeded'],
      ['store_event_invite', 'succeeded'],
      ['weekly_email', 'succeeded'],
    ]);
    const weekly = runs.find((r) => r.plan === 'weekly_email')!;
    expect(weekly.audience).toBeGreaterThan(0);
    expect(weekly.rows).toBeGreaterThan(0);
    expect(readdirSync(join(workspace, 'out'))).toEqual(['store_event_invite.csv']);
  });
});
