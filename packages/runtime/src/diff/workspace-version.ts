/**
 * The two sides of `seg diff`: a version of a workspace is a folder, or a git
 * revision of the workspace folder, read straight from the repository (`git
 * ls-tree`, `git cat-file`) without touching the working tree.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { SegUserError } from '../errors';
import { isSkippedFolder, loadWorkspace, parseWorkspaceConfig, type LoadedWorkspace } from '../workspace/load-workspace';
import { CONFIG_FILE_NAMES, type WorkspaceConfig } from '../workspace/workspace-config';

export interface WorkspaceVersion {
  readonly loaded: LoadedWorkspace;
  /** How reports name it: the folder or revision as given, or "working tree". */
  readonly label: string;
}

/**
 * Reads one side of a diff. `spec` undefined: the working tree of `dir`; an
 * existing folder: that folder; anything else: a git revision (`main`,
 * `HEAD~1`, a commit) of the workspace folder of `dir`.
 */
export function loadWorkspaceVersion(spec: string | undefined, dir: string, cwd: string): WorkspaceVersion {
  if (spec === undefined) return { loaded: loadWorkspace(dir, cwd), label: 'working tree' };
  const path = resolve(cwd, spec);
  if (existsSync(path) && statSync(path).isDirectory()) return { loaded: loadWorkspace(spec, cwd), label: spec };
  return { loaded: loadRevision(loadWorkspace(dir, cwd).root, spec), label: spec };
}

/** The workspace at `root` as it is in revision `rev` of its git repository. */
export function loadRevision(root: string, rev: string): LoadedWorkspace {
  const inRepo = (args: readonly string[]) => git(root, args, rev);
  const top = inRepo(['rev-parse', '--show-toplevel']).toString('utf8').trim();
  const prefix = inRepo(['rev-parse', '--show-prefix']).toString('utf8').trim();
  const commit = gitOrUndefined(root, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]);
  if (!commit) throw new SegUserError(`"${rev}" is neither a folder nor a git revision of ${root}`);
  const sha = commit.toString('utf8').trim();
  const listed = git(top, ['ls-tree', '-r', '-z', '--name-only', sha, '--', prefix === '' ? '.' : prefix], rev)
    .toString('utf8')
    .split('\0')
    .filter(Boolean);
  // A change that adds the workspace: before it there were no rules, so every rule is added.
  if (listed.length === 0) return { root, config: {}, files: {} };

  const relative = listed.map((path) => path.slice(prefix.length));
  const segPaths = relative.filter(isWorkspaceSegFile).sort(byPathComponents);
  const configName = CONFIG_FILE_NAMES.find((name) => relative.includes(name));
  const blobs = readBlobs(top, [...segPaths, ...(configName ? [configName] : [])].map((path) => `${sha}:${prefix}${path}`), rev);

  const files: Record<string, string> = {};
  segPaths.forEach((path, i) => (files[path] = blobs[i]!));
  let config: WorkspaceConfig = {};
  if (configName) config = parseWorkspaceConfig(blobs[segPaths.length]!, `${rev}:${prefix}${configName}`);
  return { root, ...(configName ? { configPath: `${rev}:${prefix}${configName}` } : {}), config, files };
}

/** A `.seg` file the folder loader would read: not below node_modules, dist, out or a dot-folder. */
function isWorkspaceSegFile(path: string): boolean {
  const parts = path.split('/');
  return path.endsWith('.seg') && parts.slice(0, -1).every((folder) => !isSkippedFolder(folder));
}

/** The order the folder loader reads files in (folder by folder, names sorted), so both sides declare rules in the same order. */
function byPathComponents(a: string, b: string): number {
  const x = a.split('/');
  const y = b.split('/');
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  }
  return x.length - y.length;
}

/** The contents of `git cat-file --batch` objects, in the order asked. */
function readBlobs(top: string, objects: readonly string[], rev: string): string[] {
  if (objects.length === 0) return [];
  const out = git(top, ['cat-file', '--batch'], rev, `${objects.join('\n')}\n`);
  const blobs: string[] = [];
  let at = 0;
  for (const object of objects) {
    const lineEnd = out.indexOf(0x0a, at);
    const header = out.subarray(at, lineEnd).toString('utf8');
    const size = Number(/^[0-9a-f]+ blob (\d+)$/.exec(header)?.[1]);
    if (!Number.isInteger(size)) throw new SegUserError(`cannot read ${object} from git: ${header}`);
    blobs.push(out.subarray(lineEnd + 1, lineEnd + 1 + size).toString('utf8'));
    at = lineEnd + 1 + size + 1;
  }
  return blobs;
}

function git(cwd: string, args: readonly string[], rev: string, input?: string): Buffer {
  const result = spawnSync('git', args, { cwd, input, maxBuffer: 1 << 30 });
  if (result.error) {
    throw new SegUserError(`"${rev}" is not a folder, and git could not be run to read it as a revision (${result.error.message})`);
  }
  if (result.status !== 0) {
    const reason = result.stderr.toString('utf8').trim().split('\n')[0] ?? '';
    if (/not a git repository/i.test(reason)) throw new SegUserError(`"${rev}" is not a folder, and ${cwd} is not in a git repository`);
    throw new SegUserError(`git ${args[0]} failed for "${rev}": ${reason}`);
  }
  return result.stdout;
}

function gitOrUndefined(cwd: string, args: readonly string[]): Buffer | undefined {
  const result = spawnSync('git', args, { cwd });
  return result.status === 0 ? result.stdout : undefined;
}
