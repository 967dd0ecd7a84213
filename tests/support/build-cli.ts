/**
 * Vitest global setup: bundle the CLI once before any test spawns it, so tests
 * run the same `seg` a user gets from `pnpm install`, never a stale build.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export default function setup(): void {
  execFileSync(process.execPath, [join(import.meta.dirname, '..', '..', 'scripts', 'build.mjs')], { stdio: 'inherit' });
}
