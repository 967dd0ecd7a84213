import { it } from 'vitest';
import { compileWorkspace } from '../src/index';
import { RETAIL_DIR, checked, readSegFolder } from './support/workspace';
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
it('compiles', () => {
  const ws = checked(readSegFolder(RETAIL_DIR));
  for (const d of ['sqlite', 'postgres', 'duckdb'] as const) {
    const files = compileWorkspace(ws, d);
    for (const [p, text] of Object.entries(files)) { const f = join('/tmp/retail-out', d, p); mkdirSync(dirname(f), { recursive: true }); writeFileSync(f, text); }
  }
});
