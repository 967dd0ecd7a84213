/**
 * Runs the lexer over one file: tokens for the parser (each marked with
 * whether a line break precedes it), the comments for the formatter and doc
 * comments, and lexical problems as diagnostics (never thrown).
 */
import type { Comment } from './ast';
import type { Diagnostic } from '../diagnostics/diagnostic';
import { syntaxDiagnostic } from './syntax-diagnostic';
import { BadUnitTok, Between, DurationUnitTok, Identifier, In, LParen, LParenAtLineStart, Not, NotInfix, NumberTok, segLexer, UnitTok, UnterminatedComment, UnterminatedString, type SegToken } from './tokens';
import type { TokenType } from 'chevrotain';
import { looksLikeUnit } from './literals';

export interface LexResult {
  readonly tokens: SegToken[];
  readonly comments: Comment[];
  readonly diagnostics: Diagnostic[];
}

export function lexText(path: string, text: string): LexResult {
  const result = segLexer.tokenize(text);
  const diagnostics: Diagnostic[] = [];
  const tokens = result.tokens as SegToken[];

  let previousEnd = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    token.nl = i === 0 || hasNewline(text, previousEnd, token.startOffset);
    previousEnd = token.startOffset + token.image.length;
    // The lexer's offset-only mode leaves endOffset unset; the parser's node locations need it (inclusive).
    token.endOffset = previousEnd - 1;
    const type = token.tokenType;
    if (type === LParen && token.nl && i > 0) retag(token, LParenAtLineStart);
    else if (!token.nl && i > 0 && tokens[i - 1]!.tokenType === NumberTok) {
      if (type === DurationUnitTok) retag(token, UnitTok);
      else if (type === Identifier && looksLikeUnit(token.image)) retag(token, BadUnitTok);
    } else if (type === In || type === Between) {
      const previous = tokens[i - 1];
      if (previous?.tokenType === Not) retag(previous, NotInfix);
    }
    if (type === UnterminatedString) {
      diagnostics.push(
        syntaxDiagnostic('SEG0010', path, { start: token.startOffset, end: previousEnd }, 'This text is missing its closing quote `"`.'),
      );
    }
  }

  const comments: Comment[] = [];
  for (const token of (result.groups['comments'] ?? []) as SegToken[]) {
    const span = { start: token.startOffset, end: token.startOffset + token.image.length };
    if (token.tokenType === UnterminatedComment) {
      diagnostics.push(
        syntaxDiagnostic('SEG0012', path, { start: span.start, end: span.start + 2 }, 'This comment is never closed: add `*/` where it should end.'),
      );
    }
    comments.push({ span, text: token.image, block: token.image.startsWith('/*') });
  }

  for (const error of result.errors) {
    const start = error.offset;
    const end = Math.min(text.length, start + Math.max(1, error.length));
    const chars = text.slice(start, end);
    diagnostics.push(
      syntaxDiagnostic(
        'SEG0013',
        path,
        { start, end },
        chars.length === 1 ? `The character \`${printable(chars)}\` is not part of the language.` : `The characters \`${printable(chars)}\` are not part of the language.`,
      ),
    );
  }
  return { tokens, comments, diagnostics };
}

/** Changes a token's type after lexing (the parser matches on tokenTypeIdx). */
function retag(token: SegToken, type: TokenType): void {
  token.tokenType = type;
  token.tokenTypeIdx = type.tokenTypeIdx!;
}

function hasNewline(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === 10) return true;
  return false;
}

function printable(chars: string): string {
  return chars.length > 20 ? `${chars.slice(0, 20)}…` : chars.replace(/[\r\n\t]/g, ' ');
}
