/**
 * The grammar's word lists against the real language core: every keyword,
 * declaration keyword, duration unit and built-in function the core knows
 * gets its scope, and the grammar knows no keyword or function the core does
 * not. Adding a word to the lexer or the checker without the grammar fails here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AGGREGATE_FNS } from '../../packages/core/src/syntax/ast';
import { allTokens, DECLARATION_KEYWORDS, DurationUnitTok, keywordWord } from '../../packages/core/src/syntax/tokens';
import { GRAMMAR_PATH, innermost, loadSegTokenizer, tokenAt, type ScopedToken, type Tokenize } from './support/tokenize-seg';

const CORE_SRC = join(import.meta.dirname, '..', '..', 'packages', 'core', 'src');

const lexerKeywords = allTokens.map((type) => keywordWord(type)).filter((word): word is string => word !== undefined);
const declarationKeywords = [...DECLARATION_KEYWORDS].map((type) => keywordWord(type)!);
const durationUnits = wordsOf(DurationUnitTok.PATTERN as RegExp);
const scalarFunctions = [...typeUnion('ScalarFn'), ...typeUnion('RankFn'), ...membershipChanges()];

interface GrammarRule {
  match?: string;
  name?: string;
  patterns?: GrammarRule[];
}
const repository = (JSON.parse(readFileSync(GRAMMAR_PATH, 'utf8')) as { repository: Record<string, GrammarRule> }).repository;

let tokenize: Tokenize;
beforeAll(async () => {
  tokenize = await loadSegTokenizer();
});

/** The grammar token covering the first character of `word` in `source`. */
function scopeOf(source: string, word: string, from = 0): ScopedToken {
  const token = tokenAt(tokenize(source), source.indexOf(word, from));
  if (!token) throw new Error(`no token for \`${word}\` in \`${source}\``);
  return token;
}

it('reads the word lists from the core', () => {
  expect(lexerKeywords).toContain('segment');
  expect(lexerKeywords.length).toBeGreaterThan(60);
  expect(durationUnits).toContain('days');
  expect(scalarFunctions).toEqual(expect.arrayContaining(['days_since', 'quintile', 'entered']));
});

describe('every lexer keyword gets a keyword scope', () => {
  it.each(lexerKeywords)('%s', (word) => {
    const token = scopeOf(`x ${word} y`, word, 2);
    expect(token.text).toBe(word);
    expect(innermost(token)).toMatch(/^(keyword|constant\.language)\./);
  });
});

describe('every declaration keyword starts a declaration', () => {
  it.each(declarationKeywords)('%s', (word) => {
    const source = word === 'test' ? 'test "title" {' : `${word} declared_name`;
    expect(innermost(scopeOf(source, word))).toBe(`keyword.other.declaration.${word}.seg`);
    // `audience customers` names an existing table and a test's title is a string: neither declares a name.
    if (word !== 'test' && word !== 'audience') expect(innermost(scopeOf(source, 'declared_name'))).toMatch(/^entity\.name\./);
  });
});

describe('every duration unit of the lexer is a unit after a number', () => {
  it.each(durationUnits)('%s', (unit) => {
    expect(innermost(scopeOf(`3 ${unit}`, unit))).toBe('keyword.other.unit.seg');
  });
});

describe('every aggregate and built-in function is a support.function when called', () => {
  it.each([...AGGREGATE_FNS])('aggregate %s', (fn) => {
    expect(innermost(scopeOf(`${fn}(orders)`, fn))).toBe('support.function.aggregate.seg');
  });
  it.each(scalarFunctions)('%s', (fn) => {
    expect(innermost(scopeOf(`${fn}(x)`, fn))).toMatch(/^support\.function\./);
  });
});

describe('the grammar knows no word the core does not', () => {
  it('keywords', () => {
    // `today` and `now` are names with a built-in meaning, not lexer keywords.
    const grammarKeywords = [...grammarWords('keywords', 'keyword'), ...grammarWords('constant', 'constant.language')].filter((word) => !['today', 'now'].includes(word));
    expect(grammarKeywords).toEqual(expect.arrayContaining(['and', 'missing', 'segment']));
    expect(grammarKeywords.filter((word) => !lexerKeywords.includes(word))).toEqual([]);
  });
  it('functions', () => {
    const known: string[] = [...AGGREGATE_FNS, ...scalarFunctions];
    const grammarFunctions = grammarWords('call', 'support.function');
    expect(grammarFunctions).toEqual(expect.arrayContaining(['count', 'days_since']));
    expect(grammarFunctions.filter((word) => !known.includes(word))).toEqual([]);
  });
});

/** The words of the rules in a repository entry whose scope starts with `scope`. */
function grammarWords(entry: string, scope: string): string[] {
  const rules = repository[entry]?.patterns ?? [];
  expect(rules.length, `repository.${entry} has rules`).toBeGreaterThan(0);
  return rules.filter((rule) => rule.match && rule.name?.startsWith(scope)).flatMap((rule) => wordsOf(new RegExp(rule.match!)));
}

/** The plain words of every `(?:a|b|c)` group (or a lone `\bword\b`) in a pattern. */
function wordsOf(pattern: RegExp): string[] {
  const source = pattern.source;
  const groups = [...source.matchAll(/\((?:\?:)?([a-z_]+(?:\|[a-z_]+)*)\)/g)].flatMap((match) => match[1]!.split('|'));
  const lone = [...source.matchAll(/^\\b([a-z_]+)\\b/g)].map((match) => match[1]!);
  return [...groups, ...lone];
}

/** The members of a string union type in the core's IR (`export type ScalarFn = 'min' | …;`). */
function typeUnion(name: string): string[] {
  const source = readFileSync(join(CORE_SRC, 'model', 'ir.ts'), 'utf8');
  const union = new RegExp(`export type ${name} = ([^;]+);`).exec(source);
  if (!union) throw new Error(`model/ir.ts no longer declares \`type ${name}\` as a union of strings: update this test`);
  return [...union[1]!.matchAll(/'(\w+)'/g)].map((match) => match[1]!);
}

/** `entered(segment)` / `left(segment)`: the IR's membership-change kinds. */
function membershipChanges(): string[] {
  const source = readFileSync(join(CORE_SRC, 'model', 'ir.ts'), 'utf8');
  const change = /change: ([^;]+);/.exec(source);
  if (!change) throw new Error('model/ir.ts no longer has the membershipChange `change` union: update this test');
  return [...change[1]!.matchAll(/'(\w+)'/g)].map((match) => match[1]!);
}
