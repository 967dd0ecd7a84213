/**
 * @seg/compiler — checked model → SQL (SQLite, PostgreSQL, DuckDB) and ranking plans.
 *
 *   CheckedWorkspace ─► AudienceQuery (grouped passes + layers) ─► kysely ─► SQL + ParamSpec[]
 *                   └─► plan compiler ─► RankingPlan JSON (stages of statements)
 *
 * Pure: no database driver; kysely compiles through its DummyDriver.
 */
export {
  compileSegment,
  compileMetric,
  compileCount,
  compileMembers,
  compileStrategy,
  type MembersOptions,
  type DialectLike,
} from './segment-compiler';
export { compilePlan } from './plan/plan-compiler';
export { compileWorkspace, describeParam } from './workspace-compiler';
export { withTimestampStorage } from './timestamp-storage';
export {
  bindParameters,
  type BindContext,
  type CompiledQuery,
  type ParamSpec,
  type RunParamName,
  type TimeEncoding,
} from './parameters';
export { dialects, getDialect, sqliteDialect, postgresDialect, duckdbDialect, CapabilityError, requireCapability } from './dialect/index';
export type { Dialect, DialectName, DialectCapabilities } from './dialect/index';
export { holdoutFraction, isHeldOut, HOLDOUT_HASH } from './plan/holdout-hash';
export { arbitrate, compareCandidates, type Candidate, type Assignment, type ArbitrationSettings } from './plan/arbitration';
export { arbitrateOptimal } from './plan/optimal-arbitration';
export { arbitrateInRounds, type CandidateSource, type RoundsOptions, type RoundsResult } from './plan/arbitration-rounds';
export type { RankingPlan, PlanStage, PlanStatement, StageName, CatalogueOffer, OutputColumn } from './plan/ranking-plan';
export { RANKING_PLAN_FORMAT } from './plan/ranking-plan';
