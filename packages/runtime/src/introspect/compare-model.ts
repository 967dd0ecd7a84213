import type { DataModel, Diagnostic } from '@seg/core';
import type { DatabaseSchema } from './database-schema';
import { fieldType } from './model-from-schema';

/**
 * Warnings where the model and the connected database disagree: a declared
 * table or column the database lacks, or a column whose database type cannot
 * hold what the model says. Located at the declaration, so the editor and
 * `seg check --db` point at the line to fix.
 */
export function compareModelWithSchema(model: DataModel, schema: DatabaseSchema, dialect: 'sqlite' | 'postgres' | 'duckdb'): Diagnostic[] {
  const tables = new Map(schema.tables.map((t) => [t.name, new Map(t.columns.map((c) => [c.name, c]))]));
  const out: Diagnostic[] = [];
  for (const table of Object.values(model.tables)) {
    if (table.builtin || !table.origin) continue;
    const columns = tables.get(table.sqlName);
    if (!columns) {
      out.push({ code: 'SEG3020', severity: 'warning', message: `The database has no table \`${table.sqlName}\`.`, ...table.origin });
      continue;
    }
    for (const field of Object.values(table.fields)) {
      if (!field.origin) continue;
      const column = columns.get(field.column);
      if (!column) {
        out.push({ code: 'SEG3020', severity: 'warning', message: `Table \`${table.sqlName}\` in the database has no column \`${field.column}\`.`, ...field.origin });
        continue;
      }
      const stored = fieldType(column.declaredType, column.name, dialect);
      if (!compatible(field.type, stored, column.declaredType)) {
        out.push({
          code: 'SEG3021',
          severity: 'warning',
          message: `\`${table.sqlName}.${field.column}\` is ${column.declaredType || 'untyped'} in the database, but the model says ${field.type}.`,
          ...field.origin,
        });
      }
    }
  }
  return out;
}

function compatible(declared: string, stored: string, rawType: string): boolean {
  if (declared === stored || rawType === '') return true;
  // Times are often kept as text (ISO-8601) or numbers (epoch seconds); dates inside timestamps.
  if ((declared === 'timestamp' || declared === 'date') && ['text', 'number', 'timestamp', 'date'].includes(stored)) return true;
  // Booleans are 0/1 integers where the engine has no boolean; keys may be numbers.
  if (declared === 'bool' && stored === 'number') return true;
  if (declared === 'text' && stored === 'number') return true;
  return false;
}
