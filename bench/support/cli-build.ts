/**
 * The CLI the throughput benchmark runs: `packages/cli/dist/seg.js`, rebuilt from
 * the current sources first (the same `node scripts/build.mjs` that `pnpm install`
 * runs), so the numbers are for the code in the tree, not a stale bundle.
 * SEG_BENCH_NO_BUILD=1 uses the existing bundle as it is.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export type CliStatus = { readonly ready: true; readonly path: string } | { readonly ready: false; readonly reason: string };

export function prepareCli(root: string): CliStatus {
  const path = join(root, 'packages/cli/dist/seg.js');
  if (process.env.SEG_BENCH_NO_BUILD !== '1') {
    const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, encoding: 'utf8' });
    if (build.status !== 0) {
      const why = `${build.stderr}${build.stdout}`.split('\n').find((l) => /error/i.test(l))?.trim() ?? `exit ${build.status}`;
      return { ready: false, reason: `the CLI does not build yet (${why})` };
    }
  }
  if (!existsSync(path)) return { ready: false, reason: `no CLI bundle at ${path}` };
  const probe = spawnSync(process.execPath, [path, '--help'], { cwd: root, encoding: 'utf8' });
  if (probe.error) return { ready: false, reason: `the CLI does not start (${probe.error.message})` };
  return { ready: true, path };
}
