#!/usr/bin/env node
// Bundles the CLI into ESM so `seg` starts without a TypeScript loader:
// packages/cli/dist/seg.js plus lazily loaded chunks. Code splitting keeps the
// runtime's `await import()` of each engine lazy; without it esbuild hoists
// every engine's imports into seg.js and each start loads all native bindings.
// Native or WASM-heavy engines stay external: they ship binaries/assets that
// must be loaded from node_modules at run time, so @seg/cli depends on them.
import { build } from 'esbuild';
import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const entry = resolve(root, 'packages/cli/src/main.ts');
const outdir = resolve(root, 'packages/cli/dist');

// Chunk names carry content hashes: clear old ones rather than let them pile up.
await rm(outdir, { recursive: true, force: true });

await build({
  entryPoints: { seg: entry },
  outdir,
  chunkNames: 'chunks/[name]-[hash]',
  splitting: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  external: [
    'better-sqlite3',
    'pg',
    'pg-native',
    '@electric-sql/pglite',
    '@electric-sql/pglite/*',
    '@duckdb/node-api',
    '@duckdb/node-bindings',
    '@duckdb/node-bindings-*',
  ],
  banner: {
    // Bundled CommonJS dependencies call require(); ESM has none, so recreate it.
    js: [
      '#!/usr/bin/env node',
      "import { createRequire as __segCreateRequire } from 'module';",
      'const require = __segCreateRequire(import.meta.url);',
    ].join('\n'),
  },
});

// esbuild escapes non-ASCII characters in strings (its default ASCII charset) but not in the comments it keeps;
// one such character makes V8 hold and scan a whole file as two-byte text (~30 ms per start for seg.js).
// Comments only, so each UTF-16 unit becomes '?' (columns, and so the source map, stay as they are).
for (const entry of await readdir(outdir, { recursive: true })) {
  if (!entry.endsWith('.js')) continue;
  const file = resolve(outdir, entry);
  const code = await readFile(file, 'utf8');
  if (/[^\x00-\x7f]/.test(code)) await writeFile(file, code.replace(/[^\x00-\x7f]/g, '?'));
}
