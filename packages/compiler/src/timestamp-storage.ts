/**
 * Declaring how timestamps are stored, for workspaces whose model does not say.
 * The checker leaves `FieldDef.storage` unset; a host that knows (a seg.json
 * setting, a schema inspection) fills it in before compiling.
 */
import type { CheckedWorkspace, TableDef, TimestampStorage } from '@seg/core';

/**
 * A copy of `ws` whose timestamp fields without a declared storage get
 * `storage` (a fixed value, or chosen per table and field). Fields that already
 * declare one keep it; the runtime's own `contacts` table is left alone.
 *
 * @example compileCount(withTimestampStorage(ws, 'isoUtcSeconds'), 'active', 'sqlite')
 */
export function withTimestampStorage(
  ws: CheckedWorkspace,
  storage: TimestampStorage | ((table: TableDef, field: string) => TimestampStorage | undefined),
): CheckedWorkspace {
  const tables: Record<string, TableDef> = {};
  for (const [name, table] of Object.entries(ws.model.tables)) {
    if (table.builtin) {
      tables[name] = table;
      continue;
    }
    const fields = Object.fromEntries(
      Object.entries(table.fields).map(([fieldName, field]) => {
        // Dates (`2026-03-01`) are never `isoUtcSeconds` text: only timestamps take the setting.
        if (field.storage || field.link || field.type !== 'timestamp') return [fieldName, field];
        const chosen = typeof storage === 'function' ? storage(table, fieldName) : storage;
        return [fieldName, chosen ? { ...field, storage: chosen } : field];
      }),
    );
    tables[name] = { ...table, fields };
  }
  return { ...ws, model: { ...ws.model, tables } };
}
