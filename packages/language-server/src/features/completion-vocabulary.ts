/**
 * How keywords are offered: which keyword the grammar expects comes from the
 * parser (core `completionSiteAt`); this file only says how some of them read
 * best as phrases (`in` → also `in last 30 days`, `all` → `all of { … }`),
 * what the clauses of offers and plans mean, and the declaration snippets.
 * Snippet text uses LSP snippet syntax (`${1:name}` placeholders, `$0` end).
 */

export interface Phrase {
  readonly label: string;
  /** Snippet text; the label itself when absent. */
  readonly snippet?: string;
  readonly doc?: string;
}

/** Keyword (with the grammar rule it was expected in) → the phrases to offer for it. */
const PHRASES: Readonly<Record<string, readonly Phrase[]>> = {
  'in@notExpr': [
    { label: 'in', doc: 'In a list: `channel in ("web", "app")`.' },
    { label: 'in last', snippet: 'in last ${1:30} ${2:days}', doc: 'A time window ending at the as-of time: `in last 90 days`.' },
  ],
  'between@notExpr': [{ label: 'between', snippet: 'between ${1:low} and ${2:high}', doc: 'Both ends included; with dates, whole days.' }],
  'is@notExpr': [
    { label: 'is missing', doc: 'True when the value is missing (NULL).' },
    { label: 'is not missing', doc: 'True when the value is present.' },
  ],
  'is@expectation': [{ label: 'is empty' }, { label: 'is not empty' }],
  'starts@notExpr': [{ label: 'starts with', doc: 'Text starts with: `name starts with "Baby"`.' }],
  'all@unary': [{ label: 'all of', snippet: 'all of {\n  $0\n}', doc: 'True when every condition (one per line) holds.' }],
  'any@unary': [{ label: 'any of', snippet: 'any of {\n  $0\n}', doc: 'True when at least one condition (one per line) holds.' }],
  'none@unary': [{ label: 'none of', snippet: 'none of {\n  $0\n}', doc: 'True when no condition (one per line) holds.' }],
  'from@callArg': [{ label: 'from', snippet: 'from ${1:180 days ago} to ${2:90 days ago}', doc: 'A window between two points in time, half-open.' }],
  'where@callArg': [{ label: 'where', doc: "Only the events that match; the event's fields come first, links navigate (`product.category`)." }],
  'holdout@expectation': [{ label: 'holdout of', doc: 'Whether the customer is in the plan\'s holdout (control group).' }],
  'as@testItem': [{ label: 'as of', snippet: 'as of ${1:2026-01-01}', doc: 'The time the test runs as of.' }],
  'rank@planProperty': [{ label: 'rank by', doc: 'What offers are ranked by (default `score`); `offer.…`, `score`, `value`, `primary`, `secondary` exist here.' }],
  'at@planProperty': [{ label: 'at most', snippet: 'at most ${1:2} per category', doc: 'At most this many offers per category for each customer.' }],
  'top@planProperty': [{ label: 'top', snippet: 'top ${1:8} per customer', doc: 'How many offers each customer gets, best first.' }],
  'boost@planProperty': [{ label: 'boost', snippet: 'boost ${1:1.5} when ${2:condition}', doc: 'Multiplies the ranking when the condition holds, e.g. `boost 1.5 when offer.strategy = primary`.' }],
  'suppress@planProperty': [{ label: 'suppress when', doc: 'Contact policy: skip customers for whom this holds (e.g. over `contacts`).' }],
  'output@planProperty': [
    { label: 'output table', snippet: 'output table ${1:name}', doc: 'Where a run writes its rows; `with a, b` adds columns.' },
    { label: 'output csv', snippet: 'output csv "${1:out/file.csv}"' },
    { label: 'output webhook', snippet: 'output webhook "${1:https://}"' },
  ],
  'valid@offerProperty': [{ label: 'valid', snippet: 'valid from ${1:2026-01-01} to ${2:2026-12-31}', doc: 'The dates the offer can be given.' }],
};

/** What each clause means, shown with its keyword. */
const CLAUSE_DOCS: Readonly<Record<string, string>> = {
  'category@offerProperty': 'The offer\'s category, used by `at most N per category`.',
  'channels@offerProperty': 'The channels the offer can go out through: `channels email, app`.',
  'strategy@offerProperty': 'The strategy outcome this offer serves (`cross_sell`, `reactivate`…).',
  'eligible@offerProperty': 'Who may receive the offer: a condition.',
  'score@offerProperty': 'How well the offer fits a customer: a number per customer.',
  'value@offerProperty': 'The expected value of a redemption.',
  'cap@offerProperty': 'At most this many customers per run.',
  'audience@planProperty': 'Who the plan is for: a condition (`entered(s)` and `left(s)` work here).',
  'channel@planProperty': 'The channel the plan sends through.',
  'offers@planProperty': 'The offers the plan chooses from: `all` or a list.',
  'strategy@planProperty': "The strategy whose outcomes `primary` and `secondary` are in the ranking.",
  'holdout@planProperty': 'A share of the audience set aside as a control group: `holdout 10%`.',
  'schedule@planProperty': 'When the plan runs: a cron expression, optionally `in "Time/Zone"`.',
  'primary@strategyBlock': 'Rules for the primary outcome; the first match wins.',
  'secondary@strategyBlock': 'Rules for the secondary outcome: the first match that differs from the primary.',
  'expect@expectation': 'An expectation: `expect "c1" in segment`, `expect strategy("c1") = (a, b)`, `expect plan("c1") includes offer`.',
};

export function phrasesFor(word: string, rule: string): readonly Phrase[] {
  const phrases = PHRASES[`${word}@${rule}`];
  if (phrases) return phrases;
  const doc = CLAUSE_DOCS[`${word}@${rule}`];
  return [{ label: word, ...(doc ? { doc } : {}) }];
}

export interface DeclarationSnippet {
  /** The declaration keyword it starts with (what the user types to find it). */
  readonly keyword: string;
  readonly label: string;
  readonly description: string;
  readonly body: string;
}

export const DECLARATION_SNIPPETS: readonly DeclarationSnippet[] = [
  { keyword: 'audience', label: 'audience', description: 'The table of the people segments select', body: 'audience ${1:customers}' },
  {
    keyword: 'table',
    label: 'table',
    description: 'A table of the data model',
    body: 'table ${1:name} key ${2:id} {\n  ${3:field} ${4|text,number,bool,date,timestamp|}\n}',
  },
  {
    keyword: 'table',
    label: 'table (events)',
    description: 'A table of events linked to the audience',
    body: 'table ${1:events} key ${2:event_id} time ${3:occurred_at} {\n  ${4:customer} -> ${5:customers} on ${6:customer_id}\n  $0\n}',
  },
  { keyword: 'const', label: 'const', description: 'A named constant', body: 'const ${1:name} = ${0:0}' },
  { keyword: 'list', label: 'list', description: 'A named list of values', body: 'list ${1:name} = (${0:"a", "b"})' },
  { keyword: 'map', label: 'map', description: 'A lookup from keys to lists', body: 'map ${1:name} {\n  ${2:"key"} -> (${0:"value"})\n}' },
  { keyword: 'metric', label: 'metric', description: 'A computed value per audience member', body: 'metric ${1:name} = ${0:expression}' },
  { keyword: 'segment', label: 'segment', description: 'A rule that selects audience members', body: 'segment ${1:name} {\n  ${0:condition}\n}' },
  {
    keyword: 'segment',
    label: 'segment (all of)',
    description: 'A segment whose conditions must all hold',
    body: 'segment ${1:name} {\n  all of {\n    ${0:condition}\n  }\n}',
  },
  {
    keyword: 'strategy',
    label: 'strategy',
    description: 'A primary and a secondary outcome for every customer',
    body: 'strategy ${1:name} {\n  primary {\n    when ${2:condition} then ${3:outcome}\n    else ${4:outcome}\n  }\n  secondary {\n    when ${5:condition} then ${6:outcome}\n    else ${7:outcome}\n  }\n}',
  },
  {
    keyword: 'offer',
    label: 'offer',
    description: 'Something to put in front of a customer',
    body: 'offer ${1:name} "${2:Title}" {\n  category "${3:Category}"\n  channels ${4:email}\n  strategy ${5:outcome}\n  eligible ${6:condition}\n  score ${7:0.5}\n  value ${8:1}\n}',
  },
  {
    keyword: 'offers',
    label: 'offers (family)',
    description: 'One offer per row of a table',
    body: 'offers ${1:name} from ${2:table} key ${3:key} {\n  category offer.${4:category}\n  channels ${5:email}\n  strategy ${6:outcome}\n  eligible ${7:condition}\n  score ${8:0.5}\n  value ${9:1}\n}',
  },
  {
    keyword: 'plan',
    label: 'plan',
    description: 'Who gets which offers, when, through which channel',
    body: 'plan ${1:name} "${2:Title}" {\n  audience ${3:condition}\n  channel ${4:email}\n  offers ${5:all}\n  top ${6:1} per customer\n  holdout ${7:10%}\n  output table ${8:name}\n}',
  },
  {
    keyword: 'test',
    label: 'test',
    description: 'An example that CI runs',
    body: 'test "${1:what it shows}" {\n  as of ${2:2026-01-01}\n  ${3:customers} { ${4:customer_id}: "${5:c1}" }\n\n  expect "${5:c1}" in ${0:segment}\n}',
  },
];

/** Words that are values in any expression. */
export const TIME_VALUES: readonly Phrase[] = [
  { label: 'today', doc: 'The start of the as-of day (in the workspace time zone).' },
  { label: 'now', doc: 'The as-of time.' },
];

export const UNITS: readonly string[] = ['days', 'weeks', 'months', 'years', 'hours'];
export const FIELD_TYPES: readonly string[] = ['text', 'number', 'bool', 'date', 'timestamp'];
/** Ranking functions: their argument may end in `asc` / `desc`. */
export const RANKINGS: ReadonlySet<string> = new Set(['quintile', 'decile', 'percentile', 'rank', 'ntile']);
