/**
 * testEngines() — the database engines every semantic test runs against.
 *
 *   describe.each(testEngines())('$label', ({ open }) => {
 *     let db: Database;
 *     beforeEach(async () => { db = await open(); });
 *     afterEach(() => db.close());
 *     it('…', async () => { … });
 *   });
 *
 * Every open() returns a fresh, empty, isolated database; close() deletes it.
 *
 *  - sqlite:   a real file in a new directory under os.tmpdir() (file-backed so
 *              WAL, locking and the on-disk format are exercised); close()
 *              removes the directory. Placeholders `?`.
 *  - postgres: with SEG_TEST_POSTGRES_URL set (.ci/run sets it when a server
 *              answers on 127.0.0.1:5432), a real server: each open() creates
 *              schema `seg_test_<time>_<random>` and a small pool whose
 *              connections all have search_path set to it (a libpq startup
 *              option), so unqualified names land there; close() drops the
 *              schema CASCADE. Schemas left behind by a crashed run are
 *              dropped after an hour by the next run. Without the variable:
 *              PGlite (postgres in WASM), one instance per test process
 *              (booting costs ~2 s) with the same schema-per-open isolation.
 *              Placeholders `$1`.
 *  - duckdb:   in-memory, one instance per open(). Placeholders `?`.
 *
 * SEG_TEST_ENGINES=sqlite,duckdb restricts the list (e.g. for a quick loop).
 * A set SEG_TEST_POSTGRES_URL that cannot be reached fails the tests rather
 * than silently falling back to PGlite.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { Database, Dialect } from '../../src/db/database';
import { openDuckDb } from '../../src/db/duckdb-database';
import { createPgliteInstance, openPglite } from '../../src/db/pglite-database';
import { openPostgres } from '../../src/db/postgres-database';
import { openSqlite } from '../../src/db/sqlite-database';

export interface TestEngine {
  readonly name: Dialect;
  /** For test titles: tells a real postgres server from PGlite. */
  readonly label: string;
  open(): Promise<Database>;
}

export function testEngines(): TestEngine[] {
  const postgresUrl = process.env.SEG_TEST_POSTGRES_URL?.trim();
  const engines: TestEngine[] = [
    { name: 'sqlite', label: 'sqlite', open: openTempSqlite },
    postgresUrl
      ? { name: 'postgres', label: 'postgres', open: () => openPostgresSchema(postgresUrl) }
      : { name: 'postgres', label: 'postgres (pglite)', open: openPgliteSchema },
    { name: 'duckdb', label: 'duckdb', open: () => openDuckDb(':memory:') },
  ];
  const only = process.env.SEG_TEST_ENGINES?.split(',').map((s) => s.trim()).filter(Boolean);
  return only?.length ? engines.filter((e) => only.includes(e.name)) : engines;
}

/** Wraps `db` so close() also runs the engine's cleanup: `before` while open, `after` once closed. */
function withCleanup(db: Database, cleanup: { before?: () => Promise<void>; after?: () => Promise<void> }): Database {
  let closing: Promise<void> | undefined;
  return {
    dialect: db.dialect,
    query: (sql, params) => db.query(sql, params),
    exec: (sql) => db.exec(sql),
    transaction: (fn) => db.transaction(fn),
    close: () =>
      (closing ??= (async () => {
        try {
          await cleanup.before?.();
        } finally {
          await db.close();
          await cleanup.after?.();
        }
      })()),
  };
}

// --- sqlite ------------------------------------------------------------------

/** Directories not yet removed, so a test that forgets close() still leaves no litter. */
const liveTempDirs = new Set<string>();
process.once('exit', () => {
  for (const dir of liveTempDirs) rmSync(dir, { recursive: true, force: true });
});

async function openTempSqlite(): Promise<Database> {
  const dir = await mkdtemp(join(tmpdir(), 'seg-test-'));
  liveTempDirs.add(dir);
  let db: Database;
  try {
    db = await openSqlite(join(dir, 'test.db'));
  } catch (error) {
    liveTempDirs.delete(dir);
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return withCleanup(db, {
    after: async () => {
      liveTempDirs.delete(dir);
      await rm(dir, { recursive: true, force: true });
    },
  });
}

// --- postgres ------------------------------------------------------------------

const SCHEMA_PREFIX = 'seg_test_';
const STALE_SCHEMA_MS = 60 * 60 * 1000;

/** Time first, base 36, so age can be read back from the name when sweeping. */
function freshSchemaName(): string {
  return `${SCHEMA_PREFIX}${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

let staleSweep: Promise<void> | undefined;

async function openPostgresSchema(url: string): Promise<Database> {
  const schema = freshSchemaName();
  const db = await openPostgres(url, { searchPath: schema, maxConnections: 2 });
  try {
    staleSweep ??= dropStaleSchemas(db);
    await staleSweep;
    await db.exec(`CREATE SCHEMA ${schema}`);
  } catch (error) {
    await db.close();
    throw error;
  }
  return withCleanup(db, { before: () => db.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`) });
}

/** Schemas of runs that crashed before close(); an hour is far beyond any test's life. */
async function dropStaleSchemas(db: Database): Promise<void> {
  const rows = await db.query<{ name: string }>(
    `SELECT nspname AS name FROM pg_namespace WHERE nspname LIKE $1`,
    [`${SCHEMA_PREFIX.replace(/_/g, '\\_')}%`],
  );
  for (const { name } of rows) {
    const created = parseInt(name.slice(SCHEMA_PREFIX.length).split('_')[0] ?? '', 36);
    if (Number.isFinite(created) && Date.now() - created > STALE_SCHEMA_MS && /^[a-z0-9_]+$/.test(name)) {
      // Another process may be dropping the same schema at the same time.
      await db.exec(`DROP SCHEMA IF EXISTS ${name} CASCADE`).catch(() => {});
    }
  }
}

let sharedPglite: Promise<PGlite> | undefined;

async function openPgliteSchema(): Promise<Database> {
  sharedPglite ??= createPgliteInstance();
  const instance = await sharedPglite;
  const schema = freshSchemaName();
  const db = await openPglite({ instance, searchPath: schema });
  await db.exec(`CREATE SCHEMA ${schema}`);
  return withCleanup(db, { before: () => db.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`) });
}
