/**
 * The grammar and the real lexer agree, token by token, on every example
 * workspace file and on every scope-corpus source: nothing is left unscoped,
 * keywords stay keywords, and no string or comment runs past its end.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { exampleFiles } from './support/example-files';
import { disagreements, unscoped } from './support/lexer-agreement';
import { corpusFiles } from './support/scope-corpus';
import { loadSegTokenizer, type ScopedToken, type Tokenize } from './support/tokenize-seg';

const examples = exampleFiles();
const corpusSources = corpusFiles().flatMap(({ name, sources }) =>
  sources.map((lines) => ({ label: `${name} from line ${lines[0]!.corpusLine}`, text: lines.map((line) => line.text).join('\n') })),
);

let tokenize: Tokenize;
beforeAll(async () => {
  tokenize = await loadSegTokenizer();
});

it('finds the example files', () => {
  expect(examples.length).toBeGreaterThan(10);
});

describe.each(examples)('$path', ({ path, text }) => {
  let tokens: ScopedToken[];
  beforeAll(() => {
    tokens = tokenize(text);
  });

  it('scopes every character but whitespace', () => {
    expect(unscoped(path, text, tokens)).toEqual([]);
  });

  it('scopes every lexer token by its kind, with the same boundaries', () => {
    expect(disagreements(path, text, tokens)).toEqual([]);
  });
});

describe('scope-corpus sources', () => {
  it.each(corpusSources.map((source) => [source.label, source.text] as const))('%s', (label, text) => {
    const tokens = tokenize(text);
    expect([...unscoped(label, text, tokens), ...disagreements(label, text, tokens)]).toEqual([]);
  });
});
