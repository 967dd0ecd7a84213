/**
 * Runs compiled queries on every test engine: open once per suite, load rows,
 * and read members / metric values with bound parameters.
 */
import { afterAll, beforeAll } from 'vitest';
import type { CheckedWorkspace } from '@seg/core';
import type { Database } from '../../../runtime/src/db/database';
import type { TestEngine } from '../../../runtime/test/support/engines';
import { bindParameters, compileCount, compileMembers, compileMetric, compileSegment } from '../../src/index';
import { loadTables, type TableRows } from './load';

export interface EngineRun {
  db(): Database;
  members(ws: CheckedWorkspace, name: string, asOf: string, timeZone?: string): Promise<string[]>;
  count(ws: CheckedWorkspace, name: string, asOf: string, timeZone?: string): Promise<{ count: number; audience: number }>;
  metric(ws: CheckedWorkspace, name: string, asOf: string, timeZone?: string): Promise<Record<string, unknown>>;
  rows(ws: CheckedWorkspace, name: string, asOf: string, metrics: string[]): Promise<Record<string, unknown>[]>;
}

const ctx = (asOf: string, timeZone = 'UTC') => ({ asOf: new Date(asOf), timeZone });

/** Opens the engine before the suite's tests, loads `tables`, closes after. */
export function onEngine(engine: TestEngine, tables: Readonly<Record<string, TableRows>>): EngineRun {
  let db: Database | undefined;
  beforeAll(async () => {
    db = await engine.open();
    await loadTables(db, tables);
  });
  afterAll(async () => {
    await db?.close();
  });
  const get = () => {
    if (!db) throw new Error('database not open');
    return db;
  };
  return {
    db: get,
    async members(ws, name, asOf, timeZone) {
      const q = compileSegment(ws, name, get().dialect);
      const rows = await get().query(q.sql, bindParameters(q.parameters, ctx(asOf, timeZone)));
      return rows.map((r) => String(r.key));
    },
    async count(ws, name, asOf, timeZone) {
      const q = compileCount(ws, name, get().dialect);
      const [row] = await get().query(q.sql, bindParameters(q.parameters, ctx(asOf, timeZone)));
      return { count: Number(row!.count), audience: Number(row!.audience) };
    },
    async metric(ws, name, asOf, timeZone) {
      const q = compileMetric(ws, name, get().dialect);
      const rows = await get().query(q.sql, bindParameters(q.parameters, ctx(asOf, timeZone)));
      return Object.fromEntries(rows.map((r) => [String(r.key), normalise(r.value)]));
    },
    async rows(ws, name, asOf, metrics) {
      const q = compileMembers(ws, name, get().dialect, { with: metrics });
      const rows = await get().query(q.sql, bindParameters(q.parameters, ctx(asOf)));
      return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, normalise(v)])));
    },
  };
}

/** Numbers as numbers (bigint, numeric strings), rounded to 9 significant digits to hide float noise. */
export function normalise(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number') return Number(value.toPrecision(12));
  if (value instanceof Date) return value.toISOString();
  return value;
}
