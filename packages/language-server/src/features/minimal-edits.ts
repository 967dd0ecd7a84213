/**
 * The smallest line-wise edits that turn one text into another, so that
 * formatting leaves unchanged lines (and the editor's cursor, marks and undo
 * history on them) alone. Lines are compared whole, terminators included.
 */
import type { Span } from '@seg/core';

export interface OffsetEdit {
  /** What to replace, in offsets of the old text. */
  readonly span: Span;
  readonly newText: string;
}

/** Above this many line pairs the diff is one edit for the differing middle (the table would be too large). */
const MAX_TABLE_CELLS = 4_000_000;

export function minimalEdits(before: string, after: string): OffsetEdit[] {
  if (before === after) return [];
  const old = splitLines(before);
  const next = splitLines(after);
  let prefix = 0;
  while (prefix < old.length && prefix < next.length && old[prefix] === next[prefix]) prefix++;
  let suffix = 0;
  while (suffix < old.length - prefix && suffix < next.length - prefix && old[old.length - 1 - suffix] === next[next.length - 1 - suffix]) suffix++;

  const starts = lineStarts(old);
  const hunk = (oldFrom: number, oldTo: number, newFrom: number, newTo: number): OffsetEdit => ({
    span: { start: starts[oldFrom]!, end: starts[oldTo]! },
    newText: next.slice(newFrom, newTo).join(''),
  });
  const oldEnd = old.length - suffix;
  const newEnd = next.length - suffix;
  if ((oldEnd - prefix) * (newEnd - prefix) > MAX_TABLE_CELLS) return [hunk(prefix, oldEnd, prefix, newEnd)];
  return commonLines(old, next, prefix, oldEnd, newEnd).map(([oldFrom, oldTo, newFrom, newTo]) => hunk(oldFrom, oldTo, newFrom, newTo));
}

/** Lines with their terminators, so joining them gives the text back. */
function splitLines(text: string): string[] {
  return text.length === 0 ? [] : text.split(/(?<=\n)/);
}

/** Offset of each line's start, plus the text's end. */
function lineStarts(lines: readonly string[]): number[] {
  const starts = [0];
  for (const line of lines) starts.push(starts[starts.length - 1]! + line.length);
  return starts;
}

/**
 * Changed runs between lines [from, oldEnd) of `old` and [from, newEnd) of `next`, by a longest common
 * subsequence of lines: `[oldFrom, oldTo, newFrom, newTo]` each.
 */
function commonLines(old: readonly string[], next: readonly string[], from: number, oldEnd: number, newEnd: number): [number, number, number, number][] {
  const n = oldEnd - from;
  const m = newEnd - from;
  // lcs[i * (m + 1) + j]: length of the longest common subsequence of old[from + i…] and next[from + j…].
  const lcs = new Uint32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * (m + 1) + j] =
        old[from + i] === next[from + j] ? lcs[(i + 1) * (m + 1) + j + 1]! + 1 : Math.max(lcs[(i + 1) * (m + 1) + j]!, lcs[i * (m + 1) + j + 1]!);
    }
  }
  const hunks: [number, number, number, number][] = [];
  let open: [number, number, number, number] | undefined;
  const change = (i: number, j: number, di: number, dj: number): void => {
    if (!open) hunks.push((open = [from + i, from + i, from + j, from + j]));
    open[1] += di;
    open[3] += dj;
  };
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && old[from + i] === next[from + j]) {
      open = undefined;
      i++;
      j++;
    } else if (j < m && (i === n || lcs[i * (m + 1) + j + 1]! >= lcs[(i + 1) * (m + 1) + j]!)) {
      change(i, j, 0, 1);
      j++;
    } else {
      change(i, j, 1, 0);
      i++;
    }
  }
  return hunks;
}
