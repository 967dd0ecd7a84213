/**
 * The fixture loader: one schema per model on every engine, rows in with bound
 * parameters, values back as the runtime reads them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataModel } from '../../../packages/core/src/model/ir';
import type { Database } from '../../../packages/runtime/src/db/database';
import { createSchema, createTableStatements, insertRows } from '../../../packages/runtime/src/fixtures';
import { testEngines } from '../../../packages/runtime/test/support/engines';

const MODEL: DataModel = {
  audience: 'people',
  tables: {
    people: {
      name: 'people',
      sqlName: 'people',
      key: 'id',
      fields: {
        id: { name: 'id', column: 'id', type: 'text' },
        name: { name: 'name', column: 'Full Name', type: 'text' },
        score: { name: 'score', column: 'score', type: 'number' },
        vip: { name: 'vip', column: 'vip', type: 'bool' },
        born: { name: 'born', column: 'born', type: 'date' },
        joined: { name: 'joined', column: 'joined', type: 'timestamp' },
      },
      audiencePath: [],
    },
    visits: {
      name: 'visits',
      sqlName: 'visits',
      time: 'at',
      fields: {
        person: { name: 'person', column: 'person_id', type: 'text', link: { target: 'people' } },
        at: { name: 'at', column: 'at', type: 'timestamp' },
      },
      audiencePath: ['person'],
      timeSource: { path: [], field: 'at' },
    },
  },
};

const TRICKY = `O'Brien "Jr"; DROP TABLE people; -- \\ café ☃ 100%_`;

describe.each(testEngines())('fixtures on $label', ({ name: dialect, open }) => {
  let db: Database;
  beforeAll(async () => {
    db = await open();
    await createSchema(db, MODEL);
    await insertRows(db, MODEL, 'people', [
      { id: 'p1', name: TRICKY, score: 2.5, vip: true, born: '1990-05-17', joined: '2026-03-01T10:00:00+10:00' },
      { id: 'p2', name: null, vip: false, joined: '2026-03-01' },
      { id: 'p3' },
    ]);
    await insertRows(
      db,
      MODEL,
      'visits',
      Array.from({ length: 1200 }, (_, i) => ({ person: `p${(i % 3) + 1}`, at: 1_772_323_200 + i * 60 })),
      { batchRows: 500 }, // three statements
    );
  });
  afterAll(() => db?.close());

  it('creates every model table plus the built-in contacts', async () => {
    const rows = await db.query('SELECT count(*) AS n FROM contacts');
    expect(Number(rows[0]!.n)).toBe(0);
  });

  it('round-trips text, numbers, booleans, dates and missing values', async () => {
    const rows = await db.query<Record<string, unknown>>(`SELECT id, "Full Name" AS name, score, vip, born FROM people ORDER BY id`);
    expect(rows.map((r) => r.name)).toEqual([TRICKY, null, null]);
    expect(rows.map((r) => r.score)).toEqual([2.5, null, null]);
    expect(rows.map((r) => (r.vip === null ? null : Boolean(r.vip)))).toEqual([true, false, null]);
    expect(rows[0]!.born).toBe('1990-05-17');
  });

  it('stores timestamps natively on postgres/duckdb and as given on sqlite', async () => {
    if (dialect === 'sqlite') {
      // `|| ''` reads the stored text itself, past the driver's timestamp normalisation.
      const rows = await db.query<{ joined: unknown }>(`SELECT joined || '' AS joined FROM people ORDER BY id`);
      expect(rows.map((r) => r.joined)).toEqual(['2026-03-01T10:00:00+10:00', '2026-03-01T00:00:00.000Z', null]);
    } else {
      const rows = await db.query<{ joined: unknown }>(`SELECT joined FROM people ORDER BY id`);
      expect(rows.map((r) => r.joined)).toEqual(['2026-03-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z', null]);
    }
  });

  it('keeps epoch seconds as numbers on sqlite and converts them elsewhere', async () => {
    const rows = await db.query<{ at: unknown }>(`SELECT "at" FROM visits ORDER BY "at" LIMIT 1`);
    expect(rows[0]!.at).toBe(dialect === 'sqlite' ? 1_772_323_200 : '2026-03-01T00:00:00.000Z');
    if (dialect === 'sqlite') {
      const types = await db.query<{ t: string }>(`SELECT DISTINCT typeof("at") AS t FROM visits`);
      expect(types).toEqual([{ t: 'integer' }]);
    }
    const count = await db.query<{ n: unknown }>('SELECT count(*) AS n FROM visits');
    expect(Number(count[0]!.n)).toBe(1200);
  });
});

describe('createTableStatements', () => {
  it('quotes column names and picks each dialect’s types', () => {
    expect(createTableStatements('postgres', MODEL.tables.people!)).toEqual([
      'CREATE TABLE "people" ("id" TEXT, "Full Name" TEXT, "score" DOUBLE PRECISION, "vip" BOOLEAN, "born" DATE, "joined" TIMESTAMPTZ)',
    ]);
    expect(createTableStatements('sqlite', MODEL.tables.visits!, { replace: true, indexes: true })).toEqual([
      'DROP TABLE IF EXISTS "visits"',
      'CREATE TABLE "visits" ("person_id" TEXT, "at" TIMESTAMP)',
      'CREATE INDEX "visits_person_id_idx" ON "visits" ("person_id")',
    ]);
  });

  it('rejects a field the table does not have', async () => {
    const db = { dialect: 'sqlite' as const, exec: async () => {}, query: async () => [] };
    await expect(insertRows(db, MODEL, 'people', [{ id: 'x', nmae: 'typo' }])).rejects.toThrow(/nmae/);
  });
});
