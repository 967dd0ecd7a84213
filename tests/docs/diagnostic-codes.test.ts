/**
 * The language reference lists every diagnostic code, generated from the code
 * registry so the two cannot drift. After adding a code, refresh the table with
 *   SEG_UPDATE_DOCS=1 pnpm vitest run tests/docs
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIAGNOSTIC_CODES } from '@seg/core';
import { expect, it } from 'vitest';
import { repoRoot } from '../support/run-seg';

const BEGIN = '<!-- BEGIN GENERATED DIAGNOSTIC CODES -->';
const END = '<!-- END GENERATED DIAGNOSTIC CODES -->';

function codeTable(): string {
  const rows = Object.entries(DIAGNOSTIC_CODES)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([code, info]) => `| \`${code}\` | ${info.severity} | ${info.summary.replace(/\|/g, '\\|')} |`);
  return ['| code | severity | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

it('lists every diagnostic code in docs/language.md', () => {
  const path = join(repoRoot, 'docs', 'language.md');
  const text = readFileSync(path, 'utf8');
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  expect(start).toBeGreaterThan(-1);
  expect(end).toBeGreaterThan(start);
  const generated = `${BEGIN}\n${codeTable()}\n${END}`;
  const current = text.slice(start, end + END.length);
  if (process.env.SEG_UPDATE_DOCS && current !== generated) {
    writeFileSync(path, text.slice(0, start) + generated + text.slice(end + END.length));
    return;
  }
  expect(current).toBe(generated);
});

it('gives every code the SEG + four digits form and a summary', () => {
  for (const [code, info] of Object.entries(DIAGNOSTIC_CODES)) {
    expect(code).toMatch(/^SEG\d{4}$/);
    expect(info.summary.length).toBeGreaterThan(10);
  }
});
