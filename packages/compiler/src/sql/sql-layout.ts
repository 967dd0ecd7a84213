/**
 * Lays kysely's one-line SQL out over several lines so a person can read it
 * (`seg compile` output, ranking plans, `--explain`). Only whitespace between
 * tokens changes: quoted identifiers and string literals are copied verbatim,
 * so the statement means exactly what it meant.
 */

// kysely writes keywords in lower case and quotes every name, so a bare lower-case
// keyword outside quotes is SQL syntax.
const TOKENS = /"(?:[^"]|"")*"|'(?:[^']|'')*'|[(),]|\b(?:select|from|where|group by|order by|left join|inner join|cross join|union all|with)\b/g;
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
  TOKENS.lastIndex = 0;
  for (let m = TOKENS.exec(text); m; m = TOKENS.exec(text)) {
    const token = m[0];
    const at = m.index;
    const first = token.charCodeAt(0);
    if (first === 34 || first === 39) continue; // quoted: copied as it is
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
  }
  copyTo(text.length);
  return out.join('').trimStart();
}
