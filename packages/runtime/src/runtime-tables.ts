/** Tables the runtime owns in a user's database; never part of a pulled model. */
export const RUNTIME_TABLES: ReadonlySet<string> = new Set(['contacts', 'seg_runs', 'seg_run_offers', 'seg_memberships', 'seg_locks']);
