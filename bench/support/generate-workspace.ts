/**
 * Writes a large, realistic workspace for the compiler-throughput benchmark: the
 * retail example plus generated "areas" (one file each) of metrics, segments
 * that combine them with earlier areas' segments, and offers — the shape a
 * retailer with hundreds of campaigns ends up with. Deterministic: the same
 * target gives byte-identical files.
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Random } from '../../packages/runtime/src/demo/random';

const CATEGORIES = ['Baby', 'Toys', 'Health & Beauty', 'Outdoor', 'Sports', 'Footwear', 'Home', 'Fashion'];
const CHANNELS = ['web', 'store', 'app'];
const WINDOWS = [30, 60, 90, 180, 365];
const OUTCOMES = ['reactivate', 'onboard', 'retain', 'cross_sell', 'grow', 'migrate'];

export interface GeneratedWorkspace {
  readonly dir: string;
  readonly files: number;
  readonly lines: number;
  readonly metrics: number;
  readonly segments: number;
  readonly offers: number;
}

/**
 * Replaces `dir` with a workspace of at least `targetLines` lines.
 * `retailDir` is the retail example copied in as the base (model, RFM metrics, plans).
 */
export function writeLargeWorkspace(dir: string, retailDir: string, targetLines = 10_000): GeneratedWorkspace {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'seg.json'), `${JSON.stringify({ name: 'bench', database: 'sqlite:./bench.db' }, null, 2)}\n`);
  let lines = 0;
  let files = 0;
  const write = (name: string, text: string): void => {
    writeFileSync(join(dir, name), text);
    lines += text.split('\n').length - 1;
    files++;
  };
  for (const name of readdirSync(retailDir).sort()) {
    if (name.endsWith('.seg') && name !== 'tests.seg') write(name, readFileSync(join(retailDir, name), 'utf8'));
  }

  const rng = new Random(20261122);
  const segmentNames: string[] = [];
  const offerNames: string[] = [];
  let metrics = 0;
  // Strategies and plans close the workspace; they take about this many lines.
  const closingLines = 120;
  for (let area = 1; lines < targetLines - closingLines; area++) {
    const out: string[] = [`// Generated area ${area}: metrics, segments and offers of one campaign team.`, ''];
    const areaMetrics: string[] = [];
    for (let i = 0; i < 20; i++) {
      const { name, text } = metricDecl(rng, area, i, areaMetrics);
      areaMetrics.push(name);
      out.push(text, '');
      metrics++;
    }
    const areaSegments: string[] = [];
    for (let i = 0; i < 8; i++) {
      const name = `a${area}_segment_${i}`;
      out.push(...segmentDecl(rng, name, area, areaMetrics, segmentNames), '');
      areaSegments.push(name);
    }
    for (let i = 0; i < 4; i++) {
      const name = `a${area}_offer_${i}`;
      out.push(...offerDecl(rng, name, area, areaMetrics, areaSegments), '');
      offerNames.push(name);
    }
    segmentNames.push(...areaSegments);
    write(`area-${String(area).padStart(3, '0')}.seg`, `${out.join('\n')}`);
  }
  write('generated-strategies.seg', strategiesAndPlans(rng, segmentNames, offerNames));
  return { dir, files, lines, metrics, segments: segmentNames.length, offers: offerNames.length };
}

function metricDecl(rng: Random, area: number, i: number, earlier: readonly string[]): { name: string; text: string } {
  const days = rng.pick(WINDOWS);
  const category = rng.pick(CATEGORIES);
  const channel = rng.pick(CHANNELS);
  const kind = earlier.length >= 2 ? i % 7 : i % 5;
  const name = `a${area}_metric_${i}`;
  let doc: string;
  let expr: string;
  switch (kind) {
    case 0:
      doc = `Orders through ${channel}, last ${days} days.`;
      expr = `count(orders in last ${days} days where channel = "${channel}")`;
      break;
    case 1:
      doc = `Spend, last ${days} days.`;
      expr = `sum(orders.total in last ${days} days)`;
      break;
    case 2:
      doc = `${category} lines, last ${days} days.`;
      expr = `count(order_lines in last ${days} days where product.category = "${category}")`;
      break;
    case 3:
      doc = `${category} units, last ${days} days.`;
      expr = `sum(order_lines.quantity in last ${days} days where product.category = "${category}")`;
      break;
    case 4:
      doc = `Email opens and clicks, last ${days} days.`;
      expr = `count(email_events in last ${days} days where kind in ("open", "click"))`;
      break;
    case 5:
      doc = 'A ratio of two of this area\'s metrics.';
      expr = `${rng.pick(earlier)} / max(1, ${rng.pick(earlier)})`;
      break;
    default:
      doc = 'Quintile of one of this area\'s metrics.';
      expr = `quintile(${rng.pick(earlier)})`;
  }
  return { name, text: `// ${doc}\nmetric ${name} = ${expr}` };
}

function segmentDecl(rng: Random, name: string, area: number, metrics: readonly string[], earlierSegments: readonly string[]): string[] {
  const conditions: string[] = [];
  const count = rng.int(3, 6);
  for (let c = 0; c < count; c++) {
    switch (rng.int(0, 6)) {
      case 0:
      case 1:
        conditions.push(`${rng.pick(metrics)} >= ${rng.int(1, 5)}`);
        break;
      case 2:
        conditions.push(`predicted_clv >= ${rng.int(1, 20) * 50}`);
        break;
      case 3:
        conditions.push(`any(order_lines in last ${rng.pick(WINDOWS)} days where product.category in ("${rng.pick(CATEGORIES)}", "${rng.pick(CATEGORIES)}"))`);
        break;
      case 4:
        conditions.push(earlierSegments.length > 0 ? `not ${rng.pick(earlierSegments)}` : 'email_opt_in');
        break;
      case 5:
        conditions.push(`churn_risk < 0.${rng.int(3, 9)}`);
        break;
      default:
        conditions.push(`distance_km(latitude, longitude, -33.87, 151.21) <= ${rng.int(5, 50)}`);
    }
  }
  return [`// Area ${area}: a segment of ${count} conditions.`, `segment ${name} "Area ${area} segment" {`, '  all of {', ...conditions.map((c) => `    ${c}`), '  }', '}'];
}

function offerDecl(rng: Random, name: string, area: number, metrics: readonly string[], segments: readonly string[]): string[] {
  const lines = [
    `offer ${name} "Area ${area} offer" {`,
    `  category "${rng.pick(CATEGORIES)}"`,
    `  channels email${rng.chance(0.5) ? ', app' : ''}`,
    `  strategy ${rng.pick(OUTCOMES)}`,
  ];
  if (rng.chance(0.4)) lines.push('  valid from 2026-11-01 to 2026-12-31');
  lines.push(
    `  eligible ${rng.pick(segments)} and not unsubscribed`,
    `  score 0.${rng.int(1, 8)} + 0.1 * min(1, ${rng.pick(metrics)} / 10)`,
    `  value ${rng.int(1, 40)}`,
  );
  if (rng.chance(0.5)) lines.push(`  cap ${rng.int(1, 50) * 100}`);
  lines.push('}');
  return lines;
}

function strategiesAndPlans(rng: Random, segments: readonly string[], offers: readonly string[]): string {
  const out: string[] = ['// Generated strategies and plans over the generated areas.', ''];
  for (let s = 0; s < 5; s++) {
    out.push(`strategy generated_map_${s} {`, '  primary {');
    // Every outcome appears, so every offer's strategy can be given (no SEG4007 warnings).
    for (let r = 0; r < 12; r++) out.push(`    when ${rng.pick(segments)} then ${OUTCOMES[r % OUTCOMES.length]}`);
    out.push('    else grow', '  }', '  secondary {');
    for (let r = 0; r < 5; r++) out.push(`    when ${rng.pick(segments)} then ${rng.pick(OUTCOMES)}`);
    out.push('    else retain', '  }', '}', '');
  }
  for (let p = 0; p < 5; p++) {
    const chosen = Array.from({ length: 12 }, () => rng.pick(offers)).filter((o, i, all) => all.indexOf(o) === i);
    out.push(
      `plan generated_plan_${p} {`,
      '  audience email_opt_in and not unsubscribed',
      '  channel email',
      `  offers ${chosen.join(', ')}`,
      `  strategy generated_map_${p}`,
      '  rank by score * offer.value',
      '  boost 1.5 when offer.strategy = primary',
      '  top 5 per customer',
      '  at most 2 per category',
      '  holdout 10%',
      `  output table generated_plan_${p}_offers`,
      '}',
      '',
    );
  }
  return out.join('\n');
}
