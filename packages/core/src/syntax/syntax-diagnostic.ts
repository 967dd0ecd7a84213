import type { Diagnostic, Suggestion } from '../diagnostics/diagnostic';
import { SYNTAX_CODES } from '../diagnostics/syntax-codes';
import type { Span } from '../text/span';

/** Builds a syntax diagnostic with the code's default severity. */
export function syntaxDiagnostic(code: string, file: string, span: Span, message: string, suggestions?: Suggestion[]): Diagnostic {
  const severity = SYNTAX_CODES[code]?.severity ?? 'error';
  return suggestions && suggestions.length > 0 ? { code, severity, message, file, span, suggestions } : { code, severity, message, file, span };
}
