import type { FixtureValue, TestDef } from '@seg/core';
import type { Database } from '../db/database';
import { connect } from '../db/connect';
import { createSchema } from '../fixtures/create-schema';
import { insertFixtures } from '../fixtures/insert-rows';
import { ensureRuntimeTables } from '../history/ensure-runtime-tables';
import type { CompiledRules } from './test-context';

/** Opens an empty database for one test; `seg test` uses in-memory SQLite. */
export type OpenTestDatabase = () => Promise<Database>;

export const openInMemorySqlite: OpenTestDatabase = () => connect('sqlite::memory:');

/**
 * Fills a fresh database with the test's fixture rows and nothing else: the
 * model's tables, the runtime's own (contact and membership history, empty),
 * then the rows. Fields a row leaves out are missing; a link field holds the
 * linked row's key.
 */
export async function loadFixtures(db: Database, compiled: CompiledRules, test: TestDef): Promise<void> {
  const { ws } = compiled;
  await createSchema(db, ws.model);
  await ensureRuntimeTables(db, ws, (plan) => compiled.plan(plan));
  const rows: Record<string, Record<string, FixtureValue>[]> = {};
  for (const fixture of test.fixtures) (rows[fixture.table] ??= []).push({ ...fixture.values });
  await insertFixtures(db, ws.model, rows, { timeZone: ws.timezone });
}
