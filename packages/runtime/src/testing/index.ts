/** `seg test`: a workspace's test blocks, each on a fresh database with its fixture rows. */
export { runWorkspaceTests, type RunTestsOptions } from './run-workspace-tests';
export { openInMemorySqlite, type OpenTestDatabase } from './test-database';
export type * from './test-results';
