/**
 * The last step of every compile: kysely turns the query tree into SQL text
 * and a parameter list for the dialect; the text is laid out for reading and
 * the parameters become `ParamSpec`s.
 */
import type { Compilable } from 'kysely';
import { toParamSpecs, type CompiledQuery } from './parameters';
import { layoutSql } from './sql/sql-layout';

export function finishQuery(query: Compilable<unknown>): CompiledQuery {
  const compiled = query.compile();
  return { sql: layoutSql(compiled.sql), parameters: toParamSpecs(compiled.parameters) };
}
