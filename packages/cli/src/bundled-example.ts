import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SegUserError } from '@seg/runtime';

/**
 * The folder of an example workspace shipped with Seg (`examples/<name>`), found by
 * walking up from this module: the bundle lives in packages/cli/dist (or a chunk
 * folder below it), the sources in packages/cli/src.
 */
export function bundledExample(name: string): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dirname(dir) !== dir; dir = dirname(dir)) {
    const candidate = join(dir, 'examples', name);
    if (existsSync(join(candidate, 'seg.json'))) return candidate;
  }
  throw new SegUserError(`the bundled example "${name}" is missing from this installation`);
}
