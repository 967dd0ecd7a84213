/**
 * Where and when the previews count. The database: the `seg.database` setting,
 * else SEG_DATABASE_URL, else seg.json's "database" (a relative file path in
 * the setting or seg.json is taken from the workspace root, as the CLI does).
 * The as-of: the `seg.asOf` setting (a date is the start of that day in the
 * workspace zone, as `--as-of`), else the start of the current hour — "now",
 * held still so numbers do not recount on every request. The identity says when
 * a database's contents may have changed: a file's size and modification time
 * (and its write-ahead log's), or for a server the URL (the hourly as-of makes
 * those recount each hour).
 */
import { statSync } from 'node:fs';
import { parseAsOf } from '@seg/core';
import type { DialectName } from '@seg/compiler';
import { databaseFile, dialectOfUrl, resolveDatabaseUrl } from '@seg/runtime';
import type { ServerSettings } from '../settings';
import type { WorkspaceSnapshot } from '../workspace-state';
import type { CountTarget } from './count-job';

export type PreviewTarget = ({ readonly ok: true; readonly dialect: DialectName } & CountTarget) | { readonly ok: false; readonly reason: string };

const HOUR_MS = 3_600_000;

export function previewTarget(
  snapshot: Pick<WorkspaceSnapshot, 'root' | 'config'>,
  settings: ServerSettings,
  env: NodeJS.ProcessEnv = process.env,
  now: Date = new Date(),
): PreviewTarget {
  const root = snapshot.root ?? process.cwd();
  const url = settings.database
    ? resolveDatabaseUrl({ root, config: { database: settings.database } }, undefined, {})
    : resolveDatabaseUrl({ root, config: snapshot.config }, undefined, env);
  if (!url) return { ok: false, reason: 'no database (set seg.database, SEG_DATABASE_URL, or "database" in seg.json)' };
  let dialect: DialectName;
  try {
    dialect = dialectOfUrl(url);
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
  // PGlite keeps its data folder to one process: opening it beside the CLI could damage it.
  if (/^pglite:/i.test(url.trim())) return { ok: false, reason: 'a PGlite folder opens in one process at a time; previews read sqlite, duckdb and postgres databases' };
  const timeZone = snapshot.config.timezone ?? 'UTC';
  let asOf: Date;
  try {
    asOf = settings.asOf ? parseAsOf(settings.asOf, timeZone) : new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS);
  } catch {
    return { ok: false, reason: `seg.asOf must be a date (2026-11-22) or a timestamp (2026-11-22T06:00:00Z), not "${settings.asOf}"` };
  }
  const file = databaseFile(url);
  if (!file && dialect !== 'postgres') return { ok: false, reason: 'an in-memory database holds no data to count' };
  let identity = url;
  if (file) {
    const stat = statSync(file, { throwIfNoEntry: false });
    if (!stat?.isFile()) return { ok: false, reason: `no database file at ${file}` };
    // A reader's own open may create an empty log: only a log with content says something changed.
    const log = statSync(`${file}${dialect === 'sqlite' ? '-wal' : '.wal'}`, { throwIfNoEntry: false });
    identity = [url, stat.size, stat.mtimeMs, log && log.size > 0 ? `${log.size}@${log.mtimeMs}` : ''].join('|');
  }
  return { ok: true, url, dialect, identity, asOf, timeZone };
}
