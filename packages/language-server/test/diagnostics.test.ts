import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LspSession, RETAIL } from './support/lsp-session';

const segments = readFileSync(join(RETAIL, 'segments.seg'), 'utf8');

describe('diagnostics as you type (seg lsp over stdio)', () => {
  let session: LspSession;
  beforeAll(async () => {
    session = await LspSession.start();
  });
  afterAll(async () => {
    await session.stop();
  });

  it('publishes an empty list for every file of the clean example workspace', async () => {
    await session.open('segments.seg');
    for (const file of ['model.seg', 'segments.seg', 'strategies.seg', 'offers.seg', 'plans.seg', 'tests.seg']) {
      expect(await session.diagnosticsFor(file), file).toEqual([]);
    }
  });

  it('renaming a segment in one file reports its users in the other files, and renaming it back clears them', async () => {
    await session.replace('segments.seg', segments.replace('segment dormant ', 'segment lapsed '));
    const offers = await session.diagnosticsFor('offers.seg', (d) => d.length > 0);
    const unknown = offers.find((d) => String(d.message).includes('dormant'));
    expect(unknown, JSON.stringify(offers)).toBeDefined();
    expect(unknown!.severity).toBe(1);
    expect(unknown!.code).toMatch(/^SEG\d{4}$/);
    // `eligible dormant` is on line 16 of offers.seg (0-based 15), the name itself underlined.
    expect(unknown!.range.start.line).toBe(15);
    const line = readFileSync(join(RETAIL, 'offers.seg'), 'utf8').split('\n')[15]!;
    expect(line.slice(unknown!.range.start.character, unknown!.range.end.character)).toBe('dormant');
    expect((await session.diagnosticsFor('strategies.seg', (d) => d.length > 0)).some((d) => String(d.message).includes('dormant'))).toBe(true);

    await session.replace('segments.seg', segments);
    expect(await session.diagnosticsFor('offers.seg', (d) => d.length === 0)).toEqual([]);
    expect(await session.diagnosticsFor('strategies.seg', (d) => d.length === 0)).toEqual([]);
  });

  it('a syntax error is located where it is, and the other files keep their diagnostics', async () => {
    const broken = segments.replace('segment active "Bought in the last 90 days" {', 'segment active "Bought in the last 90 days" {{');
    await session.replace('segments.seg', broken);
    const found = await session.diagnosticsFor('segments.seg', (d) => d.length > 0);
    expect(found[0]!.range.start.line).toBe(21);
    expect(found[0]!.source).toBe('seg');
    await session.replace('segments.seg', segments);
    expect(await session.diagnosticsFor('segments.seg', (d) => d.length === 0)).toEqual([]);
  });
});
