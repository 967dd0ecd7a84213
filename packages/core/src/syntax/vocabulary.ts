/**
 * The words of the language, for editor tooling: which words can never be a
 * new declaration's name, and what each built-in function does (hover,
 * completion). Descriptions follow docs/language.md.
 */
import { allTokens, keywordWord } from './tokens';

/** Every keyword, hard (`and`, `in`) and soft (`category`, `offer`): none of them makes a clear new name. */
export const KEYWORDS: ReadonlySet<string> = new Set(allTokens.map(keywordWord).filter((word): word is string => word !== undefined));

/** Identifiers the parser reads as something else (`today` and `now` are points in time). */
const READ_AS_VALUES: ReadonlySet<string> = new Set(['today', 'now']);

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Why `name` cannot be given to a declaration, or undefined when it can.
 *
 * @example
 * newNameProblem('winback') // undefined
 * newNameProblem('2nd')     // '`2nd` is not a name: …'
 */
export function newNameProblem(name: string): string | undefined {
  if (!IDENTIFIER.test(name)) {
    return `\`${name}\` is not a name: use letters, digits and underscores, starting with a letter or underscore (snake_case).`;
  }
  if (KEYWORDS.has(name)) return `\`${name}\` is a keyword of the language; choose another name.`;
  if (READ_AS_VALUES.has(name)) return `\`${name}\` always means the as-of time; choose another name.`;
  return undefined;
}

export interface BuiltinFunction {
  readonly name: string;
  /** How it is called: `sum(SOURCE.field [WINDOW] [where CONDITION])`. */
  readonly signature: string;
  readonly description: string;
}

const AGGREGATE_TAIL = '[WINDOW] [where CONDITION]';

function bucketRanking(name: string, buckets: number): BuiltinFunction {
  return {
    name,
    signature: `${name}(x [desc])`,
    description: `1..${buckets} against the whole audience, ${buckets} = highest \`x\` (\`desc\`: ${buckets} = lowest); missing when \`x\` is.`,
  };
}

const FUNCTIONS: readonly BuiltinFunction[] = [
  { name: 'count', signature: `count(SOURCE ${AGGREGATE_TAIL})`, description: 'Number of events; 0 when there are none.' },
  { name: 'sum', signature: `sum(SOURCE.field ${AGGREGATE_TAIL})`, description: "Total of a field over the events; 0 when there are none." },
  { name: 'avg', signature: `avg(SOURCE.field ${AGGREGATE_TAIL})`, description: 'Average of a field over the events; missing when there are none.' },
  {
    name: 'min',
    signature: `min(SOURCE.field ${AGGREGATE_TAIL})  ·  min(a, b, …)`,
    description: 'With one source of events: the smallest value of a field (missing when there are none). With two or more numbers: the smallest of them.',
  },
  {
    name: 'max',
    signature: `max(SOURCE.field ${AGGREGATE_TAIL})  ·  max(a, b, …)`,
    description: 'With one source of events: the largest value of a field (missing when there are none). With two or more numbers: the largest of them.',
  },
  { name: 'distinct', signature: `distinct(SOURCE.field ${AGGREGATE_TAIL})`, description: 'Number of distinct values of a field over the events; 0 when there are none.' },
  { name: 'first', signature: `first(SOURCE.field ${AGGREGATE_TAIL})`, description: 'The field at the earliest event; missing when there are none.' },
  { name: 'last', signature: `last(SOURCE.field ${AGGREGATE_TAIL})`, description: 'The field at the latest event, e.g. `last(orders.placed_at)`; missing when there are none.' },
  { name: 'any', signature: `any(SOURCE ${AGGREGATE_TAIL})`, description: 'True when there is at least one event.' },
  { name: 'none', signature: `none(SOURCE ${AGGREGATE_TAIL})`, description: 'True when there is no event.' },
  { name: 'round', signature: 'round(x, n)', description: '`x` rounded to `n` decimals (0 when `n` is left out).' },
  { name: 'abs', signature: 'abs(x)', description: 'Absolute value.' },
  { name: 'coalesce', signature: 'coalesce(a, b, …)', description: 'The first value that is not missing.' },
  { name: 'days_since', signature: 'days_since(t)', description: 'Whole days (24-hour periods) from `t` to the as-of time, rounded down.' },
  { name: 'distance_km', signature: 'distance_km(lat1, lon1, lat2, lon2)', description: 'Great-circle distance in kilometres (haversine, Earth radius 6,371 km).' },
  bucketRanking('quintile', 5),
  bucketRanking('decile', 10),
  bucketRanking('percentile', 100),
  { name: 'ntile', signature: 'ntile(x, n)', description: "SQL's NTILE(n) over `x` ascending: `n` equal-sized groups; equal values may be split, by customer key." },
  { name: 'rank', signature: 'rank(x [desc])', description: "SQL's RANK(): position in order of `x`, 1 for the lowest (the highest with `desc`); ties share a position." },
  { name: 'entered', signature: 'entered(SEGMENT)', description: "In a plan's audience only: the members who entered the segment since the plan's previous successful run." },
  { name: 'left', signature: 'left(SEGMENT)', description: "In a plan's audience only: the members who left the segment since the plan's previous successful run." },
];

/** Built-in functions and aggregates by name. */
export const BUILTIN_FUNCTIONS: ReadonlyMap<string, BuiltinFunction> = new Map(FUNCTIONS.map((fn) => [fn.name, fn]));
