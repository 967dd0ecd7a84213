import { checkWorkspace, type CheckResult, type CheckedWorkspace } from '@seg/core';
import { applyWorkspaceSettings, connect, loadWorkspace, resolveDatabaseUrl, type Database, type LoadedWorkspace } from '@seg/runtime';
import type { CliIo } from './cli-io';
import { ExitError } from './command';
import { formatDiagnosticLine, locateDiagnostics } from './diagnostics-output';
import { UsageError } from './usage-error';

export interface CheckedSession {
  readonly loaded: LoadedWorkspace;
  readonly result: CheckResult;
  readonly workspace: CheckedWorkspace;
}

/** Reads and checks the workspace in `dir`. */
export function checkFolder(dir: string | undefined, io: CliIo): { loaded: LoadedWorkspace; result: CheckResult } {
  const loaded = loadWorkspace(dir ?? '.', io.cwd);
  return { loaded, result: checkLoaded(loaded) };
}

/** Checks a workspace already read (from a folder, or from git by `seg diff`). */
export function checkLoaded(loaded: LoadedWorkspace): CheckResult {
  return checkWorkspace({
    files: loaded.files,
    config: { name: loaded.config.name, timezone: loaded.config.timezone },
  });
}

/**
 * Reads and checks a workspace for a command that needs a clean model: on errors it
 * prints them (warnings stay quiet: `seg check` is where they are shown) and exits 1.
 */
export function requireCheckedWorkspace(dir: string | undefined, io: CliIo): CheckedSession {
  return requireClean(loadWorkspace(dir ?? '.', io.cwd), io);
}

/** `requireCheckedWorkspace` for a workspace already read; `name` heads its errors (`seg diff`'s BASE or HEAD). */
export function requireClean(loaded: LoadedWorkspace, io: CliIo, name?: string): CheckedSession {
  const result = checkLoaded(loaded);
  if (!result.workspace) {
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    if (name) io.stderr(`${name}:\n`);
    for (const d of locateDiagnostics(errors, loaded.files, loaded.root, io.cwd)) io.stderr(`${formatDiagnosticLine(d)}\n`);
    io.stderr(`${errors.length} error${errors.length === 1 ? '' : 's'}: fix ${errors.length === 1 ? 'it' : 'them'} first (seg check shows all).\n`);
    throw new ExitError(1);
  }
  return { loaded, result, workspace: applyWorkspaceSettings(result.workspace, loaded.config) };
}

/** Opens the workspace's database (SEG_DATABASE_URL, --db, seg.json), or says how to name one. */
export async function openDatabase(loaded: LoadedWorkspace, flag: string | undefined, io: CliIo): Promise<Database> {
  const url = resolveDatabaseUrl(loaded, flag, io.env);
  if (!url) throw new UsageError('no database: pass --db URL, set SEG_DATABASE_URL, or add "database" to seg.json');
  return connect(url);
}
