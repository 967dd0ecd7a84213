/**
 * `seg compile`: every file of a workspace's compiled output, as path → text.
 * Byte-identical for identical input: names are sorted, JSON keys are written
 * in a fixed order, and nothing depends on the clock or the machine.
 */
import type { CheckedWorkspace, TimePoint } from '@seg/core';
import type { CompiledQuery, ParamSpec } from './parameters';
import { compilePlan } from './plan/plan-compiler';
import { compileMetric, compileSegment, resolveDialect, type DialectLike } from './segment-compiler';

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * @example
 * for (const [path, text] of Object.entries(compileWorkspace(ws, 'sqlite'))) writeFile(join(out, path), text)
 * // weekly_email.plan.json, segments/dormant.sql, metrics/spend_12m.sql, …
 */
export function compileWorkspace(ws: CheckedWorkspace, dialectLike: DialectLike): Record<string, string> {
  const dialect = resolveDialect(dialectLike);
  const files: Record<string, string> = {};
  for (const name of Object.keys(ws.plans).sort(byName)) {
    files[`${name}.plan.json`] = `${JSON.stringify(compilePlan(ws, name, dialect), null, 2)}\n`;
  }
  for (const name of Object.keys(ws.segments).sort(byName)) {
    const def = ws.segments[name]!;
    files[`segments/${name}.sql`] = sqlFile(`segment ${name}${label(def.label)}`, 'key: the members, as of the run', dialect.name, compileSegment(ws, name, dialect));
  }
  for (const name of Object.keys(ws.metrics).sort(byName)) {
    const def = ws.metrics[name]!;
    files[`metrics/${name}.sql`] = sqlFile(`metric ${name}${label(def.label)}`, `(key, value) for every audience member; value is ${def.type}`, dialect.name, compileMetric(ws, name, dialect));
  }
  return files;
}

const oneLine = (text: string) => text.replace(/[\r\n\u2028\u2029]+/g, ' ');
const label = (text: string | undefined) => (text ? ` "${oneLine(text)}"` : '');

function sqlFile(title: string, returns: string, dialect: string, query: CompiledQuery): string {
  const lines = [`-- ${title} (${dialect})`, `-- Returns ${returns}.`];
  if (query.parameters.length > 0) {
    lines.push('-- Parameters, in order (bind with bindParameters from @seg/compiler):');
    query.parameters.forEach((p, i) => lines.push(`--   ${i + 1}. ${oneLine(describeParam(p))}`));
  }
  return `${lines.join('\n')}\n${query.sql};\n`;
}

/** A parameter in words, for the header of a SQL file. */
export function describeParam(p: ParamSpec): string {
  switch (p.kind) {
    case 'value':
      return JSON.stringify(p.value);
    case 'time':
      return `${describePoint(p.point)} (${p.encoding === 'epochSeconds' ? 'epoch seconds' : 'ISO-8601 UTC'})`;
    case 'run':
      return `the run's ${p.name}`;
  }
}

function describePoint(point: TimePoint): string {
  if (point.kind === 'fixed') return point.date ? `start of ${point.value} in the workspace time zone` : point.value;
  const anchor = point.anchor === 'asOf' ? 'the as-of time' : 'the start of the as-of day';
  if (point.amount === 0) return anchor;
  const unit = `${point.unit}${Math.abs(point.amount) === 1 ? '' : 's'}`;
  return point.amount > 0 ? `${point.amount} ${unit} before ${anchor}` : `${-point.amount} ${unit} after ${anchor}`;
}
