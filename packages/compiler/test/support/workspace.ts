/**
 * `.seg` sources → CheckedWorkspace through the real checker, for tests.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { CheckedWorkspace } from '@seg/core';
import { checkWorkspace } from '@seg/core';

/** Checks sources; fails the test with the error diagnostics when there are any. */
export function checked(files: Readonly<Record<string, string>>, timezone?: string): CheckedWorkspace {
  const result = checkWorkspace({ files, config: { name: 'test', ...(timezone ? { timezone } : {}) } });
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  expect(errors.map((d) => `${d.code} ${d.file}: ${d.message}`)).toEqual([]);
  return result.workspace!;
}

/** Every `.seg` file of a folder, by relative path. */
export function readSegFolder(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) if (name.endsWith('.seg')) files[name] = readFileSync(join(dir, name), 'utf8');
  return files;
}

export const RETAIL_DIR = join(import.meta.dirname, '../../../core/test/fixtures/retail');
