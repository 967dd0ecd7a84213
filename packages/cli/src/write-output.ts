import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';

/** Writes a file so that a reader sees the old or the new content, never half of it. */
export function replaceFileAtomically(path: string, content: string): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  writeFileSync(temp, content);
  renameSync(temp, path);
}

/**
 * Writes a whole folder of outputs at once: into a sibling temporary folder first,
 * then swapped in, so a failed or killed compile leaves the previous output (or none),
 * never a mix.
 */
export function replaceFolderAtomically(folder: string, files: Readonly<Record<string, string>>): void {
  const parent = dirname(folder);
  mkdirSync(parent, { recursive: true });
  const staging = join(parent, `.${basename(folder)}.${process.pid}.staging`);
  const retired = join(parent, `.${basename(folder)}.${process.pid}.old`);
  rmSync(staging, { recursive: true, force: true });
  for (const [relativePath, content] of Object.entries(files)) {
    const target = join(staging, relativePath);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
  mkdirSync(staging, { recursive: true });
  const hadPrevious = existsSync(folder);
  if (hadPrevious) renameSync(folder, retired);
  renameSync(staging, folder);
  if (hadPrevious) rmSync(retired, { recursive: true, force: true });
}
