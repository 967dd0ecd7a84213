/**
 * `seg diff BASE [HEAD]` on copies of examples/retail and a seeded demo database
 * of 2,000 customers: what it reports equals what comparing `seg members` (or
 * the strategy's own query) before and after gives, only rules whose meaning
 * changed are reported, and an unchanged workspace never touches the database.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkWorkspace } from '../../packages/core/src/index';
import { bindParameters, compileStrategy } from '../../packages/compiler/src/index';
import { connect } from '../../packages/runtime/src/db/connect';
import { loadWorkspace } from '../../packages/runtime/src/workspace/load-workspace';
import { repoRoot, runSeg } from '../support/run-seg';

const scratch = mkdtempSync(join(tmpdir(), 'seg-diff-'));
const db = `sqlite:${join(scratch, 'demo.db')}`;
const AS_OF = '2026-11-22';
const UNREACHABLE = `sqlite:${join(scratch, 'no-such-folder', 'x.db')}`;

beforeAll(() => {
  const demo = runSeg(['demo', '--customers', '2000', '--db', db], { cwd: scratch });
  expect(demo.status, demo.stderr).toBe(0);
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let copies = 0;
/** A copy of examples/retail with `edits` applied: [file, from, to] replacements, each of which must match. */
function retail(...edits: readonly (readonly [string, string | RegExp, string])[]): string {
  const folder = join(scratch, `retail-${++copies}`);
  cpSync(join(repoRoot, 'examples', 'retail'), folder, { recursive: true });
  for (const [file, from, to] of edits) {
    const path = join(folder, file);
    const text = readFileSync(path, 'utf8');
    const edited = text.replace(from, to);
    expect(edited, `${file}: ${String(from)}`).not.toBe(text);
    writeFileSync(path, edited);
  }
  return folder;
}

function diff(args: readonly string[], cwd?: string): string {
  const result = runSeg(['diff', ...args, '--db', db, '--as-of', AS_OF], cwd ? { cwd } : {});
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return result.stdout;
}

/** The rows of one table of the text output, cells split on the table's column gaps. */
function table(output: string, title: string): string[][] {
  const lines = output.split('\n');
  const start = lines.indexOf(title);
  if (start === -1) return [];
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('  ')) break;
    rows.push(line.trim().split(/ {2,}/));
  }
  return rows;
}

const number = (cell: string) => Number(cell.replace(/,/g, ''));
const names = (rows: readonly string[][]) => rows.map((r) => r[0]);

function members(name: string, folder: string): Set<string> {
  const result = runSeg(['members', name, folder, '--db', db, '--as-of', AS_OF]);
  expect(result.status, result.stderr).toBe(0);
  return new Set(result.stdout.split('\n').filter(Boolean));
}

const minus = (a: Set<string>, b: Set<string>) => [...a].filter((k) => !b.has(k)).length;

const base = () => retail();
const lowerThreshold = () => retail(['segments.seg', 'predicted_clv >= 500', 'predicted_clv >= 400']);

describe('seg diff on two folders', () => {
  it('counts who entered and left a segment exactly as comparing `seg members` before and after does', () => {
    const [a, b] = [base(), lowerThreshold()];
    const segments = table(diff([a, b]), 'Segments');
    expect(names(segments)).toEqual(['high_value']);
    const [, status, before, after, entered, left] = segments[0]!;
    const [was, is] = [members('high_value', a), members('high_value', b)];
    expect(status).toBe('changed');
    expect([number(before!), number(after!), number(entered!), number(left!)]).toEqual([was.size, is.size, minus(is, was), minus(was, is)]);
    expect(number(entered!)).toBeGreaterThan(0);

    // The other way round, those who entered have left.
    const reverse = table(diff([b, a]), 'Segments')[0]!;
    expect(reverse.slice(2).map(number)).toEqual([is.size, was.size, minus(was, is), minus(is, was)]);
  });

  it('reports every segment using a changed metric, and no other', () => {
    const output = diff([base(), retail(['segments.seg', 'sum(orders.total in last 12 months)', 'sum(orders.total in last 6 months)'])]);
    // spend_12m feeds high_value directly and champions through m_score.
    expect(names(table(output, 'Segments'))).toEqual(['champions', 'high_value']);
    expect(names(table(output, 'Strategies'))).toEqual(['value_map']);
    // weekly_email through value_map (and its output column); all three through winback_15's score (m_score).
    expect(names(table(output, 'Plans'))).toEqual(['store_event_invite', 'weekly_email', 'winback_trigger']);
  });

  it('sees no change in comments, formatting or labels, and then does not open the database', () => {
    const reformatted = retail(
      ['segments.seg', 'segment active "Bought in the last 90 days" {', '// Reviewed in November.\nsegment   active "Recent buyers"\n{\n'],
      ['segments.seg', 'predicted_clv >= 500 or spend_12m > vip_threshold', 'predicted_clv   >=   500\n    or spend_12m > vip_threshold // unchanged'],
      ['plans.seg', 'schedule "0 6 * * MON" in "Australia/Sydney"', 'schedule "0 7 * * MON" in "Australia/Sydney"'],
    );
    for (const url of [UNREACHABLE, db]) {
      const result = runSeg(['diff', base(), reformatted, '--db', url]);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/^No rule changed between .* and .*\.\n$/);
    }
  });

  it('reports an unchanged workspace without any query: an unreachable database does not matter', () => {
    const [a, b] = [base(), base()];
    for (const format of ['text', 'markdown']) {
      const result = runSeg(['diff', a, b, '--db', UNREACHABLE, '--format', format]);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout).toContain('No rule changed');
    }
    // The same database does fail once there is something to measure.
    const changed = runSeg(['diff', a, lowerThreshold(), '--db', UNREACHABLE]);
    expect(changed.status).toBe(1);
    expect(changed.stdout).toBe('');
  });

  it('reports strategy moves from → to with the counts a direct comparison of the strategy gives', async () => {
    const [a, b] = [base(), retail(['strategies.seg', 'churn_risk > 0.6', 'churn_risk > 0.3'])];
    const output = diff([a, b]);
    expect(table(output, 'Strategies')).toEqual([['value_map', 'changed', expect.any(String), expect.any(String)]]);
    const reported = table(output, 'Strategy moves').map(([strategy, which, move, customers]) => `${strategy} ${which} ${move} ${number(customers!)}`);

    const [before, after] = await Promise.all([outcomes(a), outcomes(b)]);
    const moves = new Map<string, number>();
    for (const [key, was] of before) {
      const is = after.get(key)!;
      for (const which of ['primary', 'secondary'] as const) {
        if (was[which] !== is[which]) {
          const move = `value_map ${which} ${was[which]} → ${is[which]}`;
          moves.set(move, (moves.get(move) ?? 0) + 1);
        }
      }
    }
    const expected = [...moves].map(([move, n]) => `${move} ${n}`);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThanOrEqual(10);
    expect(reported.sort()).toEqual(expected.sort());
  });

  it('writes Markdown for a pull-request comment: a heading, one table per kind, thousands separators', () => {
    const [a, b] = [base(), retail(['segments.seg', 'predicted_clv >= 500', 'predicted_clv >= 400'], ['offers.seg', 'eligible owns_card and not owns_insurance', 'eligible owns_card'])];
    const markdown = diff([a, b, '--format', 'markdown']);
    const lines = markdown.split('\n');
    expect(lines[0]).toBe(`## Seg audience impact: \`${a}\` → \`${b}\``);
    const headings = lines.filter((l) => l.startsWith('### '));
    expect(headings).toEqual(['### Segments', '### Strategies', '### Strategy moves', '### Plans', '### Offers whose reach changed (eligible customers, holdout and suppressed left out)']);
    for (const heading of headings) {
      const at = lines.indexOf(heading);
      const [header, rule, ...rest] = lines.slice(at + 2);
      const rows = rest.slice(0, rest.findIndex((l) => !l.startsWith('|')));
      const cells = (row: string) => row.split(' | ').length;
      expect(rule).toMatch(/^\|( ---:? \|)+$/);
      expect(rows.length).toBeGreaterThan(0);
      for (const row of [rule!, ...rows]) expect(cells(row)).toBe(cells(header!));
    }
    // The weekly plan's audience (email opt-ins, about 1,500 of 2,000) with a separator; only the changed offer's reach.
    expect(markdown).toMatch(/^\| weekly_email \| changed \| \d,\d{3} \| \d,\d{3} \| 0 \| 0 \|$/m);
    const offers = lines.slice(lines.indexOf(headings[4]!) + 4).filter((l) => l.startsWith('|'));
    expect(offers.map((l) => l.split(' | ')[1])).toEqual(['card_insurance']);
    expect(offers[0]).toMatch(/\| \+[\d,]+ \|$/);
  });
});

describe('seg diff on git revisions', () => {
  let repo: string;
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=Seg Test', '-c', 'user.email=seg@example.com', ...args], { cwd: repo });

  beforeAll(() => {
    repo = join(scratch, 'repo');
    mkdirSync(repo);
    git('init', '--quiet');
    cpSync(base(), join(repo, 'rules'), { recursive: true });
    git('add', '.');
    git('commit', '--quiet', '-m', 'retail');
    cpSync(join(lowerThreshold(), 'segments.seg'), join(repo, 'rules', 'segments.seg'));
    git('commit', '--quiet', '-am', 'lower the high_value threshold');
  });

  it('compares two commits of the workspace folder as it compares the two folders', () => {
    const fromGit = diff(['HEAD~1', 'HEAD', '--dir', 'rules'], repo);
    const fromFolders = diff([base(), lowerThreshold()]);
    const body = (output: string) => output.slice(output.indexOf('\n'));
    expect(fromGit.split('\n')[0]).toBe(`Audience impact of HEAD~1 → HEAD, as of ${AS_OF}: 1 segment, 1 strategy, 1 plan changed.`);
    expect(body(fromGit)).toBe(body(fromFolders));
    // HEAD defaults to the working tree; from inside the workspace folder no --dir is needed.
    expect(diff(['HEAD~1'], join(repo, 'rules'))).toBe(fromGit.replace('HEAD~1 → HEAD', 'HEAD~1 → working tree'));
  });

  it('compares a revision with the working tree, where only a comment changed', () => {
    writeFileSync(join(repo, 'rules', 'segments.seg'), `// Edited, not committed.\n${readFileSync(join(repo, 'rules', 'segments.seg'), 'utf8')}`);
    const result = runSeg(['diff', 'HEAD', '--dir', 'rules', '--db', UNREACHABLE], { cwd: repo });
    expect(result.stdout).toBe('No rule changed between HEAD and working tree.\n');
    expect(result.status).toBe(0);
  });

  it('reports every rule as added when the workspace folder is new since BASE', () => {
    cpSync(base(), join(repo, 'new-rules'), { recursive: true });
    git('add', 'new-rules');
    git('commit', '--quiet', '-m', 'a second workspace');
    const output = diff(['HEAD~1', 'HEAD', '--dir', 'new-rules'], repo);
    const segments = [...readFileSync(join(base(), 'segments.seg'), 'utf8').matchAll(/^segment (\w+)/gm)].map((m) => m[1]!);
    for (const name of segments) expect(output).toMatch(new RegExp(`^ +${name} +added +— `, 'm'));
  });

  it('says when BASE is neither a folder nor a revision', () => {
    const result = runSeg(['diff', 'no-such-branch', '--dir', 'rules', '--db', UNREACHABLE], { cwd: repo });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^seg diff: "no-such-branch" is neither a folder nor a git revision of .*rules\n$/);
  });
});

/** Every customer's (primary, secondary) of value_map, read with the strategy's own compiled query. */
async function outcomes(folder: string): Promise<Map<string, { primary: string; secondary: string }>> {
  const loaded = loadWorkspace(folder);
  const ws = checkWorkspace({ files: loaded.files, config: {} }).workspace!;
  const query = compileStrategy(ws, 'value_map', 'sqlite');
  const database = await connect(db);
  try {
    const rows = await database.query<{ key: string; primary: string; secondary: string }>(query.sql, bindParameters(query.parameters, { asOf: new Date(`${AS_OF}T00:00:00Z`), timeZone: 'UTC' }));
    return new Map(rows.map((r) => [String(r.key), { primary: r.primary, secondary: r.secondary }]));
  } finally {
    await database.close();
  }
}
