// The database engines' packages, left external by every bundle (scripts/build.mjs,
// editors/vscode/scripts/build.mjs): they ship native addons or WASM assets that must
// load from an installed package at run time.
export const ENGINE_PACKAGES = [
  'better-sqlite3',
  'pg',
  'pg-native',
  '@electric-sql/pglite',
  '@electric-sql/pglite/*',
  '@duckdb/node-api',
  '@duckdb/node-bindings',
  '@duckdb/node-bindings-*',
];
