/**
 * The last step of every compile: kysely turns the query tree into SQL text
 * and a parameter list for the dialect; the text is laid out for reading and
 * the parameters become `ParamSpec`s.
 */
import type { CompiledQuery as KyselyCompiledQuery, Compilable } from 'kysely';
import type { Dialect, Sql } from './dialect/dialect';
import { toParamSpecs, type CompiledQuery } from './parameters';
import { layoutSql } from './sql/sql-layout';

/** A statement of kysely's query builder. */
export function finishQuery(query: Compilable<unknown>): CompiledQuery {
  return finish(query.compile());
}

/** A statement written as SQL fragments (see `selectSql`), compiled for `dialect`. */
export function finishSql(query: Sql, dialect: Dialect): CompiledQuery {
  return finish(query.compile(dialect.db));
}

function finish(compiled: KyselyCompiledQuery<unknown>): CompiledQuery {
  return { sql: layoutSql(compiled.sql), parameters: toParamSpecs(compiled.parameters) };
}
