/**
 * Syntax diagnostic codes (SEG0xxx): what the lexer, parser and syntax-tree
 * builder report. Codes are stable — tests and docs key on them, never on the
 * message text. Never reuse or renumber a code; add new ones at the end.
 */
import type { Severity } from './diagnostic';

export const SYNTAX_CODES: Readonly<Record<string, { readonly severity: Severity; readonly summary: string }>> = {
  SEG0001: { severity: 'error', summary: 'Unexpected token: something appears where the language does not allow it.' },
  SEG0002: { severity: 'error', summary: 'Missing closing brace `}` for a declaration or block.' },
  SEG0003: { severity: 'error', summary: 'Missing closing parenthesis `)` or bracket `]`.' },
  SEG0004: { severity: 'error', summary: 'Expected a declaration (audience, table, const, list, map, metric, segment, strategy, offer, offers, plan or test).' },
  SEG0005: { severity: 'error', summary: 'Unknown property inside a table, offer, plan, strategy or test body.' },
  SEG0006: { severity: 'error', summary: 'Expected an expression (a value or a condition).' },
  SEG0007: { severity: 'error', summary: 'Expected a name.' },
  SEG0010: { severity: 'error', summary: 'Unterminated text: a string is missing its closing quote.' },
  SEG0011: { severity: 'error', summary: 'Invalid escape sequence in text (allowed: \\" \\\\ \\n \\t \\u{…}).' },
  SEG0012: { severity: 'error', summary: 'Unterminated block comment: `/*` without `*/`.' },
  SEG0013: { severity: 'error', summary: 'A character that the language does not use.' },
  SEG0014: { severity: 'error', summary: 'Invalid date or timestamp (no such day, month or time).' },
  SEG0015: { severity: 'error', summary: 'Unknown duration unit (use hours, days, weeks, months or years).' },
  SEG0016: { severity: 'error', summary: 'Unknown column type (use text, number, bool, date or timestamp).' },
  SEG0017: { severity: 'error', summary: 'A segment body holds one condition; combine conditions with and/or or an `all of { … }` block.' },
  SEG0018: { severity: 'error', summary: 'An aggregate needs a table or table.field as its source, e.g. `sum(orders.total)`.' },
  SEG0019: { severity: 'error', summary: '`where` and `from … to …` belong inside an aggregate such as `count(orders …)`.' },
  SEG0020: { severity: 'error', summary: 'A strategy block (`primary` or `secondary`) appears twice.' },
  SEG0021: { severity: 'error', summary: 'An expectation on a value needs the form `name("key")`.' },
  SEG0022: { severity: 'error', summary: 'A declaration or block is empty where something is required.' },
  SEG0099: { severity: 'error', summary: 'Internal parser error: please report it with the file that caused it.' },
};

export type SyntaxCode = keyof typeof SYNTAX_CODES;
