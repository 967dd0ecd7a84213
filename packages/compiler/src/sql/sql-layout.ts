/**
 * Lays kysely's one-line SQL out over several lines so a person can read it
 * (`seg compile` output, ranking plans, `--explain`). Only whitespace between
 * tokens changes: quoted identifiers and string literals are copied verbatim,
 * so the statement means exactly what it meant.
 */

const CLAUSES = ['select', 'from', 'where', 'group by', 'order by', 'left join', 'inner join', 'cross join', 'union all', 'with'];

interface Level {
  /** A parenthesis that opened a subquery (its contents are laid out); other parentheses are not. */
  readonly subquery: boolean;
  clause: string;
}

export function layoutSql(text: string): string {
  let out = '';
  const stack: Level[] = [{ subquery: true, clause: '' }];
  const depth = () => stack.filter((l) => l.subquery).length - 1;
  const indent = (extra = 0) => '\n' + '  '.repeat(depth() + extra);
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"' || ch === "'") {
      let j = i + 1;
      while (j < text.length) {
        if (text[j] === ch) {
          if (text[j + 1] === ch) j += 2;
          else break;
        } else j++;
      }
      out += text.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (ch === '(') {
      const rest = text.slice(i + 1, i + 8).toLowerCase();
      const subquery = rest.startsWith('select ') || rest.startsWith('with ');
      stack.push({ subquery, clause: '' });
      out += '(';
      i++;
      continue;
    }
    if (ch === ')') {
      const level = stack.pop();
      if (level?.subquery) out += indent();
      out += ')';
      i++;
      continue;
    }
    if (ch === ',' && stack[stack.length - 1]!.subquery) {
      const top = stack[stack.length - 1]!;
      out += ',';
      i++;
      if (text[i] === ' ') i++;
      // One select item per line; one CTE per line.
      out += top.clause === 'select' ? indent(1) : top.clause === 'with' ? indent() : ' ';
      continue;
    }
    if (/[a-z]/i.test(ch) && (i === 0 || /[\s(]/.test(text[i - 1]!))) {
      const lower = text.slice(i, i + 12).toLowerCase();
      const clause = CLAUSES.find((c) => lower.startsWith(c) && !/[a-z0-9_]/i.test(text[i + c.length] ?? ''));
      if (clause) {
        const top = stack[stack.length - 1]!;
        if (top.subquery) {
          top.clause = clause === 'left join' || clause === 'inner join' || clause === 'cross join' ? 'from' : clause;
          if (out.endsWith(' ')) out = out.slice(0, -1);
          if (out.length > 0 && !out.endsWith('(')) out += indent();
          else if (out.endsWith('(')) out += indent();
          out += text.slice(i, i + clause.length);
          i += clause.length;
          if (clause === 'select' || clause === 'with') {
            if (text[i] === ' ') i++;
            out += ' ';
          }
          continue;
        }
      }
      let j = i;
      while (j < text.length && /[a-z0-9_]/i.test(text[j]!)) j++;
      out += text.slice(i, j);
      i = j;
      continue;
    }
    out += ch;
    i++;
  }
  return out.trimStart();
}
