import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SemanticTokens, SemanticTokensLegend } from 'vscode-languageserver-protocol';
import { LspSession, RETAIL } from './support/lsp-session';

const offers = readFileSync(join(RETAIL, 'offers.seg'), 'utf8');
const segments = readFileSync(join(RETAIL, 'segments.seg'), 'utf8');

interface Token {
  line: number;
  character: number;
  length: number;
  type: string;
  modifiers: string[];
}

function decode(tokens: SemanticTokens, legend: SemanticTokensLegend): Token[] {
  const out: Token[] = [];
  let line = 0;
  let character = 0;
  for (let i = 0; i < tokens.data.length; i += 5) {
    const [deltaLine, deltaStart, length, type, bits] = tokens.data.slice(i, i + 5) as [number, number, number, number, number];
    line += deltaLine;
    character = deltaLine === 0 ? character + deltaStart : deltaStart;
    out.push({ line, character, length, type: legend.tokenTypes[type]!, modifiers: legend.tokenModifiers.filter((_, bit) => bits & (1 << bit)) });
  }
  return out;
}

/** The token covering the `occurrence`-th `word` on the first line of `text` containing `lineText`. */
function tokenOf(tokens: Token[], text: string, lineText: string, word: string, occurrence = 0): Token | undefined {
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.includes(lineText));
  let character = -1;
  for (let i = 0; i <= occurrence; i++) character = lines[line]!.indexOf(word, character + 1);
  return tokens.find((t) => t.line === line && t.character === character);
}

describe('semantic tokens (seg lsp over stdio)', () => {
  let session: LspSession;
  let legend: SemanticTokensLegend;
  const full = async (path: string) => decode(await session.request<SemanticTokens>('textDocument/semanticTokens/full', { textDocument: { uri: session.uri(path) } }), legend);
  beforeAll(async () => {
    session = await LspSession.start();
    legend = (session.initialize.capabilities.semanticTokensProvider as { legend: SemanticTokensLegend }).legend;
    await session.open('offers.seg');
    await session.open('segments.seg');
  });
  afterAll(async () => {
    await session.stop();
  });

  it('colours names in offers.seg by what they resolve to', async () => {
    const tokens = await full('offers.seg');
    const at = (lineText: string, word: string, occurrence = 0) => tokenOf(tokens, offers, lineText, word, occurrence);
    expect(at('eligible dormant', 'dormant')).toMatchObject({ type: 'class', modifiers: [], length: 7 });
    expect(at('offer winback_15', 'winback_15')).toMatchObject({ type: 'struct', modifiers: ['declaration'] });
    expect(at('offer winback_15', 'offer')).toMatchObject({ type: 'keyword' });
    expect(at('offer winback_15', '"15% off your next order"')).toMatchObject({ type: 'string' });
    expect(at('strategy reactivate', 'reactivate')).toMatchObject({ type: 'enumMember', modifiers: [] });
    expect(at('score 0.2 + 0.1 * m_score', 'm_score')).toMatchObject({ type: 'variable', modifiers: [] });
    expect(at('score 0.2 + 0.1 * m_score', '0.1')).toMatchObject({ type: 'number' });
    expect(at('score 0.2 + 0.1 * m_score', '*')).toMatchObject({ type: 'operator' });
    // Inside an aggregate: the event table, a link field and the linked table's field.
    const line = 'count(order_lines in last 365 days where product.category';
    expect(at(line, 'count')).toMatchObject({ type: 'function', modifiers: ['defaultLibrary'] });
    expect(at(line, 'order_lines')).toMatchObject({ type: 'type' });
    expect(at(line, 'product')).toMatchObject({ type: 'property', modifiers: [] });
    expect(at(line, 'category')).toMatchObject({ type: 'property', length: 8 });
    expect(at(line, 'last')).toMatchObject({ type: 'keyword' });
    // A constant map, and `offer.category` in an offer family (a field of its catalogue table).
    const family = 'where product.category in adjacent_categories[offer.category]';
    expect(at(family, 'adjacent_categories')).toMatchObject({ type: 'variable', modifiers: ['readonly'] });
    expect(at(family, 'category', 1)).toMatchObject({ type: 'property' });
    expect(at('// Supplier-funded coupons', '// Supplier-funded coupons')).toMatchObject({ type: 'comment', modifiers: ['documentation'] });
  });

  it('marks declarations, doc comments and constants in segments.seg', async () => {
    const tokens = await full('segments.seg');
    const at = (lineText: string, word: string) => tokenOf(tokens, segments, lineText, word);
    expect(at('metric recency_days', 'recency_days')).toMatchObject({ type: 'variable', modifiers: ['declaration'] });
    expect(at('metric recency_days', 'days_since')).toMatchObject({ type: 'function', modifiers: ['defaultLibrary'] });
    expect(at('// Recency, frequency', '//')).toMatchObject({ type: 'comment', modifiers: ['documentation'] });
    expect(at('const vip_threshold', 'vip_threshold')).toMatchObject({ type: 'variable', modifiers: ['declaration', 'readonly'] });
    expect(at('spend_12m > vip_threshold', 'vip_threshold')).toMatchObject({ type: 'variable', modifiers: ['readonly'] });
    expect(at('segment dormant', 'dormant')).toMatchObject({ type: 'class', modifiers: ['declaration'] });
    expect(at('signup_at in last 30 days', 'signup_at')).toMatchObject({ type: 'property' });
  });

  it('a range request returns the tokens of those lines only', async () => {
    const lines = offers.split('\n');
    const line = lines.findIndex((l) => l.includes('eligible dormant'));
    const tokens = decode(
      await session.request<SemanticTokens>('textDocument/semanticTokens/range', {
        textDocument: { uri: session.uri('offers.seg') },
        range: { start: { line, character: 0 }, end: { line, character: lines[line]!.length } },
      }),
      legend,
    );
    expect(tokens).toEqual([
      { line, character: 2, length: 8, type: 'keyword', modifiers: [] },
      { line, character: 11, length: 7, type: 'class', modifiers: [] },
    ]);
  });

  it('an unknown name gets no colour, and a file with a syntax error is still coloured', async () => {
    await session.replace('offers.seg', offers.replace('eligible dormant', 'eligible dormnt'));
    await session.diagnosticsFor('offers.seg', (d) => d.some((x) => String(x.message).includes('dormnt')));
    let tokens = await full('offers.seg');
    expect(tokenOf(tokens, offers.replace('eligible dormant', 'eligible dormnt'), 'eligible dormnt', 'dormnt')).toBeUndefined();

    const broken = offers.replace('offer winback_15 "15% off your next order" {', 'offer winback_15 "15% off your next order" {{');
    await session.replace('offers.seg', broken);
    await session.diagnosticsFor('offers.seg', (d) => d.some((x) => x.severity === 1 && !String(x.message).includes('dormnt')));
    tokens = await full('offers.seg');
    expect(tokenOf(tokens, broken, 'offer card_insurance', 'card_insurance')).toMatchObject({ type: 'struct', modifiers: ['declaration'] });
    expect(tokenOf(tokens, broken, 'offer winback_15', 'offer')).toMatchObject({ type: 'keyword' });
    await session.replace('offers.seg', offers);
  });
});
