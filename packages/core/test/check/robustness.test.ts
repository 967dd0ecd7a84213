import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkWorkspace } from '../../src/check/check-workspace';

const FIXTURE = join(__dirname, '..', 'fixtures', 'retail');
const files: Record<string, string> = {};
for (const name of readdirSync(FIXTURE)) if (name.endsWith('.seg')) files[name] = readFileSync(join(FIXTURE, name), 'utf8');

/** A small deterministic random generator, so a failure reproduces. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('a half-typed workspace', () => {
  it('never makes the checker throw, whatever line is missing', () => {
    for (const [path, text] of Object.entries(files)) {
      const lines = text.split('\n');
      for (let i = 0; i < lines.length; i++) {
        const broken = [...lines.slice(0, i), ...lines.slice(i + 1)].join('\n');
        const result = checkWorkspace({ files: { ...files, [path]: broken } });
        expect(result.symbols).toBeDefined();
        if (result.diagnostics.some((d) => d.severity === 'error')) expect(result.workspace).toBeUndefined();
      }
    }
  });

  it('never makes the checker throw when text is cut or swapped at random', () => {
    const next = random(42);
    const paths = Object.keys(files);
    for (let round = 0; round < 150; round++) {
      const path = paths[Math.floor(next() * paths.length)]!;
      const text = files[path]!;
      const at = Math.floor(next() * text.length);
      const length = Math.floor(next() * 12);
      const insert = ['', ')', '(', '{', '}', ' and ', '.', '"', 'x', ' in ', '=', ' 3 '][Math.floor(next() * 12)]!;
      const broken = text.slice(0, at) + insert + text.slice(at + length);
      expect(() => checkWorkspace({ files: { ...files, [path]: broken } })).not.toThrow();
    }
  });
});
