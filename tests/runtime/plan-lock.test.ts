/**
 * withPlanLock in one process, on every engine: one holder per plan, stale
 * locks (dead process, expired lease elsewhere) taken over, live ones kept,
 * the heartbeat renewing the lease, and a lost lock aborting its holder.
 * (Across real processes: plan-lock-processes.test.ts.)
 */
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Database, lockHolderId, withPlanLock } from '@seg/runtime';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testEngines } from '../../packages/runtime/test/support/engines';

interface LockRow {
  holder: string;
  host: string;
  pid: number;
  token: string;
  acquired_at: string;
  expires_at: string;
}

describe.each(testEngines())('withPlanLock on $label', ({ name, open }) => {
  let db: Database;
  const $ = (n: number) => (name === 'postgres' ? `$${n}` : '?');
  beforeEach(async () => {
    db = await open();
  });
  afterEach(() => db.close());

  const lockRows = () => db.query<LockRow>('select holder, host, pid, token, acquired_at, expires_at from seg_locks order by plan');

  /** A lock row as another process would have left it. */
  async function plantLock(row: { host: string; pid: number; acquiredAt: string; expiresAt: string }): Promise<void> {
    await withPlanLock(db, 'setup', 'test', async () => {}); // creates the table
    await db.query(
      `insert into seg_locks (plan, holder, host, pid, token, acquired_at, heartbeat_at, expires_at) values ('p', 'seg schedule', ${$(1)}, ${$(2)}, 'their-token', ${$(3)}, ${$(4)}, ${$(5)})`,
      [row.host, row.pid, row.acquiredAt, row.acquiredAt, row.expiresAt],
    );
  }

  it('runs fn holding the lock, then releases it', async () => {
    const outcome = await withPlanLock(db, 'p', 'seg run', async () => {
      const rows = await lockRows();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ holder: 'seg run', host: hostname(), pid: process.pid });
      return 42;
    });
    expect(outcome).toEqual({ status: 'acquired', value: 42 });
    expect(await lockRows()).toEqual([]);
  });

  it('reports a busy plan without running fn; other plans are free', async () => {
    let inner: unknown;
    let ranInner = false;
    await withPlanLock(db, 'p', 'seg schedule', async () => {
      inner = await withPlanLock(db, 'p', 'seg run', async () => {
        ranInner = true;
      });
      const other = await withPlanLock(db, 'q', 'seg run', async () => 'q ran');
      expect(other).toEqual({ status: 'acquired', value: 'q ran' });
    });
    expect(ranInner).toBe(false);
    expect(inner).toMatchObject({ status: 'busy', plan: 'p', holder: 'seg schedule', pid: process.pid });
    const message = (inner as { message: string }).message;
    expect(message).toMatch(/^plan p is already running \(since \d{4}-\d\d-\d\dT[\d:.]+Z, by seg schedule on /);
    expect(message).toContain(`on ${lockHolderId()})`);
    // Released: the plan can be locked again.
    expect(await withPlanLock(db, 'p', 'seg run', async () => 'again')).toEqual({ status: 'acquired', value: 'again' });
  });

  it('releases the lock when fn throws', async () => {
    await expect(
      withPlanLock(db, 'p', 'seg run', async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await lockRows()).toEqual([]);
  });

  it("takes over the lock of a dead process on this host at once, whatever its lease", async () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    await plantLock({ host: hostname(), pid: dead, acquiredAt: '2026-01-01T00:00:00.000Z', expiresAt: '2999-01-01T00:00:00.000Z' });
    const outcome = await withPlanLock(db, 'p', 'seg run', async () => (await lockRows())[0]!.pid);
    expect(outcome).toEqual({ status: 'acquired', value: process.pid });
  });

  it('keeps the lock of a live process on this host even past its lease', async () => {
    // Our parent (vitest) is alive; its lease ran out long ago.
    await plantLock({ host: hostname(), pid: process.ppid, acquiredAt: '2026-01-01T00:00:00.000Z', expiresAt: '2026-01-01T00:01:00.000Z' });
    const outcome = await withPlanLock(db, 'p', 'seg run', async () => 'ran');
    expect(outcome).toMatchObject({ status: 'busy', pid: process.ppid, since: '2026-01-01T00:00:00.000Z' });
  });

  it('waits for the lease of another host, and takes the lock over once it expired', async () => {
    const future = new Date(Date.now() + 60_000).toISOString();
    await plantLock({ host: 'elsewhere.example', pid: 1, acquiredAt: '2026-01-01T00:00:00.000Z', expiresAt: future });
    const held = await withPlanLock(db, 'p', 'seg run', async () => 'ran');
    expect(held).toMatchObject({ status: 'busy', host: 'elsewhere.example' });
    expect((held as { message: string }).message).toContain('by seg schedule on elsewhere.example:1)');

    await db.query(`update seg_locks set expires_at = ${$(1)} where plan = 'p'`, [new Date(Date.now() - 1).toISOString()]);
    expect(await withPlanLock(db, 'p', 'seg run', async () => 'ran')).toEqual({ status: 'acquired', value: 'ran' });
  });

  it('takes over a lock left by an earlier life of this very pid', async () => {
    await plantLock({ host: hostname(), pid: process.pid, acquiredAt: '2026-01-01T00:00:00.000Z', expiresAt: '2999-01-01T00:00:00.000Z' });
    expect(await withPlanLock(db, 'p', 'seg run', async () => 'ran')).toEqual({ status: 'acquired', value: 'ran' });
  });

  it('renews its lease while fn runs', async () => {
    await withPlanLock(
      db,
      'p',
      'seg run',
      async () => {
        const first = Date.parse((await lockRows())[0]!.expires_at);
        await sleep(250);
        const later = Date.parse((await lockRows())[0]!.expires_at);
        // A lease of 200 ms would have expired by now without the heartbeat.
        expect(later).toBeGreaterThan(Date.now());
        expect(later).toBeGreaterThan(first);
      },
      { leaseMs: 200, heartbeatMs: 40 },
    );
  });

  it('aborts its signal when the lock is taken over', async () => {
    const outcome = await withPlanLock(
      db,
      'p',
      'seg run',
      async (lost) => {
        // Someone decided the lease expired and took the lock.
        await db.query("update seg_locks set token = 'someone-else' where plan = 'p'");
        for (let i = 0; i < 100 && !lost.aborted; i++) await sleep(10);
        return { aborted: lost.aborted, reason: String((lost.reason as Error | undefined)?.message) };
      },
      { leaseMs: 300, heartbeatMs: 20 },
    );
    expect(outcome).toEqual({ status: 'acquired', value: { aborted: true, reason: 'lost the lock of plan p: another process took it over' } });
    // Not ours any more, so it was not released.
    expect((await lockRows()).map((r) => r.token)).toEqual(['someone-else']);
  });
});
