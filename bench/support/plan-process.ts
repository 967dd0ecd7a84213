/**
 * Plan runs as processes of their own (plan-child.ts): the child is bundled
 * once with esbuild (Node 20 runs no TypeScript), with the native engines left
 * external and resolved from packages/runtime, as the CLI bundle does; each
 * run starts `node` on it (through `sh`, see runPlanChild) and reads one JSON
 * line back.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { RunRecord } from '../../packages/runtime/src/run/run-types';

export type ChildMode = 'runtime-uncapped' | 'runtime-capped' | 'baseline' | 'idle';

export interface ChildResult {
  readonly mode: ChildMode;
  /** Wall time of the run itself (runPlan, or holdout draw + script); start-up and compiling excluded. */
  readonly ms: number;
  /** Baseline only: the holdout draw (hash every customer id, insert the held-out ones), part of `ms`. */
  readonly holdoutMs?: number;
  /** Peak resident set size of the whole process, KiB. */
  readonly maxRssKiB: number;
  /** Largest JS heap seen between statements, KiB (the rest of the RSS is Node itself and SQLite). */
  readonly peakHeapKiB: number;
  /** Milliseconds per runtime stage (`start`: recording the run before the first stage), or per statement of the script. */
  readonly steps?: Readonly<Record<string, number>>;
  readonly record?: RunRecord;
  /** Runtime runs whose caps bound: how the arbitration ended (passes, customers solved exactly, proven ratio). */
  readonly arbitration?: string;
  /** Baseline only: audience and held-out members, as a run record counts them. */
  readonly audience?: number;
  readonly holdout?: number;
}

export type PlanChild = { readonly ready: true; readonly path: string } | { readonly ready: false; readonly reason: string };

// Engines with native or WASM parts: never bundled.
const NATIVE = /^(better-sqlite3|pg|pg-native|@electric-sql\/pglite|@duckdb\/[^/]+)(\/.*)?$/;

export async function buildPlanChild(root: string): Promise<PlanChild> {
  const outdir = join(root, '.bench/plan-child');
  const fromRuntime = createRequire(join(root, 'packages/runtime/package.json'));
  // Chunk names carry content hashes: clear old ones rather than let them pile up.
  rmSync(outdir, { recursive: true, force: true });
  try {
    const { build } = await import('esbuild');
    await build({
      entryPoints: { 'plan-child': join(root, 'bench/support/plan-child.ts') },
      outdir,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      splitting: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'silent',
      banner: { js: "import { createRequire as __benchRequire } from 'module'; const require = __benchRequire(import.meta.url);" },
      plugins: [
        {
          name: 'native-engines',
          setup(b) {
            // External, but by absolute path: the bundle lives in .bench/, far from packages/runtime/node_modules.
            b.onResolve({ filter: NATIVE }, (args) => {
              try {
                return { path: fromRuntime.resolve(args.path), external: true };
              } catch {
                return { path: args.path, external: true };
              }
            });
          },
        },
      ],
    });
  } catch (error) {
    return { ready: false, reason: `the plan runner does not build (${(error as Error).message.split('\n')[0]})` };
  }
  return { ready: true, path: join(outdir, 'plan-child.mjs') };
}

/** Starts one run and returns what the child reports; throws with the child's output when it fails. */
export function runPlanChild(child: string, args: { retailDir: string; database: string; mode: ChildMode; asOf: string; keepCandidates?: string }): ChildResult {
  const argv = [child, args.retailDir, args.database, args.mode, args.asOf, ...(args.keepCandidates ? [args.keepCandidates] : [])];
  // Through a shell that forks node (not exec): Linux keeps the peak RSS across execve, and a
  // process forked straight from this one would start with our RSS as its peak.
  const run = spawnSync('/bin/sh', ['-c', '"$0" "$@"; exit $?', process.execPath, ...argv], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const last = run.stdout.trim().split('\n').pop() ?? '';
  if (run.status !== 0 || !last.startsWith('{')) {
    throw new Error(`plan run (${args.mode}) exited ${run.status}: ${`${run.stderr}${run.stdout}`.trim().split('\n').slice(0, 8).join('\n')}`);
  }
  const result = JSON.parse(last) as ChildResult;
  if (result.record && result.record.status !== 'succeeded') {
    throw new Error(`plan run (${args.mode}) ${result.record.status}: ${result.record.error}`);
  }
  return result;
}
