/**
 * The single place where values cross between JS and the engines, so that one
 * query yields the same JS values on sqlite, postgres (server or PGlite) and
 * DuckDB. The canonical shapes are documented in database.ts.
 *
 * Engine modules call in here; nothing in this file imports an engine at run
 * time (DuckDB's value classes are passed in), so loading it stays cheap.
 */
import type * as DuckDbApi from '@duckdb/node-api';

// ---------------------------------------------------------------------------
// Shared scalar rules
// ---------------------------------------------------------------------------

/** A 64-bit integer as a number when exact, else left as bigint (never lossy). */
export function bigintToNumber(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value;
}

/** The canonical timestamp text: ISO-8601 in UTC with milliseconds. */
export function toIsoTimestamp(epochMillis: number): string | undefined {
  const date = new Date(epochMillis);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

const TIMESTAMP_TEXT =
  /^(\d{4,})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?\s*(Z|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?)?( BC)?$/i;

/**
 * Parses timestamp text as postgres prints it (`2024-01-02 03:04:05.123456+01`)
 * or as sqlite stores it (`2024-01-02T03:04:05.123Z`, `2024-01-02 03:04:05`)
 * into the canonical ISO string. Text without an offset is taken as UTC. Text
 * that is not a finite timestamp (`infinity`) is returned unchanged.
 * Sub-millisecond digits are truncated: JS Dates cannot hold them.
 */
export function timestampTextToIso(text: string): string {
  const m = TIMESTAMP_TEXT.exec(text);
  if (!m) return text;
  const [, y, mo, d, h, mi, s = '0', frac = '', zone, bc] = m;
  let year = Number(y);
  if (bc) year = 1 - year; // 1 BC is year 0 in ISO numbering
  const date = new Date(
    Date.UTC(2000, Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(frac.slice(0, 3).padEnd(3, '0'))),
  );
  // Date.UTC maps years 0–99 to 1900–1999, so set the year separately.
  date.setUTCFullYear(year);
  let millis = date.getTime();
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(/:/g, '');
    const offsetSeconds =
      Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2, 4) || '0') * 60 + Number(digits.slice(4, 6) || '0');
    millis -= sign * offsetSeconds * 1000;
  }
  return toIsoTimestamp(millis) ?? text;
}

// ---------------------------------------------------------------------------
// Parameters (JS → engine)
// ---------------------------------------------------------------------------

/** sqlite has no boolean or date types: booleans become 1/0, Dates ISO text. */
export function toSqliteParam(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  return value;
}

/**
 * pg would send a Date in the client's local time zone; ISO UTC text is
 * unambiguous, and postgres ignores the `Z` for `timestamp without time zone`,
 * which stores the UTC wall-clock time as intended.
 */
export function toPostgresParam(value: unknown): unknown {
  if (value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  return value;
}

/**
 * DuckDB binds by JS type (string → VARCHAR, integer → INTEGER/BIGINT, …) and
 * then casts to the parameter's SQL type, so strings work for timestamps too.
 */
export function toDuckDbParam(value: unknown, duck: typeof DuckDbApi): DuckDbApi.DuckDBValue {
  if (value === undefined || value === null) return null;
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'bigint':
    case 'boolean':
      return value;
    default:
      if (value instanceof Date) return value.toISOString();
      if (value instanceof Uint8Array) return duck.blobValue(value);
      throw new TypeError(`Cannot bind a ${describe(value)} as a DuckDB parameter`);
  }
}

function describe(value: unknown): string {
  return typeof value === 'object' && value !== null ? (value.constructor?.name ?? 'object') : typeof value;
}

// ---------------------------------------------------------------------------
// Results (engine → JS)
// ---------------------------------------------------------------------------

/** A parser for one postgres type, fed the value's text form. */
export type PgTextParser = (text: string) => unknown;

/**
 * Overrides for pg and PGlite text parsers, keyed by type OID. Without them pg
 * returns int8/numeric as strings (COUNT and SUM!) and both return timestamps
 * as local-time Dates.
 */
export const PG_TEXT_PARSERS: Readonly<Record<number, PgTextParser>> = {
  20: (text) => parseInt8(text), // int8 / bigint: COUNT(*) is int8
  1700: (text) => Number(text), // numeric: SUM/AVG of integers and decimals
  1114: timestampTextToIso, // timestamp without time zone
  1184: timestampTextToIso, // timestamptz
  1082: (text) => text, // date: keep `YYYY-MM-DD`, no time-zone shift
};

function parseInt8(text: string): number | bigint {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text);
}

const SQLITE_BOOLEAN_DECL = /^BOOL/i;
const SQLITE_TIMESTAMP_DECL = /^(TIMESTAMP|DATETIME)/i;

/**
 * sqlite values carry no SQL type, only the declared type of the column they
 * were read from (null for computed values). We read integers as bigint (so
 * large ones are not silently rounded) and use the declared type to restore
 * booleans and canonical timestamps for plain column reads.
 */
export function fromSqlite(value: unknown, declaredType: string | null): unknown {
  if (typeof value === 'bigint') {
    if (declaredType && SQLITE_BOOLEAN_DECL.test(declaredType) && (value === 0n || value === 1n)) {
      return value === 1n;
    }
    return bigintToNumber(value);
  }
  if (typeof value === 'string' && declaredType && SQLITE_TIMESTAMP_DECL.test(declaredType)) {
    return timestampTextToIso(value);
  }
  return value;
}

/** Converts one DuckDB result value (see `createDuckDbValueReader`). */
export type DuckDbValueReader = (value: DuckDbApi.DuckDBValue) => unknown;

/**
 * DuckDB hands back wrapper objects for everything but the plainest types;
 * this turns them into the canonical JS shapes. The module is passed in so this
 * file does not load DuckDB's native binding.
 */
export function createDuckDbValueReader(duck: typeof DuckDbApi): DuckDbValueReader {
  const timestamp = (epochMillis: bigint, fallback: { toString(): string }): string =>
    toIsoTimestamp(Number(epochMillis)) ?? fallback.toString();

  const read: DuckDbValueReader = (value) => {
    if (value === null) return null;
    switch (typeof value) {
      case 'bigint':
        return bigintToNumber(value); // BIGINT (COUNT, SUM of integers), HUGEINT
      case 'object':
        break;
      default:
        return value; // boolean, number, string
    }
    if (value instanceof duck.DuckDBDecimalValue) return Number(value.toString()); // exact text → nearest double
    if (value instanceof duck.DuckDBTimestampTZValue || value instanceof duck.DuckDBTimestampValue) {
      return value.isFinite ? timestamp(value.micros / 1000n, value) : value.toString();
    }
    if (value instanceof duck.DuckDBTimestampMillisecondsValue) {
      return value.isFinite ? timestamp(value.millis, value) : value.toString();
    }
    if (value instanceof duck.DuckDBTimestampSecondsValue) {
      return value.isFinite ? timestamp(value.seconds * 1000n, value) : value.toString();
    }
    if (value instanceof duck.DuckDBTimestampNanosecondsValue) {
      return value.isFinite ? timestamp(value.nanos / 1_000_000n, value) : value.toString();
    }
    if (value instanceof duck.DuckDBBlobValue) return Buffer.from(value.bytes); // as sqlite and pg return blobs
    if (value instanceof duck.DuckDBListValue || value instanceof duck.DuckDBArrayValue) {
      return value.items.map(read);
    }
    if (value instanceof duck.DuckDBStructValue) {
      return Object.fromEntries(Object.entries(value.entries).map(([k, v]) => [k, read(v)]));
    }
    if (value instanceof duck.DuckDBMapValue) {
      return value.entries.map((e) => ({ key: read(e.key), value: read(e.value) }));
    }
    // DATE (`YYYY-MM-DD`), TIME, INTERVAL, UUID, BIT, …: their text form is canonical.
    return value.toString();
  };
  return read;
}
