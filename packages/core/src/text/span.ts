/** A half-open range of UTF-16 offsets into one file's text: [start, end). */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** 0-based line and character, as LSP uses them. The CLI adds 1 to both when printing. */
export interface Position {
  readonly line: number;
  readonly character: number;
}

export interface Range {
  readonly start: Position;
  readonly end: Position;
}

export function span(start: number, end: number): Span {
  return { start, end };
}

/** The smallest span covering both. */
export function cover(a: Span, b: Span): Span {
  return { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}
