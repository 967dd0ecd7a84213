/**
 * Connections for the count process: a preview must never change the user's
 * database (no file created, no runtime tables, no journal mode), so every
 * engine opens in the runtime's read-only mode (`connect(url, { readOnly })`).
 * Drivers load on first use, so a missing driver is an answer ("Cannot find
 * package …"), not a crash.
 */
import { connect, databaseFile, type Database } from '@seg/runtime';

export async function openReadOnly(url: string): Promise<Database> {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url.trim())?.[1]?.toLowerCase();
  if ((scheme === 'sqlite' || scheme === 'duckdb') && !databaseFile(url)) throw new Error('an in-memory database holds no data to count');
  return connect(url, { readOnly: true });
}
