import type { DataModel } from '@seg/core';
import type { Database } from '../db/database';
import { SegUserError } from '../errors';
import { createSchema } from '../fixtures/create-schema';
import { insertRows } from '../fixtures/insert-rows';
import type { FixtureRow } from '../fixtures/insert-rows';

/**
 * The CDNOW purchase files (Fader, Hardie & Lee 2005) as rows of the cdnow example's
 * model: `CDNOW_sample.txt` lines are `master_id sample_id YYYYMMDD cds dollars`,
 * `CDNOW_master.txt` lines `customer_id YYYYMMDD cds dollars` after a header.
 * Customers keep the master id as written (`00004`) in both files.
 */
export interface CdnowRows {
  readonly customers: FixtureRow[];
  readonly purchases: FixtureRow[];
}

export function parseCdnow(text: string, source = 'CDNOW file'): CdnowRows {
  const customers = new Map<string, FixtureRow>();
  const purchases: FixtureRow[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, index) => {
    const fields = line.trim().split(/\s+/);
    if (fields.length === 1 && fields[0] === '') return;
    if (index === 0 && fields[0] === 'customer_id') return; // the master file's header
    let id: string;
    let day: string;
    let cds: string;
    let dollars: string;
    if (fields.length === 5) [id, , day, cds, dollars] = fields as [string, string, string, string, string];
    else if (fields.length === 4) [id, day, cds, dollars] = fields as [string, string, string, string];
    else throw new SegUserError(`${source}:${index + 1}: expected 4 or 5 columns, found ${fields.length}`);
    if (!/^\d{8}$/.test(day) || !Number.isFinite(Number(cds)) || !Number.isFinite(Number(dollars))) {
      throw new SegUserError(`${source}:${index + 1}: cannot read "${line.trim()}"`);
    }
    const date = `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}`;
    if (!customers.has(id)) customers.set(id, { customer_id: id });
    purchases.push({
      purchase_id: String(index + 1),
      customer: id,
      purchased_at: `${date}T00:00:00Z`,
      purchase_day: date,
      cds: Number(cds),
      dollars: Number(dollars),
    });
  });
  return { customers: [...customers.values()], purchases };
}

/** Creates the cdnow model's tables (replacing them) and loads the rows. */
export async function loadCdnow(db: Database, model: DataModel, rows: CdnowRows): Promise<void> {
  await db.transaction(async (tx) => {
    await createSchema(tx, model, { replace: true });
    await insertRows(tx, model, 'customers', rows.customers);
    await insertRows(tx, model, 'purchases', rows.purchases);
  });
}
