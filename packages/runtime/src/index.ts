/**
 * @seg/runtime — runs compiled Seg programs against a database.
 * Engine modules load lazily through `connect`, so importing this package
 * loads no native database binding.
 */
export { SegUserError, isSegUserError } from './errors';
export type { Database, Dialect, Row } from './db/database';
export { connect, SUPPORTED_DATABASE_URLS } from './db/connect';
export { bigintToNumber, timestampTextToIso } from './db/normalise-value';
export { loadWorkspace, resolveDatabaseUrl, type LoadedWorkspace } from './workspace/load-workspace';
export type { WorkspaceConfig } from './workspace/workspace-config';
export { csvRecord } from './output/csv';
export { introspectDatabase } from './introspect/introspect-database';
export type { DatabaseSchema, SchemaTable, SchemaColumn, SchemaForeignKey } from './introspect/database-schema';
export { modelFromSchema } from './introspect/model-from-schema';
export { RUNTIME_TABLES } from './runtime-tables';
export * from './demo';
export * from './fixtures';
export * from './datasets/cdnow';
export * from './explain/explain-rule';
export { ensureRuntimeTables } from './history/ensure-runtime-tables';
export { compareModelWithSchema } from './introspect/compare-model';
export { applyWorkspaceSettings, TIMESTAMP_SETTINGS, type TimestampSetting } from './workspace/workspace-settings';
