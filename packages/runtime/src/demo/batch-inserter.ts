/**
 * Buffers generated rows of one table and writes them as multi-row, parameterised
 * INSERT statements of a fixed size (one SQL text, so drivers that cache prepared
 * statements parse it once). Memory stays bounded: the caller flushes whenever a
 * buffer is full.
 */
import { DIALECT_TYPES, quoteIdentifier } from '../fixtures/column-types';
import type { RetailDialect, RetailTable } from './retail-schema';

/** A generated value: timestamps are epoch milliseconds (whole seconds), converted per dialect here. */
export type RawValue = string | number | boolean | null;

export interface InsertTarget {
  query(sql: string, params?: readonly unknown[]): Promise<unknown>;
}

export class BatchInserter {
  /** Rows per statement for full batches. */
  readonly batchRows: number;
  private values: unknown[] = [];
  private pending = 0;
  private total = 0;
  private readonly head: string;
  private readonly sqlByRows = new Map<number, string>();
  private readonly isTimestamp: boolean[];
  private readonly isBool: boolean[];

  constructor(
    private readonly table: RetailTable,
    private readonly dialect: RetailDialect,
    maxRowsPerStatement = 1000,
  ) {
    const width = table.columns.length;
    this.batchRows = Math.max(1, Math.min(maxRowsPerStatement, Math.floor(DIALECT_TYPES[dialect].maxParameters / width)));
    this.head = `INSERT INTO ${quoteIdentifier(table.name)} (${table.columns.map((c) => quoteIdentifier(c.name)).join(', ')}) VALUES `;
    this.isTimestamp = table.columns.map((c) => c.type === 'timestamp');
    this.isBool = table.columns.map((c) => c.type === 'bool');
  }

  /** Rows written so far plus rows buffered. */
  get count(): number {
    return this.total + this.pending;
  }

  get isFull(): boolean {
    return this.pending >= this.batchRows;
  }

  /** Buffers one row, values in the table's column order. */
  add(row: readonly RawValue[]): void {
    const sqlite = this.dialect === 'sqlite';
    for (let i = 0; i < row.length; i++) {
      const value = row[i]!;
      if (value === null) this.values.push(null);
      else if (this.isTimestamp[i]) this.values.push(isoSeconds(value as number));
      else if (this.isBool[i]) this.values.push(sqlite ? (value ? 1 : 0) : Boolean(value));
      else this.values.push(value);
    }
    this.pending++;
  }

  /** Writes full batches, keeping any remainder buffered. */
  async flushFull(db: InsertTarget): Promise<void> {
    while (this.pending >= this.batchRows) await this.write(db, this.batchRows);
  }

  /** Writes everything buffered. */
  async flushAll(db: InsertTarget): Promise<void> {
    await this.flushFull(db);
    if (this.pending > 0) await this.write(db, this.pending);
  }

  private async write(db: InsertTarget, rows: number): Promise<void> {
    const width = this.table.columns.length;
    const params = rows === this.pending ? this.values : this.values.slice(0, rows * width);
    this.values = rows === this.pending ? [] : this.values.slice(rows * width);
    this.pending -= rows;
    this.total += rows;
    await db.query(this.sql(rows), params);
  }

  private sql(rows: number): string {
    let sql = this.sqlByRows.get(rows);
    if (sql === undefined) {
      const width = this.table.columns.length;
      // DuckDB types each `?` from the INSERT's target column; the fixture loader's
      // per-value CASTs (kept for postgres) would double DuckDB's insert time here.
      const parameter = this.dialect === 'duckdb' ? () => '?' : DIALECT_TYPES[this.dialect].parameter;
      const tuples: string[] = [];
      for (let r = 0; r < rows; r++) {
        const cells: string[] = [];
        for (let c = 0; c < width; c++) cells.push(parameter(r * width + c + 1, this.table.columns[c]!.type));
        tuples.push(`(${cells.join(', ')})`);
      }
      sql = this.head + tuples.join(', ');
      // Only the full-batch text repeats; remainders are one-offs.
      if (rows === this.batchRows) this.sqlByRows.set(rows, sql);
    }
    return sql;
  }
}

/** `2026-11-21T09:13:05Z`: ISO-8601 UTC, whole seconds (sorts as text, parses everywhere). */
export function isoSeconds(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 19)}Z`;
}
