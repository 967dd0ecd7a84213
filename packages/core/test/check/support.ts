/**
 * Helpers for checker tests: run the real parser and checker over files, and
 * describe diagnostics as `CODE file line:col-line:col` (1-based, as the CLI
 * prints them) so tests read like the user's view of the problem.
 */
import type { Diagnostic } from '../../src/diagnostics/diagnostic';
import { checkWorkspace, type CheckResult } from '../../src/check/check-workspace';
import { LineIndex } from '../../src/text/line-index';
import type { Span } from '../../src/text/span';

export type Files = Readonly<Record<string, string>>;

/** A small retail-like model most negative tests build on (file `model.seg`). */
export const MODEL = `audience customers

table customers key customer_id {
  email          text
  country        text
  email_opt_in   bool
  predicted_clv  number
  signup_at      timestamp
}

table orders key order_id time placed_at {
  customer  -> customers on customer_id
  channel   text in ("web", "store", "app")
  total     number
}

table order_lines {
  order     -> orders on order_id
  product   -> products on sku
  quantity  number
}

table products key sku {
  category  text in ("Baby", "Toys", "Outdoor")
  margin    number
}
`;

/** Checks `rules` (as `rules.seg`) together with the base model, or a whole set of files. */
export function check(rules: string | Files, options: { model?: boolean; timezone?: string } = {}): CheckResult {
  const files: Files = typeof rules === 'string' ? { 'rules.seg': rules } : rules;
  const all = options.model === false ? files : { 'model.seg': MODEL, ...files };
  return checkWorkspace({ files: all, config: options.timezone ? { timezone: options.timezone } : undefined });
}

export function rangeText(text: string, span: Span): string {
  const index = new LineIndex(text);
  const range = index.range(span);
  return `${range.start.line + 1}:${range.start.character + 1}-${range.end.line + 1}:${range.end.character + 1}`;
}

/** `SEG1003 rules.seg 2:22-2:26` for each diagnostic. */
export function summary(result: CheckResult, files?: Files): string[] {
  const texts = new Map(result.files.map((file) => [file.path, file.text]));
  return result.diagnostics.map((d) => describe(d, files?.[d.file] ?? texts.get(d.file) ?? ''));
}

export function describe(d: Diagnostic, text: string): string {
  return `${d.code} ${d.file} ${rangeText(text, d.span)}`;
}

export function codes(result: CheckResult): string[] {
  return result.diagnostics.map((d) => d.code);
}

/** Applies a diagnostic's first suggestion to the files it belongs to. */
export function applySuggestion(files: Files, diagnostic: Diagnostic): Record<string, string> {
  const suggestion = diagnostic.suggestions?.[0];
  if (!suggestion) throw new Error(`${diagnostic.code} has no suggestion: ${diagnostic.message}`);
  const text = files[suggestion.file]!;
  return { ...files, [suggestion.file]: text.slice(0, suggestion.span.start) + suggestion.replacement + text.slice(suggestion.span.end) };
}

/** The only diagnostic of a result (fails the test when there are others). */
export function only(result: CheckResult): Diagnostic {
  if (result.diagnostics.length !== 1) {
    throw new Error(`expected one diagnostic, got:\n${result.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n')}`);
  }
  return result.diagnostics[0]!;
}
