/**
 * The plan executor on every engine, against a small workspace whose outcome is
 * worked out by hand (support/run-workspace.ts has the sources and rows).
 *
 * Plan `weekly` as of 2026-11-22 (rank by score, boost ×2 when the offer's
 * strategy is the customer's primary, top 3, at most 1 per category, gold capped at 2):
 *
 *   audience  email_opt_in: c1 c2 c3 c4 c6 c7 (c5 opted out)
 *   suppress  c6 (an email on 11-20); c7's email of 11-10 is too old, its 11-21 contact is an SMS
 *   strategy  big (spend ≥ 100): c1 (150), c2 (120) → retain; the rest grow.
 *             secondary: vip (c1, c3) → cross_sell, else migrate
 *   scores    gold = points/10, ×2 for retain customers: c1 6, c2 4, c3 2.5, c7 1 (c4 has 0 points: not eligible)
 *             silver 0.5, ×2 for grow customers: c1 0.5, c2 0.5, c3 1, c4 1, c7 1
 *             bronze 0.4 (vip only: c1, c3) · plain2 0.35 · plain 0.3 (no category: not limited per category)
 *             sms_only: not on the email channel · expired, december: not valid on 11-22
 *   greedy    c1 gold 6 · c2 gold 4 (gold's cap is reached) · c3 gold 2.5 and c7 gold 1 lose it →
 *             c3, c4, c7 silver 1 · c1, c2 silver 0.5 blocked (category A taken) · c1, c3 bronze ·
 *             plain2 for all five · plain for those with a free place (c2, c4, c7)
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compilePlan, isHeldOut } from '@seg/compiler';
import type { Database } from '../../packages/runtime/src/db/database';
import { insertFixtures } from '../../packages/runtime/src/fixtures';
import { listRuns, readRun } from '../../packages/runtime/src/run/run-history';
import { runPlan } from '../../packages/runtime/src/run/run-plan';
import type { RunOptions } from '../../packages/runtime/src/run/run-types';
import { testEngines } from '../../packages/runtime/test/support/engines';
import { checkedWorkspace, loadRows, SOURCE, tableRows } from './support/run-workspace';

const ws = checkedWorkspace();
const NOV_22 = new Date('2026-11-22T00:00:00Z');
const NOV_25 = new Date('2026-11-25T00:00:00Z');
const DEC_05 = new Date('2026-12-05T00:00:00Z');

const scratch = mkdtempSync(join(tmpdir(), 'seg-run-plan-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** `customer offer rank score`, in the output's order, for one plan and as-of. */
async function offersOf(db: Database, table: string, asOf: Date): Promise<string[]> {
  const rows = await tableRows(db, `select customer_key, offer, "rank", score, as_of from ${table}`);
  return rows
    .filter((r) => toIso(r.as_of) === asOf.toISOString() && r.offer !== null)
    .sort((a, b) => (String(a.customer_key) < String(b.customer_key) ? -1 : String(a.customer_key) > String(b.customer_key) ? 1 : Number(a.rank) - Number(b.rank)))
    .map((r) => `${r.customer_key} ${r.offer} ${r.rank} ${Number(r.score)}`);
}

const toIso = (value: unknown) => new Date(String(value)).toISOString();

const WEEKLY_NOV_22 = [
  'c1 gold 1 6',
  'c1 bronze 2 0.4',
  'c1 plain2 3 0.35',
  'c2 gold 1 4',
  'c2 plain2 2 0.35',
  'c2 plain 3 0.3',
  'c3 silver 1 1',
  'c3 bronze 2 0.4',
  'c3 plain2 3 0.35',
  'c4 silver 1 1',
  'c4 plain2 2 0.35',
  'c4 plain 3 0.3',
  'c7 silver 1 1',
  'c7 plain2 2 0.35',
  'c7 plain 3 0.3',
];

describe.each(testEngines())('runPlan on $label', (engine) => {
  let db: Database;
  beforeEach(async () => {
    db = await engine.open();
    await loadRows(db, ws);
  });
  afterEach(() => db.close());

  const run = (plan: string, options: Partial<RunOptions> & { asOf: Date }) => runPlan(db, compilePlan(ws, plan, db.dialect), options);

  it('ranks, limits per category, caps and writes the output table, contacts and history', async () => {
    const record = await run('weekly', { asOf: NOV_22, ignoreHoldout: true, runId: 'r1' });
    expect(record).toMatchObject({
      runId: 'r1',
      plan: 'weekly',
      asOf: '2026-11-22T00:00:00.000Z',
      status: 'succeeded',
      error: null,
      audience: 6,
      holdout: 0,
      suppressed: 1,
      rows: 15,
      offers: { plain2: 5, plain: 3, silver: 3, bronze: 2, gold: 2 },
      sourceHash: ws.sourceHash,
      output: { kind: 'table', target: 'weekly_out' },
    });
    expect(record.finishedAt).not.toBeNull();
    expect(await offersOf(db, 'weekly_out', NOV_22)).toEqual(WEEKLY_NOV_22);

    // Strategy, extra columns and the run's own columns on every row.
    const rows = await tableRows(db, `select run_id, plan, customer_key, category, strategy, secondary_strategy, holdout, spend from weekly_out where "rank" = 1 order by customer_key`);
    expect(rows.map((r) => [r.run_id, r.plan, r.customer_key, r.category, r.strategy, r.secondary_strategy, Boolean(Number(r.holdout)), Number(r.spend)])).toEqual([
      ['r1', 'weekly', 'c1', 'A', 'retain', 'cross_sell', false, 150],
      ['r1', 'weekly', 'c2', 'A', 'retain', 'migrate', false, 120],
      ['r1', 'weekly', 'c3', 'A', 'grow', 'cross_sell', false, 0],
      ['r1', 'weekly', 'c4', 'A', 'grow', 'migrate', false, 0],
      ['r1', 'weekly', 'c7', 'A', 'grow', 'migrate', false, 0],
    ]);

    // Every assignment is a contact at the as-of, on the plan's channel.
    const contacts = await tableRows(db, `select customer_key, offer, channel, category, "at" from contacts where plan = 'weekly'`);
    expect(contacts.map((c) => `${c.customer_key} ${c.offer} ${c.channel} ${c.category} ${toIso(c.at)}`).sort()).toEqual(
      [
        'c1 gold A', 'c1 bronze B', 'c1 plain2 null', 'c2 gold A', 'c2 plain2 null', 'c2 plain null', 'c3 silver A', 'c3 bronze B', 'c3 plain2 null',
        'c4 silver A', 'c4 plain2 null', 'c4 plain null', 'c7 silver A', 'c7 plain2 null', 'c7 plain null',
      ]
        .map((s) => {
          const [customer, offer, category] = s.split(' ');
          return `${customer} ${offer} email ${category} 2026-11-22T00:00:00.000Z`;
        })
        .sort(),
    );
    expect(await listRuns(db)).toEqual([record]);
  });

  it('holds out the customers the hash draws: a row each, flagged, with no offer; the others are arbitrated without them', async () => {
    const keys = ['c1', 'c2', 'c3', 'c4', 'c6', 'c7'];
    // The premise, computed independently of the run: the 30 % draw of plan weekly.
    expect(keys.filter((k) => isHeldOut('weekly', k, 0.3))).toEqual(['c1', 'c2']);
    const record = await run('weekly', { asOf: NOV_22, runId: 'h1' });
    expect(record).toMatchObject({ status: 'succeeded', audience: 6, holdout: 2, suppressed: 1, rows: 9 });
    // Without c1 and c2, gold's cap no longer binds: c3 (2.5) and c7 (1, before silver by name) get it.
    expect(await offersOf(db, 'weekly_out', NOV_22)).toEqual([
      'c3 gold 1 2.5',
      'c3 bronze 2 0.4',
      'c3 plain2 3 0.35',
      'c4 silver 1 1',
      'c4 plain2 2 0.35',
      'c4 plain 3 0.3',
      'c7 gold 1 1',
      'c7 plain2 2 0.35',
      'c7 plain 3 0.3',
    ]);
    const held = await tableRows(db, `select customer_key, offer, "rank", score, strategy, spend from weekly_out where holdout = ${db.dialect === 'sqlite' ? 1 : 'true'} order by customer_key`);
    expect(held.map((r) => [r.customer_key, r.offer, r.rank, r.score, r.strategy, Number(r.spend)])).toEqual([
      ['c1', null, null, null, 'retain', 150],
      ['c2', null, null, null, 'retain', 120],
    ]);
    const contacted = await tableRows(db, `select distinct customer_key from contacts where plan = 'weekly' order by customer_key`);
    expect(contacted.map((r) => r.customer_key)).toEqual(['c3', 'c4', 'c7']);
  });

  it('holds out everyone at 100 % and no one at 0 %', async () => {
    const all = checkedWorkspace(SOURCE_WITH_HOLDOUT('100%'));
    const none = checkedWorkspace(SOURCE_WITH_HOLDOUT('0%'));
    const full = await runPlan(db, compilePlan(all, 'weekly', db.dialect), { asOf: NOV_22 });
    expect(full).toMatchObject({ status: 'succeeded', audience: 6, holdout: 6, rows: 0 });
    expect((await tableRows(db, 'select customer_key from weekly_out where offer is null')).length).toBe(6);
    const zero = await runPlan(db, compilePlan(none, 'weekly', db.dialect), { asOf: NOV_22 });
    expect(zero).toMatchObject({ status: 'succeeded', audience: 6, holdout: 0, rows: 15 });
    // The second run replaced the first's rows of the same plan and as-of.
    expect(await offersOf(db, 'weekly_out', NOV_22)).toEqual(WEEKLY_NOV_22);
    expect((await tableRows(db, 'select customer_key from weekly_out where offer is null')).length).toBe(0);
  });

  it('draws the same holdout as the hash when the audience spans more than one page of the draw', async () => {
    // 2,400 more customers (the draw reads 2,000 keys a page), some with keys whose order
    // depends on case, accents and punctuation, and every 7th opted out.
    const odd = ['A-1', 'a_1', 'B 2', 'b2', 'É3', 'e3', 'z', 'Z', '~', '0'];
    const extra = [...odd, ...Array.from({ length: 2400 - odd.length }, (_, i) => `m${String(i).padStart(5, '0')}`)];
    const customers = extra.map((key, i) => ({ customer_id: key, email_opt_in: i % 7 !== 3, points: i % 11, vip: i % 5 === 0 }));
    await insertFixtures(db, ws.model, { customers });
    const audience = ['c1', 'c2', 'c3', 'c4', 'c6', 'c7', ...customers.filter((c) => c.email_opt_in).map((c) => c.customer_id)];
    expect(audience.length).toBeGreaterThan(2000);
    const expected = audience.filter((key) => isHeldOut('weekly', key, 0.3)).sort();
    const record = await run('weekly', { asOf: NOV_22 });
    expect(record).toMatchObject({ status: 'succeeded', audience: audience.length, holdout: expected.length });
    const held = await tableRows(db, `select customer_key from weekly_out where holdout = ${db.dialect === 'sqlite' ? 1 : 'true'}`);
    expect(held.map((r) => String(r.customer_key)).sort()).toEqual(expected);
  });

  it('re-running the same as-of replaces the output and the contacts, never duplicates', async () => {
    await run('weekly', { asOf: NOV_22, ignoreHoldout: true, runId: 'a' });
    const again = await run('weekly', { asOf: NOV_22, ignoreHoldout: true, runId: 'b' });
    expect(again).toMatchObject({ status: 'succeeded', rows: 15, suppressed: 1 });
    expect(await offersOf(db, 'weekly_out', NOV_22)).toEqual(WEEKLY_NOV_22);
    expect((await tableRows(db, 'select distinct run_id from weekly_out')).map((r) => r.run_id)).toEqual(['b']);
    expect((await tableRows(db, `select customer_key from contacts where plan = 'weekly'`)).length).toBe(15);
    expect((await listRuns(db)).map((r) => [r.runId, r.status])).toEqual([
      ['b', 'succeeded'],
      ['a', 'succeeded'],
    ]);
  });

  it("suppresses a later run with the contacts an earlier run recorded", async () => {
    await run('weekly', { asOf: NOV_22, ignoreHoldout: true });
    // As of 11-25 the 7-day window [11-18, 11-25) holds the 11-22 contacts of c1 c2 c3 c4 c7 and c6's own.
    const later = await run('weekly', { asOf: NOV_25, ignoreHoldout: true });
    expect(later).toMatchObject({ status: 'succeeded', audience: 6, suppressed: 6, rows: 0, offers: {} });
    expect(await offersOf(db, 'weekly_out', NOV_25)).toEqual([]);
    // The first run's rows stay: a different as-of.
    expect(await offersOf(db, 'weekly_out', NOV_22)).toEqual(WEEKLY_NOV_22);
  });

  it('applies validity dates: an offer valid from December wins in December, and its cap contest changes', async () => {
    // 12-05: no email in [11-28, 12-05), so c6 (gold 5) is back. december (9, category C) is first for everyone;
    // gold's cap goes to c1 (6) and c6 (5); c2 (4) loses it and gets silver 0.5, its next best in category A.
    const record = await run('weekly', { asOf: DEC_05, ignoreHoldout: true });
    expect(record).toMatchObject({ status: 'succeeded', audience: 6, suppressed: 0, rows: 18 });
    expect(await offersOf(db, 'weekly_out', DEC_05)).toEqual([
      'c1 december 1 9',
      'c1 gold 2 6',
      'c1 bronze 3 0.4',
      'c2 december 1 9',
      'c2 silver 2 0.5',
      'c2 plain2 3 0.35',
      'c3 december 1 9',
      'c3 silver 2 1',
      'c3 bronze 3 0.4',
      'c4 december 1 9',
      'c4 silver 2 1',
      'c4 plain2 3 0.35',
      'c6 december 1 9',
      'c6 gold 2 5',
      'c6 plain2 3 0.35',
      'c7 december 1 9',
      'c7 silver 2 1',
      'c7 plain2 3 0.35',
    ]);
  });

  it('selects who entered and who left a tracked segment since the previous successful run', async () => {
    // recent_big (≥ 100 in the last 30 days): as of 11-22 c1 (11-01) and c2 (10-30); as of 12-05 only c3 (11-25).
    await insertFixtures(db, ws.model, { orders: [{ order_id: 'o3', customer: 'c3', total: 200, placed_at: '2026-11-25T00:00:00Z' }] });
    // First runs: entered() is everyone in the segment, left() nobody.
    expect(await run('trigger', { asOf: NOV_22 })).toMatchObject({ status: 'succeeded', audience: 2, rows: 2 });
    expect(await run('lapse', { asOf: NOV_22 })).toMatchObject({ status: 'succeeded', audience: 0, rows: 0 });
    expect(await offersOf(db, 'trigger_out', NOV_22)).toEqual(['c1 plain 1 0.3', 'c2 plain 1 0.3']);

    expect(await run('trigger', { asOf: DEC_05 })).toMatchObject({ status: 'succeeded', audience: 1 });
    expect(await run('lapse', { asOf: DEC_05 })).toMatchObject({ status: 'succeeded', audience: 2 });
    expect(await offersOf(db, 'trigger_out', DEC_05)).toEqual(['c3 plain 1 0.3']);
    expect(await offersOf(db, 'lapse_out', DEC_05)).toEqual(['c1 plain 1 0.3', 'c2 plain 1 0.3']);

    // A re-run of 12-05 compares with the 11-22 run again, not with the 12-05 run it replaces.
    expect(await run('trigger', { asOf: DEC_05 })).toMatchObject({ status: 'succeeded', audience: 1 });
    expect(await offersOf(db, 'trigger_out', DEC_05)).toEqual(['c3 plain 1 0.3']);
  });

  it('writes a CSV next to its target and moves it into place after the commit', async () => {
    const dir = mkdtempSync(join(scratch, `${engine.name}-`));
    const record = await run('weekly', { asOf: NOV_22, ignoreHoldout: true, runId: 'csv1', cwd: dir, output: { kind: 'csv', path: 'out/weekly.csv' } });
    expect(record).toMatchObject({ status: 'succeeded', rows: 15, output: { kind: 'csv', target: join(dir, 'out/weekly.csv') } });
    const lines = readFileSync(join(dir, 'out/weekly.csv'), 'utf8').split('\n');
    expect(lines[0]).toBe('run_id,plan,as_of,customer_key,offer,category,rank,score,strategy,secondary_strategy,holdout,spend');
    expect(lines.slice(1, 4)).toEqual([
      'csv1,weekly,2026-11-22T00:00:00.000Z,c1,gold,A,1,6,retain,cross_sell,false,150',
      'csv1,weekly,2026-11-22T00:00:00.000Z,c1,bronze,B,2,0.4,retain,cross_sell,false,150',
      'csv1,weekly,2026-11-22T00:00:00.000Z,c1,plain2,,3,0.35,retain,cross_sell,false,150',
    ]);
    expect(lines.slice(1, -1).map((l) => l.split(',').slice(3, 5).join(' '))).toEqual(WEEKLY_NOV_22.map((s) => s.split(' ').slice(0, 2).join(' ')));
    expect(lines.at(-1)).toBe('');
    // Only the target is left: no temporary file.
    expect(readdirSync(join(dir, 'out'))).toEqual(['weekly.csv']);
    // No table output was written.
    expect(await tableRows(db, `select count(*) as n from contacts where plan = 'weekly'`)).toEqual([{ n: 15 }]);
  });

  it('posts the same rows to a webhook after the commit, in batches with idempotency keys, and then succeeds', async () => {
    const received: { key: string | undefined; body: { batch: number; batches: number; rows: Record<string, unknown>[] } }[] = [];
    const server = createServer((request, response) => {
      let text = '';
      request.on('data', (chunk) => (text += chunk));
      request.on('end', () => {
        received.push({ key: request.headers['idempotency-key'] as string | undefined, body: JSON.parse(text) });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/offers`;
      const record = await run('weekly', { asOf: NOV_22, ignoreHoldout: true, runId: 'hook1', output: { kind: 'webhook', url, batchSize: 4 } });
      expect(record).toMatchObject({ status: 'succeeded', rows: 15, output: { kind: 'webhook', target: url } });
      // 15 offer rows (no holdout) in batches of 4, in order, each once.
      expect(received.map((r) => r.key)).toEqual(['hook1:1', 'hook1:2', 'hook1:3', 'hook1:4']);
      expect(received.map((r) => r.body.rows.length)).toEqual([4, 4, 4, 3]);
      const sent = received.flatMap((r) => r.body.rows).map((row) => `${row.customer_key} ${row.offer} ${row.rank} ${Number(row.score)}`);
      expect(sent).toEqual(WEEKLY_NOV_22);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('records a run whose output table clashes with an existing table as failed, and leaves nothing behind', async () => {
    await db.exec('create table weekly_out (id integer, note text)');
    const record = await run('weekly', { asOf: NOV_22, ignoreHoldout: true, runId: 'bad' });
    expect(record.status).toBe('failed');
    expect(record.error).toMatch(/output table "weekly_out" already exists without the columns run_id, plan, as_of/);
    expect(record.error).not.toContain('\n');
    expect(record).toMatchObject({ rows: 0, audience: 0, offers: {} });
    expect(await tableRows(db, 'select count(*) as n from weekly_out')).toEqual([{ n: 0 }]);
    expect(await tableRows(db, `select count(*) as n from contacts where plan = 'weekly'`)).toEqual([{ n: 0 }]);
    expect(await readRun(db, 'bad')).toEqual(record);
  });

  it('rolls back everything a run wrote when a late statement fails', async () => {
    // A contacts table without `category`: plan simple (no suppress rule) reads nothing from it,
    // writes its output table, and fails only when appending its contacts at the end.
    await db.exec('drop table contacts');
    await db.exec(`create table contacts (plan text, offer text, channel text, "at" ${db.dialect === 'sqlite' ? 'text' : 'timestamptz'}, customer_key text)`);
    const record = await run('simple', { asOf: NOV_22, runId: 'late' });
    expect(record).toMatchObject({ status: 'failed', runId: 'late' });
    expect(record.error).toMatch(/^contacts: .*category/i);
    // Tables created inside the run went with the rollback.
    const tables = (await tableRows(db, tableListSql(db))).map((t) => t.name);
    expect(tables).not.toContain('simple_out');
    expect(tables).not.toContain('seg_memberships');
    expect(await tableRows(db, 'select count(*) as n from contacts')).toEqual([{ n: 0 }]);
  });

  it('stops at the next statement when aborted, rolls back and records "cancelled"', async () => {
    const dir = mkdtempSync(join(scratch, `${engine.name}-abort-`));
    const abort = new AbortController();
    const seen: string[] = [];
    const record = await run('weekly', {
      asOf: NOV_22,
      cwd: dir,
      output: { kind: 'csv', path: 'weekly.csv' },
      signal: abort.signal,
      onProgress: (p) => {
        seen.push(p.stage);
        if (p.stage === 'membership') abort.abort();
      },
    });
    expect(record).toMatchObject({ status: 'failed', error: 'cancelled' });
    expect(seen).toContain('output');
    // The CSV was written to its temporary file before the abort: removed, and never moved into place.
    expect(readdirSync(dir)).toEqual([]);
    expect(await tableRows(db, `select count(*) as n from contacts where plan = 'weekly'`)).toEqual([{ n: 0 }]);
    // A later run is unaffected (the work tables went with the rollback).
    expect(await run('weekly', { asOf: NOV_22, ignoreHoldout: true })).toMatchObject({ status: 'succeeded', rows: 15 });
  });

  it('marks a run left running by a killed process as interrupted when the plan runs again', async () => {
    await run('simple', { asOf: NOV_22, runId: 'first' });
    await db.query(db.dialect === 'postgres' ? `update seg_runs set status = 'running', finished_at = null where run_id = $1` : `update seg_runs set status = 'running', finished_at = null where run_id = ?`, ['first']);
    await run('simple', { asOf: NOV_25, runId: 'second' });
    expect((await listRuns(db, { plan: 'simple' })).map((r) => [r.runId, r.status])).toEqual([
      ['second', 'succeeded'],
      ['first', 'interrupted'],
    ]);
  });
});

function SOURCE_WITH_HOLDOUT(share: string): string {
  return SOURCE.replace('holdout 30%', `holdout ${share}`);
}

function tableListSql(db: Database): string {
  return db.dialect === 'sqlite'
    ? `select name from sqlite_schema where type = 'table'`
    : `select table_name as name from information_schema.tables where table_schema = current_schema()`;
}

