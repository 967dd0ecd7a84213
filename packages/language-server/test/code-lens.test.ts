import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, generateRetail } from '@seg/runtime';
import Database from 'better-sqlite3';
import type { CodeLens } from 'vscode-languageserver-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LspSession, RETAIL, SEG_CLI } from './support/lsp-session';

const AS_OF = '2026-11-22';
const tmp = mkdtempSync(join(tmpdir(), 'seg-code-lens-'));
/** A copy of examples/retail (its seg.json names ./retail.db), so the CLI can count edited rules too. */
const workspace = join(tmp, 'retail');
const database = join(workspace, 'retail.db');
const segments = readFileSync(join(RETAIL, 'segments.seg'), 'utf8');
const plans = readFileSync(join(RETAIL, 'plans.seg'), 'utf8');

beforeAll(async () => {
  cpSync(RETAIL, workspace, { recursive: true });
  const db = await connect(`sqlite:${database}`);
  await generateRetail(db, { customers: 2_000, seed: 7 });
  await db.close();
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** `seg …` on the copied workspace, as a user runs it; SEG_DATABASE_URL would override --db. */
function seg(args: string[]): string {
  const env = { ...process.env };
  delete env.SEG_DATABASE_URL;
  return execFileSync(process.execPath, [SEG_CLI, ...args], { cwd: tmp, env, encoding: 'utf8' });
}

function segCount(name: string, db = database): { count: number; audience: number } {
  return JSON.parse(seg(['count', name, workspace, '--db', `sqlite:${db}`, '--as-of', AS_OF, '--json']));
}

const number = (n: number) => n.toLocaleString('en-US');

/** Starts a server and counts the code-lens refreshes it asks for. */
async function start(settings: Record<string, unknown>, env: NodeJS.ProcessEnv = {}): Promise<{ session: LspSession; refreshes: () => number; nextRefresh: () => Promise<void> }> {
  const session = await LspSession.start({ root: workspace, settings, env });
  let refreshes = 0;
  let wake: (() => void)[] = [];
  session.connection.onRequest('workspace/codeLens/refresh', () => {
    refreshes++;
    for (const w of wake.splice(0)) w();
    return null;
  });
  const nextRefresh = () =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no workspace/codeLens/refresh within 30 s')), 30_000).unref();
      wake.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  return { session, refreshes: () => refreshes, nextRefresh };
}

function codeLenses(session: LspSession, path: string): Promise<CodeLens[]> {
  return session.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: session.uri(path) } });
}

/** Lenses once `accept` takes them: each time it does not, waits for the server's next refresh request. */
async function lensesWhen(started: Awaited<ReturnType<typeof start>>, path: string, accept: (lenses: CodeLens[]) => boolean): Promise<CodeLens[]> {
  for (;;) {
    const refreshed = started.nextRefresh();
    refreshed.catch(() => undefined);
    const lenses = await codeLenses(started.session, path);
    if (accept(lenses)) return lenses;
    await refreshed;
  }
}

/** Lenses once nothing is counting any more. */
function settledLenses(started: Awaited<ReturnType<typeof start>>, path: string): Promise<CodeLens[]> {
  return lensesWhen(started, path, (lenses) => !lenses.some((lens) => lens.command!.title.includes('counting…')));
}

/** The lens titles on the line of `segment NAME` / `plan NAME` (or any line starting with `start`). */
function titlesAt(lenses: CodeLens[], text: string, start: string): string[] {
  const line = text.split('\n').findIndex((l) => l.trimStart().startsWith(start));
  if (line < 0) throw new Error(`no line starting with ${start}`);
  return lenses.filter((lens) => lens.range.start.line === line).map((lens) => lens.command!.title);
}

/** The line of the `all of {` block inside the declaration starting with `start`. */
function blockLine(text: string, start: string): number {
  const lines = text.split('\n');
  const from = lines.findIndex((l) => l.startsWith(start));
  return from + lines.slice(from).findIndex((l) => l.trim() === 'all of {');
}

describe('audience sizes as code lenses (seg lsp over stdio, a real SQLite demo database)', () => {
  let started: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    started = await start({ database: `sqlite:${database}`, asOf: AS_OF });
    await started.session.open('segments.seg');
  });
  afterAll(async () => {
    await started.session.stop();
  });

  it('announces code lenses, answers at once with counting…, then asks the client to refresh', async () => {
    expect(started.session.initialize.capabilities.codeLensProvider).toBeDefined();
    const first = await codeLenses(started.session, 'segments.seg');
    expect(titlesAt(first, segments, 'segment active ')).toEqual(['counting…']);
    const lenses = await settledLenses(started, 'segments.seg');
    expect(started.refreshes()).toBeGreaterThan(0);
    expect(lenses.every((lens) => lens.command!.command === '')).toBe(true);
  });

  it('hover over a segment shows the size its lens shows, once counted', async () => {
    const lenses = await settledLenses(started, 'segments.seg');
    const [lens] = titlesAt(lenses, segments, 'segment active ');
    const line = segments.split('\n').findIndex((l) => l.startsWith('segment active '));
    const hover = await started.session.request<{ contents: { value: string } }>('textDocument/hover', {
      textDocument: { uri: started.session.uri('segments.seg') },
      position: { line, character: 'segment a'.length },
    });
    expect(lens).toMatch(/customers/);
    expect(hover.contents.value).toContain(lens);
  });

  it('above each segment: the count `seg count` gives for the same rule and as-of, and its share of the audience', async () => {
    const lenses = await settledLenses(started, 'segments.seg');
    const names = [...segments.matchAll(/^segment (\w+)/gm)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(10);
    for (const name of names) {
      const { count, audience } = segCount(name);
      expect(audience).toBe(2_000);
      expect(titlesAt(lenses, segments, `segment ${name} `)[0], name).toBe(`${number(count)} customers · ${((100 * count) / audience).toFixed(1)} % of audience`);
    }
  });

  it('above each `all of` block: how many remain after each line, ending at the block\'s own count', async () => {
    const lenses = await settledLenses(started, 'segments.seg');
    for (const [segment, lines] of [['champions', 3], ['sydney_outdoor_invitees', 4]] as const) {
      const line = blockLine(segments, `segment ${segment} `);
      const funnel = lenses.find((lens) => lens.range.start.line === line);
      expect(funnel, segment).toBeDefined();
      const steps = funnel!.command!.title.replace(/ after each line$/, '').split(' → ');
      expect(steps[0]).toBe('2,000 customers');
      const counts = steps.slice(1).map((s) => Number(s.replace(/,/g, '')));
      expect(counts).toHaveLength(lines);
      // Each line narrows what the lines above it left.
      for (let i = 1; i < counts.length; i++) expect(counts[i]).toBeLessThanOrEqual(counts[i - 1]!);
      expect(counts.at(-1)).toBe(segCount(segment).count);
    }
    const champions = lenses.find((lens) => lens.range.start.line === blockLine(segments, 'segment champions '))!;
    expect(champions.command!.tooltip!.split('\n').map((l) => l.replace(/^[\d,]+\s+/, ''))).toEqual(['r_score >= 4', 'f_score >= 4', 'm_score >= 4']);
  });

  it('above each plan: its audience as `seg count` counts it, the held-out members a run draws, and the offers limit', async () => {
    await started.session.open('plans.seg');
    const lenses = await settledLenses(started, 'plans.seg');
    // The CLI writes (runtime tables, the run's output): on a copy, so the server's database stays as it was.
    const copy = join(tmp, 'cli-plans.db');
    copyFileSync(database, copy);
    const weekly = segCount('weekly_email', copy);
    const run = JSON.parse(seg(['run', 'weekly_email', workspace, '--db', `sqlite:${copy}`, '--as-of', AS_OF, '--json']));
    expect(run.audience).toBe(weekly.count);
    expect(titlesAt(lenses, plans, 'plan weekly_email ')).toEqual([`audience ${number(weekly.count)} customers · ${number(run.holdout)} held out (10 %) · up to 8 offers per customer`]);
    const invite = segCount('store_event_invite', copy);
    expect(titlesAt(lenses, plans, 'plan store_event_invite ')[0]).toMatch(new RegExp(`^audience ${number(invite.count)} customers · \\d+ held out \\(5 %\\) · up to 1 offer per customer$`));
    // `entered(dormant)` reads the run history, which this database does not have: the server says so and creates nothing.
    expect(titlesAt(lenses, plans, 'plan winback_trigger ')).toEqual([
      'size unavailable: the database has no run history yet (table seg_memberships); the first `seg run winback_trigger` creates it',
    ]);
    const db = new Database(database, { readonly: true });
    expect(db.prepare("select name from sqlite_master where name like 'seg\\_%' escape '\\' or name = 'contacts'").all()).toEqual([]);
    db.close();
  });

  it('a rule with errors shows the errors lens (others say where the errors are); fixed again, its count is back at once', async () => {
    const before = titlesAt(await settledLenses(started, 'segments.seg'), segments, 'segment champions ');
    const broken = segments.replace('    r_score >= 4', '    r_scor >= 4');
    await started.session.replace('segments.seg', broken);
    await started.session.diagnosticsFor('segments.seg', (d) => d.length > 0);
    const lenses = await codeLenses(started.session, 'segments.seg');
    expect(titlesAt(lenses, broken, 'segment champions ')).toEqual(['fix the errors to see the size']);
    const errorLine = broken.split('\n').findIndex((l) => l.includes('r_scor >='));
    expect(titlesAt(lenses, broken, 'segment dormant ')).toEqual([`fix the errors in segments.seg (line ${errorLine + 1}) to see the size`]);
    // No funnel while the rule does not compile.
    expect(lenses.some((lens) => lens.command!.title.includes('→'))).toBe(false);

    await started.session.replace('segments.seg', segments);
    await started.session.diagnosticsFor('segments.seg', (d) => d.length === 0);
    expect(titlesAt(await codeLenses(started.session, 'segments.seg'), segments, 'segment champions ')).toEqual(before);
  });

  it('an edited rule is counted again: the new number is what `seg count` gives for the edited file', async () => {
    const edited = segments.replace('count(orders) > 0 and last(orders.placed_at) < 180 days ago', 'count(orders) > 2 and last(orders.placed_at) < 120 days ago');
    await started.session.replace('segments.seg', edited);
    const lenses = await settledLenses(started, 'segments.seg');
    const copy = join(tmp, 'edited');
    cpSync(workspace, copy, { recursive: true, filter: (source) => !source.endsWith('.db') });
    writeFileSync(join(copy, 'segments.seg'), edited);
    const { count } = JSON.parse(seg(['count', 'dormant', copy, '--db', `sqlite:${database}`, '--as-of', AS_OF, '--json']));
    expect(count).not.toBe(segCount('dormant').count);
    expect(titlesAt(lenses, edited, 'segment dormant ')[0]).toMatch(new RegExp(`^${number(count)} customers · `));
    await started.session.replace('segments.seg', segments);
  });
});

describe('where the database comes from, and when it cannot be read', () => {
  it('without seg.database the workspace seg.json names the database (relative to the workspace)', async () => {
    const started = await start({ asOf: AS_OF });
    try {
      await started.session.open('segments.seg');
      const lenses = await settledLenses(started, 'segments.seg');
      expect(titlesAt(lenses, segments, 'segment dormant ')[0]).toMatch(new RegExp(`^${number(segCount('dormant').count)} customers · `));
    } finally {
      await started.session.stop();
    }
  });

  it('a missing file, a file that is not a database and an unreachable server each say size unavailable, with the reason', async () => {
    const notADatabase = join(tmp, 'not-a-database.db');
    writeFileSync(notADatabase, 'just text, no SQLite header '.repeat(100));
    const settings: Record<string, unknown> = { database: `sqlite:${join(tmp, 'missing.db')}`, asOf: AS_OF };
    const started = await start(settings);
    try {
      await started.session.open('segments.seg');
      const missing = await settledLenses(started, 'segments.seg');
      expect(titlesAt(missing, segments, 'segment active ')).toEqual([`size unavailable: no database file at ${join(tmp, 'missing.db')}`]);
      // The client's settings change (the server pulls them again on didChangeConfiguration).
      for (const [url, reason] of [
        [`sqlite:${notADatabase}`, 'size unavailable: file is not a database'],
        ['postgres://seg@127.0.0.1:9/seg', 'size unavailable: Cannot connect to PostgreSQL at postgres://seg@127.0.0.1:9/seg'],
      ] as const) {
        settings.database = url;
        const refreshed = started.nextRefresh();
        await started.session.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
        await refreshed;
        const lenses = await settledLenses(started, 'segments.seg');
        expect(titlesAt(lenses, segments, 'segment active ')[0]).toContain(reason);
        expect(new Set(lenses.map((lens) => lens.command!.title)).size).toBe(1);
      }
    } finally {
      await started.session.stop();
    }
  });

  it('seg.previews false: no lenses', async () => {
    const started = await start({ database: `sqlite:${database}`, asOf: AS_OF, previews: false });
    try {
      await started.session.open('segments.seg');
      expect(await codeLenses(started.session, 'segments.seg')).toEqual([]);
    } finally {
      await started.session.stop();
    }
  });
});

describe('counts never hold up editing', () => {
  /** The server's count process (its one child), if running. */
  const countProcesses = (session: LspSession) =>
    execFileSync('ps', ['-o', 'pid=', '--ppid', String(session.process.pid)], { encoding: 'utf8' }).split('\n').map((l) => l.trim()).filter(Boolean).map(Number);
  // SEG_PREVIEW_DELAY_MS holds each count that long in the count process, blocking it as a slow synchronous query would.
  const SLOW_MS = 60_000;

  it('while a slow count runs, diagnostics arrive and requests answer; an outdated count is stopped, and none outlives the server', async () => {
    const started = await start({ database: `sqlite:${database}`, asOf: AS_OF }, { SEG_PREVIEW_DELAY_MS: String(SLOW_MS) });
    const { session } = started;
    let stopped = false;
    try {
      await session.open('segments.seg');
      expect(titlesAt(await codeLenses(session, 'segments.seg'), segments, 'segment active ')).toEqual(['counting…']);
      const [counting] = await waitFor(() => countProcesses(session), (pids) => pids.length === 1);

      const broken = segments.replace('segment active "Bought in the last 90 days" {', 'segment active "Bought in the last 90 days" {{');
      let at = Date.now();
      await session.replace('segments.seg', broken);
      await session.diagnosticsFor('segments.seg', (d) => d.length > 0);
      expect(Date.now() - at).toBeLessThan(5_000);
      at = Date.now();
      const symbols = await session.request<unknown[]>('textDocument/documentSymbol', { textDocument: { uri: session.uri('segments.seg') } });
      expect(symbols.length).toBeGreaterThan(0);
      // Completion at the start of a condition (line 24, `  any(orders in last 90 days)`): the workspace's names.
      const line = broken.split('\n').findIndex((l) => l.trim() === 'any(orders in last 90 days)');
      const completion = await session.request<{ items: { label: string }[] }>('textDocument/completion', { textDocument: { uri: session.uri('segments.seg') }, position: { line, character: 2 } });
      expect(completion.items.map((i) => i.label)).toEqual(expect.arrayContaining(['dormant', 'high_value']));
      expect(titlesAt(await codeLenses(session, 'segments.seg'), broken, 'segment active ')[0]).toMatch(/^fix the errors/);
      expect(Date.now() - at).toBeLessThan(5_000);
      // With errors nothing new can be counted: the count under way goes on (unchanged rules keep their counts).
      expect(countProcesses(session)).toEqual([counting]);

      // A clean edit that changes the rule being counted: that count is outdated, its process is stopped.
      const changed = segments.replace('any(orders in last 90 days)', 'any(orders in last 30 days)');
      await session.replace('segments.seg', changed);
      await session.diagnosticsFor('segments.seg', (d) => d.length === 0);
      expect(titlesAt(await codeLenses(session, 'segments.seg'), changed, 'segment active ')).toEqual(['counting…']);
      const [next] = await waitFor(() => countProcesses(session), (pids) => pids.length === 1 && pids[0] !== counting);
      expect(alive(counting!)).toBe(false);

      await session.stop();
      stopped = true;
      expect(await waitFor(() => alive(next!), (running) => !running)).toBe(false);
    } finally {
      if (!stopped) await session.stop();
    }
  });
});

describe('a newer count goes first', () => {
  it('editing one rule while another is counted: the edited rule is counted first, the other after it', async () => {
    const started = await start({ database: `sqlite:${database}`, asOf: AS_OF }, { SEG_PREVIEW_DELAY_MS: '3000' });
    try {
      await started.session.open('segments.seg');
      // The first lens's count (`active`) starts; the rest wait behind it.
      expect(titlesAt(await codeLenses(started.session, 'segments.seg'), segments, 'segment active ')).toEqual(['counting…']);
      const edited = segments.replace('count(orders) > 0 and last(orders.placed_at) < 180 days ago', 'count(orders) > 1 and last(orders.placed_at) < 180 days ago');
      await started.session.replace('segments.seg', edited);
      const counted = (lenses: CodeLens[], start: string) => titlesAt(lenses, edited, start)[0] !== 'counting…';
      const dormantFirst = await lensesWhen(started, 'segments.seg', (lenses) => counted(lenses, 'segment dormant '));
      expect(titlesAt(dormantFirst, edited, 'segment dormant ')[0]).toMatch(/^[\d,]+ customers · /);
      expect(titlesAt(dormantFirst, edited, 'segment active ')).toEqual(['counting…']);
      // Then the count it overtook, started again.
      const activeNext = await lensesWhen(started, 'segments.seg', (lenses) => counted(lenses, 'segment active '));
      expect(titlesAt(activeNext, edited, 'segment active ')[0]).toMatch(new RegExp(`^${number(segCount('active').count)} customers · `));
    } finally {
      await started.session.stop();
    }
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor<T>(read: () => T, accept: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (accept(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
