import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignatureHelp } from 'vscode-languageserver-protocol';
import { cursor, LspSession, RETAIL } from './support/lsp-session';

const segments = readFileSync(join(RETAIL, 'segments.seg'), 'utf8');
const tests = readFileSync(join(RETAIL, 'tests.seg'), 'utf8');

describe('signature help (seg lsp over stdio)', () => {
  let session: LspSession;
  const opened = new Set<string>();

  /** Puts the marked text in the document and asks for signature help at the `|`. */
  async function help(path: string, marked: string): Promise<SignatureHelp | null> {
    const { text, position } = cursor(marked);
    if (opened.has(path)) await session.replace(path, text);
    else await session.open(path, text);
    opened.add(path);
    return session.request<SignatureHelp | null>('textDocument/signatureHelp', { textDocument: { uri: session.uri(path) }, position });
  }
  const activeLabel = (result: SignatureHelp | null) => {
    const signature = result!.signatures[result!.activeSignature ?? 0]!;
    const [start, end] = signature.parameters![result!.activeParameter ?? 0]!.label as [number, number];
    return signature.label.slice(start, end);
  };

  beforeAll(async () => {
    session = await LspSession.start();
  });
  afterAll(async () => {
    await session.stop();
  });

  it('announces `(` and `,` as trigger characters', () => {
    expect(session.initialize.capabilities.signatureHelpProvider?.triggerCharacters).toEqual(['(', ',']);
  });

  it('moves the active parameter with each comma', async () => {
    const call = 'distance_km(latitude, longitude, -33.87, 151.21)';
    expect(segments).toContain(call);
    const first = await help('segments.seg', segments.replace(call, 'distance_km(|'));
    expect(first!.signatures[0]!.label).toBe('distance_km(lat1, lon1, lat2, lon2)');
    expect(first!.signatures[0]!.parameters).toHaveLength(4);
    expect(first!.signatures[0]!.documentation).toMatchObject({ value: expect.stringContaining('Great-circle distance') });
    expect(first!.activeParameter).toBe(0);
    expect(activeLabel(first)).toBe('lat1');

    const third = await help('segments.seg', segments.replace(call, 'distance_km(latitude, longitude, |'));
    expect(third!.activeParameter).toBe(2);
    expect(activeLabel(third)).toBe('lat2');
    // A comma inside a nested call belongs to that call.
    const nested = await help('segments.seg', segments.replace(call, 'distance_km(latitude, max(1, |'));
    expect(nested!.signatures[nested!.activeSignature ?? 0]!.label).toBe('max(a, b, …)');
    expect(activeLabel(nested)).toBe('b');
  });

  it("follows an aggregate's argument from its source to the window and the `where` condition", async () => {
    const call = 'any(orders in last 90 days)';
    expect(segments).toContain(call);
    expect(activeLabel(await help('segments.seg', segments.replace(call, 'any(ord|')))).toBe('SOURCE');
    expect(activeLabel(await help('segments.seg', segments.replace(call, 'any(orders in last 90 |')))).toBe('[WINDOW]');
    const where = await help('segments.seg', segments.replace(call, 'any(orders in last 90 days where |'));
    expect(where!.signatures[0]!.label).toBe('any(SOURCE [WINDOW] [where CONDITION])');
    expect(activeLabel(where)).toBe('[where CONDITION]');
  });

  it('picks the form of min/max the call has, and answers null outside any call', async () => {
    const call = 'max(1, orders_12m)';
    expect(segments).toContain(call);
    const values = await help('segments.seg', segments.replace(call, 'max(1, |'));
    expect(values!.signatures).toHaveLength(2);
    expect(values!.activeSignature).toBe(1);
    const events = await help('segments.seg', segments.replace(call, 'max(orders.total|'));
    expect(events!.activeSignature).toBe(0);
    expect(await help('segments.seg', segments.replace('count(orders) > 0', 'count(orders) > |0'))).toBeNull();
  });

  it("describes a test expectation's call of a strategy for one customer", async () => {
    const result = await help('tests.seg', tests.replace('expect value_map("c1")', 'expect value_map(|'));
    expect(result!.signatures[0]!.label).toBe('value_map(CUSTOMER_KEY)');
  });
});
