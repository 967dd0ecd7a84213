/**
 * Throwaway schemas on the PostgreSQL server named by SEG_TEST_POSTGRES_URL, for
 * tests that hand a database URL to other processes: each `url()` is a fresh
 * schema (set as the search path), all dropped by `dropAll()`.
 */
import { randomBytes } from 'node:crypto';
import { connect } from '../../packages/runtime/src/db/connect';

export interface PostgresSchemas {
  url(): Promise<string>;
  dropAll(): Promise<void>;
}

export function postgresSchemas(serverUrl: string, prefix: string): PostgresSchemas {
  const schemas: string[] = [];
  return {
    async url() {
      const schema = `${prefix}_${randomBytes(4).toString('hex')}`;
      const admin = await connect(serverUrl);
      await admin.exec(`create schema ${schema}`);
      await admin.close();
      schemas.push(schema);
      const url = new URL(serverUrl);
      url.searchParams.set('options', `-c search_path=${schema}`);
      return url.toString();
    },
    async dropAll() {
      const admin = await connect(serverUrl);
      for (const schema of schemas.splice(0)) await admin.exec(`drop schema if exists ${schema} cascade`);
      await admin.close();
    },
  };
}
