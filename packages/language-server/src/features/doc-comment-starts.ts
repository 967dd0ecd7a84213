/**
 * Which comments are documentation (shown on hover), by the core's rule
 * (syntax/doc-comments.ts): the block of comments directly above a
 * documented declaration or field, each starting its own line with no blank
 * line in between; failing that, a field's trailing line comment.
 */
import type { Comment, SourceFile } from '@seg/core';
import { forEachNode } from './syntax-nodes';

/** Start offsets of the file's doc comments. */
export function docCommentStarts(file: SourceFile): Set<number> {
  const starts = new Set<number>();
  const { text, comments } = file;
  forEachNode(file.declarations, (node) => {
    if (typeof node.doc !== 'string') return;
    const above = commentsAbove(text, comments, node.span.start);
    const documenting = above.length > 0 ? above : trailingLineComment(text, comments, node.span.end);
    for (const comment of documenting) starts.add(comment.span.start);
  });
  return starts;
}

function commentsAbove(text: string, comments: readonly Comment[], start: number): Comment[] {
  const run: Comment[] = [];
  let position = start;
  for (let i = comments.length - 1; i >= 0; i--) {
    const comment = comments[i]!;
    if (comment.span.end > position) continue;
    const gap = text.slice(comment.span.end, position);
    const lineStart = text.lastIndexOf('\n', comment.span.start - 1) + 1;
    const before = text.slice(lineStart, comment.span.start);
    // Other comments may precede it on its line (they are part of the run); code may not.
    const codeBefore = /\S/.test(before) && !comments.some((c) => c.span.start >= lineStart && c.span.end <= comment.span.start);
    if (/\S/.test(gap) || gap.split('\n').length > 2 || codeBefore) break;
    run.unshift(comment);
    position = comment.span.start;
  }
  return run;
}

/** The first line comment after `end` on the same line (block comments in between are skipped). */
function trailingLineComment(text: string, comments: readonly Comment[], end: number): Comment[] {
  let position = end;
  for (const comment of comments) {
    if (comment.span.start < position) continue;
    if (/\S|\n/.test(text.slice(position, comment.span.start))) return [];
    if (!comment.block) return [comment];
    position = comment.span.end;
  }
  return [];
}
