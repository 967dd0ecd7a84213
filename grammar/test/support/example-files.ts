/** The `.seg` files of the example workspaces (examples/**), the language's reference texts. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const EXAMPLES = join(import.meta.dirname, '..', '..', '..', 'examples');

export interface ExampleFile {
  /** Path from the repository root, e.g. `examples/retail/plans.seg`. */
  readonly path: string;
  readonly text: string;
}

export function exampleFiles(): ExampleFile[] {
  return (readdirSync(EXAMPLES, { recursive: true }) as string[])
    .filter((name) => name.endsWith('.seg'))
    .sort()
    .map((name) => ({ path: join('examples', name), text: readFileSync(join(EXAMPLES, name), 'utf8') }));
}
