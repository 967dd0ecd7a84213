/**
 * Runs grammar/seg.tmLanguage.json through the same engine VS Code uses
 * (vscode-textmate on the Oniguruma WASM that ships inside vscode-oniguruma).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import oniguruma from 'vscode-oniguruma';
import textmate from 'vscode-textmate';

export const GRAMMAR_DIR = join(import.meta.dirname, '..', '..');
export const GRAMMAR_PATH = join(GRAMMAR_DIR, 'seg.tmLanguage.json');

/** One token of the grammar: its text, where it is, and its scopes from outermost (`source.seg`) in. */
export interface ScopedToken {
  readonly text: string;
  /** Offset in the whole text. */
  readonly offset: number;
  readonly line: number;
  readonly column: number;
  readonly scopes: readonly string[];
}

export type Tokenize = (text: string) => ScopedToken[];

let loaded: Promise<Tokenize> | undefined;

/** Loads the WASM and the grammar once per test file. */
export function loadSegTokenizer(): Promise<Tokenize> {
  loaded ??= load();
  return loaded;
}

async function load(): Promise<Tokenize> {
  const require = createRequire(import.meta.url);
  const wasm = readFileSync(join(require.resolve('vscode-oniguruma'), '..', 'onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => oniguruma.createOnigScanner(patterns),
      createOnigString: (text: string) => oniguruma.createOnigString(text),
    }),
    loadGrammar: async (scopeName: string) =>
      scopeName === 'source.seg' ? textmate.parseRawGrammar(readFileSync(GRAMMAR_PATH, 'utf8'), GRAMMAR_PATH) : null,
  });
  const grammar = await registry.loadGrammar('source.seg');
  if (!grammar) throw new Error(`Could not load ${GRAMMAR_PATH}`);

  return (text) => {
    const tokens: ScopedToken[] = [];
    let state = textmate.INITIAL;
    let lineStart = 0;
    text.split('\n').forEach((rawLine, line) => {
      const content = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
      const result = grammar.tokenizeLine(content, state);
      for (const token of result.tokens) {
        // vscode-textmate reports one empty-scoped token past the end of an empty line; skip it.
        const end = Math.min(token.endIndex, content.length);
        if (end <= token.startIndex) continue;
        tokens.push({
          text: content.slice(token.startIndex, end),
          offset: lineStart + token.startIndex,
          line,
          column: token.startIndex,
          scopes: token.scopes,
        });
      }
      state = result.ruleStack;
      lineStart += rawLine.length + 1;
    });
    return tokens;
  };
}

/** The innermost scope of a token (the one a theme rule usually targets). */
export function innermost(token: ScopedToken): string {
  return token.scopes[token.scopes.length - 1]!;
}

/** The token covering `offset`, if any (tokens are in text order). */
export function tokenAt(tokens: readonly ScopedToken[], offset: number): ScopedToken | undefined {
  let low = 0;
  let high = tokens.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const token = tokens[mid]!;
    if (offset < token.offset) high = mid - 1;
    else if (offset >= token.offset + token.text.length) low = mid + 1;
    else return token;
  }
  return undefined;
}
