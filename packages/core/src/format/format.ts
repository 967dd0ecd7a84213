/**
 * `seg fmt`: one canonical style for `.seg` files.
 *
 * The tree is printed line by line (print-decl.ts, print-expr.ts); each output
 * line remembers the source range it prints, and every comment goes back next
 * to its code: a comment on its own line stays above the line that follows it,
 * a comment after code on the same line trails that line (aligned with its
 * neighbours' trailing comments), a comment inside a construct that is now
 * printed on one line moves above it. Blank lines between items are kept
 * (several collapse to one); declarations are separated by one blank line,
 * except runs of one-line declarations (`const`, `metric`, …) that were
 * adjacent in the source.
 *
 * Guarantees (tested): format(format(x)) = format(x), and parse(format(x)) has
 * the same tree as parse(x) apart from positions.
 *
 * @example
 * const { text, diagnostics } = formatSource('segments.seg', source);
 * if (text !== undefined && text !== source) write(text);
 */
import type { Comment, SourceFile } from '../syntax/ast';
import type { Diagnostic } from '../diagnostics/diagnostic';
import { parseFile } from '../syntax/parse';
import type { OutLine } from './lines';
import { DeclPrinter } from './print-decl';

/** Formats a file's text; `text` is absent when the file has syntax errors (formatting a guess could lose code). */
export function formatSource(path: string, text: string): { text?: string; diagnostics: Diagnostic[] } {
  const { file, diagnostics } = parseFile(path, text);
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  return { text: formatFile(file), diagnostics };
}

/** Prints a parsed file in the canonical style. */
export function formatFile(file: SourceFile): string {
  const printer = new DeclPrinter(file.text);
  const lines: OutLine[] = [];
  for (const decl of file.declarations) {
    const fragment = printer.print(decl);
    fragment.lines[0]!.declStart = true;
    fragment.lines[0]!.singleLineDecl = fragment.lines.length === 1;
    for (const line of fragment.lines) {
      if (!Number.isFinite(line.start)) line.start = decl.span.start;
      if (!Number.isFinite(line.end)) line.end = line.start;
      lines.push(line);
    }
  }
  return new Layout(file.text, lines, file.comments).render();
}

interface Row {
  indent: number;
  text: string;
  trailing?: string;
  blank: boolean;
}

class Layout {
  private readonly leading = new Map<OutLine, Comment[]>();
  private readonly trailing = new Map<OutLine, Comment[]>();
  /** Comments inside a declaration's first line or a field line (see `settleInterior`). */
  private readonly interior = new Map<OutLine, Comment[]>();
  /** Comments after which a blank line is forced, so they do not become the next line's documentation. */
  private readonly blankAfter = new Set<Comment>();
  private readonly dangling: Comment[] = [];
  private readonly commentEndingAt = new Map<number, Comment>();

  constructor(
    private readonly text: string,
    private readonly lines: readonly OutLine[],
    comments: readonly Comment[],
  ) {
    for (const comment of comments) this.commentEndingAt.set(comment.span.end, comment);
    for (const comment of comments) this.place(comment);
    for (const [line, inside] of this.interior) this.settleInterior(line, inside);
  }

  private place(comment: Comment): void {
    const { start, end } = comment.span;
    const owner = this.lines[this.firstStartingAtOrAfter(start + 1) - 1];
    if (owner && start < owner.end) {
      // Inside code that is now printed on one line: above it, unless that would make it documentation.
      push(owner.declStart || owner.field ? this.interior : this.leading, owner, comment);
    } else if (this.startsLine(start) || !owner) {
      const next = this.lines[this.firstStartingAtOrAfter(end)];
      if (next) push(this.leading, next, comment);
      else this.dangling.push(comment);
    } else {
      push(this.trailing, owner, comment);
    }
  }

  /**
   * A comment inside a declaration's first line or a field line moves to the end of that line
   * (documentation only ever comes from above, or for fields from a trailing line comment,
   * which stays where it was). A line comment ends the line, so any comments after the first
   * line comment (for a field: from a line comment that was inside it) go on their own lines
   * below, followed by a blank line.
   */
  private settleInterior(line: OutLine, inside: Comment[]): void {
    const all = [...inside, ...(this.trailing.get(line) ?? [])];
    const firstLineComment = all.findIndex((c) => !c.block);
    // A field's trailing line comment is its documentation: one from inside the field must not become it.
    const cut = line.field && firstLineComment >= 0 && firstLineComment < inside.length ? firstLineComment : firstLineComment + 1;
    const keep = firstLineComment < 0 ? all : all.slice(0, cut);
    const overflow = all.slice(keep.length);
    this.trailing.set(line, keep);
    if (overflow.length === 0) return;
    this.blankAfter.add(overflow[overflow.length - 1]!);
    const next = this.lines[this.lines.indexOf(line) + 1];
    if (next) this.leading.set(next, [...overflow, ...(this.leading.get(next) ?? [])]);
    else this.dangling.unshift(...overflow);
  }

  /** Index of the first line whose anchor starts at or after `offset` (line anchors are in source order). */
  private firstStartingAtOrAfter(offset: number): number {
    let low = 0;
    let high = this.lines.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.lines[mid]!.start < offset) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  render(): string {
    const rows: Row[] = [];
    let previousEnd = -1;
    let previousSingleDecl = false;
    let previousOpens = false;
    let forceBlank = false;
    const emit = (indent: number, text: string, blank: boolean, trailing?: string): void => {
      rows.push({ indent, text, blank: blank && rows.length > 0, ...(trailing !== undefined && { trailing }) });
      previousOpens = text.endsWith('{');
    };

    for (const line of this.lines) {
      const before = this.leading.get(line) ?? [];
      const after = this.trailing.get(line) ?? [];
      const things: Array<{ start: number; end: number }> = [...before.map((c) => c.span), line];
      things.forEach((thing, i) => {
        let blank: boolean;
        if (forceBlank && !(thing === line && line.closing)) {
          blank = true;
        } else if (i === 0 && line.declStart) {
          blank = !(line.singleLineDecl && previousSingleDecl && !this.blankBetween(previousEnd, thing.start));
        } else if (previousOpens || (thing === line && line.closing)) {
          blank = false;
        } else {
          blank = this.blankBetween(previousEnd, thing.start);
        }
        forceBlank = false;
        if (i < before.length) {
          const comment = before[i]!;
          emit(line.closing ? line.indent + 1 : line.indent, comment.text.trimEnd(), blank);
          previousEnd = Math.max(previousEnd, comment.span.end);
          forceBlank = this.blankAfter.has(comment);
        } else {
          const trailingText = after.length > 0 ? after.map((c) => c.text.trimEnd()).join(' ') : undefined;
          emit(line.indent, line.text, blank, trailingText);
          previousEnd = Math.max(previousEnd, line.end, ...after.map((c) => c.span.end));
        }
      });
      if (line.declStart) previousSingleDecl = line.singleLineDecl === true;
    }
    for (const comment of this.dangling) {
      emit(0, comment.text.trimEnd(), forceBlank || this.blankBetween(previousEnd, comment.span.start));
      previousEnd = Math.max(previousEnd, comment.span.end);
      forceBlank = this.blankAfter.has(comment);
    }
    return renderRows(rows);
  }

  /** Whether the source has an empty line between two offsets (only whitespace can lie between them there). */
  private blankBetween(from: number, to: number): boolean {
    if (from < 0 || to <= from) return false;
    let newlines = 0;
    for (let i = from; i < to; i++) {
      const code = this.text.charCodeAt(i);
      if (code === 10) {
        if (++newlines >= 2) return true;
      } else if (code !== 32 && code !== 9 && code !== 13) newlines = 0;
    }
    return false;
  }

  /** Whether only blanks and other comments precede `offset` on its line. */
  private startsLine(offset: number): boolean {
    for (let i = offset - 1; i >= 0; i--) {
      const code = this.text.charCodeAt(i);
      if (code === 10) return true;
      const before = this.commentEndingAt.get(i + 1);
      if (before) i = before.span.start;
      else if (code !== 32 && code !== 9 && code !== 13) return false;
    }
    return true;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Joins rows, aligning the trailing comments of consecutive rows at the same indent. */
function renderRows(rows: readonly Row[]): string {
  const out: string[] = [];
  let i = 0;
  while (i < rows.length) {
    let j = i;
    if (rows[i]!.trailing !== undefined) {
      while (j + 1 < rows.length && rows[j + 1]!.trailing !== undefined && !rows[j + 1]!.blank && rows[j + 1]!.indent === rows[i]!.indent) j++;
    }
    const width = Math.max(...rows.slice(i, j + 1).map((r) => lastLineLength(r)));
    for (let k = i; k <= j; k++) {
      const row = rows[k]!;
      if (row.blank) out.push('');
      let text = `${'  '.repeat(row.indent)}${row.text}`;
      if (row.trailing !== undefined) text += `${' '.repeat(width - lastLineLength(row) + 2)}${row.trailing}`;
      out.push(text.split('\n').map((l) => l.trimEnd()).join('\n'));
    }
    i = j + 1;
  }
  return out.length > 0 ? `${out.join('\n')}\n` : '';
}

function lastLineLength(row: Row): number {
  const full = `${'  '.repeat(row.indent)}${row.text}`;
  return full.length - (full.lastIndexOf('\n') + 1);
}
