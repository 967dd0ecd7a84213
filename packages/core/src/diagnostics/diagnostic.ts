import type { Span } from '../text/span';

export type Severity = 'error' | 'warning' | 'info';

/** A text edit that fixes a diagnostic; the editor offers it as a quick fix. */
export interface Suggestion {
  /** Short title for the quick fix, e.g. "Change to `total`". */
  readonly title: string;
  readonly file: string;
  readonly span: Span;
  readonly replacement: string;
}

/** A second place that explains a diagnostic (e.g. the other half of a duplicate). */
export interface RelatedLocation {
  readonly file: string;
  readonly span: Span;
  readonly message: string;
}

export interface Diagnostic {
  /** Stable code, `SEG` + four digits; tests and docs key on it, never on the message. */
  readonly code: string;
  readonly severity: Severity;
  /** Written for a marketer: names what is wrong in the user's terms. */
  readonly message: string;
  readonly file: string;
  readonly span: Span;
  readonly suggestions?: readonly Suggestion[];
  readonly related?: readonly RelatedLocation[];
}
