/**
 * `seg diff` output: the same tables as aligned text for a terminal or as
 * Markdown for a pull-request comment. Counts carry thousands separators; a
 * side where the rule does not exist shows "—".
 */
import type { AudienceDiff, PlanImpact, SegmentImpact, StrategyMove } from '@seg/runtime';
import { textTable } from './text-table';

export interface DiffReport {
  readonly base: string;
  readonly head: string;
  /** The as-of time as the reader should see it (the date given, or the ISO instant). */
  readonly asOf: string;
  readonly diff: AudienceDiff;
}

/** Strategy moves shown per strategy; the rest are summed in one line. */
export const TOP_MOVES = 10;

interface Section {
  readonly title: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Column indexes of numbers (right-aligned). */
  readonly numeric: ReadonlySet<number>;
}

export function diffText(report: DiffReport): string {
  const sections = diffSections(report.diff);
  if (sections.length === 0) return `No rule changed between ${report.base} and ${report.head}.\n`;
  const parts = [`Audience impact of ${report.base} → ${report.head}, as of ${report.asOf}: ${summary(report.diff)}.`];
  for (const s of sections) {
    const table = textTable([s.header, ...s.rows], s.numeric);
    parts.push(`${s.title}\n${table.replace(/^/gm, '  ')}`);
  }
  return `${parts.join('\n\n')}\n`;
}

export function diffMarkdown(report: DiffReport): string {
  const sections = diffSections(report.diff);
  const code = (label: string) => (label === 'working tree' ? label : `\`${label}\``);
  const title = `## Seg audience impact: ${code(report.base)} → ${code(report.head)}`;
  if (sections.length === 0) return `${title}\n\nNo rule changed.\n`;
  const parts = [title, `As of ${report.asOf}: ${summary(report.diff)}.`];
  for (const s of sections) {
    const row = (cells: readonly string[]) => `| ${cells.map(escapeCell).join(' | ')} |`;
    const rule = `|${s.header.map((_, i) => (s.numeric.has(i) ? ' ---: ' : ' --- ')).join('|')}|`;
    parts.push(`### ${s.title}\n\n${[row(s.header), rule, ...s.rows.map(row)].join('\n')}`);
  }
  return `${parts.join('\n\n')}\n`;
}

function diffSections(diff: AudienceDiff): Section[] {
  const sections: Section[] = [];
  const add = (section: Section) => section.rows.length > 0 && sections.push(section);
  add({
    title: 'Segments',
    header: ['segment', 'change', 'before', 'after', 'entered', 'left'],
    rows: diff.segments.map(comparisonRow),
    numeric: COMPARISON_NUMBERS,
  });
  add({
    title: 'Strategies',
    header: ['strategy', 'change', 'primary moved', 'secondary moved'],
    rows: diff.strategies.map((s) => [s.name, s.status, count(s.moved.primary), count(s.moved.secondary)]),
    numeric: new Set([2, 3]),
  });
  add({
    title: 'Strategy moves',
    header: ['strategy', 'outcome', 'move', 'customers'],
    rows: diff.strategies.flatMap((s) => moveRows(s.name, s.moves)),
    numeric: new Set([3]),
  });
  add({
    title: 'Plans',
    header: ['plan', 'change', 'audience before', 'audience after', 'entered', 'left'],
    rows: diff.plans.map(comparisonRow),
    numeric: COMPARISON_NUMBERS,
  });
  add({
    title: 'Offers whose reach changed (eligible customers, holdout and suppressed left out)',
    header: ['plan', 'offer', 'before', 'after', 'change'],
    rows: diff.plans.flatMap((p) => p.offers.map((o) => [p.name, o.offer, count(o.before), count(o.after), signed((o.after ?? 0) - (o.before ?? 0))])),
    numeric: new Set([2, 3, 4]),
  });
  return sections;
}

const COMPARISON_NUMBERS = new Set([2, 3, 4, 5]);

/** A segment's members or a plan's audience: name, change, before, after, entered, left. */
function comparisonRow(r: SegmentImpact | PlanImpact): string[] {
  return [r.name, r.status, count(r.before), count(r.after), count(r.entered), count(r.left)];
}

function moveRows(strategy: string, moves: readonly StrategyMove[]): string[][] {
  const rows = moves.slice(0, TOP_MOVES).map((m) => [strategy, m.which, `${m.from ?? '—'} → ${m.to ?? '—'}`, count(m.customers)]);
  const rest = moves.slice(TOP_MOVES);
  if (rest.length > 0) {
    rows.push([strategy, '', `${rest.length} other moves`, count(rest.reduce((n, m) => n + m.customers, 0))]);
  }
  return rows;
}

function summary(diff: AudienceDiff): string {
  const parts = [
    [diff.segments.length, 'segment'],
    [diff.strategies.length, 'strategy'],
    [diff.plans.length, 'plan'],
  ] as const;
  const named = parts.filter(([n]) => n > 0).map(([n, kind]) => `${n} ${n === 1 ? kind : kind === 'strategy' ? 'strategies' : `${kind}s`}`);
  return `${named.join(', ')} changed`;
}

const count = (n: number | null) => (n === null ? '—' : n.toLocaleString('en-US'));
const signed = (n: number) => (n > 0 ? `+${count(n)}` : count(n));
const escapeCell = (text: string) => text.replace(/\|/g, '\\|');
