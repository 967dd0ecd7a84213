/**
 * The checker's entry point: parse every file, gather declarations into one
 * namespace, build the data model, then check and lower every declaration into
 * the IR (`CheckedWorkspace`), which is returned only when there are no errors.
 *
 * Passes, each linear in the size of the workspace:
 *   parse → declarations (namespace, duplicates) → data model → strategy outcomes
 *   → dependency order of constants/metrics/segments (cycles) → lower them in that
 *   order → strategies → offers → plans → tests.
 */
import type { Diagnostic } from '../diagnostics/diagnostic';
import type {
  CheckedWorkspace,
  ConstDef,
  DataModel,
  MetricDef,
  OfferDef,
  PlanDef,
  ScalarType,
  SegmentDef,
  StrategyDef,
} from '../model/ir';
import type { SourceFile } from '../syntax/ast';
import { parseFile } from '../syntax/parse';
import { comparePaths, sourceHash } from '../workspace/source-hash';
import { CheckContext, type DeclEntry, typeOf, typePhrase, VALUE_KINDS } from './check-context';
import { collectDeclarations } from './declarations';
import { buildDataModel } from './data-model';
import { orderValueDeclarations } from './dependency-order';
import { ExprLowerer } from './lower-expr';
import { lowerConstDecl, lowerListDecl, lowerMapDecl } from './lower-values';
import { checkOffer } from './offer-checker';
import { checkPlan } from './plan-checker';
import { checkStrategy, collectOutcomes } from './strategy-checker';
import type { SymbolIndex } from './symbol-index';
import { checkTests } from './test-checker';

export type { SymbolIndex, SymbolDeclaration, SymbolReference, SymbolKind } from './symbol-index';
export { symbolAt, declarationsOf, referencesTo } from './symbol-index';

export interface WorkspaceInput {
  /** File path (relative to the workspace root, `/`-separated) → text. */
  readonly files: Readonly<Record<string, string>>;
  readonly config?: { readonly name?: string; readonly timezone?: string };
}

export interface CheckResult {
  /** Parsed files, in path order. */
  readonly files: SourceFile[];
  /** Syntax and checker diagnostics, by file (path order) then position. */
  readonly diagnostics: Diagnostic[];
  /** The checked model; present if and only if there are no errors. */
  readonly workspace?: CheckedWorkspace;
  readonly symbols: SymbolIndex;
  /** Each metric's type as far as the checker got, present even when other parts have errors (hover, completion). */
  readonly metricTypes: ReadonlyMap<string, string>;
}

/**
 * Checks a whole workspace. Never throws on bad input: every problem is a diagnostic.
 *
 * @example
 * const { diagnostics, workspace } = checkWorkspace({ files: { 'model.seg': text } });
 */
export function checkWorkspace(input: WorkspaceInput): CheckResult {
  const paths = Object.keys(input.files).sort(comparePaths);
  const parsed = paths.map((path) => parseFile(path, input.files[path]!));
  return checkParsedFiles(parsed, input.config);
}

/**
 * Checks files that are already parsed (the language server keeps parses of
 * unchanged files between keystrokes). Same result as `checkWorkspace`.
 */
export function checkParsedFiles(
  parsed: readonly { readonly file: SourceFile; readonly diagnostics: readonly Diagnostic[] }[],
  config: WorkspaceInput['config'] = {},
): CheckResult {
  const ordered = [...parsed].sort((a, b) => comparePaths(a.file.path, b.file.path));
  const files = ordered.map((p) => p.file);
  const paths = files.map((file) => file.path);
  const syntax = ordered.flatMap((p) => p.diagnostics);
  const texts = new Map(files.map((file) => [file.path, file.text]));
  const sources: Record<string, string> = Object.fromEntries(texts);

  const timezone = config?.timezone ?? 'UTC';
  const ctx = new CheckContext(timezone, texts);
  const collected = collectDeclarations(ctx, files);
  const familySources = new Set<string>();
  for (const entry of collected.ordered) if (entry.kind === 'offerFamily') familySources.add(entry.node.source.text);
  buildDataModel(ctx, collected, familySources);
  warnShadowedFields(ctx, collected.ordered);
  collectOutcomes(ctx, collected.ordered);

  const lowerer = new ExprLowerer(ctx);
  const { order, cyclic } = orderValueDeclarations(ctx, lowerer.resolver, collected.ordered);
  for (const name of cyclic) if (ctx.decls.get(name)?.kind === 'metric') ctx.metricTypes.set(name, 'unknown');

  const consts: Record<string, ConstDef> = {};
  const metrics: Record<string, MetricDef> = {};
  const segments: Record<string, SegmentDef> = {};
  const evaluationOrder: { kind: 'metric' | 'segment'; name: string }[] = [];
  for (const entry of order) {
    const isCyclic = cyclic.has(entry.name);
    const declared = declaredParts(entry);
    switch (entry.kind) {
      case 'const':
      case 'list': {
        const value = entry.kind === 'const' ? lowerConstDecl(lowerer, entry.node, entry.file) : lowerListDecl(lowerer, entry.node, entry.file);
        if (value && !isCyclic) {
          ctx.constValues.set(entry.name, value);
          consts[entry.name] = { ...declared, value };
        }
        break;
      }
      case 'map': {
        const map = lowerMapDecl(lowerer, entry.node, entry.file);
        if (map && !isCyclic) ctx.mapValues.set(entry.name, map);
        break;
      }
      case 'metric': {
        const expr = lowerer.lower(entry.node.value, { file: entry.file });
        const type = typeOf(expr);
        if (type === 'list' || type === 'outcome' || type === 'duration') {
          ctx.report('SEG2013', entry.file, entry.node.value.span, `A metric is one value per customer, but this is ${typePhrase(type)}.`);
        }
        if (isCyclic) break;
        const scalar = type === 'list' || type === 'outcome' || type === 'duration' ? 'unknown' : type;
        ctx.metricTypes.set(entry.name, scalar);
        metrics[entry.name] = { ...declared, type: scalar as ScalarType, expr };
        evaluationOrder.push({ kind: 'metric', name: entry.name });
        break;
      }
      case 'segment': {
        const condition = lowerer.condition(entry.node.condition, { file: entry.file }, 'A segment');
        if (isCyclic) break;
        segments[entry.name] = { ...declared, condition };
        evaluationOrder.push({ kind: 'segment', name: entry.name });
        break;
      }
    }
  }

  const strategies: Record<string, StrategyDef> = {};
  for (const entry of collected.ordered) {
    if (entry.kind === 'strategy') strategies[entry.name] = checkStrategy(lowerer, entry.node, entry.file);
  }
  const offers = new Map<string, OfferDef>();
  for (const entry of collected.ordered) {
    if (entry.kind === 'offer' || entry.kind === 'offerFamily') offers.set(entry.name, checkOffer(lowerer, entry.node, entry.file));
  }
  const plans = new Map<string, PlanDef>();
  for (const entry of collected.ordered) {
    if (entry.kind === 'plan') plans.set(entry.name, checkPlan(lowerer, entry.node, entry.file, offers));
  }
  const tests = checkTests(lowerer, collected.tests, plans);

  const diagnostics = sortDiagnostics([...syntax, ...withoutTruncationEchoes(ctx.diagnostics, syntax, texts)], paths);
  const symbols = ctx.symbols.build();
  const metricTypes: ReadonlyMap<string, string> = ctx.metricTypes;
  if (diagnostics.some((d) => d.severity === 'error')) return { files, diagnostics, symbols, metricTypes };

  const model: DataModel = { audience: ctx.audience, tables: Object.fromEntries(ctx.tables) };
  const workspace: CheckedWorkspace = {
    model,
    consts,
    metrics,
    segments,
    strategies,
    offers: Object.fromEntries(offers),
    plans: Object.fromEntries(plans),
    tests,
    evaluationOrder,
    timezone,
    sourceHash: sourceHash(sources),
  };
  return { files, diagnostics, workspace, symbols, metricTypes };
}

function declaredParts(entry: DeclEntry): { name: string; label?: string; doc?: string; origin: { file: string; span: { start: number; end: number } } } {
  const node = entry.node;
  return {
    name: entry.name,
    ...(node.label ? { label: node.label.value } : {}),
    ...(node.doc ? { doc: node.doc } : {}),
    origin: { file: entry.file, span: node.name.span },
  };
}

/** A metric, segment or constant named like an audience field hides that field everywhere: say so once, at the declaration. */
function warnShadowedFields(ctx: CheckContext, entries: readonly DeclEntry[]): void {
  const audience = ctx.audienceTable();
  if (!audience) return;
  for (const entry of entries) {
    if (!VALUE_KINDS.has(entry.kind) || !audience.fields[entry.name]) continue;
    ctx.report(
      'SEG1005',
      entry.file,
      entry.node.name.span,
      `${entry.kind === 'const' ? 'Constant' : entry.kind.charAt(0).toUpperCase() + entry.kind.slice(1)} \`${entry.name}\` hides the field \`${entry.name}\` of \`${audience.name}\`; write \`${audience.name}.${entry.name}\` for the field.`,
    );
  }
}

/**
 * A syntax error right after an expression on its line (`count(orders) where …`) cut that
 * expression short; a complaint about the kind of value the remainder is only echoes it.
 */
function withoutTruncationEchoes(checked: readonly Diagnostic[], syntax: readonly Diagnostic[], texts: ReadonlyMap<string, string>): Diagnostic[] {
  if (syntax.length === 0) return [...checked];
  return checked.filter((d) => {
    if (d.code !== 'SEG2002') return true;
    const text = texts.get(d.file) ?? '';
    return !syntax.some((e) => e.file === d.file && e.span.start >= d.span.end && /^[ \t]*$/.test(text.slice(d.span.end, e.span.start)));
  });
}

function sortDiagnostics(diagnostics: Diagnostic[], paths: readonly string[]): Diagnostic[] {
  const rank = new Map(paths.map((path, index) => [path, index]));
  return diagnostics
    .map((diagnostic, index) => ({ diagnostic, index }))
    .sort(
      (a, b) =>
        (rank.get(a.diagnostic.file) ?? paths.length) - (rank.get(b.diagnostic.file) ?? paths.length) ||
        a.diagnostic.span.start - b.diagnostic.span.start ||
        a.index - b.index,
    )
    .map(({ diagnostic }) => diagnostic);
}
