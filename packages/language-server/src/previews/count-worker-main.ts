/**
 * The count process (forked by count-process.ts; bundled as its own entry,
 * lsp-count-worker.js beside seg.js). better-sqlite3 blocks the thread that
 * queries, so counts run here and the server's event loop never waits for one;
 * an outdated count is stopped by killing this process. One request at a
 * time; the connection is kept while requests keep coming, and closed when
 * idle, so a DuckDB file is not held open against a writer.
 */
import { isHeldOut } from '@seg/compiler';
import type { CountAnswer, CountRequest, CountResult } from './count-job';
import type { Database } from '@seg/runtime';
import { openReadOnly } from './read-only-database';

const IDLE_CLOSE_MS = 2_000;
/** Test hook: hold every count this long (blocking, as a slow synchronous query does). */
const DELAY_MS = Number(process.env.SEG_PREVIEW_DELAY_MS ?? 0);

let open: { url: string; db: Database } | undefined;
let idle: NodeJS.Timeout | undefined;

process.on('message', (request: CountRequest) => {
  clearTimeout(idle);
  void answer(request).then((result) => {
    process.send!({ id: request.id, ...result } satisfies CountAnswer);
    idle = setTimeout(() => void closeOpen(), IDLE_CLOSE_MS);
  });
});
// The server went away: nothing left to answer.
process.on('disconnect', () => process.exit(0));

async function answer(request: CountRequest): Promise<CountResult> {
  let db: Database;
  try {
    db = await connection(request.url);
  } catch (error) {
    return { kind: 'error', message: messageOf(error), opening: true };
  }
  try {
    if (DELAY_MS > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, DELAY_MS);
    const rows = await db.query(request.sql, request.params);
    if (request.holdout) {
      const { plan, share } = request.holdout;
      const heldOut = rows.filter((row) => isHeldOut(plan, String(row.key), share)).length;
      return { kind: 'holdout', heldOut, members: rows.length };
    }
    return { kind: 'count', count: Number(rows[0]?.count ?? 0), audience: Number(rows[0]?.audience ?? 0) };
  } catch (error) {
    return { kind: 'error', message: messageOf(error), opening: false };
  }
}

async function connection(url: string): Promise<Database> {
  if (open?.url === url) return open.db;
  await closeOpen();
  const db = await openReadOnly(url);
  open = { url, db };
  return db;
}

async function closeOpen(): Promise<void> {
  const closing = open;
  open = undefined;
  await closing?.db.close().catch(() => undefined);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
