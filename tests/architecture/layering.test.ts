/**
 * The layering the design card fixes: core ← compiler ← runtime ← cli / language
 * server ← editors. A package may import only the layers below it, and the core
 * nothing with I/O, so every host shares one pure compiler.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => (m[1] ?? m[2])!);
}

const allowedWorkspaceImports: Record<string, readonly string[]> = {
  core: [],
  compiler: ['@seg/core'],
  runtime: ['@seg/core', '@seg/compiler'],
  cli: ['@seg/core', '@seg/compiler', '@seg/runtime', '@seg/language-server'],
  'language-server': ['@seg/core', '@seg/compiler', '@seg/runtime'],
};

describe('package layering', () => {
  it('keeps the language core free of I/O: chevrotain and relative imports only', () => {
    const offenders = sourceFiles(join(root, 'packages/core/src')).flatMap((file) =>
      importsOf(file)
        .filter((spec) => !spec.startsWith('.') && spec !== 'chevrotain')
        .map((spec) => `${relative(root, file)} imports ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  for (const [pkg, allowed] of Object.entries(allowedWorkspaceImports)) {
    it(`lets ${pkg} import only the layers below it`, () => {
      let files: string[];
      try {
        files = sourceFiles(join(root, 'packages', pkg, 'src'));
      } catch {
        return; // the package does not exist yet
      }
      const offenders = files.flatMap((file) =>
        importsOf(file)
          .filter((spec) => spec.startsWith('@seg/') && !allowed.includes(spec))
          .map((spec) => `${relative(root, file)} imports ${spec}`),
      );
      expect(offenders).toEqual([]);
    });
  }
});
