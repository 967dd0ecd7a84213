/**
 * `seg count`, `seg members` and `seg model pull` against a real SQLite file,
 * through the bundled CLI: the numbers a marketer reads must be the members the
 * rules select, as of the date asked.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkWorkspace } from '@seg/core';
import { connect, createSchema, insertFixtures, loadWorkspace } from '@seg/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runSeg } from '../support/run-seg';

const scratch = mkdtempSync(join(tmpdir(), 'seg-cli-db-'));
const dbPath = join(scratch, 'retail.db');
const db = `sqlite:${dbPath}`;
const retail = join(repoRoot, 'examples/retail');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

beforeAll(async () => {
  const model = checkWorkspace({ files: loadWorkspace(retail).files }).workspace!.model;
  const database = await connect(db);
  try {
    await createSchema(database, model);
    await insertFixtures(database, model, {
      customers: [
        { customer_id: 'c1', email_opt_in: true, predicted_clv: 900 },
        { customer_id: 'c2', email_opt_in: true, predicted_clv: 100 },
        { customer_id: 'c3', email_opt_in: false },
        { customer_id: 'c4', email_opt_in: true },
      ],
      orders: [
        { order_id: 'o1', customer: 'c1', placed_at: '2026-11-01T10:00:00Z', channel: 'web', total: 120 },
        { order_id: 'o2', customer: 'c1', placed_at: '2026-06-01T10:00:00Z', channel: 'store', total: 80 },
        // Exactly at the start of `in last 90 days` as of 2026-11-22: inside.
        { order_id: 'o3', customer: 'c2', placed_at: '2026-08-24T00:00:00Z', channel: 'web', total: 40 },
        // One second earlier: outside.
        { order_id: 'o4', customer: 'c3', placed_at: '2026-08-23T23:59:59Z', channel: 'app', total: 60 },
        // On the as-of day itself: not yet seen as of its start.
        { order_id: 'o5', customer: 'c4', placed_at: '2026-11-22T09:00:00Z', channel: 'web', total: 10 },
      ],
    });
  } finally {
    await database.close();
  }
});

describe('seg count', () => {
  it('counts the members of a segment as of a date, as JSON', () => {
    const result = runSeg(['count', 'active', 'examples/retail', '--db', db, '--as-of', '2026-11-22', '--json']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ name: 'active', count: 2, audience: 4, asOf: '2026-11-22T00:00:00.000Z' });
  });

  it('moves the window with the as-of date', () => {
    // As of 2026-11-23 the window starts 2026-08-25: c2 drops out, c4's order of the 22nd is seen.
    const result = runSeg(['members', 'active', 'examples/retail', '--db', db, '--as-of', '2026-11-23']);
    expect(result.stdout).toBe('c1\nc4\n');
  });

  it("counts a plan's audience", () => {
    // weekly_email: email_opt_in and not unsubscribed
    const result = runSeg(['count', 'weekly_email', 'examples/retail', '--db', db, '--as-of', '2026-11-22', '--json']);
    expect(JSON.parse(result.stdout)).toMatchObject({ name: 'weekly_email', count: 3, audience: 4 });
  });

  it('prints a readable line with the share of the audience', () => {
    const result = runSeg(['count', 'active', 'examples/retail', '--db', db, '--as-of', '2026-11-22']);
    expect(result.stdout).toBe('active: 2 customers · 50.0 % of 4 (as of 2026-11-22T00:00:00.000Z)\n');
  });

  it('takes the database from SEG_DATABASE_URL over --db', () => {
    const result = runSeg(['count', 'active', 'examples/retail', '--db', 'sqlite:/nonexistent/dir/x.db', '--as-of', '2026-11-22', '--json'], {
      env: { SEG_DATABASE_URL: db },
    });
    expect(JSON.parse(result.stdout)).toMatchObject({ count: 2 });
  });

  it('suggests the segment meant by a typo', () => {
    const result = runSeg(['count', 'actve', 'examples/retail', '--db', db]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/no segment or plan named "actve"; did you mean "active"\?/);
  });

  it('explains an unreachable database without a stack trace', () => {
    const result = runSeg(['count', 'active', 'examples/retail', '--db', 'postgres://nobody@127.0.0.1:1/none']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^seg count: /);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('seg members', () => {
  it('lists member keys one per line, in key order', () => {
    const result = runSeg(['members', 'active', 'examples/retail', '--db', db, '--as-of', '2026-11-22']);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('c1\nc2\n');
  });

  it('writes CSV with metric columns', () => {
    const result = runSeg(['members', 'active', 'examples/retail', '--db', db, '--as-of', '2026-11-22', '--with', 'spend_12m,recency_days']);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('key,spend_12m,recency_days\nc1,200,20\nc2,40,90\n');
  });
});

describe('seg explain', () => {
  it('shows each condition of a segment with the values it saw', () => {
    const result = runSeg(['explain', 'c1', 'dormant', 'examples/retail', '--db', db, '--as-of', '2026-11-22']);
    expect(result.status).toBe(0);
    expect(result.stdout.split('\n')).toEqual([
      'c1 is not in dormant "Lapsed: bought before, nothing for 180 days" (as of 2026-11-22T00:00:00.000Z)',
      '  ✗ all of',
      '    ✓ count(orders) > 0    [count(orders) = 2]',
      '    ✗ last(orders.placed_at) < 180 days ago    [last(orders.placed_at) = 2026-11-01T10:00:00.000Z, 180 days ago = 2026-05-26T00:00:00.000Z]',
      '',
    ]);
  });

  it('says when the key is not a customer', () => {
    const result = runSeg(['explain', 'nobody', 'active', 'examples/retail', '--db', db, '--as-of', '2026-11-22']);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('nobody is not a key of customers.\n');
  });
});

describe('seg check --db', () => {
  it('is clean when the database has what the model declares', () => {
    const result = runSeg(['check', 'examples/retail', '--db', db]);
    expect(result.stdout).toBe('');
    expect(result.status).toBe(0);
  });

  it('warns at the declaration when a column is missing or holds another type', async () => {
    const path = join(scratch, 'drifted.db');
    const database = await connect(`sqlite:${path}`);
    await database.exec(`
      CREATE TABLE customers (customer_id TEXT, email TEXT, first_name TEXT, country TEXT, city TEXT, latitude REAL, longitude REAL,
        signup_at TEXT, email_opt_in INTEGER, sms_opt_in INTEGER, predicted_clv REAL, churn_risk REAL, owns_card INTEGER, owns_insurance INTEGER);
      CREATE TABLE orders (order_id TEXT, customer_id TEXT, channel TEXT, total BLOB, placed_at TEXT);`);
    await database.close();
    const result = runSeg(['check', 'examples/retail', '--db', `sqlite:${path}`]);
    expect(result.status).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toContain('examples/retail/model.seg:25:3: warning SEG3021: `orders.total` is BLOB in the database, but the model says number.');
    expect(lines).toContain('examples/retail/model.seg:26:3: warning SEG3020: Table `orders` in the database has no column `discount`.');
    expect(lines).toContain('examples/retail/model.seg:29:7: warning SEG3020: The database has no table `order_lines`.');
  });
});

describe('seg model pull', () => {
  it('writes a model from a database with keys and foreign keys, which then checks clean', async () => {
    const path = join(scratch, 'shop.db');
    const database = await connect(`sqlite:${path}`);
    await database.exec(`
      CREATE TABLE clients (client_id TEXT PRIMARY KEY, "E-mail" TEXT, vip BOOLEAN, joined_at TEXT);
      CREATE TABLE purchases (purchase_id INTEGER PRIMARY KEY, client_id TEXT REFERENCES clients(client_id), amount DECIMAL(10,2), bought_at TIMESTAMP);
      CREATE TABLE seg_runs (id INTEGER);`);
    await database.close();
    const dir = mkdtempSync(join(scratch, 'pulled-'));
    writeFileSync(join(dir, 'seg.json'), JSON.stringify({ database: `sqlite:${path}` }));
    const pulled = runSeg(['model', 'pull', '--db', `sqlite:${path}`, dir]);
    expect(pulled.status).toBe(0);
    const model = readFileSync(join(dir, 'model.seg'), 'utf8');
    expect(model).toContain('audience clients');
    expect(model).toContain('table purchases key purchase_id time bought_at {');
    expect(model).toMatch(/client\s+-> clients on client_id/);
    expect(model).toMatch(/e_mail\s+text as "E-mail"/);
    expect(model).not.toContain('seg_runs');
    writeFileSync(join(dir, 'rules.seg'), 'segment big_buyers {\n  sum(purchases.amount in last 1 year) > 100 and vip\n}\n');
    const check = runSeg(['check', dir]);
    expect(check.stdout).toBe('');
    expect(check.status).toBe(0);
    // Pulling again would overwrite hand edits: refused without --force.
    expect(runSeg(['model', 'pull', '--db', `sqlite:${path}`, dir]).status).toBe(2);
  });
});
