#!/usr/bin/env node
// Builds the extension's files: dist/extension.js (the client, CommonJS as
// VS Code loads it), dist/server.mjs (the language server, ESM, run by its own
// Node process) and the grammar and language configuration from grammar/.
import { build } from 'esbuild';
import { access, copyFile, mkdir, rm } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENGINE_PACKAGES } from '../../../scripts/engine-packages.mjs';

const extensionDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const root = resolve(extensionDir, '../..');
const dist = resolve(extensionDir, 'dist');

const assets = [
  ['grammar/seg.tmLanguage.json', 'syntaxes/seg.tmLanguage.json'],
  ['grammar/language-configuration.json', 'language-configuration.json'],
];
for (const [from] of assets) {
  await access(resolve(root, from)).catch(() => {
    console.error(`${from} is missing: the extension's grammar and language configuration are copied from it.`);
    process.exit(1);
  });
}

// Server chunks carry content hashes: clear old ones rather than ship them.
await rm(dist, { recursive: true, force: true });

const common = { bundle: true, platform: 'node', target: 'node20', logLevel: 'warning', legalComments: 'none' };

await build({
  ...common,
  entryPoints: { extension: resolve(extensionDir, 'src/extension.ts') },
  outdir: dist,
  format: 'cjs',
  external: ['vscode'],
  // The client is mostly vscode-languageclient; minified it loads faster into every window.
  minify: true,
});

await build({
  ...common,
  entryPoints: {
    server: resolve(extensionDir, 'src/server-entry.ts'),
    // The size previews' count process, forked by the server from beside its entry.
    'lsp-count-worker': resolve(extensionDir, 'src/count-worker-entry.ts'),
    // Loaded by module.register in its own thread, so it is its own file.
    'driver-resolve-hooks': resolve(extensionDir, 'src/driver-resolve-hooks.ts'),
  },
  outdir: dist,
  outExtension: { '.js': '.mjs' },
  format: 'esm',
  // Splitting keeps each database engine in a chunk loaded on first use, so the
  // server starts (and runs without previews) even where no driver is installed.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  external: ENGINE_PACKAGES,
  banner: {
    // Bundled CommonJS dependencies call require(); ESM has none, so recreate it.
    js: [
      "import { createRequire as __segCreateRequire } from 'module';",
      'const require = __segCreateRequire(import.meta.url);',
    ].join('\n'),
  },
});

for (const [from, to] of assets) {
  await mkdir(dirname(resolve(extensionDir, to)), { recursive: true });
  await copyFile(resolve(root, from), resolve(extensionDir, to));
}
console.log(`built ${relative(root, dist)}/extension.js, ${relative(root, dist)}/server.mjs`);
