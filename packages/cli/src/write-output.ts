import { existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Writes a file so that a reader sees the old or the new content, never half of it. */
export function replaceFileAtomically(path: string, content: string): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  writeFileSync(temp, content);
  renameSync(temp, path);
}

/**
 * Writes a whole folder of outputs at once: into a sibling staging folder first,
 * then swapped in, so a failed or killed compile leaves the previous output (or
 * none), never a mix.
 *
 * A file whose content is unchanged is hard-linked from the previous output
 * instead of written: creating a file costs far more than linking one (about
 * 0.2 ms against 0.01 ms on ext4), and a recompile usually changes few files.
 */
export function replaceFolderAtomically(folder: string, files: Readonly<Record<string, string>>): void {
  const parent = dirname(folder);
  const staging = join(parent, `.${basename(folder)}.${process.pid}.staging`);
  const retired = join(parent, `.${basename(folder)}.${process.pid}.old`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const hadPrevious = existsSync(folder);
  const folders = new Set([staging]);
  try {
    for (const [relativePath, content] of Object.entries(files)) {
      const target = join(staging, relativePath);
      const targetFolder = dirname(target);
      if (!folders.has(targetFolder)) {
        mkdirSync(targetFolder, { recursive: true });
        folders.add(targetFolder);
      }
      if (!(hadPrevious && linkUnchanged(join(folder, relativePath), target, content))) writeFileSync(target, content);
    }
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  if (hadPrevious) renameSync(folder, retired);
  renameSync(staging, folder);
  if (hadPrevious) rmSync(retired, { recursive: true, force: true });
}

/** Hard-links `previous` to `target` when it holds exactly `content`; false when it does not (or cannot be linked). */
function linkUnchanged(previous: string, target: string, content: string): boolean {
  try {
    if (!readFileSync(previous).equals(Buffer.from(content))) return false;
    linkSync(previous, target);
    return true;
  } catch {
    return false;
  }
}
