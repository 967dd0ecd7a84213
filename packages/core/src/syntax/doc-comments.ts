/**
 * Doc comments: the comment block directly above a declaration or field (no
 * blank line in between, each comment starting its own line) is its
 * documentation, shown on hover. A field may instead carry a trailing line
 * comment (`churn_risk number // 0..1, from the data team`).
 */
import type { Comment } from './ast';

export class DocComments {
  constructor(
    private readonly text: string,
    private readonly comments: readonly Comment[],
  ) {}

  /** The documentation for something starting at `start`, markers stripped. */
  above(start: number): string | undefined {
    let index = this.lastEndingBefore(start);
    if (index < 0) return undefined;
    const parts: string[] = [];
    let position = start;
    while (index >= 0) {
      const comment = this.comments[index]!;
      if (!this.onlyBlankBetween(comment.span.end, position, 1) || !this.startsLine(comment.span.start)) break;
      parts.unshift(stripMarkers(comment));
      position = comment.span.start;
      index--;
    }
    return joinDoc(parts);
  }

  /**
   * A line comment on the same line after `end` (a field's trailing comment), markers stripped.
   * Block comments in between are skipped: the formatter may move a block comment from inside
   * the field to its end, and that must not change the field's documentation.
   */
  trailing(end: number): string | undefined {
    let position = end;
    for (let index = this.lastEndingBefore(end) + 1; index < this.comments.length; index++) {
      const comment = this.comments[index]!;
      if (!this.onlyBlankBetween(position, comment.span.start, 0)) return undefined;
      if (!comment.block) return joinDoc([stripMarkers(comment)]);
      position = comment.span.end;
    }
    return undefined;
  }

  /** Index of the last comment ending at or before `offset`, or -1. */
  private lastEndingBefore(offset: number): number {
    let low = 0;
    let high = this.comments.length - 1;
    let found = -1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (this.comments[mid]!.span.end <= offset) {
        found = mid;
        low = mid + 1;
      } else high = mid - 1;
    }
    return found;
  }

  private onlyBlankBetween(from: number, to: number, maxNewlines: number): boolean {
    let newlines = 0;
    for (let i = from; i < to; i++) {
      const code = this.text.charCodeAt(i);
      if (code === 10) {
        if (++newlines > maxNewlines) return false;
      } else if (code !== 32 && code !== 9 && code !== 13) return false;
    }
    return true;
  }

  /** Whether only blanks and other comments precede `offset` on its line. */
  private startsLine(offset: number): boolean {
    let index = this.lastEndingBefore(offset);
    for (let i = offset - 1; i >= 0; i--) {
      const code = this.text.charCodeAt(i);
      if (code === 10) return true;
      const comment = this.comments[index];
      if (comment && comment.span.end === i + 1) {
        i = comment.span.start;
        index--;
      } else if (code !== 32 && code !== 9 && code !== 13) return false;
    }
    return true;
  }
}

function stripMarkers(comment: Comment): string {
  if (!comment.block) return comment.text.replace(/^\/\/+ ?/, '').trimEnd();
  const inner = comment.text.replace(/^\/\*+/, '').replace(/\*+\/$/, '');
  return inner
    .split('\n')
    .map((line) => line.replace(/^\s*\* ?/, '').trimEnd())
    .join('\n')
    .trim();
}

function joinDoc(parts: string[]): string | undefined {
  const doc = parts.join('\n').trim();
  return doc.length > 0 ? doc : undefined;
}
