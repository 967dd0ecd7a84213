import { bindParameters, type CompiledQuery } from '@seg/compiler';
import type { Database } from '@seg/runtime';

/** Binds a compiled query's parameters for one as-of time and runs it. */
export async function runCompiled<T>(db: Database, query: CompiledQuery, context: { asOf: Date; timeZone: string }): Promise<T[]> {
  return db.query<T>(query.sql, bindParameters(query.parameters, context));
}
