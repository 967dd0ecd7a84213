/**
 * Lays kysely's one-line SQL out over several lines so a person can read it
 * (`seg compile` output, ranking plans, `--explain`). Only whitespace between
 * tokens changes: quoted identifiers and string literals are copied verbatim,
 * so the statement means exactly what it meant.
 */

// kysely writes keywords in lower case and quotes every name, so a bare lower-case
// keyword outside quotes is SQL syntax.
const KEYWORDS = ['select', 'from', 'where', 'group by', 'order by', 'left join', 'inner join', 'cross join', 'union all', 'with'];
const JOINS = new Set(['left join', 'inner join', 'cross join']);

interface Level {
  /** A parenthesis that opened a subquery (its contents are laid out); other parentheses are not. */
  readonly subquery: boolean;
  clause: string;
}

export function layoutSql(text: string): string {
  const out: string[] = [];
  const stack: Level[] = [{ subquery: true, clause: '' }];
  let depth = 0; // subquery parentheses open
  const newline = (extra = 0) => '\n' + '  '.repeat(depth + extra);
  let copied = 0; // text before this index is in `out`
  const copyTo = (end: number) => {
    if (end > copied) out.push(text.slice(copied, end));
    copied = end;
  };
  scanTokens(text, (at, token) => {
    const top = stack[stack.length - 1]!;
    if (token === '(') {
      const subquery = text.startsWith('select ', at + 1) || text.startsWith('with ', at + 1);
      stack.push({ subquery, clause: '' });
      if (subquery) depth++;
    } else if (token === ')') {
      const level = stack.pop();
      if (level?.subquery) {
        copyTo(at);
        depth--;
        out.push(newline());
      }
    } else if (token === ',') {
      // One select item per line; one CTE per line.
      if (top.subquery && (top.clause === 'select' || top.clause === 'with')) {
        copyTo(at + 1);
        out.push(top.clause === 'select' ? newline(1) : newline());
        if (text.charCodeAt(at + 1) === 32) copied = at + 2;
      }
    } else if (top.subquery) {
      top.clause = JOINS.has(token) ? 'from' : token;
      copyTo(at);
      const last = out[out.length - 1];
      if (last?.endsWith(' ')) out[out.length - 1] = last.slice(0, -1);
      if (out.length > 0) out.push(newline());
    }
  });
  copyTo(text.length);
  return out.join('').trimStart();
}

const DOUBLE_QUOTE = 34;
const SINGLE_QUOTE = 39;
const OPEN = 40;
const CLOSE = 41;
const COMMA = 44;

/** The keywords by their first letter. */
const KEYWORDS_BY_LETTER = new Map<number, string[]>();
for (const keyword of KEYWORDS) {
  const letter = keyword.charCodeAt(0);
  KEYWORDS_BY_LETTER.set(letter, [...(KEYWORDS_BY_LETTER.get(letter) ?? []), keyword]);
}

const isWordChar = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;

/**
 * Calls `found` with each parenthesis, comma and keyword, in order. Quoted identifiers
 * and string literals are stepped over, so a name like `"from"` is never taken for a
 * keyword; a keyword counts only as a whole word. (A scan by hand rather than a
 * regular expression: one match object per token was a fifth of all the memory a
 * compile allocated.)
 */
function scanTokens(text: string, found: (at: number, token: string) => void): void {
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === DOUBLE_QUOTE || c === SINGLE_QUOTE) {
      i = afterQuoted(text, i);
    } else if (c === OPEN || c === CLOSE || c === COMMA) {
      found(i, c === OPEN ? '(' : c === CLOSE ? ')' : ',');
      i++;
    } else if (isWordChar(c)) {
      const keyword = i === 0 || !isWordChar(text.charCodeAt(i - 1)) ? keywordAt(text, i) : undefined;
      if (keyword) {
        found(i, keyword);
        i += keyword.length;
      } else {
        // No keyword starts inside a word.
        do i++;
        while (i < text.length && isWordChar(text.charCodeAt(i)));
      }
    } else {
      i++;
    }
  }
}

function keywordAt(text: string, at: number): string | undefined {
  for (const keyword of KEYWORDS_BY_LETTER.get(text.charCodeAt(at)) ?? []) {
    if (text.startsWith(keyword, at) && !isWordChar(text.charCodeAt(at + keyword.length))) return keyword;
  }
  return undefined;
}

/**
 * Where to go on from the quote at `open`: past its closing quote (a doubled quote
 * inside stands for one). Quoted text that never closes is not skipped, unless it
 * holds a doubled quote: the last one then closes it, as the regular expression
 * `"(?:[^"]|"")*"` would match it.
 */
function afterQuoted(text: string, open: number): number {
  const quote = text[open]!;
  let lastDoubled = open;
  for (let i = text.indexOf(quote, open + 1); i !== -1; i = text.indexOf(quote, i + 2)) {
    if (text[i + 1] !== quote) return i + 1;
    lastDoubled = i;
  }
  return lastDoubled + 1;
}
