/**
 * Micro-benchmark of `arbitrateInRounds` on a synthetic plan: N customers with
 * ~20 candidates each over 125 offers, 120 of them capped (caps 100–5,000),
 * 10 categories. The candidates are regenerated from the seed on every pass, as
 * a paged SQL source would re-read them, so memory is the algorithm's own.
 *
 *   node bench/arbitration-rounds.mjs [customers=200000] [continuous|discrete] [top=3] [perCategory=2] [capScale=1]
 *
 * capScale multiplies every cap: 0.1 with 20,000 customers keeps the contention of 200,000 (quick to try).
 *
 * "discrete" scores take few values (offer level × a customer quintile), as in
 * examples/retail, so the tie-break decides much of the outcome.
 */
import type { Candidate } from '../packages/compiler/src/plan/arbitration';
import { arbitrateInRounds } from '../packages/compiler/src/plan/arbitration-rounds';
import { seededRandom } from '../packages/core/test/support/seeded-random';

const customers = Number(process.argv[2] ?? 200_000);
const scores = (process.argv[3] ?? 'continuous') as 'continuous' | 'discrete';
const top = Number(process.argv[4] ?? 3);
const perCategory = Number(process.argv[5] ?? 2);
const capScale = Number(process.argv[6] ?? 1);

const catalogueRandom = seededRandom(7);
const catalogue = Array.from({ length: 125 }, (_, i) => ({
  offer: `offer_${String(i).padStart(3, '0')}`,
  category: `category_${i % 10}`,
  cap: i < 120 ? Math.max(1, Math.round((100 + Math.floor(catalogueRandom() * 4901)) * capScale)) : null,
  level: scores === 'discrete' ? [0.25, 0.4, 0.55, 0.7, 0.9][i % 5]! : 0.2 + catalogueRandom(),
}));

function candidatesOf(index: number): Candidate[] {
  const random = seededRandom(1_000_003 + index);
  const customerKey = `c${String(index).padStart(7, '0')}`;
  const quintile = 1 + Math.floor(random() * 5);
  const count = 16 + Math.floor(random() * 9);
  const picked = new Set<number>();
  while (picked.size < count) picked.add(Math.floor(random() * catalogue.length));
  return [...picked].map((o) => {
    const { offer, category, cap, level } = catalogue[o]!;
    const score = scores === 'discrete' ? level * (1 + 0.1 * quintile) : level * random();
    return { customerKey, offer, category, cap, score };
  });
}

const source = {
  forEachCustomer(visit: (candidates: readonly Candidate[]) => void) {
    for (let i = 0; i < customers; i++) visit(candidatesOf(i));
  },
};

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

// What generating the candidates alone costs, per pass.
let started = performance.now();
let generated = 0;
source.forEachCustomer((candidates) => (generated += candidates.length));
const generateMs = performance.now() - started;
const baselineRss = process.memoryUsage().rss;

let assigned = 0;
let total = 0;
started = performance.now();
const cpuBefore = process.cpuUsage();
// With --expose-gc (the runner passes it), the heap still in use at each pass's end: the algorithm's own state.
const gc = (globalThis as { gc?: () => void }).gc;
let peakLive = 0;
const result = await arbitrateInRounds(source, { top, perCategory }, {
  progress: (message) => {
    gc?.();
    const live = process.memoryUsage().heapUsed;
    peakLive = Math.max(peakLive, live);
    console.error(`${((performance.now() - started) / 1000).toFixed(1).padStart(7)} s  ${message}  (live heap ${mb(live)})`);
  },
  emit: (assignments) => {
    assigned += assignments.length;
    for (const a of assignments) total += a.score;
  },
});
const elapsedMs = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);

console.log(
  JSON.stringify(
    {
      customers,
      candidates: generated,
      scores,
      settings: { top, perCategory },
      capsTotal: catalogue.reduce((sum, o) => sum + (o.cap ?? 0), 0),
      seconds: +(elapsedMs / 1000).toFixed(2),
      cpuSeconds: +((cpu.user + cpu.system) / 1e6).toFixed(2),
      generateSecondsPerPass: +(generateMs / 1000).toFixed(2),
      passes: result.passes,
      priceRounds: result.priceRounds,
      contested: result.contested,
      certified: result.certified,
      assigned,
      totalScore: +total.toFixed(3),
      peakLiveHeapAtPassEnds: mb(peakLive),
      peakRss: mb(process.resourceUsage().maxRSS * 1024),
      rssBefore: mb(baselineRss),
    },
    null,
    2,
  ),
);
