/**
 * Literals never reach SQL as text: a text literal full of quotes, `;`, `--`,
 * backslashes and non-ASCII selects exactly the rows holding that text, on every
 * dialect, and the compiled SQL does not contain it.
 */
import { describe, expect, it } from 'vitest';
import { compileSegment } from '../../../packages/compiler/src/index';
import { testEngines } from '../../../packages/runtime/test/support/engines';
import { checked, defineCorpus } from '../../support/semantics';
import { RETAIL_MODEL } from '../corpus/retail-model';

const AS_OF = '2026-03-31';
const EVIL = `Robert'); DROP TABLE customers; -- "x" \\ \\\\ %_ é ☃ 🎉 ''`;

/** A `.seg` text literal for any string. */
function segText(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

const corpus = defineCorpus({
  model: `${RETAIL_MODEL}\nmap tags {\n  ${segText(EVIL)} -> ("evil")\n  "Robert" -> ("plain")\n}\n`,
  data: {
    customers: [
      { customer_id: 'i1', name: EVIL },
      { customer_id: 'i2', name: EVIL.replace(/\\/g, '') }, // without the backslashes
      { customer_id: 'i3', name: EVIL.replace(/"/g, "'") }, // other quotes
      { customer_id: 'i4', name: 'Robert' },
      { customer_id: 'i5', name: `${EVIL} ` }, // a trailing space
      { customer_id: 'i6', name: EVIL.normalize('NFD') }, // é decomposed: different text
      { customer_id: 'i7' },
    ],
    orders: [
      { order_id: 'o1', customer: 'i4', placed_at: '2026-03-01', note: EVIL },
      { order_id: 'o2', customer: 'i5', placed_at: '2026-03-01', note: 'plain' },
    ],
  },
});

describe.each(testEngines())('hostile text literals on $label', (engine) => {
  const run = corpus.on(engine);

  it('equality selects exactly the row holding that text', async () => {
    await run.segment(`name = ${segText(EVIL)}`, AS_OF, ['i1']);
    await run.segment(`name != ${segText(EVIL)}`, AS_OF, ['i2', 'i3', 'i4', 'i5', 'i6']);
  });

  it('contains, starts with and in lists treat the text literally', async () => {
    await run.segment(`name contains ${segText(EVIL)}`, AS_OF, ['i1', 'i5']);
    await run.segment(`name starts with ${segText("Robert'); DROP")}`, AS_OF, ['i1', 'i2', 'i3', 'i5', 'i6']);
    await run.segment(`name in (${segText(EVIL)}, "nobody")`, AS_OF, ['i1']);
    await run.segment(`name contains ${segText('\\ \\\\ %_')}`, AS_OF, ['i1', 'i3', 'i5', 'i6']);
  });

  it('map keys and event fields holding the text', async () => {
    await run.segment('"evil" in tags[name]', AS_OF, ['i1']);
    await run.segment(`any(orders where note = ${segText(EVIL)})`, AS_OF, ['i4']);
  });

  it('the statement ran as one statement: the table is still there', async () => {
    const rows = await run.db().query('SELECT count(*) AS n FROM customers');
    expect(Number(Object.values(rows[0]!)[0])).toBe(7);
  });

  it('the literal is a bound parameter, not SQL text', () => {
    const ws = checked({ 'model.seg': RETAIL_MODEL, 'rule.seg': `segment s { name = ${segText(EVIL)} }` });
    const query = compileSegment(ws, 's', engine.name);
    expect(query.sql).not.toContain('DROP');
    expect(query.sql).not.toContain('Robert');
    expect(query.parameters).toContainEqual({ kind: 'value', value: EVIL });
  });
});
