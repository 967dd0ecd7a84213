#!/usr/bin/env node
// Builds the extension, then packages it with vsce into seg-vscode.vsix.
// Dependencies are bundled into dist/, so vsce is told not to collect
// node_modules (it would also trip over pnpm's symlinks).
import { createVSIX } from '@vscode/vsce';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const extensionDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

await import('./build.mjs');
await createVSIX({
  cwd: extensionDir,
  packagePath: resolve(extensionDir, 'seg-vscode.vsix'),
  dependencies: false,
  // The project publishes no repository URL or licence yet; say so rather than invent them.
  allowMissingRepository: true,
  skipLicense: true,
});
