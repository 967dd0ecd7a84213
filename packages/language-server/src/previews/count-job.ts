/**
 * One count the previews need, as the count process receives it (SQL with its
 * parameters already bound, the database URL) and answers it. The key is what
 * the answer is cached under: the statement, its bound parameters, the
 * database's identity and the as-of time — a different rule, database state or
 * date is a different key, so a cached answer is never shown for another.
 */
import { bindParameters, type CompiledQuery } from '@seg/compiler';

/** Parent → count process. */
export interface CountRequest {
  readonly id: number;
  readonly url: string;
  readonly sql: string;
  readonly params: readonly unknown[];
  /** Count the held-out members of the rows' `key` column instead (the runtime's holdout draw). */
  readonly holdout?: { readonly plan: string; readonly share: number };
}

/** Count process → parent. */
export type CountAnswer = { readonly id: number } & CountResult;

export type CountResult =
  | { readonly kind: 'count'; readonly count: number; readonly audience: number }
  | { readonly kind: 'holdout'; readonly heldOut: number; readonly members: number }
  /** `opening`: the database could not be opened at all (every count on it would fail alike). */
  | { readonly kind: 'error'; readonly message: string; readonly opening: boolean };

export interface CountJob {
  readonly key: string;
  /** The key of its database's "cannot open" answer, shared by every job on that database. */
  readonly openingKey: string;
  readonly request: Omit<CountRequest, 'id'>;
}

/** Where and when the previews count: the database and its identity, the as-of time and zone. */
export interface CountTarget {
  readonly url: string;
  /** Changes when the database's contents may have (a file's size and time, the hour for a server). */
  readonly identity: string;
  readonly asOf: Date;
  readonly timeZone: string;
}

export function countJob(query: CompiledQuery, target: CountTarget, holdout?: CountRequest['holdout']): CountJob {
  // The same binding `seg count` uses (run-compiled.ts): the as-of time in the workspace zone.
  const params = bindParameters(query.parameters, { asOf: target.asOf, timeZone: target.timeZone });
  const key = [target.identity, target.asOf.toISOString(), holdout ? `${holdout.plan}\u001f${holdout.share}` : '', query.sql, JSON.stringify(params)].join('\u0000');
  return { key, openingKey: `opening\u0000${target.identity}`, request: { url: target.url, sql: query.sql, params, ...(holdout ? { holdout } : {}) } };
}
