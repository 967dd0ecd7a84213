/**
 * The ranking plan: everything a runtime needs to execute one plan without the
 * `.seg` sources. Plain JSON; see packages/compiler/README.md for the contract.
 */
import type { ScalarType } from '@seg/core';
import type { DialectName } from '../dialect/dialect';
import type { ParamSpec } from '../parameters';

export const RANKING_PLAN_FORMAT = 'seg-ranking-plan/1' as const;

export type StageName =
  | 'setup'
  | 'audience'
  | 'holdout'
  | 'facts'
  | 'catalogue'
  | 'candidates'
  | 'arbitration'
  | 'output'
  | 'membership'
  | 'cleanup';

export interface PlanStatement {
  readonly id: string;
  /** `exec`: run for its effect; `query`: returns rows with the listed columns. */
  readonly kind: 'exec' | 'query';
  readonly description: string;
  readonly sql: string;
  readonly parameters: readonly ParamSpec[];
  /** For queries: the columns of each row, in order. */
  readonly columns?: readonly string[];
}

export interface PlanStage {
  readonly stage: StageName;
  readonly description: string;
  readonly statements: readonly PlanStatement[];
}

export interface CatalogueOffer {
  readonly name: string;
  readonly label: string | null;
  readonly family: string | null;
  readonly strategy: string | null;
  readonly channels: readonly string[];
  /** ISO dates, inclusive. */
  readonly validFrom: string | null;
  readonly validTo: string | null;
  /** False when the offer cannot be sent through the plan's channel: it gets no candidates. */
  readonly onChannel: boolean;
  /** For a family: the catalogue table and key whose rows are the offers (expanded by statement `statement`). */
  readonly source: { readonly table: string; readonly key: string; readonly statement: string } | null;
}

export interface OutputColumn {
  readonly name: string;
  readonly type: ScalarType | 'integer';
  /** Where the value comes from: the run, the arbitration, or a column of the facts table. */
  readonly from: 'run' | 'arbitration' | 'facts';
  /** For `facts`: the facts column; for the others the field of the run/assignment. */
  readonly source: string;
}

export interface RankingPlan {
  readonly format: typeof RANKING_PLAN_FORMAT;
  readonly plan: string;
  readonly label: string | null;
  readonly dialect: DialectName;
  /** sha-256 of the workspace sources this plan was compiled from. */
  readonly sourceHash: string;
  /** The workspace time zone: calendar arithmetic for time parameters. */
  readonly timezone: string;
  /** Values the runtime binds: see `ParamSpec` (kind `run`) and `bindParameters`. */
  readonly parameters: readonly { readonly name: string; readonly description: string }[];
  /** Session settings the statements assume (naive timestamps read as UTC). */
  readonly session: { readonly timeZone: 'UTC' };
  readonly tables: {
    readonly audience: { readonly table: string; readonly key: string; readonly keyType: ScalarType };
    readonly contacts: string;
    readonly memberships: string;
    /** Temporary tables of one run, created by `setup`. */
    readonly runAudience: string;
    readonly facts: string;
    readonly candidates: string;
  };
  readonly holdout: {
    readonly share: number;
    readonly hash: string;
    /** What is hashed: the plan name, U+001F, the customer key (as text). */
    readonly input: string;
    readonly rule: string;
    /** How the runtime stores the draw: one row per audience member. */
    readonly insert: { readonly sql: string; readonly columns: readonly string[] };
  };
  readonly stages: readonly PlanStage[];
  readonly offers: readonly CatalogueOffer[];
  readonly arbitration: {
    readonly top: number;
    readonly perCategory: number | null;
    /** Caps are per offer, in the `cap` column of the candidates (null = no cap). */
    readonly caps: 'candidates.cap';
    readonly order: readonly string[];
    readonly algorithm: string;
    /** Per-customer cut-off in SQL: correct only when no candidate has a cap. */
    readonly uncappedStatement: string;
  };
  readonly channel: string | null;
  readonly strategy: string | null;
  readonly output: {
    readonly kind: 'table' | 'csv' | 'webhook' | 'none';
    readonly target: string | null;
    readonly columns: readonly OutputColumn[];
  };
  readonly schedule: { readonly cron: string; readonly timezone: string } | null;
  /** Segments whose members are recorded per run, for `entered()`/`left()`. */
  readonly trackedSegments: readonly string[];
}
