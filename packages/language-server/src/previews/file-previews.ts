/**
 * What the size lenses of one file count, compiled and not yet run: for each
 * segment its count (`compileCount`, the SQL `seg count` runs), for each plan
 * the count of its audience and — when it holds some out — its members for the
 * holdout draw, for each `all of` block one count per line (that line and
 * those above it, together). Pure: it compiles, it never touches a database.
 */
import type { CheckedWorkspace, CheckResult, Expr, IrExpr, PlanDecl, SegmentDecl, Span } from '@seg/core';
import { compileCount, compileSegment, type CompiledQuery, type DialectName } from '@seg/compiler';
import { allOfBlocks } from './all-of-blocks';

export type FilePreview =
  | { readonly kind: 'segment'; readonly name: string; readonly span: Span; readonly count: CompiledQuery }
  | {
      readonly kind: 'plan';
      readonly name: string;
      readonly span: Span;
      readonly count: CompiledQuery;
      /** The audience's keys, for the holdout draw; absent without a holdout. */
      readonly members?: CompiledQuery;
      /** Share held out, 0..1. */
      readonly holdout: number;
      /** `top N per customer`. */
      readonly top: number;
    }
  | { readonly kind: 'funnel'; readonly span: Span; readonly lines: readonly { readonly text: string; readonly count: CompiledQuery }[] }
  /** The workspace has errors: nothing compiles. `elsewhere`: none of them is in this declaration. */
  | { readonly kind: 'errors'; readonly name: string; readonly span: Span; readonly elsewhere?: { readonly file: string; readonly line: number } }
  /** It compiles to nothing this database can run (e.g. an engine lacks a function). */
  | { readonly kind: 'failed'; readonly name: string; readonly span: Span; readonly message: string };

/** Not a name anyone can write (it has a space): the funnel's step under compilation. */
const FUNNEL_STEP = 'funnel step';

/**
 * @param ws the checked workspace with the workspace's settings applied (undefined when it has errors)
 * @param lineOf 0-based line of an offset in a file, for the "errors elsewhere" hint
 */
export function filePreviews(
  check: CheckResult,
  ws: CheckedWorkspace | undefined,
  path: string,
  dialect: DialectName,
  lineOf: (file: string, offset: number) => number,
): FilePreview[] {
  const file = check.files.find((f) => f.path === path);
  if (!file) return [];
  const previews: FilePreview[] = [];
  for (const decl of file.declarations) {
    if (decl.kind !== 'Segment' && decl.kind !== 'Plan') continue;
    const name = decl.name.text;
    const span = decl.name.span;
    if (!ws) {
      const errors = check.diagnostics.filter((d) => d.severity === 'error');
      const own = errors.some((d) => d.file === path && d.span.start >= decl.span.start && d.span.start <= decl.span.end);
      const first = errors[0];
      previews.push({ kind: 'errors', name, span, ...(own || !first ? {} : { elsewhere: { file: first.file, line: lineOf(first.file, first.span.start) } }) });
      continue;
    }
    try {
      previews.push(...(decl.kind === 'Segment' ? segmentPreviews(ws, decl, dialect, file.text) : planPreviews(ws, decl, dialect, file.text)));
    } catch (error) {
      previews.push({ kind: 'failed', name, span, message: error instanceof Error ? error.message : String(error) });
    }
  }
  return previews;
}

function segmentPreviews(ws: CheckedWorkspace, decl: SegmentDecl, dialect: DialectName, text: string): FilePreview[] {
  const name = decl.name.text;
  const segment = ws.segments[name];
  if (!segment) return [];
  const step = (condition: IrExpr) =>
    compileCount({ ...ws, segments: { ...ws.segments, [FUNNEL_STEP]: { ...segment, name: FUNNEL_STEP, condition } } }, FUNNEL_STEP, dialect);
  return [
    { kind: 'segment', name, span: decl.name.span, count: compileCount(ws, name, dialect) },
    ...funnels(decl.condition, segment.condition, step, text),
  ];
}

function planPreviews(ws: CheckedWorkspace, decl: PlanDecl, dialect: DialectName, text: string): FilePreview[] {
  const name = decl.name.text;
  const plan = ws.plans[name];
  if (!plan) return [];
  const audience = decl.properties.find((p) => p.key === 'audience');
  // The step keeps the plan's name: `entered(…)` reads that plan's membership history.
  const step = (condition: IrExpr) => compileCount({ ...ws, plans: { ...ws.plans, [FUNNEL_STEP]: { ...plan, audience: condition } } }, FUNNEL_STEP, dialect);
  return [
    {
      kind: 'plan',
      name,
      span: decl.name.span,
      count: compileCount(ws, name, dialect),
      ...(plan.holdout > 0 ? { members: compileSegment(ws, name, dialect) } : {}),
      holdout: plan.holdout,
      top: plan.top,
    },
    ...(audience?.key === 'audience' ? funnels(audience.condition, plan.audience, step, text) : []),
  ];
}

function funnels(expr: Expr, ir: IrExpr, step: (condition: IrExpr) => CompiledQuery, text: string): FilePreview[] {
  return allOfBlocks(expr, ir).map(({ block, lines }) => ({
    kind: 'funnel',
    span: block.span,
    lines: lines.map((_, i) => ({
      text: snippet(text, block.items[i]!.span),
      count: step(i === 0 ? lines[0]! : { kind: 'and', type: 'bool', args: lines.slice(0, i + 1) }),
    })),
  }));
}

/** A line's condition as written, on one line and not too long for a tooltip. */
function snippet(text: string, span: Span): string {
  const flat = text.slice(span.start, span.end).replace(/\s+/g, ' ').trim();
  return flat.length > 60 ? `${flat.slice(0, 59)}…` : flat;
}
