/**
 * The compiled side of the segment benchmark: checks the retail example and
 * prepares the exact SQL and parameters `seg count` would run
 * (compileCount + bindParameters). Says why when that is not possible yet
 * (the compiler or checker missing, or the example not checking clean), so the
 * benchmark still runs its hand-written side.
 */
import type { CheckedWorkspace } from '../../packages/core/src/model/ir';
import { loadWorkspace } from '../../packages/runtime/src/workspace/load-workspace';
import { applyWorkspaceSettings } from '../../packages/runtime/src/workspace/workspace-settings';

export type CompiledCounts =
  | { readonly ready: true; prepare(segment: string, asOf: Date): { sql: string; params: readonly unknown[] } }
  | { readonly ready: false; readonly reason: string };

interface CompilerApi {
  compileCount(workspace: CheckedWorkspace, name: string, dialect: unknown): { sql: string; parameters: unknown };
  getDialect(name: 'sqlite'): unknown;
  bindParameters(parameters: unknown, context: { asOf: Date; timeZone: string }): readonly unknown[];
}

export async function loadCompiledCounts(retailDir: string): Promise<CompiledCounts> {
  // Imported lazily: while the checker and compiler are being written, a half-made
  // module must not stop the hand-written side from running.
  let api: Partial<CompilerApi>;
  let checkWorkspace: typeof import('../../packages/core/src/check/check-workspace').checkWorkspace | undefined;
  try {
    checkWorkspace = (await import('../../packages/core/src/check/check-workspace')).checkWorkspace;
    api = (await import('../../packages/compiler/src/index')) as Partial<CompilerApi>;
  } catch (error) {
    return { ready: false, reason: `the checker or compiler does not load yet (${(error as Error).message})` };
  }
  const { compileCount, bindParameters, getDialect } = api;
  if (typeof compileCount !== 'function' || typeof bindParameters !== 'function') {
    return { ready: false, reason: 'packages/compiler does not export compileCount and bindParameters yet' };
  }
  if (typeof checkWorkspace !== 'function') return { ready: false, reason: 'packages/core does not export checkWorkspace yet' };
  const loaded = loadWorkspace(retailDir);
  const result = checkWorkspace({ files: loaded.files, config: { name: loaded.config.name, timezone: loaded.config.timezone } });
  // The generator writes ISO-8601 UTC seconds; SEG_BENCH_TIMESTAMPS=auto measures an undeclared workspace.
  const workspace = result.workspace && applyWorkspaceSettings(result.workspace, { timestamps: process.env.SEG_BENCH_TIMESTAMPS ?? 'iso-utc-seconds' });
  if (!workspace) {
    const codes = result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);
    return { ready: false, reason: `examples/retail does not check clean (${[...new Set(codes)].join(', ')})` };
  }
  return {
    ready: true,
    prepare(segment, asOf) {
      const query = compileCount(workspace, segment, getDialect ? getDialect('sqlite') : 'sqlite');
      return { sql: query.sql, params: bindParameters(query.parameters, { asOf, timeZone: workspace.timezone }) };
    },
  };
}
