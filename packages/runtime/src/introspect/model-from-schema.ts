import type { DatabaseSchema, SchemaTable } from './database-schema';

/** Words that cannot name a field in `.seg` (they are the language's own). */
const RESERVED = new Set(
  'and or not in is missing between true false all any none of when then else where from to last ago'.split(' '),
);

type FieldType = 'text' | 'number' | 'bool' | 'date' | 'timestamp';

/**
 * The declared type → `.seg` type. SQLite keeps timestamps as text, so a text column
 * named like a moment (`placed_at`, `created_time`) is read as a timestamp there.
 */
export function fieldType(declaredType: string, column: string, dialect: 'sqlite' | 'postgres' | 'duckdb'): FieldType {
  const type = declaredType.toLowerCase();
  if (/bool/.test(type)) return 'bool';
  if (/timestamp|datetime/.test(type)) return 'timestamp';
  if (/^date$/.test(type)) return 'date';
  if (/int|real|float|double|numeric|decimal|number|money/.test(type)) return 'number';
  if (dialect === 'sqlite' && /(_at|_time|_ts)$/.test(column.toLowerCase())) return 'timestamp';
  return 'text';
}

export interface ModelOptions {
  readonly dialect: 'sqlite' | 'postgres' | 'duckdb';
  /** The audience table; by default the table most other tables link to. */
  readonly audience?: string;
  /** Tables to leave out (e.g. the runtime's own). */
  readonly exclude?: ReadonlySet<string>;
}

/** Writes `.seg` model text for a database schema: audience, tables, keys, times and links. */
export function modelFromSchema(schema: DatabaseSchema, options: ModelOptions): string {
  const tables = schema.tables.filter((t) => !options.exclude?.has(t.name));
  if (tables.length === 0) return '// The database has no tables yet.\n';
  const audience = options.audience ?? guessAudience(tables);
  const reachesAudience = tablesReaching(tables, audience);
  const lines: string[] = ['// Written by `seg model pull`; review the types, then edit freely.', '', `audience ${identifier(audience)}`];
  for (const table of tables) {
    lines.push('', ...tableLines(table, options.dialect, reachesAudience.has(table.name) && table.name !== audience));
  }
  return `${lines.join('\n')}\n`;
}

function tableLines(table: SchemaTable, dialect: ModelOptions['dialect'], isEventSource: boolean): string[] {
  const key = table.primaryKey.length === 1 ? table.primaryKey[0] : undefined;
  const linkByColumn = new Map(table.foreignKeys.map((fk) => [fk.column, fk]));
  const time = isEventSource
    ? table.columns.find((c) => !linkByColumn.has(c.name) && fieldType(c.declaredType, c.name, dialect) === 'timestamp')?.name
    : undefined;
  const header = [`table ${identifier(table.name)}`];
  if (key) header.push(`key ${identifier(key)}`);
  if (time) header.push(`time ${identifier(time)}`);
  const body: [string, string][] = [];
  const used = new Set<string>();
  for (const column of table.columns) {
    if (column.name === key || column.name === time) continue;
    const fk = linkByColumn.get(column.name);
    if (fk) {
      const name = unique(identifier(column.name.replace(/_?id$/i, '') || column.name), used);
      body.push([name, `-> ${identifier(fk.table)} on ${identifier(column.name)}`]);
      continue;
    }
    const name = unique(identifier(column.name), used);
    const alias = name === column.name ? '' : ` as ${JSON.stringify(column.name)}`;
    body.push([name, `${fieldType(column.declaredType, column.name, dialect)}${alias}`]);
  }
  const width = Math.max(0, ...body.map(([name]) => name.length));
  return [`${header.join(' ')} {`, ...body.map(([name, rest]) => `  ${name.padEnd(width)}  ${rest}`), '}'];
}

/** A `.seg` identifier for a database name: snake_case, never a reserved word. */
function identifier(name: string): string {
  let id = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!id || /^[0-9]/.test(id)) id = `f_${id}`;
  return RESERVED.has(id) ? `${id}_` : id;
}

function unique(name: string, used: Set<string>): string {
  let candidate = name;
  for (let i = 2; used.has(candidate); i++) candidate = `${name}_${i}`;
  used.add(candidate);
  return candidate;
}

function guessAudience(tables: readonly SchemaTable[]): string {
  const incoming = new Map<string, number>();
  for (const t of tables) for (const fk of t.foreignKeys) incoming.set(fk.table, (incoming.get(fk.table) ?? 0) + 1);
  const named = tables.find((t) => /^(customers?|clients?|users?|members?|accounts?)$/i.test(t.name));
  const ranked = [...tables].sort((a, b) => (incoming.get(b.name) ?? 0) - (incoming.get(a.name) ?? 0));
  if (named && (incoming.get(named.name) ?? 0) >= (incoming.get(ranked[0]!.name) ?? 0)) return named.name;
  return ranked[0]!.name;
}

/** Tables with a chain of foreign keys leading to the audience. */
function tablesReaching(tables: readonly SchemaTable[], audience: string): Set<string> {
  const reaching = new Set([audience]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const t of tables) {
      if (!reaching.has(t.name) && t.foreignKeys.some((fk) => reaching.has(fk.table))) {
        reaching.add(t.name);
        grew = true;
      }
    }
  }
  return reaching;
}
