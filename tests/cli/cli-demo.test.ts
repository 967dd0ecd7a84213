/** `seg demo`, the README's first command, end to end on a small seeded database. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { connect } from '../../packages/runtime/src/db/connect';
import { runSeg } from '../support/run-seg';

const scratch = mkdtempSync(join(tmpdir(), 'seg-demo-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

it('builds the demo database, runs the example plans and reports them, the same on every run', async () => {
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
  // The trigger plan's first run: everyone in dormant "entered" it, one offer each, 10 % held out.
  const trigger = report.match(/^ {2}winback_trigger +([\d,]+) +([\d,]+) +0 +([\d,]+) +1\.00 +winback_15 ([\d,]+)$/m);
  expect(trigger, report).not.toBeNull();
  const [audience, holdout, offers, winback] = trigger!.slice(1).map((n) => Number(n.replace(/,/g, '')));
  expect(offers).toBe(audience! - holdout!);
  expect(winback).toBe(offers);
  expect(holdout! / audience!).toBeGreaterThan(0.05);
  expect(holdout! / audience!).toBeLessThan(0.15);
  // What the report says went out is what the database holds.
  const database = await connect(db);
  try {
    const weekly = report.match(/^ {2}weekly_email +[\d,]+ +[\d,]+ +[\d,]+ +([\d,]+) /m);
    const [sent] = await database.query<{ n: number }>('select count(offer) as n from weekly_email_offers');
    expect(sent!.n).toBe(Number(weekly![1]!.replace(/,/g, '')));
    const [ranks] = await database.query<{ top: number; most: number }>(
      'select max(rank) as top, max(n) as most from (select customer_key, rank, count(*) over (partition by customer_key) as n from weekly_email_offers where offer is not null) as per_customer',
    );
    expect(ranks!.most).toBeLessThanOrEqual(8);
    expect(ranks!.top).toBe(ranks!.most);
  } finally {
    await database.close();
  }
  expect(readFileSync(join(scratch, 'out/store_event_invite.csv'), 'utf8')).toMatch(/^run_id,plan,as_of,customer_key,offer,/);
  // Seeded: identical figures on a rebuild (only the build time may differ).
  const figures = (text: string) => text.replace(/ in \d+\.\d s:/, ':');
  expect(figures(runs[1]!.stdout)).toBe(figures(report));
});
