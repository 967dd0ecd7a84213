import type { CheckedWorkspace } from '@seg/core';
import { UsageError } from './usage-error';
import { closestName } from '@seg/core';

/** A name that selects audience members: a segment, or a plan (its audience). */
export function requireAudienceRule(workspace: CheckedWorkspace, name: string): 'segment' | 'plan' {
  if (workspace.segments[name]) return 'segment';
  if (workspace.plans[name]) return 'plan';
  const known = [...Object.keys(workspace.segments), ...Object.keys(workspace.plans)];
  const guess = closestName(name, known);
  throw new UsageError(`no segment or plan named "${name}"${guess ? `; did you mean "${guess}"?` : ''}`);
}

export function requireMetrics(workspace: CheckedWorkspace, names: readonly string[]): void {
  for (const name of names) {
    if (workspace.metrics[name]) continue;
    const guess = closestName(name, Object.keys(workspace.metrics));
    throw new UsageError(`no metric named "${name}"${guess ? `; did you mean "${guess}"?` : ''}`);
  }
}
