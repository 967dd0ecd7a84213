import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentSymbol, Hover, Location, SymbolInformation } from 'vscode-languageserver-protocol';
import { LspSession, RETAIL } from './support/lsp-session';

const FILES = ['model.seg', 'segments.seg', 'strategies.seg', 'offers.seg', 'plans.seg', 'tests.seg'];
const texts = new Map(FILES.map((file) => [file, readFileSync(join(RETAIL, file), 'utf8')]));

/** The text with comments and strings blanked out (same length), so a search finds only names. */
function code(file: string): string {
  return texts.get(file)!.replace(/\/\/[^\n]*|"(?:[^"\\\n]|\\.)*"/g, (match) => ' '.repeat(match.length));
}

function positionOf(file: string, index: number): { line: number; character: number } {
  const before = texts.get(file)!.slice(0, index);
  return { line: before.split('\n').length - 1, character: index - before.lastIndexOf('\n') - 1 };
}

/** The position of the `nth` occurrence of the name `word` in `file` (outside comments and strings), `into` characters in. */
function at(file: string, word: string, nth = 0, into = 1): { line: number; character: number } {
  const matches = [...code(file).matchAll(wordPattern(word))];
  return positionOf(file, matches[nth]!.index! + into);
}

/** A name as a whole word, and not after a dot (`orders.total` has `total`, `offer.category` is not the field `category`). */
function wordPattern(word: string): RegExp {
  return new RegExp(`(?<![\\w.])${word}(?!\\w)`, 'g');
}

/** The source text a location covers (locations are one line each). */
function textOf(location: Location): string {
  const file = location.uri.slice(location.uri.lastIndexOf('/') + 1);
  const line = texts.get(file)!.split('\n')[location.range.start.line]!;
  return line.slice(location.range.start.character, location.range.end.character);
}

function fileOf(location: Location): string {
  return location.uri.slice(location.uri.lastIndexOf('/') + 1);
}

describe('navigation (seg lsp over stdio, examples/retail)', () => {
  let session: LspSession;
  const request = <R>(method: string, file: string, position: { line: number; character: number }, extra: object = {}) =>
    session.request<R>(method, { textDocument: { uri: session.uri(file) }, position, ...extra });

  beforeAll(async () => {
    session = await LspSession.start();
    await session.open('offers.seg');
  });
  afterAll(async () => {
    await session.stop();
  });

  it('announces every navigation capability', () => {
    const capabilities = session.initialize.capabilities;
    expect(capabilities.hoverProvider).toBe(true);
    expect(capabilities.definitionProvider).toBe(true);
    expect(capabilities.referencesProvider).toBe(true);
    expect(capabilities.renameProvider).toEqual({ prepareProvider: true });
    expect(capabilities.documentSymbolProvider).toBe(true);
    expect(capabilities.workspaceSymbolProvider).toBe(true);
  });

  it('goes from a name in one file to its declaration in another', async () => {
    const cases: [string, string, number, string, string][] = [
      // from file, word, occurrence, to file, declared name
      ['offers.seg', 'dormant', 0, 'segments.seg', 'dormant'],
      ['plans.seg', 'winback_15', 0, 'offers.seg', 'winback_15'],
      ['plans.seg', 'value_map', 0, 'strategies.seg', 'value_map'],
      ['tests.seg', 'weekly_email', 0, 'plans.seg', 'weekly_email'],
      ['plans.seg', 'spend_12m', 0, 'segments.seg', 'spend_12m'],
      ['segments.seg', 'vip_threshold', 1, 'segments.seg', 'vip_threshold'],
    ];
    for (const [from, word, nth, to, name] of cases) {
      const found = await request<Location[]>('textDocument/definition', from, at(from, word, nth));
      expect(found, `${word} in ${from}`).toHaveLength(1);
      expect(fileOf(found[0]!)).toBe(to);
      expect(textOf(found[0]!)).toBe(name);
      expect(found[0]!.range.start).toEqual(at(to, `(?<=(?:segment|offer|plan|strategy|metric|const) )${name}`, 0, 0));
    }
  });

  it('goes to fields through dotted names and links, and to an outcome from an offer', async () => {
    const segments = texts.get('segments.seg')!;
    const total = segments.indexOf('orders.total') + 'orders.'.length + 1;
    const position = { line: segments.slice(0, total).split('\n').length - 1, character: total - segments.lastIndexOf('\n', total - 1) - 1 };
    const [field] = await request<Location[]>('textDocument/definition', 'segments.seg', position);
    expect(fileOf(field!)).toBe('model.seg');
    expect(textOf(field!)).toBe('total');

    // `product.category` on an order line: `product` is the link field, `category` the field of products.
    const line = segments.split('\n').findIndex((l) => l.includes('where product.category = "Baby"'));
    const column = segments.split('\n')[line]!.indexOf('product.category');
    const [link] = await request<Location[]>('textDocument/definition', 'segments.seg', { line, character: column + 2 });
    expect(textOf(link!)).toBe('product');
    expect(texts.get('model.seg')!.split('\n')[link!.range.start.line]).toContain('product   -> products on sku');
    const [category] = await request<Location[]>('textDocument/definition', 'segments.seg', { line, character: column + 'product.'.length + 2 });
    expect(texts.get('model.seg')!.split('\n')[category!.range.start.line]).toContain('category  text in ("Baby"');

    const [outcome] = await request<Location[]>('textDocument/definition', 'offers.seg', at('offers.seg', 'cross_sell'));
    expect(fileOf(outcome!)).toBe('strategies.seg');
    expect(outcome!.range.start.line).toBe(6); // the first rule that produces it
    expect(textOf(outcome!)).toBe('cross_sell');
  });

  it('answers nothing over a keyword, a literal or a comment', async () => {
    expect(await request('textDocument/definition', 'offers.seg', at('offers.seg', 'eligible'))).toBeNull();
    const offers = texts.get('offers.seg')!;
    expect(await request('textDocument/definition', 'offers.seg', positionOf('offers.seg', offers.indexOf('"Baby"') + 1))).toBeNull();
    expect(await request('textDocument/hover', 'offers.seg', positionOf('offers.seg', offers.indexOf('Supplier')))).toBeNull();
  });

  it('finds every occurrence of a name across the files, with the declaration when asked', async () => {
    for (const [word, from] of [['dormant', 'plans.seg'], ['spend_12m', 'segments.seg'], ['outdoor', 'segments.seg'], ['cross_sell', 'offers.seg']] as const) {
      const occurrences = FILES.flatMap((file) => [...code(file).matchAll(wordPattern(word))].map(() => file));
      const all = await request<Location[]>('textDocument/references', from, at(from, word), { context: { includeDeclaration: true } });
      expect(all.map(fileOf).sort(), word).toEqual(occurrences.sort());
      for (const location of all) expect(textOf(location)).toBe(word);
      const uses = await request<Location[]>('textDocument/references', from, at(from, word), { context: { includeDeclaration: false } });
      expect(uses.length, word).toBe(occurrences.length - 1);
    }
    // A field: `orders.total` (not `customers`' or anyone else's `total`): three in segments.seg, three fixture rows.
    const model = texts.get('model.seg')!;
    const fieldLine = model.split('\n').findIndex((l) => l.trim().startsWith('total'));
    const totals = await request<Location[]>('textDocument/references', 'model.seg', { line: fieldLine, character: 3 }, { context: { includeDeclaration: false } });
    expect(totals.map(fileOf)).toEqual(['segments.seg', 'segments.seg', 'segments.seg', 'tests.seg', 'tests.seg', 'tests.seg']);
  });

  it('hovers with the kind, name, label, type, definition and documentation', async () => {
    const spend = await request<Hover>('textDocument/hover', 'plans.seg', at('plans.seg', 'spend_12m'));
    const text = (spend.contents as { value: string }).value;
    expect(text).toContain('**metric** `spend_12m`: `number`');
    expect(text).toContain('*Spend, last 12 months*');
    expect(text).toContain('sum(orders.total in last 12 months)');
    expect(spend.range).toEqual({ start: at('plans.seg', 'spend_12m', 0, 0), end: at('plans.seg', 'spend_12m', 0, 'spend_12m'.length) });

    const hover = async (file: string, word: string, nth = 0) =>
      ((await request<Hover>('textDocument/hover', file, at(file, word, nth))).contents as { value: string }).value;
    expect(await hover('offers.seg', 'channel', 0)).toContain('`orders.channel`: `text in ("web", "store", "app")`');
    expect(await hover('plans.seg', 'sydney_outdoor_invitees')).toContain('A dynamic micro-segment: invite profitable locals');
    expect(await hover('model.seg', 'customer')).toContain('`link to customers`');
    expect(await hover('model.seg', '(?<=table )orders')).toContain('key `order_id` · time `placed_at`');
    expect(await hover('offers.seg', 'cross_sell')).toContain('Produced by `value_map` (primary, secondary)');
    const quintile = await hover('segments.seg', 'quintile');
    expect(quintile).toContain('**function** `quintile`');
    expect(quintile).toContain('whole audience');
    expect(await hover('segments.seg', 'count')).toContain('**aggregate** `count`');
  });

  it('still navigates and hovers in a file with errors', async () => {
    const broken = texts.get('offers.seg')!.replace('eligible dormant', 'eligible dormant and nonsense_name');
    await session.replace('offers.seg', broken);
    await session.diagnosticsFor('offers.seg', (d) => d.some((x) => String(x.message).includes('nonsense_name')));
    const [found] = await request<Location[]>('textDocument/definition', 'offers.seg', at('offers.seg', 'dormant'));
    expect(fileOf(found!)).toBe('segments.seg');
    const hover = await request<Hover>('textDocument/hover', 'offers.seg', at('offers.seg', 'dormant'));
    expect((hover.contents as { value: string }).value).toContain('Lapsed: bought before, nothing for 180 days');
    // A metric keeps its type while another file has an error.
    const spend = await request<Hover>('textDocument/hover', 'plans.seg', at('plans.seg', 'spend_12m'));
    expect((spend.contents as { value: string }).value).toContain('**metric** `spend_12m`: `number`');
    await session.replace('offers.seg', texts.get('offers.seg')!);
    await session.diagnosticsFor('offers.seg', (d) => d.length === 0);
  });

  it('outlines a file: tables with their fields, strategies with their outcomes, declarations with their labels', async () => {
    const model = await session.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: session.uri('model.seg') } });
    expect(model.map((s) => s.name)).toEqual(['audience', 'customers', 'orders', 'order_lines', 'products', 'email_events', 'coupon_catalog']);
    const orders = model.find((s) => s.name === 'orders')!;
    expect(orders.kind).toBe(23); // Struct
    expect(orders.children!.map((f) => `${f.name}: ${f.detail}`)).toEqual([
      'order_id: text',
      'placed_at: timestamp',
      'customer: link to customers',
      'channel: text in ("web", "store", "app")',
      'total: number',
      'discount: number',
    ]);
    expect(orders.children!.every((f) => f.kind === 8)).toBe(true); // Field

    const segments = await session.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: session.uri('segments.seg') } });
    const declared = [...texts.get('segments.seg')!.matchAll(/^(?:const|list|map|metric|segment) (\w+)/gm)].map((m) => m[1]);
    expect(segments.map((s) => s.name)).toEqual(declared);
    const dormant = segments.find((s) => s.name === 'dormant')!;
    expect(dormant).toMatchObject({ kind: 5, detail: 'Lapsed: bought before, nothing for 180 days' }); // Class
    expect(segments.find((s) => s.name === 'spend_12m')!.kind).toBe(7); // Property

    const [strategy] = await session.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: session.uri('strategies.seg') } });
    expect(strategy!.kind).toBe(10); // Enum
    expect(strategy!.children!.map((o) => o.name)).toEqual(['reactivate', 'onboard', 'retain', 'cross_sell', 'grow', 'migrate']);
    expect(strategy!.children!.find((o) => o.name === 'retain')!.detail).toBe('primary, secondary');

    const tests = await session.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: session.uri('tests.seg') } });
    expect(tests.map((t) => t.name)).toContain('unsubscribed customers receive nothing');
  });

  it('searches the workspace by case-insensitive subsequence, best matches first', async () => {
    const search = (query: string) => session.request<SymbolInformation[]>('workspace/symbol', { query });
    const spend = await search('s12');
    expect(spend[0]).toMatchObject({ name: 'spend_12m', kind: 7 });
    expect(spend.map((s) => s.name)).toContain('orders_12m');
    expect(fileOf(spend[0]!.location as Location)).toBe('segments.seg');
    expect((await search('DORMANT')).map((s) => s.name)).toEqual(['dormant']);
    const total = await search('ordtot');
    expect(total.map((s) => `${s.containerName}.${s.name}`)).toContain('orders.total');
    expect(await search('zzzz')).toEqual([]);
    expect((await search('')).length).toBe(
      // every declared name in the workspace is found by the empty query
      (await Promise.all(FILES.map((file) => session.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: session.uri(file) } }))))
        .flat()
        .flatMap((s) => (s.kind === 3 || s.kind === 6 ? [] : [s, ...(s.children ?? [])])).length,
    );
  });
});
