/**
 * The scope corpus format (`test/corpus/*.seg-scopes`): `.seg` source lines,
 * each followed by assertion lines that start with `#` (a character the
 * language does not use), in the style of vscode-tmgrammar-test:
 *
 *     segment big_spenders {
 *     #       ^^^^^^^^^^^^ entity.name.function.segment.seg
 *     #<- keyword.other.declaration.segment.seg
 *     #                    ^ punctuation.section.block.begin.seg - meta.block.seg
 *
 * `^` marks columns of the source line above; `#<-` marks column 0. Every
 * marked character must carry each listed scope, and none starting with a
 * scope written after ` - `. `#---` starts a new, independent source; `##`
 * lines are remarks.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const CORPUS_DIR = join(import.meta.dirname, '..', 'corpus');

export interface ScopeAssertion {
  /** 1-based line of the assertion in the corpus file, for failure messages. */
  readonly corpusLine: number;
  /** Columns (0-based) of the source line the assertion applies to. */
  readonly columns: readonly number[];
  readonly scopes: readonly string[];
  readonly absent: readonly string[];
}

export interface CorpusLine {
  readonly text: string;
  readonly corpusLine: number;
  readonly assertions: ScopeAssertion[];
}

/** Every corpus file, parsed. */
export function corpusFiles(): { name: string; sources: CorpusLine[][] }[] {
  return readdirSync(CORPUS_DIR)
    .filter((name) => name.endsWith('.seg-scopes'))
    .sort()
    .map((name) => ({ name, sources: parseCorpus(readFileSync(join(CORPUS_DIR, name), 'utf8')) }));
}

/** Independent sources of a corpus file, each a list of lines with their assertions. */
export function parseCorpus(content: string): CorpusLine[][] {
  const sources: CorpusLine[][] = [[]];
  content.split('\n').forEach((raw, index) => {
    const corpusLine = index + 1;
    const current = sources[sources.length - 1]!;
    if (raw.startsWith('##')) return;
    if (raw.startsWith('#---')) {
      sources.push([]);
      return;
    }
    if (!raw.startsWith('#')) {
      current.push({ text: raw, corpusLine, assertions: [] });
      return;
    }
    const target = current[current.length - 1];
    if (!target) throw new Error(`corpus line ${corpusLine}: an assertion needs a source line above it`);
    target.assertions.push(parseAssertion(raw, corpusLine));
  });
  return sources.filter((lines) => lines.length > 0);
}

function parseAssertion(raw: string, corpusLine: number): ScopeAssertion {
  let columns: number[];
  let rest: string;
  if (raw.startsWith('#<-')) {
    columns = [0];
    rest = raw.slice(3);
  } else {
    const marks = /^#(\s*)(\^+)/.exec(raw);
    if (!marks) throw new Error(`corpus line ${corpusLine}: expected \`#<-\` or \`^\` marks`);
    const first = 1 + marks[1]!.length;
    columns = Array.from({ length: marks[2]!.length }, (_, i) => first + i);
    rest = raw.slice(marks[0].length);
  }
  const [wanted, unwanted = ''] = rest.split(' - ');
  const scopes = wanted!.trim().split(/\s+/).filter(Boolean);
  const absent = unwanted.trim().split(/\s+/).filter(Boolean);
  if (scopes.length + absent.length === 0) throw new Error(`corpus line ${corpusLine}: no scope to check`);
  return { corpusLine, columns, scopes, absent };
}
