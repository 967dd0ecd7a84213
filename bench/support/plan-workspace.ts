/**
 * The ranking plan the plan benchmark runs: `weekly_email` of the retail
 * example compiled for SQLite, as written (with caps) or with every offer's
 * `cap` line removed from the sources — the plan a user would get by deleting
 * them, so the runtime's uncapped path is what the hand-written baseline is
 * compared with.
 */
import type { RankingPlan } from '../../packages/compiler/src/plan/ranking-plan';
import { compilePlan } from '../../packages/compiler/src/plan/plan-compiler';
import { checkWorkspace } from '../../packages/core/src/check/check-workspace';
import { loadWorkspace } from '../../packages/runtime/src/workspace/load-workspace';
import { applyWorkspaceSettings } from '../../packages/runtime/src/workspace/workspace-settings';

export type CapsVariant = 'uncapped' | 'capped';

export function compileWeeklyEmail(retailDir: string, variant: CapsVariant): RankingPlan {
  const loaded = loadWorkspace(retailDir);
  const files: Record<string, string> = {};
  for (const [path, text] of Object.entries(loaded.files)) {
    files[path] = variant === 'capped' ? text : text.replace(/^[ \t]*cap[ \t].*\n/gm, '');
  }
  const result = checkWorkspace({ files, config: { name: loaded.config.name, timezone: loaded.config.timezone } });
  if (!result.workspace) {
    const codes = result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);
    throw new Error(`examples/retail (${variant}) does not check clean (${[...new Set(codes)].join(', ')})`);
  }
  // The generator writes ISO-8601 UTC seconds, as for the segment benchmark.
  const ws = applyWorkspaceSettings(result.workspace, { timestamps: 'iso-utc-seconds' });
  const capped = Object.values(ws.offers).filter((offer) => offer.cap !== undefined).length;
  if ((variant === 'capped') !== capped > 0) throw new Error(`internal: the ${variant} workspace has ${capped} capped offers`);
  return compilePlan(ws, 'weekly_email', 'sqlite');
}
