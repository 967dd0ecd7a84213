/**
 * kysely's query compilers for the engines, appending each quoted name as one
 * string made once per name: kysely quotes a name with a regular expression and
 * appends it and its two quotes as three strings, every time, and names are most
 * of the SQL text (a 10,000-line workspace compiles to 150,000 of them).
 */
import { PostgresQueryCompiler, SqliteQueryCompiler, type IdentifierNode } from 'kysely';

/** Quoted names seen so far; forgotten past this many, so a long-lived process does not grow. */
const MAX_NAMES = 100_000;
const quotedNames = new Map<string, string>();

/** A name between double quotes, a quote inside doubled: what kysely writes for it. */
function quoted(name: string): string {
  let text = quotedNames.get(name);
  if (text === undefined) {
    if (quotedNames.size >= MAX_NAMES) quotedNames.clear();
    text = `"${name.replaceAll('"', '""')}"`;
    quotedNames.set(name, text);
  }
  return text;
}

export class SqliteCompiler extends SqliteQueryCompiler {
  protected override visitIdentifier(node: IdentifierNode): void {
    this.append(quoted(node.name));
  }
}

export class PostgresCompiler extends PostgresQueryCompiler {
  protected override visitIdentifier(node: IdentifierNode): void {
    this.append(quoted(node.name));
  }
}
