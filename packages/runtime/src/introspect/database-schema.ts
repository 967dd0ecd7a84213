/** What `seg model pull` learns of an existing database, engine-neutral. */
export interface DatabaseSchema {
  readonly tables: readonly SchemaTable[];
}

export interface SchemaTable {
  readonly name: string;
  readonly columns: readonly SchemaColumn[];
  /** Primary-key columns, in key order. */
  readonly primaryKey: readonly string[];
  readonly foreignKeys: readonly SchemaForeignKey[];
}

export interface SchemaColumn {
  readonly name: string;
  /** The engine's declared type, as written (e.g. `VARCHAR(40)`, `timestamptz`). */
  readonly declaredType: string;
}

export interface SchemaForeignKey {
  readonly column: string;
  readonly table: string;
  readonly targetColumn: string;
}
