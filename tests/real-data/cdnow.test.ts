/**
 * The CDNOW purchases (Fader, Hardie & Lee 2005) through the cdnow example
 * workspace, on every engine: the published figures of the 2,357-customer
 * sample must come out exactly. Skips when ../shared (the data) is absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkWorkspace, parseAsOf, type CheckedWorkspace } from '@seg/core';
import { bindParameters, compileCount, compileMetric } from '@seg/compiler';
import { loadCdnow, loadWorkspace, parseCdnow, type Database } from '@seg/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../packages/runtime/test/support/engines';
import { repoRoot } from '../support/run-seg';

const dataDir = join(repoRoot, '..', 'shared', 'data', 'cdnow');
const hasData = existsSync(join(dataDir, 'CDNOW_sample.txt'));
const workspace = checkWorkspace({ files: loadWorkspace(join(repoRoot, 'examples/cdnow')).files }).workspace as CheckedWorkspace;
const asOf = parseAsOf('1998-07-01', 'UTC');

describe.skipIf(!hasData)('CDNOW published figures', () => {
  it('reads all 69,659 purchases of 23,570 customers from the master file', () => {
    const rows = parseCdnow(readFileSync(join(dataDir, 'CDNOW_master.txt'), 'utf8'));
    expect(rows.purchases).toHaveLength(69_659);
    expect(rows.customers).toHaveLength(23_570);
  });

  describe.each(testEngines())('on $name', (engine) => {
    let db: Database;
    beforeAll(async () => {
      db = await engine.open();
      await loadCdnow(db, workspace.model, parseCdnow(readFileSync(join(dataDir, 'CDNOW_sample.txt'), 'utf8')));
    });
    afterAll(() => db?.close());

    const count = async (name: string) => {
      const query = compileCount(workspace, name, db.dialect);
      const [row] = await db.query<{ count: number; audience: number }>(query.sql, bindParameters(query.parameters, { asOf, timeZone: 'UTC' }));
      return { count: Number(row!.count), audience: Number(row!.audience) };
    };
    const metric = async (name: string) => {
      const query = compileMetric(workspace, name, db.dialect);
      const rows = await db.query<{ key: string; value: number | null }>(query.sql, bindParameters(query.parameters, { asOf, timeZone: 'UTC' }));
      return new Map(rows.map((r) => [r.key, r.value === null ? null : Number(r.value)]));
    };

    it('reproduces the calibration repeat-purchase histogram', async () => {
      const histogram: number[] = [];
      for (const segment of ['one_time_buyers', 'repeats_1', 'repeats_2', 'repeats_3', 'repeats_4', 'repeats_5', 'repeats_6', 'repeats_7_plus']) {
        histogram.push((await count(segment)).count);
      }
      expect(histogram).toEqual([1411, 439, 214, 100, 62, 38, 29, 64]);
      expect((await count('repeat_buyers')).count).toBe(946);
      expect((await count('one_time_buyers')).audience).toBe(2357);
    });

    it('finds 334 holdout purchase-days among the 1,411 one-time buyers', async () => {
      const repeats = await metric('calibration_repeats');
      const holdout = await metric('holdout_days');
      let days = 0;
      for (const [key, n] of repeats) if (n === 0) days += holdout.get(key) ?? 0;
      expect(days).toBe(334);
    });

    it('gives the published spend per repeat purchase: mean 35.08, median 27.50, max 299.63', async () => {
      const values = [...(await metric('spend_per_repeat')).values()].filter((v): v is number => v !== null).sort((a, b) => a - b);
      expect(values).toHaveLength(946);
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const median = (values[472]! + values[473]!) / 2;
      expect(mean.toFixed(2)).toBe('35.08');
      expect(median.toFixed(2)).toBe('27.50');
      expect(values.at(-1)!.toFixed(2)).toBe('299.63');
    });
  });
});
