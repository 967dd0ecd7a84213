/**
 * language-configuration.json against the real lexer and the example files:
 * the comment markers VS Code inserts are comments to the lexer, a
 * double-click selects exactly one lexer token, and the indentation rules
 * agree with how the formatted examples are indented.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { lexText } from '../../packages/core/src/syntax/lex';
import { exampleFiles } from './support/example-files';
import { GRAMMAR_DIR, loadSegTokenizer, tokenAt, type Tokenize } from './support/tokenize-seg';

interface OnEnterRule {
  beforeText: string;
  afterText?: string;
  previousLineText?: string;
  action: { appendText?: string };
}
interface LanguageConfiguration {
  comments: { lineComment: string; blockComment: [string, string] };
  brackets: [string, string][];
  wordPattern: string;
  indentationRules: { increaseIndentPattern: string; decreaseIndentPattern: string; indentNextLinePattern: string };
  onEnterRules: OnEnterRule[];
}

const config = JSON.parse(readFileSync(join(GRAMMAR_DIR, 'language-configuration.json'), 'utf8')) as LanguageConfiguration;
const examples = exampleFiles();

let tokenize: Tokenize;
beforeAll(async () => {
  tokenize = await loadSegTokenizer();
});

describe('comment toggling', () => {
  it('the line comment marker starts a line comment for the lexer and the grammar', () => {
    const text = `${config.comments.lineComment} segment x { true }`;
    expect(lexText('t.seg', text).comments).toEqual([expect.objectContaining({ block: false, text })]);
    expect(tokenAt(tokenize(text), text.length - 1)!.scopes).toContain('comment.line.double-slash.seg');
  });

  it('the block comment markers wrap a block comment for the lexer and the grammar', () => {
    const [open, close] = config.comments.blockComment;
    const text = `${open} segment x { true } ${close} metric y = 1`;
    expect(lexText('t.seg', text).comments).toEqual([expect.objectContaining({ block: true, text: text.slice(0, text.indexOf(close) + 2) })]);
    const tokens = tokenize(text);
    expect(tokenAt(tokens, text.indexOf('segment'))!.scopes).toContain('comment.block.seg');
    expect(tokenAt(tokens, text.indexOf('metric'))!.scopes).toContain('keyword.other.declaration.metric.seg');
  });
});

it('every bracket pair is a pair of lexer tokens the grammar scopes as punctuation', () => {
  for (const [open, close] of config.brackets) {
    const text = `a ${open} b ${close}`;
    const lexed = lexText('t.seg', text);
    expect(lexed.diagnostics.filter((d) => d.code === 'SEG0013')).toEqual([]);
    expect(lexed.tokens.map((token) => token.image)).toEqual(['a', open, 'b', close]);
    const tokens = tokenize(text);
    for (const offset of [2, text.length - 1]) expect(tokenAt(tokens, offset)!.scopes.join(' ')).toMatch(/punctuation\./);
  }
});

describe.each(examples)('$path', ({ path, text }) => {
  it('the word pattern selects exactly each name, keyword, number, date and percentage', () => {
    const words = new Map([...text.matchAll(new RegExp(config.wordPattern, 'g'))].map((match) => [match.index, match[0]]));
    const wrong = lexText(path, text)
      .tokens.filter((token) => /^[A-Za-z_0-9]/.test(token.image))
      .filter((token) => words.get(token.startOffset) !== token.image)
      .map((token) => `\`${token.image}\` selects as \`${words.get(token.startOffset) ?? '(nothing)'}\``);
    expect(wrong).toEqual([]);
  });

  it('the indentation rules match how the formatted file is indented', () => {
    const increase = new RegExp(config.indentationRules.increaseIndentPattern);
    const decrease = new RegExp(config.indentationRules.decreaseIndentPattern);
    const indentNext = new RegExp(config.indentationRules.indentNextLinePattern);
    const lines = text.split('\n').filter((line) => line.trim() !== '');
    const indent = (line: string): number => line.length - line.trimStart().length;
    const wrong: string[] = [];
    lines.forEach((line, i) => {
      const next = lines[i + 1];
      if (next === undefined) return;
      // An empty block (`{` then `}`) indents and outdents again.
      const opens = increase.test(line) || indentNext.test(line);
      const expected = opens && decrease.test(next) ? 'same' : opens ? 'deeper' : decrease.test(next) ? 'shallower' : undefined;
      const actual = indent(next) > indent(line) ? 'deeper' : indent(next) < indent(line) ? 'shallower' : 'same';
      if (expected && expected !== actual) wrong.push(`\`${next.trim()}\` after \`${line.trim()}\` should be indented ${expected} but is ${actual}`);
    });
    expect(wrong).toEqual([]);
  });
});

describe('Enter inside a /** documentation comment', () => {
  function appendedAfter(line: string, previousLine = '', after = ''): string | undefined {
    const rule = config.onEnterRules.find(
      (r) =>
        new RegExp(r.beforeText).test(line) &&
        (r.afterText === undefined || new RegExp(r.afterText).test(after)) &&
        (r.previousLineText === undefined || new RegExp(r.previousLineText).test(previousLine)),
    );
    return rule?.action.appendText;
  }

  it('continues the comment with a star', () => {
    expect(appendedAfter('/**')).toBe(' * ');
    expect(appendedAfter('/** Customers who', '', ' */')).toBe(' * ');
    expect(appendedAfter(' * bought before', '/**')).toBe('* ');
  });

  it('does nothing on ordinary lines or after the comment closes', () => {
    expect(appendedAfter('segment dormant {')).toBeUndefined();
    expect(appendedAfter('/** done */')).toBeUndefined();
    expect(appendedAfter('  count(orders) * 2', 'segment x {')).toBeUndefined();
  });
});
