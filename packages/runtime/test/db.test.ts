import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database, Dialect } from '../src/db/database';
import { connect } from '../src/db/connect';
import { SegUserError } from '../src/errors';
import { testEngines } from './support/engines';

/** Everything that breaks naive string-built SQL, plus non-ASCII. */
const NASTY = `O'Brien "Jr"; DROP TABLE x; -- \\ naïve 東京`;

/** Callers write placeholders in the engine's own style; see database.ts. */
function placeholders(dialect: Dialect, count: number): string[] {
  return Array.from({ length: count }, (_, i) => (dialect === 'postgres' ? `$${i + 1}` : '?'));
}

describe.each(testEngines())('database on $label', ({ name, open }) => {
  let db: Database;
  const p = (count: number) => placeholders(name, count);

  beforeEach(async () => {
    db = await open();
    await db.exec(`
      CREATE TABLE people (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        score DOUBLE PRECISION,
        active BOOLEAN NOT NULL,
        seen_at TIMESTAMP,
        balance DECIMAL(12, 2)
      );
      CREATE TABLE marker (id INTEGER);
    `);
  });

  afterEach(async () => {
    await db.close();
  });

  async function insertPerson(
    target: Database,
    row: { id: number; name: string; score: number | null; active: boolean; seenAt: Date | null; balance: number },
  ): Promise<void> {
    const [a, b, c, d, e, f] = p(6);
    await target.query(
      `INSERT INTO people (id, name, score, active, seen_at, balance) VALUES (${a}, ${b}, ${c}, ${d}, ${e}, ${f})`,
      [row.id, row.name, row.score, row.active, row.seenAt, row.balance],
    );
  }

  it('has the expected dialect', () => {
    expect(db.dialect).toBe(name);
  });

  it('round-trips hostile text, numbers, booleans and timestamps through parameters', async () => {
    const seenAt = new Date('2024-03-05T06:07:08.123Z');
    await insertPerson(db, { id: 1, name: NASTY, score: 1.5, active: true, seenAt, balance: 10.25 });
    await insertPerson(db, { id: 2, name: 'plain', score: null, active: false, seenAt: null, balance: 0 });

    const rows = await db.query(
      `SELECT id, name, score, active, seen_at FROM people WHERE name = ${p(1)[0]}`,
      [NASTY],
    );
    expect(rows).toEqual([
      { id: 1, name: NASTY, score: 1.5, active: true, seen_at: '2024-03-05T06:07:08.123Z' },
    ]);

    // The payload was data, not SQL: both tables are still there.
    const [{ n }] = await db.query<{ n: unknown }>('SELECT count(*) AS n FROM marker');
    expect(n).toBe(0);

    const [other] = await db.query(`SELECT id, score, active, seen_at FROM people WHERE id = ${p(1)[0]}`, [2]);
    expect(other).toEqual({ id: 2, score: null, active: false, seen_at: null });
  });

  it('returns count(*) as a JS number', async () => {
    for (let id = 1; id <= 3; id++) {
      await insertPerson(db, { id, name: `p${id}`, score: id, active: id % 2 === 0, seenAt: null, balance: id });
    }
    const rows = await db.query<{ n: unknown }>('SELECT count(*) AS n FROM people');
    expect(rows).toEqual([{ n: 3 }]);
    expect(typeof rows[0]?.n).toBe('number');
  });

  it('returns a sum of decimals as a JS number', async () => {
    await insertPerson(db, { id: 1, name: 'a', score: 0, active: true, seenAt: null, balance: 1.1 });
    await insertPerson(db, { id: 2, name: 'b', score: 0, active: true, seenAt: null, balance: 2.2 });
    const [{ total }] = await db.query<{ total: unknown }>('SELECT sum(balance) AS total FROM people');
    expect(typeof total).toBe('number');
    // sqlite stores DECIMAL as a double, so 1.1 + 2.2 is 3.3000000000000003 there.
    expect(total).toBeCloseTo(3.3, 10);
  });

  it('keeps 64-bit integers beyond 2^53 exact as bigint', async () => {
    const big = 2n ** 62n + 1n;
    const [{ v }] = await db.query<{ v: unknown }>(
      `SELECT CAST(${p(1)[0]} AS BIGINT) AS v`,
      [big],
    );
    expect(v).toBe(big);
  });

  it('returns [] from statements that produce no rows', async () => {
    const [a] = p(1);
    expect(await db.query(`INSERT INTO marker (id) VALUES (${a})`, [1])).toEqual([]);
    expect(await db.query(`UPDATE marker SET id = ${a}`, [2])).toEqual([]);
  });

  it('rolls back a transaction that throws', async () => {
    await insertPerson(db, { id: 1, name: 'kept', score: 1, active: true, seenAt: null, balance: 1 });
    const boom = new Error('boom');
    await expect(
      db.transaction(async (tx) => {
        await insertPerson(tx, { id: 2, name: 'discarded', score: 2, active: true, seenAt: null, balance: 2 });
        // Through the outer handle too: inside transaction(), it is the same transaction.
        await db.query(`DELETE FROM people WHERE id = ${p(1)[0]}`, [1]);
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await db.query('SELECT id, name FROM people ORDER BY id')).toEqual([{ id: 1, name: 'kept' }]);
  });

  it('commits a transaction that resolves and returns its value', async () => {
    const result = await db.transaction(async (tx) => {
      await insertPerson(tx, { id: 7, name: 'x', score: 1, active: true, seenAt: null, balance: 1 });
      return 'done';
    });
    expect(result).toBe('done');
    expect(await db.query('SELECT id FROM people')).toEqual([{ id: 7 }]);
  });

  it('makes concurrent callers wait for a transaction instead of joining it', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const tx = db
      .transaction(async (t) => {
        await t.query(`INSERT INTO marker (id) VALUES (${p(1)[0]})`, [1]);
        await gate;
        throw new Error('rollback');
      })
      .catch(() => 'rolled back');
    // Started outside the transaction's async context: must not see or join it.
    const outside = db.query(`INSERT INTO marker (id) VALUES (${p(1)[0]})`, [2]);
    release();
    expect(await tx).toBe('rolled back');
    await outside;
    expect(await db.query('SELECT id FROM marker')).toEqual([{ id: 2 }]);
  });

  it.skipIf(name === 'duckdb')('rolls back only the inner part of a nested transaction', async () => {
    await db.transaction(async (tx) => {
      await tx.query(`INSERT INTO marker (id) VALUES (${p(1)[0]})`, [1]);
      await expect(
        tx.transaction(async (inner) => {
          await inner.query(`INSERT INTO marker (id) VALUES (${p(1)[0]})`, [2]);
          throw new Error('inner');
        }),
      ).rejects.toThrow('inner');
    });
    expect(await db.query('SELECT id FROM marker')).toEqual([{ id: 1 }]);
  });

  it.runIf(name === 'duckdb')('rejects a nested transaction: DuckDB has no savepoints', async () => {
    await expect(db.transaction((tx) => tx.transaction(async () => 1))).rejects.toThrow(/savepoints/);
    // The failed attempt rolled the outer transaction back and released the connection.
    expect(await db.query('SELECT count(*) AS n FROM marker')).toEqual([{ n: 0 }]);
  });

  it('rejects calls after close()', async () => {
    const other = await open();
    await other.close();
    await expect(other.query('SELECT 1')).rejects.toThrow(/closed/);
  });
});

describe('connect()', () => {
  it.each([
    ['sqlite::memory:', 'sqlite'],
    ['duckdb::memory:', 'duckdb'],
    ['pglite:memory', 'postgres'],
  ] as const)('opens %s', async (url, dialect) => {
    const db = await connect(url);
    try {
      expect(db.dialect).toBe(dialect);
      expect(await db.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    } finally {
      await db.close();
    }
  });

  it('rejects an unknown scheme with a SegUserError naming the supported ones', async () => {
    const error = await connect('mysql://root:hunter2@localhost/db').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SegUserError);
    const message = (error as Error).message;
    expect(message).toContain('sqlite:PATH');
    expect(message).toContain('postgres://');
    expect(message).toContain('duckdb:PATH');
    expect(message).not.toContain('hunter2');
  });

  it('reports an unreachable sqlite path as a SegUserError', async () => {
    await expect(connect('sqlite:/nonexistent-dir/seg/x.db')).rejects.toBeInstanceOf(SegUserError);
  });
});
