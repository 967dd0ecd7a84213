/**
 * A plan → its ranking plan: the stages of a run as SQL statements over a few
 * temporary tables, plus the settings the runtime applies between them.
 *
 *   setup ─► audience (query keys) ─► holdout (runtime: hash in TS, insert seg_run_audience)
 *        ─► facts (one pass over the data: suppression, strategy, every customer value offers read)
 *        ─► catalogue (one query per offer family) ─► candidates (one insert per offer / family)
 *        ─► arbitration (runtime in TS, or SQL when nothing is capped) ─► output ─► membership ─► cleanup
 */
import { sql } from 'kysely';
import type { CheckedWorkspace, IrExpr, OfferDef, PlanDef, ScalarType } from '@seg/core';
import type { Dialect, Sql } from '../dialect/dialect';
import { finishQuery, finishSql } from '../compiled-query';
import type { CompiledQuery } from '../parameters';
import { AudienceQuery, MEMBERSHIP_TABLE, type FactColumn } from '../sql/audience-query';
import { walk } from '../ir/ir-walk';
import { optimizeWorkspace } from '../ir/existence-rewrite';
import { fieldOf, tableOf } from '../sql/row-joins';
import { asCondition, compileExpr, type LeafExpr } from '../sql/sql-expr';
import { outputValue, resolveDialect, type DialectLike } from '../segment-compiler';
import {
  CANDIDATE_COLUMNS,
  FACTS_ALIAS,
  HOLDOUT_COLUMN,
  KEY_COLUMN,
  SUPPRESSED_COLUMN,
  candidateStatement,
  customerLeaves,
  offerRules,
  rulesExprs,
} from './candidate-statement';
import { HOLDOUT_HASH } from './holdout-hash';
import { RANKING_PLAN_FORMAT, type CatalogueOffer, type OutputColumn, type PlanStage, type PlanStatement, type RankingPlan } from './ranking-plan';
import { offerCatalogueStatement } from './catalogue-statement';

const RUN_AUDIENCE = 'seg_run_audience';
const FACTS = 'seg_run_facts';
const CANDIDATES = 'seg_run_candidates';
const PRIMARY = 'strategy:primary';
const SECONDARY = 'strategy:secondary';

function statement(id: string, kind: 'exec' | 'query', description: string, query: CompiledQuery, columns?: readonly string[]): PlanStatement {
  return { id, kind, description, sql: query.sql, parameters: query.parameters, ...(columns ? { columns } : {}) };
}

const exec = (id: string, description: string, query: { compile(): unknown }) =>
  statement(id, 'exec', description, finishQuery(query as any));

/**
 * The ranking plan of `planName` for a dialect.
 *
 * @example JSON.stringify(compilePlan(ws, 'weekly_email', 'sqlite'), null, 2)
 */
export function compilePlan(ws: CheckedWorkspace, planName: string, dialectLike: DialectLike): RankingPlan {
  ws = optimizeWorkspace(ws);
  const dialect = resolveDialect(dialectLike);
  const plan = ws.plans[planName];
  if (!plan) throw new Error(`"${planName}" is not a plan`);
  const strategy = plan.strategy ? ws.strategies[plan.strategy] : undefined;
  const audienceTable = tableOf(ws, ws.model.audience);
  const keyField = fieldOf(audienceTable, audienceTable.key!);
  const d = dialect;
  const db = d.db;
  const newQuery = () => new AudienceQuery(ws, d, { ...(strategy ? { strategy } : {}), plan: plan.name });

  const offers = plan.offers.map((name) => {
    const offer = ws.offers[name];
    if (!offer) throw new Error(`internal: plan ${plan.name} names unknown offer ${name}`);
    return offer;
  });
  const onChannel = (offer: OfferDef) => !plan.channel || offer.channels.length === 0 || offer.channels.includes(plan.channel);
  const active = offers.filter(onChannel).map((offer) => offerRules(offer, plan));

  // --- setup -------------------------------------------------------------------------------
  const contacts = tableOf(ws, 'contacts');
  const colType = (type: ScalarType) => d.columnType(type === 'date' ? 'timestamp' : type);
  let createContacts = db.schema.createTable(contacts.sqlName).ifNotExists();
  for (const field of Object.values(contacts.fields)) createContacts = createContacts.addColumn(field.column, sql.raw(colType(field.type)) as any);
  const createMemberships = db.schema
    .createTable(MEMBERSHIP_TABLE)
    .ifNotExists()
    .addColumn('plan', sql.raw(d.columnType('text')) as any)
    .addColumn('segment', sql.raw(d.columnType('text')) as any)
    .addColumn('run_id', sql.raw(d.columnType('text')) as any)
    .addColumn('customer_key', sql.raw(d.columnType('text')) as any);
  // `suppress when count(contacts in last 3 days …)` probes contacts per customer and time: without
  // an index every later run scans the whole contact history once per audience member.
  const contactKey = contacts.fields[contacts.audiencePath![0]!]!.column;
  const indexContacts = db.schema
    .createIndex(`${contacts.sqlName}_customer_at`)
    .ifNotExists()
    .on(contacts.sqlName)
    .columns([contactKey, contacts.fields[contacts.time!]!.column]);
  // entered()/left() read one plan's members of one segment in one run.
  const indexMemberships = db.schema.createIndex(`${MEMBERSHIP_TABLE}_run`).ifNotExists().on(MEMBERSHIP_TABLE).columns(['plan', 'segment', 'run_id', 'customer_key']);
  const dropRunTables = [RUN_AUDIENCE, FACTS, CANDIDATES].map((t) => exec(`drop:${t}`, `Forget ${t} of an earlier run on this connection.`, db.schema.dropTable(t).ifExists()));
  const createRunAudience = db.schema
    .createTable(RUN_AUDIENCE)
    .temporary()
    .addColumn('customer_key', sql.raw(colType(keyField.type)) as any, (c) => c.primaryKey())
    .addColumn('holdout', sql.raw(d.columnType('bool')) as any, (c) => c.notNull());
  let createCandidates = db.schema.createTable(CANDIDATES).temporary();
  const candidateTypes: Record<(typeof CANDIDATE_COLUMNS)[number], string> = {
    customer_key: colType(keyField.type),
    offer: d.columnType('text'),
    family: d.columnType('text'),
    category: d.columnType('text'),
    strategy: d.columnType('text'),
    score: d.columnType('number'),
    offer_score: d.columnType('number'),
    value: d.columnType('number'),
    cap: d.columnType('number'),
  };
  for (const column of CANDIDATE_COLUMNS) createCandidates = createCandidates.addColumn(column, sql.raw(candidateTypes[column]) as any);
  const setup: PlanStatement[] = [
    exec('create:contacts', 'The contact history the runtime appends to after each run (if it does not exist yet).', createContacts),
    exec('create:memberships', 'Members of tracked segments per run, for entered()/left() (if it does not exist yet).', createMemberships),
    exec('index:contacts', 'An index on contacts by customer and time, for the contact rule (if it does not exist yet).', indexContacts),
    exec('index:memberships', 'An index on the membership history by plan, segment and run (if it does not exist yet).', indexMemberships),
    ...dropRunTables,
    exec(`create:${RUN_AUDIENCE}`, "This run's audience and holdout draw.", createRunAudience),
    exec(`create:${CANDIDATES}`, 'Eligible (customer, offer) pairs with their scores.', createCandidates),
  ];

  // --- audience ------------------------------------------------------------------------------
  const audienceQuery = newQuery();
  const audienceLevel = audienceQuery.need(plan.audience);
  const audienceSql = finishSql(
    audienceQuery.build(audienceLevel, (scope) => ({
      select: [sql`${scope.key} as ${sql.id('key')}`],
      where: [compileExpr(plan.audience, scope).sql],
      orderBy: [sql.id('key')],
    }), plan.audience),
    d,
  );

  // --- facts ---------------------------------------------------------------------------------
  const facts = newQuery();
  let factsLevel = plan.suppress ? facts.need(plan.suppress) : 0;
  const factColumns = new Map<string, FactColumn>();
  const addFact = (leaf: LeafExpr) => {
    const column = facts.factColumn(leaf);
    if (!factColumns.has(column.name)) factColumns.set(column.name, column);
    factsLevel = Math.max(factsLevel, column.level);
  };
  if (strategy) {
    addFact({ kind: 'strategyOf', type: 'outcome', which: 'primary' });
    addFact({ kind: 'strategyOf', type: 'outcome', which: 'secondary' });
  }
  const outputMetrics = plan.output?.columns ?? [];
  for (const metric of outputMetrics) addFact({ kind: 'metric', type: ws.metrics[metric]?.type ?? 'number', name: metric });
  const leaves: LeafExpr[] = [];
  for (const rules of active) for (const e of rulesExprs(rules)) customerLeaves(e, leaves);
  for (const leaf of leaves) addFact(leaf);
  const runAudience = sql.id(RUN_AUDIENCE);
  const factsQuery = facts.build(factsLevel, (scope) => {
    const select: Sql[] = [
      sql`${scope.key} as ${sql.id(KEY_COLUMN)}`,
      sql`${sql.id('run', 'holdout')} as ${sql.id(HOLDOUT_COLUMN)}`,
      sql`${plan.suppress ? asCondition(compileExpr(plan.suppress, scope), d) : d.bool(false)} as ${sql.id(SUPPRESSED_COLUMN)}`,
    ];
    for (const column of factColumns.values()) select.push(sql`${column.select(scope)} as ${sql.id(column.name)}`);
    return { select, joins: [{ from: runAudience, alias: 'run', on: sql`${sql.id('run', 'customer_key')} = ${scope.key}` }] };
  });
  const factsStatement = exec(
    `create:${FACTS}`,
    "Every customer value the offers, strategy, suppression and output read, once per audience member (holdout included).",
    db.schema.createTable(FACTS).temporary().as(factsQuery),
  );

  // --- catalogue and candidates -----------------------------------------------------------------
  const catalogue: PlanStatement[] = [];
  const candidates: PlanStatement[] = [];
  for (const rules of active) {
    const offer = rules.offer;
    if (offer.family) {
      catalogue.push(
        statement(`catalogue:${offer.name}`, 'query', `The offers of family ${offer.name}, one per row of ${offer.family.source}.`, finishQuery(offerCatalogueStatement(ws, d, rules)), ['offer', 'key', 'category', 'cap']),
      );
    }
    candidates.push(
      exec(`candidates:${offer.name}`, `Eligible customers for ${offer.family ? `the offers of family ${offer.name}` : `offer ${offer.name}`}, with their scores.`, candidateStatement(ws, d, facts, rules)),
    );
  }

  // --- arbitration, output, membership ------------------------------------------------------
  const readCandidates = finishQuery(
    db.selectFrom(CANDIDATES).select(['customer_key', 'offer', 'category', 'score', 'cap']).orderBy('customer_key').orderBy('offer'),
  );
  const uncapped = uncappedArbitration(d, plan);
  const outputSelect: Sql[] = [sql`${sql.id(KEY_COLUMN)} as ${sql.id('customer_key')}`, sql`${sql.id(HOLDOUT_COLUMN)} as ${sql.id('holdout')}`];
  const outputColumns = ['customer_key', 'holdout'];
  if (strategy) {
    outputSelect.push(sql`${sql.id(PRIMARY)} as ${sql.id('strategy')}`, sql`${sql.id(SECONDARY)} as ${sql.id('secondary_strategy')}`);
    outputColumns.push('strategy', 'secondary_strategy');
  }
  for (const metric of outputMetrics) {
    const value = factColumns.get(metric)!.read(FACTS);
    outputSelect.push(sql`${outputValue(value, ws.metrics[metric]?.type ?? 'number', d)} as ${sql.id(metric)}`);
    outputColumns.push(metric);
  }
  const outputQuery = finishQuery(db.selectFrom(FACTS).select(outputSelect as any).orderBy(sql.id(KEY_COLUMN)));

  const tracked = trackedSegments(plan.audience);
  const membership = tracked.map((segment) => {
    const q = newQuery();
    const level = q.need({ kind: 'segment', type: 'bool', name: segment });
    const query = q.build(level, (scope) => ({
      select: [sql`${scope.key} as ${sql.id('key')}`],
      where: [scope.leaf({ kind: 'segment', type: 'bool', name: segment }).sql],
      orderBy: [sql.id('key')],
    }));
    return statement(`membership:${segment}`, 'query', `Current members of ${segment}: the runtime stores them in ${MEMBERSHIP_TABLE} with this run's id once the run succeeds.`, finishSql(query, d), ['key']);
  });

  const stages: PlanStage[] = [
    { stage: 'setup', description: 'Work tables of the run (temporary: run every stage on one connection).', statements: setup },
    {
      stage: 'audience',
      description: "The plan's audience as of the run.",
      statements: [statement('audience', 'query', 'Audience members, as of the run.', audienceSql, ['key'])],
    },
    {
      stage: 'holdout',
      description: `The runtime draws the holdout in TypeScript (holdout.hash) and inserts every audience member into ${RUN_AUDIENCE} with holdout = true/false.`,
      statements: [],
    },
    { stage: 'facts', description: 'Suppression, strategy and every customer value, in one pass over the data.', statements: [factsStatement] },
    { stage: 'catalogue', description: 'Offer families expanded from their catalogue tables.', statements: catalogue },
    { stage: 'candidates', description: `Eligibility (rules, valid dates, channel) and scores with boosts, into ${CANDIDATES}.`, statements: candidates },
    {
      stage: 'arbitration',
      description: 'Read the candidates and arbitrate (arbitration settings); without caps the SQL cut-off gives the same result.',
      statements: [
        statement('arbitration:candidates', 'query', 'All candidates, for arbitration in the runtime.', readCandidates, ['customer_key', 'offer', 'category', 'score', 'cap']),
        statement('arbitration:uncapped', 'query', 'Per-customer cut-off (top N, at most M per category) for runs where no candidate has a cap.', uncapped, ['customer_key', 'offer', 'category', 'score', 'rank']),
      ],
    },
    {
      stage: 'output',
      description: 'Per-customer output columns (strategy, extra metrics, holdout flag), joined by the runtime to the assignments.',
      statements: [statement('output', 'query', 'Output columns for every audience member.', outputQuery, outputColumns)],
    },
    { stage: 'membership', description: 'Segments tracked for entered()/left().', statements: membership },
    {
      stage: 'cleanup',
      description: 'Drop the work tables.',
      statements: [RUN_AUDIENCE, FACTS, CANDIDATES].map((t) => exec(`drop:${t}:end`, `Drop ${t}.`, db.schema.dropTable(t).ifExists())),
    },
  ];

  return {
    format: RANKING_PLAN_FORMAT,
    plan: plan.name,
    label: plan.label ?? null,
    dialect: d.name,
    sourceHash: ws.sourceHash,
    timezone: ws.timezone,
    parameters: [
      { name: 'asOf', description: 'The run time; time parameters are resolved from it in the workspace time zone.' },
      { name: 'plan', description: 'The plan name.' },
      { name: 'runId', description: 'The id of this run.' },
      { name: 'previousRunId', description: "The id of this plan's previous successful run, or null." },
    ],
    session: { timeZone: 'UTC' },
    tables: {
      audience: { table: audienceTable.sqlName, key: keyField.column, keyType: keyField.type },
      contacts: contacts.sqlName,
      memberships: MEMBERSHIP_TABLE,
      runAudience: RUN_AUDIENCE,
      facts: FACTS,
      candidates: CANDIDATES,
    },
    holdout: {
      share: plan.holdout,
      hash: HOLDOUT_HASH,
      input: 'plan name + U+001F + customer key',
      rule: 'held out when fmix32(fnv1a32(utf8(input))) / 2^32 < share (holdoutFraction in @seg/compiler)',
      insert: {
        sql: finishQuery(db.insertInto(RUN_AUDIENCE).values({ customer_key: 'key', holdout: false })).sql,
        columns: ['customer_key', 'holdout'],
      },
    },
    stages,
    offers: offers.map((offer) => catalogueEntry(offer, onChannel(offer))),
    arbitration: {
      top: plan.top,
      perCategory: plan.perCategory ?? null,
      caps: 'candidates.cap',
      order: ['score desc', 'offer asc', 'customer_key asc'],
      algorithm:
        'optimal: of the assignments where each customer has at most top offers, at most perCategory per category (none when category is null) and each offer at most its cap of customers, the one with the highest total score (scores at or below 0 count 0); among equal totals, the one keeping the earliest candidates in order; rank = order within the customer (docs/language.md, decision 28)',
      uncappedStatement: 'arbitration:uncapped',
    },
    channel: plan.channel ?? null,
    strategy: plan.strategy ?? null,
    output: {
      kind: plan.output?.kind ?? 'none',
      target: !plan.output ? null : plan.output.kind === 'table' ? plan.output.table : plan.output.kind === 'csv' ? plan.output.path : plan.output.url,
      columns: outputSchema(ws, plan, keyField.type, strategy !== undefined),
    },
    schedule: plan.schedule ? { cron: plan.schedule.cron, timezone: plan.schedule.timezone ?? ws.timezone } : null,
    trackedSegments: tracked,
  };
}

function catalogueEntry(offer: OfferDef, onChannel: boolean): CatalogueOffer {
  return {
    name: offer.name,
    label: offer.label ?? null,
    family: offer.family ? offer.name : null,
    strategy: offer.strategy ?? null,
    channels: [...offer.channels],
    validFrom: offer.validFrom ?? null,
    validTo: offer.validTo ?? null,
    onChannel,
    source: offer.family ? { table: offer.family.source, key: offer.family.key, statement: `catalogue:${offer.name}` } : null,
  };
}

function outputSchema(ws: CheckedWorkspace, plan: PlanDef, keyType: ScalarType, hasStrategy: boolean): OutputColumn[] {
  const columns: OutputColumn[] = [
    { name: 'run_id', type: 'text', from: 'run', source: 'runId' },
    { name: 'plan', type: 'text', from: 'run', source: 'plan' },
    { name: 'as_of', type: 'timestamp', from: 'run', source: 'asOf' },
    { name: 'customer_key', type: keyType, from: 'arbitration', source: 'customer_key' },
    { name: 'offer', type: 'text', from: 'arbitration', source: 'offer' },
    { name: 'category', type: 'text', from: 'arbitration', source: 'category' },
    { name: 'rank', type: 'integer', from: 'arbitration', source: 'rank' },
    { name: 'score', type: 'number', from: 'arbitration', source: 'score' },
  ];
  if (hasStrategy) {
    columns.push({ name: 'strategy', type: 'text', from: 'facts', source: 'strategy' });
    columns.push({ name: 'secondary_strategy', type: 'text', from: 'facts', source: 'secondary_strategy' });
  }
  columns.push({ name: 'holdout', type: 'bool', from: 'facts', source: 'holdout' });
  for (const metric of plan.output?.columns ?? []) {
    columns.push({ name: metric, type: ws.metrics[metric]?.type ?? 'number', from: 'facts', source: metric });
  }
  return columns;
}

/** Top N per customer with at most M per category, ranked by score then offer name — valid when nothing is capped. */
function uncappedArbitration(d: Dialect, plan: PlanDef): CompiledQuery {
  const db = d.db;
  // Offer names in code-point order, as `compareCandidates` and the runtime's arbitration compare them.
  const byOffer = d.codePointOrder(sql.ref('offer'));
  const byCategory = db
    .selectFrom(CANDIDATES)
    .select([
      'customer_key',
      'offer',
      'category',
      'score',
      sql`row_number() over (partition by ${sql.ref('customer_key')}, ${sql.ref('category')} order by ${sql.ref('score')} desc, ${byOffer})`.as('category_rank'),
    ]);
  let kept: any = db.selectFrom(byCategory.as('c')).select([
    'customer_key',
    'offer',
    'category',
    'score',
    sql`row_number() over (partition by ${sql.ref('customer_key')} order by ${sql.ref('score')} desc, ${byOffer})`.as('rank'),
  ]);
  if (plan.perCategory !== undefined) {
    kept = kept.where(sql<boolean>`(${sql.ref('category')} is null or ${sql.ref('category_rank')} <= ${d.param(plan.perCategory, 'number')})`);
  }
  const query = db
    .selectFrom(kept.as('k'))
    .select(['customer_key', 'offer', 'category', 'score', 'rank'])
    .where(sql<boolean>`${sql.ref('rank')} <= ${d.param(plan.top, 'number')}`)
    .orderBy('customer_key')
    .orderBy('rank');
  return finishQuery(query);
}

/** Segments named in entered()/left() of the plan's audience, sorted. */
function trackedSegments(audience: IrExpr): string[] {
  const found = new Set<string>();
  walk(audience, (e) => {
    if (e.kind === 'membershipChange') found.add(e.segment);
    return true;
  });
  return [...found].sort();
}

export { FACTS_ALIAS };
