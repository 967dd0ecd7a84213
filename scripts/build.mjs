#!/usr/bin/env node
// Bundles the CLI into ESM so `seg` starts without a TypeScript loader:
// packages/cli/dist/seg.js plus lazily loaded chunks. Code splitting keeps the
// runtime's `await import()` of each engine lazy; without it esbuild hoists
// every engine's imports into seg.js and each start loads all native bindings.
// Native or WASM-heavy engines stay external: they ship binaries/assets that
// must be loaded from node_modules at run time, so @seg/cli depends on them.
import { build } from 'esbuild';
import { readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENGINE_PACKAGES } from './engine-packages.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const entry = resolve(root, 'packages/cli/src/main.ts');
const target = resolve(root, 'packages/cli/dist');
// Built beside the target and swapped in whole: a `seg` started from the old build (a test's
// language server, a bench child) never sees a half-written folder. Chunk names carry content
// hashes, so replacing the folder also clears old ones.
const outdir = `${target}.building-${process.pid}`;
await rm(outdir, { recursive: true, force: true });

await build({
  entryPoints: {
    seg: entry,
    // The language server's count process (size previews), forked by file name beside seg.js.
    'lsp-count-worker': resolve(root, 'packages/language-server/src/previews/count-worker-main.ts'),
  },
  outdir,
  chunkNames: 'chunks/[name]-[hash]',
  splitting: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  external: ENGINE_PACKAGES,
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

const old = `${target}.old-${process.pid}`;
await rename(target, old).catch(() => undefined);
await rename(outdir, target);
await rm(old, { recursive: true, force: true });
