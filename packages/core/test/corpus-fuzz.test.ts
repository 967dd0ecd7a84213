/**
 * Fuzzing the whole checker with mutated example files: whatever a user deletes,
 * duplicates, swaps, truncates or mistypes, `checkWorkspace` (the mutated file
 * plus the rest of its workspace) must never throw, never hang, report only
 * known codes with a message and a span inside the file, and never let a broken
 * file through without an error.
 *
 * "Broken" is decided independently of the parser by a small scanner (outside
 * strings and comments: unbalanced braces/parentheses/brackets, an unterminated
 * string or block comment, a character the language does not use), and also by
 * the parser's own syntax diagnostics, which the checker must not drop.
 *
 * Deterministic: one seeded generator; a failure names the workspace, file and
 * mutation index and shows the mutated text. Scale with SEG_FUZZ_MUTATIONS (default 2000, about 10 s on an idle
 * 2-core machine); try other inputs with SEG_FUZZ_SEED.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { checkWorkspace, type WorkspaceInput } from '../src/check/check-workspace';
import { DIAGNOSTIC_CODES } from '../src/diagnostics/codes';
import type { Diagnostic } from '../src/diagnostics/diagnostic';
import { parseFile } from '../src/syntax/parse';
import { seededRandom } from './support/seeded-random';

/** Mutations in total, spread over every file of every workspace. */
const MUTATIONS = Number(process.env.SEG_FUZZ_MUTATIONS ?? 2000);
const SEED = Number(process.env.SEG_FUZZ_SEED ?? 20261122);
/** The longest one check of a whole example workspace may take. */
const TIME_LIMIT_MS = 2000;

const root = join(import.meta.dirname, '..', '..', '..');
const WORKSPACES = [join(import.meta.dirname, 'fixtures', 'retail'), join(root, 'examples', 'bank'), join(root, 'examples', 'cdnow')];

function loadWorkspace(dir: string): { name: string; input: WorkspaceInput } {
  const files = Object.fromEntries(
    readdirSync(dir)
      .filter((f) => f.endsWith('.seg'))
      .sort()
      .map((f) => [f, readFileSync(join(dir, f), 'utf8')]),
  );
  let config: { name?: string; timezone?: string } = {};
  try {
    const json = JSON.parse(readFileSync(join(dir, 'seg.json'), 'utf8')) as { name?: string; timezone?: string };
    config = { ...(json.name !== undefined && { name: json.name }), ...(json.timezone !== undefined && { timezone: json.timezone }) };
  } catch {
    // no seg.json: defaults
  }
  return { name: dir.split('/').slice(-1)[0]!, input: { files, config } };
}

// -- mutations ----------------------------------------------------------------

const KEYWORDS = [
  'and', 'or', 'not', 'in', 'is', 'missing', 'between', 'true', 'false', 'all', 'any', 'none', 'of', 'when', 'then',
  'else', 'where', 'from', 'to', 'last', 'ago', 'audience', 'table', 'key', 'time', 'const', 'list', 'map', 'metric',
  'segment', 'strategy', 'primary', 'secondary', 'offer', 'offers', 'plan', 'test', 'expect', 'as of', 'includes',
  'excludes', 'is empty', 'category', 'channels', 'channel', 'valid', 'eligible', 'score', 'value', 'cap', 'rank by',
  'boost', 'top', 'per customer', 'at most', 'suppress when', 'holdout', 'schedule', 'output table', 'output csv',
  'with', 'desc', 'asc', 'count(', 'sum(', 'first(', 'entered(', 'left(', 'quintile(', 'days_since(', 'offer.',
  'customers.', 'contacts', 'today', 'now', 'days', 'months', 'dayz', '30 days ago', 'in last 90 days', '2026-02-30',
  '2026-11-01T06:00:00Z', '10%', '150%', '-1', '0', '1e9', '->', '<=', '>=', '!=', '=', '+', '*', '/', '.', ',', ':',
  '[', ']', '(', ')', '{', '}', '"', '"unterminated', '/*', '*/', '//', '\\', 'all of {', 'segment x {', 'text in (',
];
const WEIRD = ['@', '#', '$', '^', '&', '~', '`', ';', '?', '|', "'", 'é', '€', '\u00a0', '\t', '\r\n', '\u200b', '😀', '\0'];

/** Token-ish chunks: names, numbers, strings, comments, operators, whitespace runs. */
const CHUNK = /\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/|"(?:[^"\\\n]|\\.)*"?|\d{4}-\d{2}-\d{2}(?:T[\d:.]+Z?)?|\d+(?:\.\d+)?%?|[A-Za-z_][A-Za-z0-9_]*|->|<=|>=|!=|[\s\S]/g;

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const int = (random: Random, n: number): number => Math.floor(random() * n);

function chunks(text: string): string[] {
  return text.match(CHUNK) ?? [];
}

/** One random edit; returns the new text and what was done (for failure reports). */
function mutateOnce(text: string, random: Random): { text: string; what: string } {
  const at = int(random, text.length + 1);
  const parts = chunks(text);
  const lines = text.split('\n');
  switch (int(random, 12)) {
    case 0: { // delete 1–3 chunks
      const i = int(random, parts.length);
      const n = 1 + int(random, 3);
      return { text: [...parts.slice(0, i), ...parts.slice(i + n)].join(''), what: `delete ${n} chunks at ${i}` };
    }
    case 1: { // duplicate a chunk
      const i = int(random, parts.length);
      return { text: [...parts.slice(0, i + 1), ...parts.slice(i)].join(''), what: `duplicate chunk ${i}` };
    }
    case 2: { // swap two chunks
      const i = int(random, parts.length);
      const j = int(random, parts.length);
      const copy = [...parts];
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
      return { text: copy.join(''), what: `swap chunks ${i} and ${j}` };
    }
    case 3: { // insert random characters
      const chars = Array.from({ length: 1 + int(random, 4) }, () => (random() < 0.7 ? String.fromCharCode(32 + int(random, 95)) : pick(random, WEIRD))).join('');
      return { text: text.slice(0, at) + chars + text.slice(at), what: `insert ${JSON.stringify(chars)} at ${at}` };
    }
    case 4: { // insert a keyword or fragment of the language
      const word = pick(random, KEYWORDS);
      const glue = random() < 0.5 ? ' ' : random() < 0.5 ? '\n' : '';
      return { text: text.slice(0, at) + glue + word + glue + text.slice(at), what: `insert ${JSON.stringify(word)} at ${at}` };
    }
    case 5: // truncate
      return { text: text.slice(0, at), what: `truncate at ${at}` };
    case 6: { // delete a line
      const i = int(random, lines.length);
      return { text: [...lines.slice(0, i), ...lines.slice(i + 1)].join('\n'), what: `delete line ${i + 1}` };
    }
    case 7: { // swap two lines
      const i = int(random, lines.length);
      const j = int(random, lines.length);
      const copy = [...lines];
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
      return { text: copy.join('\n'), what: `swap lines ${i + 1} and ${j + 1}` };
    }
    case 8: { // duplicate a line (a repeated declaration, property or rule)
      const i = int(random, lines.length);
      return { text: [...lines.slice(0, i + 1), ...lines.slice(i)].join('\n'), what: `duplicate line ${i + 1}` };
    }
    case 9: { // unbalance: insert an opener, closer or quote
      const ch = pick(random, ['{', '}', '(', ')', '[', ']', '"', '/*']);
      return { text: text.slice(0, at) + ch + text.slice(at), what: `insert ${JSON.stringify(ch)} at ${at}` };
    }
    case 10: { // unbalance: delete one brace, parenthesis or quote
      const spots = [...text.matchAll(/[{}()[\]"]/g)].map((m) => m.index);
      if (spots.length === 0) return { text: text.slice(0, at), what: `truncate at ${at}` };
      const i = pick(random, spots);
      return { text: text.slice(0, i) + text.slice(i + 1), what: `delete ${JSON.stringify(text[i])} at ${i}` };
    }
    default: { // replace a name with a near miss (typo)
      const names = parts.map((p, i) => [p, i] as const).filter(([p]) => /^[A-Za-z_]\w{2,}$/.test(p));
      if (names.length === 0) return { text, what: 'nothing' };
      const [name, i] = pick(random, names);
      const k = int(random, name.length);
      const typo = random() < 0.5 ? name.slice(0, k) + name.slice(k + 1) : name.slice(0, k) + String.fromCharCode(97 + int(random, 26)) + name.slice(k);
      const copy = [...parts];
      copy[i] = typo;
      return { text: copy.join(''), what: `rename ${name} → ${typo}` };
    }
  }
}

function mutate(text: string, random: Random): { text: string; what: string } {
  const rounds = random() < 0.75 ? 1 : 2 + int(random, 3);
  let current = { text, what: '' };
  for (let r = 0; r < rounds; r++) {
    const next = mutateOnce(current.text, random);
    current = { text: next.text, what: current.what ? `${current.what}; ${next.what}` : next.what };
  }
  return current;
}

// -- an oracle for "certainly broken", independent of the parser ---------------

/** Characters the language can use outside strings and comments (besides letters, digits, `_`). */
const LANGUAGE_CHARS = new Set([...' \t\r\n\f\v\uFEFF\u00a0/*+-<>=!{}()[],:."%_']);

/** Why the text certainly has a syntax error, or undefined if this scanner cannot tell. */
function certainSyntaxError(text: string): string | undefined {
  const depth = { '{': 0, '(': 0, '[': 0 };
  const closes: Record<string, keyof typeof depth> = { '}': '{', ')': '(', ']': '[' };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) return 'unterminated block comment';
      i = end + 1;
    } else if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"' && text[i] !== '\n' && text[i] !== '\r') i += text[i] === '\\' && text[i + 1] !== '\n' && text[i + 1] !== '\r' ? 2 : 1;
      if (text[i] !== '"') return 'unterminated string';
    } else if (c in depth) {
      depth[c as keyof typeof depth]++;
    } else if (c in closes) {
      if (--depth[closes[c]!] < 0) return `unmatched ${c}`;
    } else if (!/[A-Za-z0-9]/.test(c) && !LANGUAGE_CHARS.has(c)) {
      return `character ${JSON.stringify(c)}`;
    }
  }
  const open = Object.entries(depth).find(([, n]) => n > 0);
  return open ? `unclosed ${open[0]}` : undefined;
}

// -- the run ------------------------------------------------------------------

interface Failure {
  readonly where: string;
  readonly problem: string;
  readonly text: string;
}

function problemsOf(diagnostics: readonly Diagnostic[], files: Readonly<Record<string, string>>): string[] {
  const problems: string[] = [];
  for (const d of diagnostics) {
    if (!(d.code in DIAGNOSTIC_CODES)) problems.push(`unknown code ${d.code}`);
    if (typeof d.message !== 'string' || d.message.trim() === '') problems.push(`${d.code} has no message`);
    const text = files[d.file];
    if (text === undefined) problems.push(`${d.code} points at unknown file ${d.file}`);
    else if (!(Number.isInteger(d.span.start) && Number.isInteger(d.span.end) && 0 <= d.span.start && d.span.start <= d.span.end && d.span.end <= text.length)) {
      problems.push(`${d.code} span ${d.span.start}-${d.span.end} outside ${d.file} (length ${text.length})`);
    }
    for (const s of d.suggestions ?? []) {
      const target = files[s.file];
      if (target === undefined || !(0 <= s.span.start && s.span.start <= s.span.end && s.span.end <= target.length)) problems.push(`${d.code} suggestion span outside ${s.file}`);
    }
  }
  return problems;
}

it(`checks ${MUTATIONS} mutated example files without throwing, hanging or losing an error`, () => {
  const workspaces = WORKSPACES.map(loadWorkspace);
  const targets = workspaces.flatMap((ws) => Object.keys(ws.input.files).map((file) => ({ ws, file })));
  expect(targets.length).toBeGreaterThan(10);
  const random = seededRandom(SEED);
  const failures: Failure[] = [];
  let maxMs = 0;
  let totalMs = 0;
  let slowest = '';
  let broken = 0;
  let certainlyBroken = 0;

  for (let n = 0; n < MUTATIONS; n++) {
    const { ws, file } = targets[n % targets.length]!;
    const original = ws.input.files[file]!;
    const mutated = mutate(original, random);
    const files = { ...ws.input.files, [file]: mutated.text };
    const where = `#${n} ${ws.name}/${file}: ${mutated.what}`;
    const fail = (problem: string): void => {
      failures.push({ where, problem, text: mutated.text });
    };

    let diagnostics: Diagnostic[];
    const started = performance.now();
    try {
      diagnostics = checkWorkspace({ ...ws.input, files }).diagnostics;
    } catch (error) {
      fail(`threw ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      continue;
    }
    const ms = performance.now() - started;
    totalMs += ms;
    if (ms > maxMs) [maxMs, slowest] = [ms, where];
    if (ms > TIME_LIMIT_MS) fail(`took ${ms.toFixed(0)} ms`);

    for (const problem of problemsOf(diagnostics, files)) fail(problem);
    if (diagnostics.some((d) => d.code === 'SEG0099')) fail('internal parser error SEG0099');

    if (mutated.text !== original) {
      const certain = certainSyntaxError(mutated.text);
      const syntax = parseFile(file, mutated.text).diagnostics.filter((d) => d.severity === 'error');
      if (certain) certainlyBroken++;
      if (certain || syntax.length > 0) {
        broken++;
        if (!diagnostics.some((d) => d.file === file && d.severity === 'error')) {
          fail(`no error reported, but the file is broken (${certain ?? syntax.map((d) => d.code).join(', ')})`);
        }
      }
      if (certain && syntax.length === 0) fail(`the parser reports no syntax error, but the file has ${certain}`);
    }

    // The parser instance is reused: the same input must give the same answer.
    if (n % 25 === 0) {
      const again = checkWorkspace({ ...ws.input, files }).diagnostics;
      if (JSON.stringify(again) !== JSON.stringify(diagnostics)) fail('a second check of the same input differs');
    }
  }

  console.log(
    `fuzz: ${MUTATIONS} mutations over ${targets.length} files; ${broken} broken (${certainlyBroken} certainly); ` +
      `checking took ${(totalMs / 1000).toFixed(1)} s, max ${maxMs.toFixed(1)} ms per checkWorkspace (${slowest})`,
  );
  const report = failures.slice(0, 10).map((f) => `${f.where}\n  ${f.problem}\n  --- text ---\n${f.text.slice(0, 1500)}`);
  expect(failures.length, `${failures.length} failures; first ones:\n${report.join('\n\n')}`).toBe(0);
  // The oracle and the mutations must actually exercise broken files.
  expect(certainlyBroken).toBeGreaterThan(MUTATIONS / 10);
}, 120_000);

it('the example workspaces themselves check clean (so every diagnostic above comes from a mutation)', () => {
  for (const ws of WORKSPACES.map(loadWorkspace)) {
    expect(checkWorkspace(ws.input).diagnostics.map((d) => `${ws.name}/${d.file} ${d.code}`)).toEqual([]);
  }
});
