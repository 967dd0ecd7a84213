import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { SegUserError } from '../errors';
import { CONFIG_FILE_NAMES, type WorkspaceConfig } from './workspace-config';
import { isTimestampSetting, TIMESTAMP_SETTINGS } from './workspace-settings';

/** A workspace read from disk: what the pure core needs, plus where it came from. */
export interface LoadedWorkspace {
  /** Absolute path of the folder holding seg.json (or the folder given, if none). */
  readonly root: string;
  readonly configPath?: string;
  readonly config: WorkspaceConfig;
  /** `.seg` files by path relative to the root, with `/` separators, sorted. */
  readonly files: Readonly<Record<string, string>>;
}

const SKIPPED_FOLDERS = new Set(['node_modules', '.git', 'dist', 'out']);

/** Folders whose `.seg` files are not part of the workspace. */
export function isSkippedFolder(name: string): boolean {
  return SKIPPED_FOLDERS.has(name) || name.startsWith('.');
}

/**
 * Reads a workspace: the nearest folder at or above `dir` holding a seg.json, and
 * every `.seg` file below it. Without a seg.json, `dir` itself is the workspace.
 */
export function loadWorkspace(dir: string, cwd: string = process.cwd()): LoadedWorkspace {
  const start = resolve(cwd, dir);
  if (!existsSync(start)) throw new SegUserError(`No such folder: ${dir}`);
  if (!statSync(start).isDirectory()) throw new SegUserError(`Not a folder: ${dir} (give the workspace folder)`);
  const found = findConfig(start);
  const root = found ? dirname(found) : start;
  const config = found ? readConfig(found) : {};
  const files: Record<string, string> = {};
  for (const path of listSegFiles(root)) {
    files[relative(root, path).split(sep).join('/')] = readFileSync(path, 'utf8');
  }
  return { root, configPath: found, config, files };
}

function findConfig(start: string): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    for (const name of CONFIG_FILE_NAMES) {
      const candidate = join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

function readConfig(path: string): WorkspaceConfig {
  return parseWorkspaceConfig(readFileSync(path, 'utf8'), path);
}

/** A seg.json's text as a WorkspaceConfig, or a SegUserError naming `path` (also for a seg.json read from git). */
export function parseWorkspaceConfig(text: string, path: string): WorkspaceConfig {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new SegUserError(`${path}: not valid JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SegUserError(`${path}: expected a JSON object`);
  }
  const config = parsed as Record<string, unknown>;
  for (const key of ['name', 'database', 'timezone', 'timestamps'] as const) {
    if (config[key] !== undefined && typeof config[key] !== 'string') {
      throw new SegUserError(`${path}: "${key}" must be a string`);
    }
  }
  if (typeof config.timezone === 'string' && !isValidTimeZone(config.timezone)) {
    throw new SegUserError(`${path}: "${config.timezone}" is not a time zone (use an IANA name such as "Australia/Sydney")`);
  }
  if (typeof config.timestamps === 'string' && !isTimestampSetting(config.timestamps)) {
    throw new SegUserError(`${path}: "timestamps" must be one of ${Object.keys(TIMESTAMP_SETTINGS).join(', ')}`);
  }
  return config as WorkspaceConfig;
}

function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function listSegFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (entry.isDirectory()) {
        if (!isSkippedFolder(entry.name)) walk(join(dir, entry.name));
      } else if (entry.isFile() && entry.name.endsWith('.seg')) {
        out.push(join(dir, entry.name));
      }
    }
  };
  walk(root);
  return out;
}

/**
 * The database URL to use: SEG_DATABASE_URL, else the command's --db, else seg.json.
 * Relative file paths in seg.json are taken from the workspace root, so a command
 * gives the same answer from any folder.
 */
export function resolveDatabaseUrl(
  workspace: Pick<LoadedWorkspace, 'root' | 'config'>,
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  if (env.SEG_DATABASE_URL) return env.SEG_DATABASE_URL;
  if (flag) return flag;
  const configured = workspace.config.database;
  if (!configured) return undefined;
  const match = /^(sqlite|duckdb):(.*)$/.exec(configured);
  if (!match || match[2] === ':memory:' || isAbsolute(match[2]!)) return configured;
  return `${match[1]}:${resolve(workspace.root, match[2]!)}`;
}
