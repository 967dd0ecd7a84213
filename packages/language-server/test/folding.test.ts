import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FoldingRange } from 'vscode-languageserver-protocol';
import { LspSession, RETAIL } from './support/lsp-session';

const read = (file: string) => readFileSync(join(RETAIL, file), 'utf8');
const lineOf = (text: string, lineText: string) => text.split('\n').findIndex((line) => line.includes(lineText));

describe('folding ranges (seg lsp over stdio)', () => {
  let session: LspSession;
  const folds = (path: string) => session.request<FoldingRange[]>('textDocument/foldingRange', { textDocument: { uri: session.uri(path) } });
  beforeAll(async () => {
    session = await LspSession.start();
  });
  afterAll(async () => {
    await session.stop();
  });

  it('folds declarations and the blocks inside them, keeping the closing brace visible', async () => {
    const segments = read('segments.seg');
    await session.open('segments.seg');
    const ranges = await folds('segments.seg');
    const map = lineOf(segments, 'map adjacent_categories {');
    const champions = lineOf(segments, 'segment champions {');
    const declining = lineOf(segments, 'segment declining');
    expect(ranges).toContainEqual({ startLine: map, endLine: map + 6 });
    expect(ranges).toContainEqual({ startLine: champions, endLine: champions + 5 });
    expect(ranges).toContainEqual({ startLine: champions + 1, endLine: champions + 4 });
    expect(ranges).toContainEqual({ startLine: declining, endLine: declining + 2 });
    // One-line declarations (`const`, `metric`) do not fold.
    expect(ranges.find((r) => r.startLine === lineOf(segments, 'metric recency_days'))).toBeUndefined();

    const strategies = read('strategies.seg');
    const strategyRanges = await folds('strategies.seg');
    const primary = lineOf(strategies, 'primary {');
    const secondary = lineOf(strategies, 'secondary {');
    expect(strategyRanges).toContainEqual({ startLine: primary - 1, endLine: secondary + 5 });
    expect(strategyRanges).toContainEqual({ startLine: primary, endLine: secondary - 2 });
    expect(strategyRanges).toContainEqual({ startLine: secondary, endLine: secondary + 4 });
  });

  it('folds comment runs and multi-line comments', async () => {
    expect(await folds('model.seg')).toContainEqual({ startLine: 0, endLine: 1, kind: 'comment' });
    const block = `/*\n * Notes on the offers:\n * kept short.\n */\n${read('offers.seg')}`;
    await session.open('offers.seg', block);
    expect(await folds('offers.seg')).toContainEqual({ startLine: 0, endLine: 3, kind: 'comment' });
  });

  it('still folds the intact declarations of a file with a syntax error', async () => {
    const segments = read('segments.seg');
    const broken = segments.replace('segment dormant "Lapsed: bought before, nothing for 180 days" {', 'segment dormant "Lapsed: bought before, nothing for 180 days" {{');
    await session.replace('segments.seg', broken);
    await session.diagnosticsFor('segments.seg', (d) => d.some((x) => x.severity === 1));
    const champions = lineOf(segments, 'segment champions {');
    expect(await folds('segments.seg')).toContainEqual({ startLine: champions, endLine: champions + 5 });
    await session.replace('segments.seg', segments);
  });
});
