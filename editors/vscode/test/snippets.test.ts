/**
 * The extension's snippets (snippets/seg.json): one per declaration kind, and
 * each one, inserted as it stands, is a declaration that parses cleanly.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFile } from '@seg/core';
import { describe, expect, it } from 'vitest';

const SNIPPETS = JSON.parse(readFileSync(join(import.meta.dirname, '../snippets/seg.json'), 'utf8')) as Record<
  string,
  { prefix: string; body: string[]; description: string }
>;

/** Every kind of declaration the language has (the `Declaration` union of packages/core/src/syntax/ast.ts). */
const DECLARATION_KINDS = ['Audience', 'Table', 'Const', 'List', 'Map', 'Metric', 'Segment', 'Strategy', 'Offer', 'OfferFamily', 'Plan', 'Test'];

/** The text VS Code inserts when the user accepts every placeholder as offered (the first choice of a choice). */
function expand(body: readonly string[]): string {
  const values = new Map<string, string>();
  let text = body.join('\n').replace(/\t/g, '  ');
  for (let previous = ''; previous !== text; ) {
    previous = text;
    text = text
      .replace(/\$\{(\d+):([^${}]*)\}/g, (_, n: string, value: string) => (values.set(n, value), value))
      .replace(/\$\{(\d+)\|([^|,]*)[^|]*\|\}/g, (_, n: string, first: string) => (values.set(n, first), first))
      .replace(/\$\{(\d+)\}|\$(\d+)/g, (whole: string, a?: string, b?: string) => values.get((a ?? b)!) ?? (b === '0' ? '' : whole));
  }
  return text;
}

describe('snippets', () => {
  const entries = Object.entries(SNIPPETS);

  it.each(entries)('%s inserts one declaration that parses without errors', (name, snippet) => {
    const text = expand(snippet.body);
    expect(text, name).not.toContain('$');
    const { file, diagnostics } = parseFile(`${name}.seg`, text);
    expect(diagnostics.map((d) => `${d.code} ${d.message}`), text).toEqual([]);
    expect(file.declarations).toHaveLength(1);
    expect(snippet.description).not.toBe('');
  });

  it('cover every kind of declaration, each under the keyword that starts it', () => {
    const kinds = entries.map(([name, snippet]) => {
      const declaration = parseFile(`${name}.seg`, expand(snippet.body)).file.declarations[0]!;
      expect(expand(snippet.body).startsWith(`${snippet.prefix} `), name).toBe(true);
      return declaration.kind;
    });
    expect([...kinds].sort()).toEqual([...DECLARATION_KINDS].sort());
  });
});
