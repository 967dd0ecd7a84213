/**
 * withPlanLock across real processes: several children contend for one plan's
 * lock on one SQLite file (and one PostgreSQL schema); the intervals in which
 * each held it never overlap. A child killed with SIGKILL while holding the lock
 * frees the plan at once (its pid is gone), without waiting for the lease.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, withPlanLock } from '@seg/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresSchemas } from '../support/postgres-schemas';
import { bundleChild, type ChildBundle } from './support/bundle-child';

let child: ChildBundle;
const scratch = mkdtempSync(join(tmpdir(), 'seg-lock-'));
beforeAll(async () => {
  child = await bundleChild(join(import.meta.dirname, 'support/lock-child.ts'));
});
afterAll(() => {
  child?.dispose();
  rmSync(scratch, { recursive: true, force: true });
});

interface Target {
  readonly label: string;
  url(): Promise<string>;
  dispose(): Promise<void>;
}

const targets: Target[] = [
  (() => {
    let n = 0;
    return { label: 'sqlite file', url: async () => `sqlite:${join(scratch, `lock-${++n}.db`)}`, dispose: async () => {} };
  })(),
];
const postgresUrl = process.env.SEG_TEST_POSTGRES_URL?.trim();
if (postgresUrl) {
  const schemas = postgresSchemas(postgresUrl, 'seg_lock_test');
  targets.push({ label: 'postgres', url: () => schemas.url(), dispose: () => schemas.dropAll() });
}

function startChild(args: readonly string[]): { process: ChildProcess; stdout: () => string; exited: Promise<number | null> } {
  const proc = spawn(process.execPath, [child.file, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  proc.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return {
    process: proc,
    stdout: () => (err ? `${out}\n[stderr] ${err}` : out),
    exited,
  };
}

async function waitFor(condition: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.each(targets)('plan lock across processes on $label', (target) => {
  afterAll(() => target.dispose());

  it('never lets two processes hold one plan at once', async () => {
    const url = await target.url();
    const children = ['a', 'b', 'c'].map((name) => startChild([url, 'weekly', name, '12', '15']));
    const codes = await Promise.all(children.map((c) => c.exited));
    const reports = children.map((c) => {
      const last = c.stdout().trim().split('\n').pop()!;
      return JSON.parse(last) as { intervals: [number, number][]; busy: number };
    });
    expect(codes, children.map((c) => c.stdout()).join('\n')).toEqual([0, 0, 0]);

    const intervals = reports.flatMap((r) => r.intervals).sort((x, y) => x[0] - y[0]);
    // Contention really happened: children were turned away, and more than one got the lock.
    expect(reports.reduce((sum, r) => sum + r.busy, 0)).toBeGreaterThan(0);
    expect(reports.filter((r) => r.intervals.length > 0).length).toBeGreaterThan(1);
    for (let i = 1; i < intervals.length; i++) {
      expect(intervals[i]![0], `interval ${i} starts before ${i - 1} ended`).toBeGreaterThanOrEqual(intervals[i - 1]![1]);
    }
    // Every hold did its write.
    const db = await connect(url);
    const [row] = await db.query<{ n: number }>('select count(*) as n from work');
    await db.close();
    expect(Number(row!.n)).toBe(intervals.length);
  });

  it('frees the plan at once when its holder is killed', async () => {
    const url = await target.url();
    const holder = startChild([url, 'weekly', 'doomed', '1', '60000']);
    await waitFor(() => holder.stdout().includes('locked'), 20_000);

    const db = await connect(url);
    try {
      const busy = await withPlanLock(db, 'weekly', 'test', async () => 'ran');
      expect(busy).toMatchObject({ status: 'busy', holder: 'child doomed', pid: holder.process.pid });

      holder.process.kill('SIGKILL');
      await holder.exited;
      // Its lease (60 s) has not run out, but its process is gone.
      expect(await withPlanLock(db, 'weekly', 'test', async () => 'ran')).toEqual({ status: 'acquired', value: 'ran' });
      // The killed holder's transaction was rolled back: its write is not there.
      const [row] = await db.query<{ n: number }>('select count(*) as n from work');
      expect(Number(row!.n)).toBe(0);
    } finally {
      await db.close();
    }
  });
});
