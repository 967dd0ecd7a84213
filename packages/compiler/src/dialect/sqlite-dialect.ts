/**
 * SQLite (better-sqlite3, the embedded default). Timestamps are compared as
 * epoch seconds: a stored value may be ISO-8601 text (`unixepoch` parses it,
 * offsets included; text without an offset is UTC) or a number of seconds,
 * and each row is read the way it is stored (`unixepoch(x, 'auto')`, SQLite
 * 3.45+). Parameters are `?`.
 */
import { DummyDriver, Kysely, SqliteAdapter, SqliteIntrospector, sql } from 'kysely';
import { oncePerPoint, type Dialect, type Sql } from './dialect';
import { TimeParam } from '../parameters';
import { SqliteCompiler } from './query-compilers';

const db = new Kysely<any>({
  dialect: {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (k) => new SqliteIntrospector(k),
    createQueryCompiler: () => new SqliteCompiler(),
  },
});

// The modifiers of unixepoch() and strftime(), made once: every timestamp column read uses them.
const SUBSEC = sql.lit('subsec');
const AUTO = sql.lit('auto');
const ISO_FORMAT = sql.lit('%Y-%m-%dT%H:%M:%fZ');
const UNIXEPOCH = sql.lit('unixepoch');

export const sqliteDialect: Dialect = {
  name: 'sqlite',
  capabilities: {
    mathFunctions: true,
    percentileDisc: true,
    nativeBoolean: false,
    integerDivision: '/',
    windowFunctions: true,
    existenceProbes: true,
    textTimestamps: true,
  },
  timeEncoding: 'epochSeconds',
  db,
  // better-sqlite3 cannot bind booleans: they travel as 1/0, which is how SQLite stores them.
  param: (value) => sql`${typeof value === 'boolean' ? (value ? 1 : 0) : value}`,
  timeParam: oncePerPoint((point) => sql`${new TimeParam(point, 'epochSeconds')}`),
  textTimeParam: (point, rounding) => sql`${new TimeParam(point, 'isoSeconds', rounding)}`,
  timeFromText: (value) => sql`unixepoch(${value})`,
  readTimestamp(column, storage) {
    if (storage === 'epochSeconds') return column;
    if (storage === 'text' || storage === 'isoUtcSeconds') return sql`unixepoch(${column}, ${SUBSEC})`;
    // 'subsec' keeps milliseconds. 'auto' reads a number as epoch seconds (outside 0…5,373,484, which it takes for a Julian day
    // number — instants before 3 March 1970) and leaves ISO text to the usual parser: one call per
    // row, measurably cheaper than branching on typeof().
    return sql`unixepoch(${column}, ${AUTO}, ${SUBSEC})`;
  },
  epochSeconds: (value) => value,
  timestampOutput: (value) => sql`strftime(${ISO_FORMAT}, ${value}, ${UNIXEPOCH})`,
  codePointOrder: (value) => value,
  divide: (a, b) => sql`(cast(${a} as real) / nullif(${b}, 0))`,
  intDivide: (a, b) => sql`((${a}) / (${b}))`,
  least: (args) => sql`min(${sql.join(args as Sql[])})`,
  greatest: (args) => sql`max(${sql.join(args as Sql[])})`,
  leastPropagatesNull: true,
  round: (x, digits) => (digits ? sql`round(${x}, ${digits})` : sql`round(${x})`),
  concat: (a, b) => sql`(${a} || ${b})`,
  contains: (subject, pattern) => sql`(instr(${subject}, ${pattern}) > 0)`,
  columnType: (type) => ({ text: 'text', number: 'real', integer: 'integer', bool: 'integer', timestamp: 'text' })[type],
  bool: (value) => (value ? sql`true` : sql`false`),
};
