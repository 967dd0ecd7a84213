/** Runs the built `seg` CLI as a real process, the way users and CI do. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const repoRoot = join(import.meta.dirname, '..', '..');
export const segBin = join(repoRoot, 'packages', 'cli', 'dist', 'seg.js');

export interface SegResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function runSeg(args: readonly string[], options: { cwd?: string; env?: Record<string, string | undefined> } = {}): SegResult {
  const env = { ...process.env, ...options.env };
  // A developer's SEG_DATABASE_URL must not leak into tests that name their own database.
  if (!options.env || !('SEG_DATABASE_URL' in options.env)) delete env.SEG_DATABASE_URL;
  const result = spawnSync(process.execPath, [segBin, ...args], {
    cwd: options.cwd ?? repoRoot,
    env,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
