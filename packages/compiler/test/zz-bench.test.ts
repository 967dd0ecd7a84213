import { it } from 'vitest';
import BetterSqlite3 from '../../runtime/node_modules/better-sqlite3/lib/index.js';
import { compileCount, bindParameters, withTimestampStorage } from '../src/index';
import { REFERENCE_QUERIES, bindNamed, referenceParameters } from '../../../bench/support/reference-queries';
import { checked, readSegFolder } from './support/workspace';
import { join } from 'node:path';

it('bench', async () => {
  const db = new (BetterSqlite3 as any)('/work/main/.bench/retail-200k.db', { readonly: true });
  const ws = checked(readSegFolder(join(import.meta.dirname, '../../../examples/retail')));
  const asOf = new Date('2026-11-22T00:00:00Z');
  const ctx = { asOf, timeZone: ws.timezone };
  const values = referenceParameters(asOf);
  const time = (f: () => unknown) => { f(); const ts: number[] = []; for (let i = 0; i < 5; i++) { const t0 = performance.now(); f(); ts.push(performance.now() - t0); } ts.sort((a, b) => a - b); return ts[2]!; };
  const only = process.env.SEGS?.split(',');
  for (const ref of REFERENCE_QUERIES) {
    if (only && !only.includes(ref.segment)) continue;
    const hand = bindNamed(ref.sql, values);
    const hs = db.prepare(hand.sql);
    const h = time(() => hs.get(...hand.params));
    const out = [ref.segment.padEnd(24), `hand ${h.toFixed(0)}`];
    for (const [label, w] of [['default', ws], ['iso', withTimestampStorage(ws, 'isoUtcSeconds')]] as const) {
      const q = compileCount(w, ref.segment, 'sqlite');
      const st = db.prepare(q.sql); const params = bindParameters(q.parameters, ctx);
      const c = time(() => st.get(...params));
      out.push(`${label} ${c.toFixed(0)} (${(c / h).toFixed(2)})`);
      if (process.env.SHOW === label) console.log(q.sql, JSON.stringify(params));
    }
    console.log(out.join('  '));
  }
});
