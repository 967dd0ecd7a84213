/**
 * Turns chevrotain's recognition errors into diagnostics a marketer can act
 * on: which brace is unclosed and where it was opened, which word is not a
 * plan property, what kind of thing was expected. The parser's error message
 * provider encodes each error as JSON (parser.ts); nothing of chevrotain's own
 * wording reaches the user.
 */
import type { IRecognitionException, IToken, TokenType } from 'chevrotain';
import type { Diagnostic } from '../diagnostics/diagnostic';
import { LineIndex } from '../text/line-index';
import type { Span } from '../text/span';
import { isReal, tokenSpan } from './cst-access';
import { syntaxDiagnostic } from './syntax-diagnostic';
import * as T from './tokens';
import { keywordWord, type SegToken } from './tokens';

interface ErrorInfo {
  readonly kind: 'mismatch' | 'notAll' | 'noAlt' | 'earlyExit';
  readonly expected?: string;
  readonly rule?: string;
}

const PLAN_PROPERTIES = 'audience, channel, offers, strategy, rank by, boost, top, at most, suppress when, holdout, schedule, output';
const OFFER_PROPERTIES = 'category, channels, strategy, valid, eligible, score, value, cap';

const BODY_HINTS: Readonly<Record<string, { code: string; message: (word: string) => string }>> = {
  planDecl: { code: 'SEG0005', message: (w) => `\`${w}\` is not a plan property; a plan has ${PLAN_PROPERTIES}.` },
  offerDecl: { code: 'SEG0005', message: (w) => `\`${w}\` is not an offer property; an offer has ${OFFER_PROPERTIES}.` },
  offersDecl: { code: 'SEG0005', message: (w) => `\`${w}\` is not an offer property; an offer family has ${OFFER_PROPERTIES}.` },
  strategyDecl: { code: 'SEG0005', message: (w) => `Expected \`primary { … }\` or \`secondary { … }\` in a strategy, not \`${w}\`.` },
  strategyBlock: { code: 'SEG0001', message: (w) => `Expected a rule \`when … then …\` or \`else …\`, not \`${w}\`.` },
  testDecl: { code: 'SEG0005', message: (w) => `Expected \`as of …\`, a fixture row like \`customers { … }\`, or \`expect …\` in a test, not \`${w}\`.` },
  tableDecl: { code: 'SEG0001', message: (w) => `Expected a field like \`total number\` or a link like \`customer -> customers on customer_id\`, not \`${w}\`.` },
  mapDecl: { code: 'SEG0001', message: (w) => `Expected a map entry like \`"Baby" -> ("Toys")\`, not \`${w}\`.` },
  segmentDecl: { code: 'SEG0001', message: (w) => `\`${w}\` cannot appear in a segment's condition.` },
};

export class ParseErrorTranslator {
  private lines: LineIndex | undefined;

  constructor(
    private readonly path: string,
    private readonly text: string,
  ) {}

  private line(offset: number): number {
    this.lines ??= new LineIndex(this.text);
    return this.lines.position(offset).line + 1;
  }

  translate(error: IRecognitionException, chunk: readonly SegToken[]): Diagnostic {
    let info: ErrorInfo;
    try {
      info = JSON.parse(error.message) as ErrorInfo;
    } catch {
      info = { kind: 'noAlt' };
    }
    const found = isReal(error.token) ? (error.token as SegToken) : undefined;
    const previous = this.previousToken(error, chunk, found);
    const foundText = found ? `\`${shorten(found.image)}\`` : 'the end of the declaration';
    // A problem at the start of a new line (or at the end) is reported where the previous line ends.
    const missingAt: Span = !found || (found.nl && previous) ? endOf(previous, found) : tokenSpan(found);

    if (info.kind === 'notAll' || (info.kind === 'mismatch' && info.expected === 'EOF')) {
      if (found?.tokenType === T.RBrace) return this.diag('SEG0001', tokenSpan(found), 'This `}` has no matching `{`.');
      return this.diag(
        'SEG0004',
        found ? tokenSpan(found) : missingAt,
        `Expected a declaration (audience, table, const, list, map, metric, segment, strategy, offer, offers, plan or test), but found ${foundText}.`,
      );
    }

    if (info.kind === 'mismatch' && info.expected === 'RBrace') {
      const hint = info.rule ? BODY_HINTS[info.rule] : undefined;
      if (found && found.nl && hint && !T.DECLARATION_KEYWORDS.has(found.tokenType)) return this.diag(hint.code, tokenSpan(found), hint.message(shorten(found.image)));
      if (found && !found.nl && (found.tokenType === T.Where || found.tokenType === T.From)) {
        // `count(orders) where …`: the filter was meant for the aggregate before it.
        return this.diag('SEG0019', tokenSpan(found), `\`${found.image}\` belongs inside the aggregate's parentheses, as in \`count(orders where channel = "web")\`.`);
      }
      if (found && !found.nl) return this.diag('SEG0001', tokenSpan(found), `Unexpected ${foundText} here.`);
      const open = this.unclosed(chunk, found, T.LBrace, T.RBrace);
      const what = open === undefined ? 'the block' : describeBrace(chunk, open);
      const opened = open === undefined ? '' : ` (opened on line ${this.line(chunk[open]!.startOffset)})`;
      return this.diag('SEG0002', missingAt, `Expected \`}\` to close ${what}${opened}.`);
    }

    if (info.kind === 'mismatch' && (info.expected === 'RParen' || info.expected === 'RBracket')) {
      const [close, openType] = info.expected === 'RParen' ? [')', T.OpenParen] : [']', T.LBracket];
      if (found && !found.nl && found.tokenType !== T.RBrace) {
        return this.diag('SEG0001', tokenSpan(found), `Unexpected ${foundText}: expected \`,\` or \`${close}\`.`);
      }
      const open = this.unclosed(chunk, found, openType, info.expected === 'RParen' ? T.RParen : T.RBracket);
      const opened = open === undefined ? '' : ` opened on line ${this.line(chunk[open]!.startOffset)}`;
      return this.diag('SEG0003', missingAt, `Expected \`${close}\` to close the \`${close === ')' ? '(' : '['}\`${opened}.`);
    }

    if (info.kind === 'mismatch') {
      const expected = describeExpected(info.expected ?? '');
      const code = info.expected === 'Name' ? 'SEG0007' : 'SEG0001';
      return this.diag(code, missingAt, `Expected ${expected}${previous ? ` after \`${shorten(previous.image)}\`` : ''}, but found ${foundText}.`);
    }

    // No alternative matched.
    switch (info.rule) {
      case 'planProperty':
        return this.diag('SEG0001', missingAt, previous?.tokenType === T.Output
          ? `Expected \`table\`, \`csv\` or \`webhook\` after \`output\`, but found ${foundText}.`
          : `Expected \`all\` or a list of offer names after \`offers\`, but found ${foundText}.`);
      case 'strategyBlock':
        return this.diag('SEG0001', missingAt, `Expected \`primary\` or \`secondary\`, but found ${foundText}.`);
      case 'fieldDecl':
        return this.diag('SEG0001', missingAt, `Expected a type (text, number, bool, date, timestamp) or a link (\`-> table on column\`) after the field name, but found ${foundText}.`);
      case 'duration':
        return this.diag('SEG0015', missingAt, `Expected a unit of time (hours, days, weeks, months or years), but found ${foundText}.`);
      case 'expectation':
        return this.diag('SEG0001', missingAt, `Expected \`in\`, \`not in\`, \`=\`, \`includes\`, \`excludes\` or \`is empty\` in this expectation, but found ${foundText}.`);
      default:
        return this.diag('SEG0006', missingAt, `Expected a value or a condition, but found ${foundText}.`);
    }
  }

  private diag(code: string, span: Span, message: string): Diagnostic {
    const start = Math.max(0, Math.min(span.start, this.text.length));
    const end = Math.max(start, Math.min(span.end, this.text.length));
    return syntaxDiagnostic(code, this.path, { start, end }, message);
  }

  private previousToken(error: IRecognitionException, chunk: readonly SegToken[], found: SegToken | undefined): SegToken | undefined {
    const given = (error as { previousToken?: IToken }).previousToken;
    if (isReal(given)) return given as SegToken;
    const limit = found ? found.startOffset : Infinity;
    for (let i = chunk.length - 1; i >= 0; i--) if (chunk[i]!.startOffset < limit) return chunk[i];
    return undefined;
  }

  /** Index (in the chunk) of the innermost opener not closed before `found`. */
  private unclosed(chunk: readonly SegToken[], found: SegToken | undefined, open: TokenType, close: TokenType): number | undefined {
    const stack: number[] = [];
    const limit = found ? found.startOffset : Infinity;
    for (let i = 0; i < chunk.length && chunk[i]!.startOffset < limit; i++) {
      const type = chunk[i]!.tokenType;
      if (type === open || type.CATEGORIES?.includes(open)) stack.push(i);
      else if (type === close) stack.pop();
    }
    return stack[stack.length - 1];
  }
}

function endOf(previous: SegToken | undefined, found: SegToken | undefined): Span {
  if (previous) {
    const end = tokenSpan(previous).end;
    return { start: end, end };
  }
  return found ? tokenSpan(found) : { start: 0, end: 0 };
}

function shorten(image: string): string {
  return image.length > 30 ? `${image.slice(0, 30)}…` : image;
}

/** "segment `dormant`", "the `all of` block", "the `customers` row", … for the `{` at `index`. */
function describeBrace(chunk: readonly SegToken[], index: number): string {
  const before = chunk[index - 1];
  if (before?.tokenType === T.Of) return `the \`${chunk[index - 2]?.image ?? 'all'} of\` block`;
  if (before?.tokenType === T.Primary || before?.tokenType === T.Secondary) return `the \`${before.image}\` block`;
  const first = chunk[0];
  const depth = chunk.slice(0, index).filter((t) => t.tokenType === T.LBrace).length - chunk.slice(0, index).filter((t) => t.tokenType === T.RBrace).length;
  if (first && depth === 0 && T.DECLARATION_KEYWORDS.has(first.tokenType)) {
    const name = chunk[1];
    if (first.tokenType === T.Test) return `test ${name?.image ?? ''}`.trim();
    return name ? `${first.image} \`${name.image}\`` : first.image;
  }
  if (before && before.image) return `the \`${before.image}\` row`;
  return 'the block';
}

function describeExpected(name: string): string {
  const types: Record<string, TokenType> = T as unknown as Record<string, TokenType>;
  switch (name) {
    case 'Name':
    case 'Identifier':
      return 'a name';
    case 'StringTok':
    case 'StringLiteral':
      return 'text in quotes';
    case 'NumberTok':
      return 'a number';
    case 'CompareOp':
      return 'a comparison such as `=`';
    case 'DurationUnitTok':
      return 'a unit of time (days, weeks, …)';
    case 'LBrace':
      return '`{`';
    case 'LParen':
    case 'OpenParen':
      return '`(`';
    case 'UnitTok':
    case 'BadUnitTok':
      return 'a unit of time (days, weeks, …)';
    case 'NotInfix':
      return '`not`';
    case 'Equals':
      return '`=`';
    case 'Arrow':
      return '`->`';
    case 'Colon':
      return '`:`';
    case 'Comma':
      return '`,`';
    default: {
      const type = Object.values(types).find((t) => t && typeof t === 'object' && 'name' in t && t.name === name);
      const word = type ? keywordWord(type) : undefined;
      return word ? `\`${word}\`` : name;
    }
  }
}
