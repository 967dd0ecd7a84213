/**
 * The language's meaning, checked on data: every construct of LANGUAGE.md run as
 * compiled SQL on SQLite, PostgreSQL and DuckDB and compared with hand-worked
 * expectations and the reference evaluator (tests/reference/evaluator.ts).
 *
 * The suites live in ./suites and run from this one file so that the engines boot
 * once per test process (PGlite takes seconds to start). Run one suite with
 * `pnpm vitest run tests/semantics/language.test.ts -t "window"`, and one engine
 * with SEG_TEST_ENGINES=sqlite.
 */
import './suites/fixtures.suite';
import './suites/windows.suite';
import './suites/missing-data.suite';
import './suites/aggregates.suite';
import './suites/functions.suite';
import './suites/ranking.suite';
import './suites/composition.suite';
import './suites/injection.suite';
import './suites/examples.suite';
