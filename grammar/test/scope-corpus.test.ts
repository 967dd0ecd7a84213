/**
 * Runs every test/corpus/*.seg-scopes file through the real grammar and checks
 * each `^` assertion against the scopes VS Code would give those characters.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { corpusFiles, type CorpusLine } from './support/scope-corpus';
import { loadSegTokenizer, tokenAt, type ScopedToken, type Tokenize } from './support/tokenize-seg';

const corpus = corpusFiles();

let tokenize: Tokenize;
beforeAll(async () => {
  tokenize = await loadSegTokenizer();
});

it('finds the corpus files', () => {
  expect(corpus.length).toBeGreaterThan(0);
});

describe.each(corpus)('$name', ({ name, sources }) => {
  it.each(sources.map((lines) => [describeSource(lines), lines] as const))('%s', (_, lines) => {
    const tokens = tokenize(lines.map((line) => line.text).join('\n'));
    const failures: string[] = [];
    let lineStart = 0;
    for (const line of lines) {
      for (const assertion of line.assertions) {
        for (const column of assertion.columns) {
          const token = tokenAt(tokens, lineStart + column);
          const problem = check(token, assertion.scopes, assertion.absent);
          if (problem) failures.push(`${name}:${assertion.corpusLine} column ${column} of \`${line.text.trim()}\`: ${problem}`);
        }
      }
      lineStart += line.text.length + 1;
    }
    expect(failures).toEqual([]);
  });
});

function check(token: ScopedToken | undefined, scopes: readonly string[], absent: readonly string[]): string | undefined {
  if (!token) return 'no token there (past the end of the line?)';
  const missing = scopes.filter((scope) => !token.scopes.includes(scope));
  const unwanted = token.scopes.filter((scope) => absent.some((prefix) => scope === prefix || scope.startsWith(`${prefix}.`)));
  if (missing.length === 0 && unwanted.length === 0) return undefined;
  const parts = [missing.length > 0 ? `missing ${missing.join(', ')}` : '', unwanted.length > 0 ? `has ${unwanted.join(', ')}` : ''];
  return `${parts.filter(Boolean).join('; ')} — \`${token.text}\` has [${token.scopes.join(', ')}]`;
}

function describeSource(lines: readonly CorpusLine[]): string {
  return `from line ${lines[0]!.corpusLine}: ${lines[0]!.text.trim().slice(0, 60)}`;
}
