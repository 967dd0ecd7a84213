import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextEdit } from 'vscode-languageserver-protocol';
import { LspSession, RETAIL, SEG_CLI } from './support/lsp-session';

const segments = readFileSync(join(RETAIL, 'segments.seg'), 'utf8');

/** The same declarations with every line's indentation and spacing mangled (a paste gone wrong). */
function misindent(text: string): string {
  const indents = ['    ', '', '\t', ' '];
  return text
    .split('\n')
    .map((line, i) => (line.trim() === '' ? line : indents[i % indents.length] + line.trim().replace(/ {2,}/g, ' ')))
    .join('\n');
}

/** What `seg fmt` writes for this text as segments.seg of a copy of the example workspace. */
function segFmt(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'seg-fmt-'));
  try {
    cpSync(RETAIL, dir, { recursive: true });
    writeFileSync(join(dir, 'segments.seg'), text);
    execFileSync(process.execPath, [SEG_CLI, 'fmt', dir], { stdio: 'pipe' });
    return readFileSync(join(dir, 'segments.seg'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function apply(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('file:///x.seg', 'seg', 1, text), edits);
}

/** Lines [first, last] of the declaration whose first line is `head`. */
function declarationLines(text: string, head: string): [number, number] {
  const lines = text.split('\n');
  const first = lines.findIndex((line) => line.trim() === head);
  const last = lines.findIndex((line, i) => i > first && line.trim() === '}');
  return [first, last];
}

describe('formatting (seg lsp over stdio)', () => {
  let session: LspSession;
  let uri: string;
  const options = { tabSize: 4, insertSpaces: false };
  beforeAll(async () => {
    session = await LspSession.start();
    uri = await session.open('segments.seg');
  });
  afterAll(async () => {
    await session.stop();
  });

  it('formats a misindented file exactly as `seg fmt` does, and then has nothing left to change', async () => {
    const mangled = misindent(segments);
    expect(mangled).not.toBe(segments);
    await session.replace('segments.seg', mangled);
    const edits = await session.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri }, options });
    const formatted = apply(mangled, edits);
    expect(formatted).toBe(segFmt(mangled));

    await session.replace('segments.seg', formatted);
    expect(await session.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri }, options })).toEqual([]);
  });

  it('touches only the lines that change', async () => {
    const formatted = segFmt(segments);
    const lines = formatted.split('\n');
    const line = lines.findIndex((l) => l.trim() === 'f_score >= 4');
    lines[line] = '          f_score   >=  4';
    await session.replace('segments.seg', lines.join('\n'));
    const edits = await session.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri }, options });
    expect(edits).toEqual([{ range: { start: { line, character: 0 }, end: { line: line + 1, character: 0 } }, newText: '    f_score >= 4\n' }]);
  });

  it('formats the selected declarations only, as `seg fmt` formats them', async () => {
    const mangledLines = misindent(segments).split('\n');
    const [first, last] = declarationLines(segments, 'segment champions {');
    const [dormantFirst, dormantLast] = declarationLines(segments, 'segment dormant "Lapsed: bought before, nothing for 180 days" {');
    // Only champions and dormant are mangled; the selection is one line inside champions.
    const input = segments
      .split('\n')
      .map((line, i) => ((i >= first && i <= last) || (i >= dormantFirst && i <= dormantLast) ? mangledLines[i] : line))
      .join('\n');
    await session.replace('segments.seg', input);
    const range = { start: { line: first + 2, character: 0 }, end: { line: first + 3, character: 3 } };
    const edits = await session.request<TextEdit[]>('textDocument/rangeFormatting', { textDocument: { uri }, range, options });
    const result = apply(input, edits).split('\n');

    const expected = segFmt(input);
    const [fmtFirst, fmtLast] = declarationLines(expected, 'segment champions {');
    expect(result.slice(first, last + 1)).toEqual(expected.split('\n').slice(fmtFirst, fmtLast + 1));
    const inputLines = input.split('\n');
    expect(result.slice(0, first)).toEqual(inputLines.slice(0, first));
    // Everything after champions, the mangled dormant included, is as it was.
    expect(result.slice(last + 1)).toEqual(inputLines.slice(last + 1));
    expect(result.slice(dormantFirst, dormantLast + 1)).not.toEqual(segments.split('\n').slice(dormantFirst, dormantLast + 1));
  });

  it('leaves a file with a syntax error alone', async () => {
    const broken = misindent(segments).replace('segment champions {', 'segment champions {{');
    await session.replace('segments.seg', broken);
    await session.diagnosticsFor('segments.seg', (d) => d.some((x) => x.severity === 1));
    expect(await session.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri }, options })).toEqual([]);
    const range = { start: { line: 0, character: 0 }, end: { line: 3, character: 0 } };
    expect(await session.request<TextEdit[]>('textDocument/rangeFormatting', { textDocument: { uri }, range, options })).toEqual([]);
    await session.replace('segments.seg', segments);
  });
});
