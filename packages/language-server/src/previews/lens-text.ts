/**
 * What a size lens says, from its preview and the answers known so far:
 *   segment  `1,463 customers · 73.2 % of audience`
 *   plan     `audience 1,463 customers · 152 held out (10 %) · up to 8 offers per customer`
 *   funnel   `2,000 customers → 1,203 → 640 → 198 after each line` (a tooltip names the lines)
 * and `counting…`, `size unavailable: <reason>`, `fix the errors to see the size`.
 * A plan's offers per customer come from ranking and arbitration, i.e. from
 * running it; the lens states the plan's `top N` limit instead.
 */
import { RUNTIME_TABLES } from '@seg/runtime';
import type { CompiledQuery } from '@seg/compiler';
import type { CountResult } from './count-job';
import type { FilePreview } from './file-previews';

/** An answer, or `undefined` while it is being counted. */
export type Lookup = (query: CompiledQuery, holdout?: { plan: string; share: number }) => CountResult | undefined;

export interface LensText {
  readonly title: string;
  readonly tooltip?: string;
}

export const COUNTING = 'counting…';
const number = (n: number) => n.toLocaleString('en-US');

export function lensText(preview: FilePreview, look: Lookup, noun: string): LensText {
  switch (preview.kind) {
    case 'errors':
      return {
        title: preview.elsewhere ? `fix the errors in ${preview.elsewhere.file} (line ${preview.elsewhere.line + 1}) to see the size` : 'fix the errors to see the size',
      };
    case 'failed':
      return unavailable(preview.message);
    case 'segment': {
      const counted = look(preview.count);
      if (counted?.kind !== 'count') return pending(counted);
      return { title: `${number(counted.count)} ${noun}${share(counted.count, counted.audience)}` };
    }
    case 'plan': {
      const counted = look(preview.count);
      const drawn = preview.members ? look(preview.members, { plan: preview.name, share: preview.holdout }) : undefined;
      if (counted?.kind !== 'count') return pending(counted, preview.name);
      if (preview.members && drawn?.kind !== 'holdout') return pending(drawn, preview.name);
      const held = drawn?.kind === 'holdout' ? `${number(drawn.heldOut)} held out (${percent(preview.holdout)} %)` : 'no holdout';
      const offers = `up to ${preview.top} offer${preview.top === 1 ? '' : 's'} per customer`;
      return { title: `audience ${number(counted.count)} ${noun} · ${held} · ${offers}` };
    }
    case 'funnel': {
      const answers = preview.lines.map((line) => look(line.count));
      const failed = answers.find((a) => a?.kind === 'error');
      if (failed) return pending(failed);
      const counts = answers.map((a) => (a?.kind === 'count' ? number(a.count) : '…'));
      const width = Math.max(...counts.map((c) => c.length));
      const audience = answers.find((a) => a?.kind === 'count');
      const start = audience?.kind === 'count' ? `${number(audience.audience)} ${noun}` : noun;
      return {
        title: `${[start, ...counts].join(' → ')} after each line`,
        tooltip: preview.lines.map((line, i) => `${counts[i]!.padStart(width)}  ${line.text}`).join('\n'),
      };
    }
  }
}

/** Still counting, or why it cannot be counted. */
function pending(result: CountResult | undefined, plan?: string): LensText {
  if (result?.kind !== 'error') return { title: COUNTING };
  const runtimeTable = [...RUNTIME_TABLES].find((table) => new RegExp(`\\b${table}\\b`).test(result.message));
  if (runtimeTable && /no such table|does not exist/i.test(result.message)) {
    return unavailable(`the database has no run history yet (table ${runtimeTable})${plan ? `; the first \`seg run ${plan}\` creates it` : ''}`);
  }
  return unavailable(result.message);
}

function unavailable(reason: string): LensText {
  const firstLine = reason.split('\n')[0]!.trim();
  const shown = firstLine.length > 160 ? `${firstLine.slice(0, 159)}…` : firstLine;
  return { title: `size unavailable: ${shown}`, ...(shown === reason ? {} : { tooltip: reason }) };
}

function share(count: number, audience: number): string {
  return audience > 0 ? ` · ${((100 * count) / audience).toFixed(1)} % of audience` : '';
}

function percent(fraction: number): string {
  return String(Number((fraction * 100).toFixed(2)));
}
