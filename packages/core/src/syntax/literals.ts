/**
 * Literal values: string escapes, calendar validation of dates and
 * timestamps, duration units. Pure functions shared by the syntax-tree
 * builder and the formatter (which re-escapes strings canonically).
 */
import type { DurationUnit } from './ast';

export interface EscapeProblem {
  /** Offsets relative to the start of the raw string (quote included). */
  readonly start: number;
  readonly end: number;
  readonly message: string;
}

/**
 * Unescapes a string token as written (quotes included; the closing quote
 * may be missing when the string is unterminated).
 */
export function unescapeString(raw: string): { value: string; problems: EscapeProblem[] } {
  const problems: EscapeProblem[] = [];
  if (raw.length > 1 && raw.endsWith('"') && !raw.includes('\\')) return { value: raw.slice(1, -1), problems };
  const end = raw.length > 1 && raw.endsWith('"') && !endsWithEscapedQuote(raw) ? raw.length - 1 : raw.length;
  let value = '';
  let i = 1;
  while (i < end) {
    const ch = raw[i]!;
    if (ch !== '\\') {
      value += ch;
      i++;
      continue;
    }
    const next = raw[i + 1];
    switch (next) {
      case '"':
      case '\\':
        value += next;
        i += 2;
        continue;
      case 'n':
        value += '\n';
        i += 2;
        continue;
      case 't':
        value += '\t';
        i += 2;
        continue;
      case 'u': {
        const match = /^\\u\{([0-9A-Fa-f]{1,6})\}/.exec(raw.slice(i, i + 10));
        const code = match ? Number.parseInt(match[1]!, 16) : NaN;
        if (match && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff)) {
          value += String.fromCodePoint(code);
          i += match[0].length;
          continue;
        }
        const close = raw.indexOf('}', i);
        const badEnd = close > 0 && close < end && close - i <= 12 ? close + 1 : Math.min(end, i + 2);
        problems.push({ start: i, end: badEnd, message: 'A `\\u{…}` escape needs 1 to 6 hexadecimal digits naming a Unicode character, like `\\u{E9}`.' });
        i = badEnd;
        continue;
      }
      default: {
        const shown = next === undefined ? '\\' : `\\${next}`;
        problems.push({
          start: i,
          end: Math.min(end, i + shown.length),
          message: `\`${shown}\` is not a valid escape; use \\" for a quote, \\\\ for a backslash, \\n for a new line, \\t for a tab or \\u{…} for any character.`,
        });
        i += next === undefined ? 1 : 2;
      }
    }
  }
  return { value, problems };
}

/** True when the final `"` is itself escaped (`"abc\"` is unterminated). */
function endsWithEscapedQuote(raw: string): boolean {
  let backslashes = 0;
  for (let i = raw.length - 2; i >= 1 && raw[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 1;
}

/** Writes a string value as a canonical `.seg` string literal. */
export function quoteString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0) || code === 0x2028 || code === 0x2029) {
      out += `\\u{${code.toString(16).toUpperCase()}}`;
    } else out += ch;
  }
  return `${out}"`;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Why a `YYYY-MM-DD` text is not a calendar date, or undefined when it is one. */
export function dateProblem(text: string): string | undefined {
  const year = Number(text.slice(0, 4));
  const month = Number(text.slice(5, 7));
  const day = Number(text.slice(8, 10));
  if (month < 1 || month > 12) return `\`${text}\` is not a date: there is no month ${month}.`;
  if (day < 1 || day > daysInMonth(year, month)) return `\`${text}\` is not a date: month ${month} of ${year} has ${daysInMonth(year, month)} days.`;
  return undefined;
}

/** Why an ISO-8601 timestamp text is not valid, or undefined when it is. */
export function timestampProblem(text: string): string | undefined {
  const dateIssue = dateProblem(text.slice(0, 10));
  if (dateIssue) return dateIssue;
  const hour = Number(text.slice(11, 13));
  const minute = Number(text.slice(14, 16));
  const second = text[16] === ':' ? Number(text.slice(17, 19)) : 0;
  if (hour > 23 || minute > 59 || second > 59) return `\`${text}\` is not a valid time of day.`;
  const offset = /([+-])(\d{2}):?(\d{2})?$/.exec(text.slice(19));
  if (offset && (Number(offset[2]) > 14 || Number(offset[3] ?? 0) > 59)) return `\`${text}\` has an invalid time-zone offset.`;
  return undefined;
}

const UNITS: Readonly<Record<string, DurationUnit>> = {
  hour: 'hour',
  hours: 'hour',
  day: 'day',
  days: 'day',
  week: 'week',
  weeks: 'week',
  month: 'month',
  months: 'month',
  year: 'year',
  years: 'year',
};

/** The unit a word names (`days` → `day`), or undefined. */
export function durationUnit(word: string): DurationUnit | undefined {
  return UNITS[word];
}

const UNIT_WORDS = ['hour', 'hours', 'day', 'days', 'week', 'weeks', 'month', 'months', 'year', 'years'];
/** Abbreviations and units the language does not have, mapped to what to write instead ('' = no equivalent). */
const UNIT_LOOKALIKES: Readonly<Record<string, string>> = {
  h: 'hours', hr: 'hours', hrs: 'hours', d: 'days', dy: 'days', dys: 'days', w: 'weeks', wk: 'weeks', wks: 'weeks',
  mo: 'months', mos: 'months', mon: 'months', mons: 'months', mth: 'months', mths: 'months', y: 'years', yr: 'years', yrs: 'years',
  s: '', sec: '', secs: '', second: '', seconds: '', m: '', min: '', mins: '', minute: '', minutes: '', ms: '',
  millisecond: '', milliseconds: '', quarter: '', quarters: '', decade: '', decades: '',
};

/**
 * Whether a word written right after a number reads as an attempt at a unit of
 * time (`30 dayz`, `5 mins`) rather than the next word of a construct
 * (`top 8 customer`, missing its `per`).
 */
export function looksLikeUnit(word: string): boolean {
  const lower = word.toLowerCase();
  return lower in UNIT_LOOKALIKES || UNIT_WORDS.some((unit) => unit[0] === lower[0] && editDistance(unit, lower) <= 2);
}

/** The unit to write instead of a misspelt or abbreviated one (`dayz` → `days`), if there is one. */
export function suggestUnit(word: string): string | undefined {
  const lower = word.toLowerCase();
  if (UNITS[lower]) return lower;
  if (lower in UNIT_LOOKALIKES) return UNIT_LOOKALIKES[lower] || undefined;
  let best: string | undefined;
  let bestDistance = 2.75;
  for (const unit of UNIT_WORDS) {
    // Ties go to the unit of the same length (`dayz` → `days`, not `day`).
    const distance = editDistance(unit, lower) + (unit.length === lower.length ? 0 : 0.5);
    if (unit[0] === lower[0] && distance < bestDistance) {
      best = unit;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
