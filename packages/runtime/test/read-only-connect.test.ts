/**
 * `connect(url, { readOnly: true })`: a reader (the editor's size previews)
 * can query a database but never change it — not even by creating its file.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connect } from '../src/db/connect';

const dir = mkdtempSync(join(tmpdir(), 'seg-read-only-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(['sqlite', 'duckdb'])('a read-only %s connection', (engine) => {
  const file = join(dir, `${engine}.db`);

  it('reads what a writer stored, and refuses to write', async () => {
    const writer = await connect(`${engine}:${file}`);
    await writer.exec('CREATE TABLE t (n INTEGER)');
    await writer.exec('INSERT INTO t VALUES (1), (2)');
    await writer.close();

    const reader = await connect(`${engine}:${file}`, { readOnly: true });
    try {
      const [row] = await reader.query<{ total: number | bigint }>('SELECT sum(n) AS total FROM t');
      expect(Number(row!.total)).toBe(3);
      await expect(reader.exec('INSERT INTO t VALUES (3)')).rejects.toThrow();
    } finally {
      await reader.close();
    }
  });

  it('does not create a missing file', async () => {
    const missing = join(dir, `missing-${engine}.db`);
    await expect(connect(`${engine}:${missing}`, { readOnly: true })).rejects.toThrow(/Cannot open/);
    expect(existsSync(missing)).toBe(false);
  });
});

describe.skipIf(!process.env.SEG_TEST_POSTGRES_URL)('a read-only PostgreSQL connection', () => {
  it('reads, and refuses to write', async () => {
    const reader = await connect(process.env.SEG_TEST_POSTGRES_URL!, { readOnly: true });
    try {
      expect(await reader.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
      await expect(reader.exec('CREATE TABLE seg_read_only_probe (n integer)')).rejects.toThrow(/read-only/);
    } finally {
      await reader.close();
    }
  });
});
