/**
 * Diagnostic codes of the checker. Grouped by area:
 * SEG1xxx names · SEG2xxx types and expressions · SEG3xxx the data model ·
 * SEG4xxx strategies, offers and plans · SEG5xxx tests.
 *
 * Codes are stable: tests, docs and users' suppressions key on them. Never
 * reuse or renumber a code; retire one by leaving it here with its summary.
 */
import type { Severity } from './diagnostic';

interface CheckCodeInfo {
  readonly severity: Severity;
  readonly summary: string;
}

export const CHECK_CODES = {
  // -- names ---------------------------------------------------------------
  SEG1001: { severity: 'error', summary: 'Two declarations have the same name (all declarations share one namespace).' },
  SEG1002: { severity: 'error', summary: 'A name is not a metric, segment, constant or field in scope.' },
  SEG1003: { severity: 'error', summary: 'A name is not a field of the table (or a property of the offer).' },
  SEG1004: { severity: 'error', summary: 'A table name is not declared in the model.' },
  SEG1005: { severity: 'warning', summary: 'A name hides another one with the same name.' },
  SEG1006: { severity: 'error', summary: 'A name refers to the wrong kind of thing here (e.g. a plan where a value is expected).' },
  SEG1007: { severity: 'error', summary: 'Unknown function.' },
  SEG1008: { severity: 'error', summary: 'Metrics, segments or constants depend on each other in a cycle.' },
  SEG1009: { severity: 'error', summary: 'Unknown offer.' },
  SEG1010: { severity: 'error', summary: 'Unknown strategy.' },
  SEG1011: { severity: 'error', summary: 'Unknown strategy outcome.' },
  SEG1013: { severity: 'error', summary: 'A name that only exists in some places (`offer.…`, `primary`, `score`…) is used elsewhere.' },
  SEG1014: { severity: 'error', summary: 'A dotted name goes through something that is not a link.' },
  SEG1015: { severity: 'error', summary: 'A table declares the same field twice.' },

  // -- types and expressions ------------------------------------------------
  SEG2001: { severity: 'error', summary: 'Two values of different types are compared.' },
  SEG2002: { severity: 'error', summary: 'A condition (yes/no) is expected here.' },
  SEG2003: { severity: 'error', summary: 'A value of the wrong type (e.g. text where a number is expected).' },
  SEG2004: { severity: 'error', summary: 'An aggregate is missing its field, or has one it cannot use (`count(orders.total)`).' },
  SEG2005: { severity: 'error', summary: 'A time window or first/last on a table whose events have no time.' },
  SEG2006: { severity: 'error', summary: 'A time window applied to a value that is not a date or timestamp.' },
  SEG2007: { severity: 'error', summary: 'A text value that is not one of the field’s declared values.' },
  SEG2008: { severity: 'error', summary: 'A function is given the wrong number of arguments.' },
  SEG2009: { severity: 'error', summary: 'A fixed value is expected (constants, list items, map entries).' },
  SEG2010: { severity: 'error', summary: 'A window bound is not a point in time.' },
  SEG2011: { severity: 'error', summary: 'An aggregate over a table that is not an event table of the audience.' },
  SEG2012: { severity: 'error', summary: '`entered(…)`/`left(…)` outside a plan’s audience.' },
  SEG2013: { severity: 'error', summary: 'A metric must be a single value (number, text, bool, date or timestamp).' },
  SEG2014: { severity: 'error', summary: 'A map is used without a key, or something that is not a map is indexed.' },
  SEG2015: { severity: 'error', summary: 'A list mixes values of different types.' },
  SEG2016: { severity: 'error', summary: '`asc`/`desc` given to a function that is not a ranking.' },
  SEG2017: { severity: 'error', summary: 'A duration on its own is not a value (write `30 days ago` or `in last 30 days`).' },
  SEG2018: { severity: 'error', summary: 'Ordering comparison (`<`, `>`…) on values that have no order (bool, outcomes).' },
  SEG2019: { severity: 'warning', summary: 'A time window that can never contain anything (it ends before it starts).' },
  SEG2020: { severity: 'error', summary: 'A map declares the same key twice.' },

  // -- data model -----------------------------------------------------------
  SEG3001: { severity: 'error', summary: 'The workspace has no `audience` declaration.' },
  SEG3003: { severity: 'error', summary: 'The audience table has no key.' },
  SEG3004: { severity: 'error', summary: 'A table cannot reach the audience through links and is not a lookup table.' },
  SEG3005: { severity: 'error', summary: 'A link points at a table without a key.' },
  SEG3006: { severity: 'error', summary: 'A table’s `time` field is not a date or timestamp.' },
  SEG3008: { severity: 'error', summary: 'A table uses a name reserved for a built-in table (`contacts`).' },
  SEG3009: { severity: 'error', summary: 'More than one `audience` declaration.' },
  SEG3010: { severity: 'warning', summary: 'An enumerated field lists the same value twice.' },
  SEG3020: { severity: 'warning', summary: 'The connected database has no table or column the model declares (`seg check --db`).' },
  SEG3021: { severity: 'warning', summary: 'A column in the connected database holds a different type than the model declares (`seg check --db`).' },

  // -- strategies, offers, plans -------------------------------------------
  SEG4001: { severity: 'error', summary: 'A strategy block has no `else` rule, so some customers would get no outcome.' },
  SEG4002: { severity: 'warning', summary: 'A strategy rule after `else` can never fire.' },
  SEG4003: { severity: 'warning', summary: 'A strategy rule repeats an earlier condition and can never fire.' },
  SEG4004: { severity: 'error', summary: 'A strategy is missing its `primary` or `secondary` block.' },
  SEG4005: { severity: 'error', summary: 'An offer or plan property is given twice.' },
  SEG4007: { severity: 'warning', summary: 'A plan includes an offer whose strategy outcome the plan’s strategy never produces.' },
  SEG4008: { severity: 'error', summary: '`top`, `at most` and `cap` need a positive whole number.' },
  SEG4009: { severity: 'error', summary: 'A boost factor must be a positive number literal.' },
  SEG4010: { severity: 'error', summary: 'A holdout must be a share between 0% and 100%.' },
  SEG4011: { severity: 'error', summary: 'An offer’s `valid` dates are not dates, or end before they start.' },
  SEG4012: { severity: 'error', summary: 'A plan has no `offers`.' },
  SEG4013: { severity: 'error', summary: 'Unsupported `per …` in `top`/`at most`.' },
  SEG4014: { severity: 'error', summary: 'A schedule is not a valid cron expression or time zone.' },
  SEG4016: { severity: 'error', summary: 'A plan’s output table has the name of a model or built-in table.' },
  SEG4017: { severity: 'warning', summary: 'A plan lists the same offer twice.' },
  SEG4018: { severity: 'warning', summary: 'A plan lists an offer that is never sent through the plan’s channel.' },
  SEG4020: { severity: 'error', summary: 'An offer’s category or cap depends on the customer; it must be fixed per offer.' },

  // -- tests ----------------------------------------------------------------
  SEG5001: { severity: 'error', summary: 'A test has no `as of` time.' },
  SEG5002: { severity: 'error', summary: 'A test’s `as of` is not a date or timestamp, or is given twice.' },
  SEG5004: { severity: 'error', summary: 'A fixture value is not a literal of the field’s type.' },
  SEG5005: { severity: 'error', summary: 'A fixture row gives the same field twice.' },
  SEG5006: { severity: 'error', summary: 'An expectation names something of the wrong kind (e.g. a metric where a segment is expected).' },
  SEG5007: { severity: 'error', summary: 'An expectation’s expected value has the wrong type or shape.' },
  SEG5008: { severity: 'error', summary: 'Two tests have the same title.' },
  SEG5009: { severity: 'error', summary: 'An expectation’s customer key must be a text or number literal.' },
  SEG5010: { severity: 'error', summary: 'Two fixture rows of one table have the same key.' },
  SEG5011: { severity: 'warning', summary: 'An expectation names an offer the plan never considers.' },
} as const satisfies Record<string, CheckCodeInfo>;

export type CheckCode = keyof typeof CHECK_CODES;
