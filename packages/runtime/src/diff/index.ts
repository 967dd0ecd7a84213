export { ruleChanges, ruleMeaning, DIFF_KINDS, type DiffKind, type ChangeStatus, type RuleChange } from './rule-changes';
export { loadWorkspaceVersion, loadRevision, type WorkspaceVersion } from './workspace-version';
export {
  measureAudienceDiff,
  type AudienceDiff,
  type AudienceDiffInput,
  type SegmentImpact,
  type StrategyImpact,
  type PlanImpact,
  type OfferReach,
  type SetComparison,
  type StrategyMove,
} from './audience-diff';
