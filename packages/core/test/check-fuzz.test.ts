/**
 * Thousands of mutated example files through the whole checker: whatever a user
 * types or truncates, checking never throws, never hangs, and every diagnostic
 * has a known code, a message and a span inside its file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { checkWorkspace } from '../src/check/check-workspace';
import { DIAGNOSTIC_CODES } from '../src/diagnostics/codes';
import { seededRandom } from './support/seeded-random';

const MUTATIONS = 2000;
const retailDir = join(import.meta.dirname, 'fixtures', 'retail');
const files = Object.fromEntries(
  readdirSync(retailDir)
    .filter((f) => f.endsWith('.seg'))
    .map((f) => [f, readFileSync(join(retailDir, f), 'utf8')]),
);
const names = Object.keys(files);
const snippets = ['{', '}', '(', ')', '"', 'and', 'or', 'not', 'in last', 'days', 'where', 'segment x {', '->', '.', ',', '=', '>=', '\n', '/*', '//', '2026-13-45', '10%', 'all of {', 'count(', 'offer.', '[', ']', 'when', 'then', 'else'];

function mutate(text: string, random: () => number): string {
  const at = () => Math.floor(random() * (text.length + 1));
  switch (Math.floor(random() * 6)) {
    case 0: // truncate
      return text.slice(0, at());
    case 1: { // delete a run
      const start = at();
      return text.slice(0, start) + text.slice(start + 1 + Math.floor(random() * 40));
    }
    case 2: { // insert a fragment of the language
      const start = at();
      return text.slice(0, start) + snippets[Math.floor(random() * snippets.length)] + text.slice(start);
    }
    case 3: { // duplicate a run
      const start = at();
      const run = text.slice(start, start + 1 + Math.floor(random() * 60));
      return text.slice(0, start) + run + run + text.slice(start + run.length);
    }
    case 4: { // swap two lines
      const lines = text.split('\n');
      const i = Math.floor(random() * lines.length);
      const j = Math.floor(random() * lines.length);
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      return lines.join('\n');
    }
    default: { // random characters
      const start = at();
      const chars = Array.from({ length: 1 + Math.floor(random() * 5) }, () => String.fromCharCode(32 + Math.floor(random() * 95)));
      return text.slice(0, start) + chars.join('') + text.slice(start);
    }
  }
}

it(`checks ${MUTATIONS} mutated workspaces without throwing, with located diagnostics`, () => {
  const random = seededRandom(20261123);
  let slowest = 0;
  for (let i = 0; i < MUTATIONS; i++) {
    const name = names[i % names.length]!;
    let text = files[name]!;
    const rounds = 1 + Math.floor(random() * 3);
    for (let r = 0; r < rounds; r++) text = mutate(text, random);
    const workspace = { ...files, [name]: text };
    const started = performance.now();
    const result = checkWorkspace({ files: workspace });
    slowest = Math.max(slowest, performance.now() - started);
    for (const d of result.diagnostics) {
      const inFile = workspace[d.file];
      expect(inFile, `${d.code} in unknown file ${d.file}`).toBeDefined();
      expect(DIAGNOSTIC_CODES[d.code], `unknown code ${d.code}`).toBeDefined();
      expect(d.message.length).toBeGreaterThan(0);
      expect(d.span.start).toBeGreaterThanOrEqual(0);
      expect(d.span.end).toBeGreaterThanOrEqual(d.span.start);
      expect(d.span.end).toBeLessThanOrEqual(inFile!.length);
    }
    if (result.workspace === undefined) expect(result.diagnostics.some((d) => d.severity === 'error')).toBe(true);
  }
  // A hang shows up as one call taking far longer than a whole-workspace check ever should.
  expect(slowest).toBeLessThan(2000);
});
