import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompletionItemKind, InsertTextFormat, type CompletionItem, type CompletionList, type TextEdit } from 'vscode-languageserver-protocol';
import { cursor, LspSession, RETAIL } from './support/lsp-session';

const segments = readFileSync(join(RETAIL, 'segments.seg'), 'utf8');
const offers = readFileSync(join(RETAIL, 'offers.seg'), 'utf8');
const plans = readFileSync(join(RETAIL, 'plans.seg'), 'utf8');

/** `text` with `find` replaced by `marked` (which holds the `|` cursor), or a failure if `find` is not there. */
function edit(text: string, find: string, marked: string): string {
  expect(text, `example text changed: ${find}`).toContain(find);
  return text.replace(find, marked);
}

const labels = (items: readonly CompletionItem[]) => items.map((item) => item.label);
/** Labels in the order the editor shows them (by sortText). */
const ranked = (items: readonly CompletionItem[]) => [...items].sort((a, b) => (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label)).map((i) => i.label);

describe('completion (seg lsp over stdio)', () => {
  let session: LspSession;
  let documents: Map<string, string>;

  /** Puts the marked text in the document and asks for completions at the `|`. */
  async function complete(path: string, marked: string): Promise<CompletionItem[]> {
    const { text, position } = cursor(marked);
    if (!documents.has(path)) await session.open(path, text);
    else await session.replace(path, text);
    documents.set(path, text);
    const result = await session.request<CompletionList | CompletionItem[]>('textDocument/completion', { textDocument: { uri: session.uri(path) }, position });
    return Array.isArray(result) ? result : result.items;
  }

  const resolve = (item: CompletionItem) => session.request<CompletionItem>('completionItem/resolve', item);

  beforeAll(async () => {
    session = await LspSession.start();
    documents = new Map();
  });
  afterAll(async () => {
    await session.stop();
  });

  it('announces completion with `.` and `"` as trigger characters', () => {
    expect(session.initialize.capabilities.completionProvider?.triggerCharacters).toEqual(expect.arrayContaining(['.', '"']));
  });

  it('offers the declaration keywords, and a snippet for each declaration, between declarations', async () => {
    const items = await complete('segments.seg', `${segments}\n|`);
    const keywords = items.filter((i) => i.kind === CompletionItemKind.Keyword);
    expect(labels(keywords).sort()).toEqual(['audience', 'const', 'list', 'map', 'metric', 'offer', 'offers', 'plan', 'segment', 'strategy', 'table', 'test']);
    expect(labels(items)).not.toContain('dormant');

    const snippets = items.filter((i) => i.kind === CompletionItemKind.Snippet);
    for (const declaration of ['segment', 'metric', 'strategy', 'offer', 'offers (family)', 'plan', 'test', 'const', 'list', 'map', 'table', 'audience']) {
      const snippet = snippets.find((s) => s.label === declaration);
      expect(snippet, declaration).toBeDefined();
      expect(snippet!.insertTextFormat).toBe(InsertTextFormat.Snippet);
    }
    const segment = snippets.find((s) => s.label === 'segment')!;
    expect((segment.textEdit as TextEdit).newText).toMatch(/^segment \$\{1:name\} \{\n {2}\$\{0:condition\}\n\}$/);
    expect(segment.filterText).toBe('segment');
  });

  it("offers an offer's clauses on a new line of its body, first", async () => {
    const items = await complete('offers.seg', edit(offers, '  value 12\n', '  value 12\n  |\n'));
    const clauses = ['category', 'channels', 'strategy', 'valid', 'eligible', 'score', 'value', 'cap'];
    expect(ranked(items).slice(0, clauses.length).sort()).toEqual([...clauses].sort());
    expect(labels(items)).not.toContain('dormant');
    // Documentation comes with `completionItem/resolve`, for the item the user looks at.
    expect((await resolve(items.find((i) => i.label === 'eligible')!)).documentation).toMatchObject({ value: expect.stringContaining('Who may receive') });
  });

  it("offers a plan's clauses, multi-word ones as phrases", async () => {
    const items = await complete('plans.seg', edit(plans, '  holdout 5%\n', '  |\n'));
    expect(labels(items)).toEqual(expect.arrayContaining(['audience', 'channel', 'offers', 'rank by', 'boost', 'top', 'at most', 'suppress when', 'holdout', 'schedule', 'output table']));
    expect((items.find((i) => i.label === 'top')!.textEdit as TextEdit).newText).toBe('top ${1:8} per customer');
  });

  it('offers metrics, segments, constants and audience fields in a condition, with kind, label and doc comment', async () => {
    const items = await complete('offers.seg', edit(offers, 'eligible dormant\n', 'eligible |\n'));
    const byLabel = (label: string) => items.find((i) => i.label === label);
    expect(byLabel('dormant')).toMatchObject({ kind: CompletionItemKind.Class, detail: 'segment — Lapsed: bought before, nothing for 180 days' });
    expect(byLabel('spend_12m')).toMatchObject({ kind: CompletionItemKind.Variable, detail: expect.stringContaining('Spend, last 12 months') });
    expect((await resolve(byLabel('recency_days')!)).documentation).toMatchObject({ value: expect.stringContaining('RFM scores') });
    expect(byLabel('vip_threshold')).toMatchObject({ kind: CompletionItemKind.Constant });
    expect(await resolve(byLabel('churn_risk')!)).toMatchObject({ kind: CompletionItemKind.Field, detail: 'number — field of customers', documentation: { value: '0..1, from the data team' } });
    expect(byLabel('count')).toMatchObject({ kind: CompletionItemKind.Function });
    expect(byLabel('offer')).toBeDefined(); // `offer.…` exists inside an offer
    expect(byLabel('entered')).toBeUndefined(); // only in a plan's audience
    // The typed word is what an item replaces.
    const start = cursor(edit(offers, 'eligible dormant\n', 'eligible |\n')).position;
    expect((byLabel('dormant')!.textEdit as TextEdit).range).toEqual({ start, end: start });
  });

  it("offers the event's fields first inside an aggregate's `where`, and a link's fields after `.`", async () => {
    const inWhere = await complete('segments.seg', edit(segments, 'any(orders in last 90 days)', 'any(orders in last 90 days where |)'));
    expect(ranked(inWhere).slice(0, 6).sort()).toEqual(['channel', 'customer', 'discount', 'order_id', 'placed_at', 'total']);
    expect(labels(inWhere)).toContain('spend_12m');

    const throughLink = await complete('segments.seg', edit(segments, 'where product.category = "Baby"', 'where product.cat|'));
    expect(labels(throughLink).sort()).toEqual(['brand', 'category', 'margin', 'name', 'sku']);
    const category = throughLink.find((i) => i.label === 'category')!;
    expect(category.detail).toContain('text in ("Baby", "Toys"');
    expect((category.textEdit as TextEdit).newText).toBe('category');

    const source = await complete('segments.seg', edit(segments, 'any(orders in last 90 days)', 'any(|)'));
    expect(labels(source).sort()).toEqual(['contacts', 'email_events', 'order_lines', 'orders']);
    const field = await complete('segments.seg', edit(segments, 'sum(orders.total in last 12 months)', 'sum(orders.|)'));
    expect(labels(field)).toEqual(expect.arrayContaining(['total', 'discount', 'placed_at']));
  });

  it("offers an enumerated field's declared values, inside the quotes or quoted", async () => {
    const marked = edit(segments, 'where channel = "store"', 'where channel = "|"');
    const inQuotes = await complete('segments.seg', marked);
    expect(labels(inQuotes).sort()).toEqual(['app', 'store', 'web']);
    const { position } = cursor(marked);
    expect(inQuotes[0]!.textEdit).toMatchObject({ range: { start: position, end: position } });

    // An unclosed string is closed by the value.
    const open = await complete('segments.seg', edit(segments, 'where kind in ("open", "click")', 'where kind in ("open", "cl|'));
    expect(labels(open).sort()).toEqual(['click', 'complaint', 'open', 'unsubscribe']);
    expect((open.find((i) => i.label === 'click')!.textEdit as TextEdit).newText).toBe('click"');

    const bare = await complete('segments.seg', edit(segments, 'where channel = "store"', 'where channel = |'));
    expect(ranked(bare).slice(0, 3)).toEqual(['"app"', '"store"', '"web"']);
  });

  it('names for clauses that take one: outcomes, offers, per customer', async () => {
    expect(labels(await complete('offers.seg', edit(offers, 'strategy reactivate', 'strategy |'))).sort()).toEqual([
      'cross_sell', 'grow', 'migrate', 'onboard', 'reactivate', 'retain',
    ]);
    expect(labels(await complete('plans.seg', edit(plans, 'offers app_download, winback_15', 'offers app_download, |')))).toEqual(
      expect.arrayContaining(['baby_wipes_20', 'category_coupons', 'winback_15']),
    );
    expect(labels(await complete('plans.seg', edit(plans, 'top 8 per customer', 'top 8 per |')))).toEqual(['customer']);
  });

  it('still answers in a file with syntax errors, while the user is mid-typing', async () => {
    // A broken line earlier in the declaration and an unclosed call at the cursor.
    const broken = edit(segments, 'predicted_clv >= 500 or spend_12m > vip_threshold', 'predicted_clv >= 500 or ) (\n  count(orders in last 30 days where ch|');
    const items = await complete('segments.seg', broken);
    const diagnostics = await session.diagnosticsFor('segments.seg', (d) => d.some((x) => x.severity === 1));
    expect(diagnostics.some((d) => d.severity === 1)).toBe(true);
    expect(ranked(items).slice(0, 6)).toContain('channel');

    // An unfinished declaration above does not hide the next one's keywords.
    const unfinished = await complete('segments.seg', edit(segments, 'segment new_customers {', 'segment half_typed {\n  any(orders where\n\nsegment new_customers {').replace('signup_at in last 30 days', 'signup_at in last 30 days and |'));
    expect(labels(unfinished)).toEqual(expect.arrayContaining(['dormant', 'spend_12m', 'predicted_clv']));

    await session.replace('segments.seg', segments);
    expect(await session.diagnosticsFor('segments.seg', (d) => d.length === 0)).toEqual([]);
  });

  it('offers nothing inside a comment or while a number is typed', async () => {
    expect(await complete('segments.seg', edit(segments, '// Recency, frequency', '// Recency, freq|uency'))).toEqual([]);
    expect(await complete('segments.seg', edit(segments, 'count(orders) > 0', 'count(orders) > 1|0'))).toEqual([]);
  });

  it('says the replaced range once for clients that take item defaults, with the same items', async () => {
    const marked = edit(segments, '  count(orders) > 0 and', '  |count(orders) > 0 and');
    const plain = await complete('segments.seg', marked);
    const lean = await LspSession.start({ completionItemDefaults: true });
    try {
      const { text, position } = cursor(marked);
      await lean.open('segments.seg', text);
      const list = await lean.request<CompletionList>('textDocument/completion', { textDocument: { uri: lean.uri('segments.seg') }, position });
      expect(list.itemDefaults?.editRange).toEqual({ start: position, end: position });
      expect(list.items.every((item) => item.textEdit === undefined)).toBe(true);
      expect(labels(list.items)).toEqual(labels(plain));
      const top = plain.find((i) => (i.textEdit as TextEdit).newText !== i.label)!;
      expect(list.items.find((i) => i.label === top.label)!.textEditText).toBe((top.textEdit as TextEdit).newText);
    } finally {
      await lean.stop();
    }
  });
});
