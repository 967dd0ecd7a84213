/**
 * The formatter's intermediate form: output lines that remember which source
 * range they print (their anchor), so comments can be put back next to the
 * code they were written beside.
 */
import type { Span } from '../text/span';

export interface OutLine {
  /** Indentation level (two spaces each). */
  indent: number;
  text: string;
  /** Source range this line prints; comments inside it move above it, comments after it trail it. */
  start: number;
  end: number;
  /** A `}` that closes a block: comments just before it belong to the block's body (one level deeper). */
  closing?: boolean;
  /** Starts a top-level declaration (blank-line policy). */
  declStart?: boolean;
  /** The declaration this line starts prints on one line (`const`, `metric`, …). */
  singleLineDecl?: boolean;
  /** A table field: comments directly above it (or a line comment after it) are its documentation. */
  field?: boolean;
}

/** Lines of a fragment (an expression that may span lines because of `all of { … }` blocks). */
export class Fragment {
  readonly lines: OutLine[] = [];

  static text(text: string, span?: Span): Fragment {
    return new Fragment().add(text, span);
  }

  /** Appends text to the current last line (starting one if there is none). */
  add(text: string, span?: Span): this {
    const last = this.lines[this.lines.length - 1];
    if (!last) {
      this.lines.push({ indent: 0, text, start: span?.start ?? Infinity, end: span?.end ?? -Infinity });
      return this;
    }
    last.text += text;
    if (span) {
      last.start = Math.min(last.start, span.start);
      last.end = Math.max(last.end, span.end);
    }
    return this;
  }

  /** Appends a fragment: its first line joins the current line, the others follow as they are. */
  append(other: Fragment): this {
    other.lines.forEach((line, i) => {
      if (i === 0 && this.lines.length > 0) this.add(line.text, { start: line.start, end: line.end });
      else this.lines.push({ ...line });
    });
    return this;
  }

  /** Starts a new line at the given relative indent. */
  newLine(indent: number, text: string, span: Span, closing = false): this {
    this.lines.push({ indent, text, start: span.start, end: span.end, ...(closing && { closing }) });
    return this;
  }

  /** Appends a fragment's lines as new lines, indented by `by`. */
  nest(other: Fragment, by: number): this {
    for (const line of other.lines) this.lines.push({ ...line, indent: line.indent + by });
    return this;
  }

  get multiline(): boolean {
    return this.lines.length > 1;
  }
}
