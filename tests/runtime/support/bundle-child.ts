/**
 * Bundles a TypeScript script (that imports runtime sources) into one ESM file
 * a plain `node` child process can run. The bundle lives under the runtime
 * package's node_modules/.cache so that its native drivers (better-sqlite3,
 * pg, DuckDB), left external, resolve from there.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { repoRoot } from '../../support/run-seg';

export interface ChildBundle {
  readonly file: string;
  dispose(): void;
}

export async function bundleChild(entry: string): Promise<ChildBundle> {
  const dir = mkdtempSync(join(repoRoot, 'packages/runtime/node_modules/.cache-seg-test-'));
  const file = join(dir, 'child.mjs');
  await build({
    entryPoints: [entry],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    external: ['better-sqlite3', 'pg', 'pg-native', '@electric-sql/pglite', '@duckdb/node-api', '@duckdb/node-bindings'],
    banner: { js: "import { createRequire as __c } from 'module'; const require = __c(import.meta.url);" },
  });
  return { file, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
