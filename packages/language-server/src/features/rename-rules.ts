/**
 * When a rename must be refused. Two checks:
 *
 * 1. Namespaces, for a clear message before any work. Tables, constants,
 *    lists, maps, metrics, segments, strategies, offers, offer families and
 *    plans share the workspace's one namespace (check/declarations.ts), and
 *    `contacts` is the built-in table's. Fields are per table. Outcomes are one
 *    namespace of their own (two strategies naming `retain` mean the same
 *    outcome). Bare names also meet across namespaces: constants, lists, maps,
 *    metrics and segments hide the audience table's fields of the same name.
 * 2. The result, checked: the edited workspace is checked again and the rename
 *    is refused if it reports a problem it did not have before (a field that
 *    now hides a metric inside an aggregate, say), or if any name would refer
 *    to something else than before.
 */
import { checkWorkspace, LineIndex, symbolId, type Span, type SymbolDeclaration, type SymbolKind } from '@seg/core';
import type { WorkspaceSnapshot } from '../workspace-state';
import { KIND_WORDS, kindPhrase, qualifiedName } from './symbol-lookup';

export interface FileEdit {
  readonly file: string;
  readonly span: Span;
  readonly newText: string;
}

const SHARED_NAMESPACE: ReadonlySet<SymbolKind> = new Set(['table', 'const', 'list', 'map', 'metric', 'segment', 'strategy', 'offer', 'offerFamily', 'plan']);
/** Names that are values in rules, looked up before the audience table's fields. */
const VALUE_KINDS: ReadonlySet<SymbolKind> = new Set(['const', 'list', 'map', 'metric', 'segment']);
const BUILTIN_TABLE = 'contacts';

/** Why `newName` is taken in the namespace of `declaration`, or undefined when it is free. */
export function renameClash(snapshot: WorkspaceSnapshot, declaration: SymbolDeclaration, newName: string): string | undefined {
  const declarations = snapshot.check.symbols.declarations;
  const at = (d: SymbolDeclaration) => `${d.file}:${snapshot.lines(d.file).position(d.nameSpan.start).line + 1}`;
  const audience = audienceTable(snapshot);
  if (declaration.kind === 'field') {
    const sibling = declarations.find((d) => d.kind === 'field' && d.table === declaration.table && d.name === newName);
    if (sibling) return `\`${declaration.table}\` already has a field \`${newName}\` (${at(sibling)}).`;
    const value = declaration.table === audience ? declarations.find((d) => VALUE_KINDS.has(d.kind) && d.name === newName) : undefined;
    if (value) return `\`${newName}\` is already ${kindPhrase(value.kind)} (${at(value)}), which would hide the audience field \`${audience}.${newName}\` in rules.`;
    return undefined;
  }
  if (declaration.kind === 'outcome') {
    const other = declarations.find((d) => d.kind === 'outcome' && d.name === newName);
    return other ? `\`${newName}\` is already an outcome (${at(other)}); the two outcomes would become one.` : undefined;
  }
  if (newName === BUILTIN_TABLE) return `\`${BUILTIN_TABLE}\` is the built-in contact history table; choose another name.`;
  const taken = declarations.find((d) => SHARED_NAMESPACE.has(d.kind) && d.name === newName);
  if (taken) return `\`${newName}\` is already ${kindPhrase(taken.kind)} (${at(taken)}); every name must be unique in the workspace.`;
  const field = VALUE_KINDS.has(declaration.kind) ? declarations.find((d) => d.kind === 'field' && d.table === audience && d.name === newName) : undefined;
  if (field) return `\`${newName}\` is a field of the audience table \`${audience}\` (${at(field)}); ${kindPhrase(declaration.kind)} of that name would hide it in rules.`;
  return undefined;
}

/**
 * Checks the workspace as the rename leaves it: a problem it did not have
 * before, or a name that would refer to something else, refuses the rename.
 */
export function renameSideEffect(snapshot: WorkspaceSnapshot, declaration: SymbolDeclaration, newName: string, edits: readonly FileEdit[]): string | undefined {
  const files: Record<string, string> = Object.fromEntries(snapshot.texts);
  for (const [file, fileEdits] of groupBy(edits, (edit) => edit.file)) files[file] = applyEdits(files[file] ?? '', fileEdits);
  const after = checkWorkspace({ files, config: { name: snapshot.config.name, timezone: snapshot.config.timezone } });
  const renaming = `Renaming \`${qualifiedName(declaration)}\` to \`${newName}\``;

  const before = countBy(snapshot.check.diagnostics.map((d) => d.code));
  const grown = [...countBy(after.diagnostics.map((d) => d.code))].filter(([code, count]) => count > (before.get(code) ?? 0)).map(([code]) => code);
  if (grown.length > 0) {
    // Messages quote names, so one not seen before is the new problem (most likely).
    const known = new Set(snapshot.check.diagnostics.map((d) => d.message));
    const candidates = after.diagnostics.filter((d) => grown.includes(d.code));
    const problem = candidates.find((d) => !known.has(d.message)) ?? candidates[0]!;
    const line = new LineIndex(files[problem.file] ?? '').position(problem.span.start).line + 1;
    return `${renaming} would cause a new problem at ${problem.file}:${line}: ${problem.message}`;
  }

  const newId = symbolId(declaration.kind, newName, declaration.table);
  const expected = countBy(snapshot.check.symbols.references.map((r) => (r.target === declaration.id ? newId : r.target)));
  const actual = countBy(after.symbols.references.map((r) => r.target));
  const gained = [...actual].find(([id, count]) => count > (expected.get(id) ?? 0))?.[0];
  if (gained !== undefined && gained !== newId) return `${renaming} would change what some names refer to: they would mean ${describeId(gained)} instead.`;
  if (gained === newId) return `${renaming} would capture other uses of \`${newName}\` in the workspace that do not refer to it now.`;
  if ([...expected].some(([id, count]) => count !== (actual.get(id) ?? 0))) return `${renaming} would change what some names refer to.`;
  return undefined;
}

/** The audience table's name (the first `audience` in path order, as the checker takes it). */
function audienceTable(snapshot: WorkspaceSnapshot): string | undefined {
  for (const file of snapshot.check.files) {
    for (const decl of file.declarations) if (decl.kind === 'Audience') return decl.table.text;
  }
  return undefined;
}

/** `the metric \`total\``, `the field \`orders.total\`` from a symbol id. */
function describeId(id: string): string {
  const colon = id.indexOf(':');
  const kind = id.slice(0, colon) as SymbolKind;
  return `the ${KIND_WORDS[kind] ?? kind} \`${id.slice(colon + 1)}\``;
}

function applyEdits(text: string, edits: readonly FileEdit[]): string {
  let result = text;
  for (const edit of [...edits].sort((a, b) => b.span.start - a.span.start)) {
    result = result.slice(0, edit.span.start) + edit.newText + result.slice(edit.span.end);
  }
  return result;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    let group = groups.get(k);
    if (!group) groups.set(k, (group = []));
    group.push(item);
  }
  return groups;
}

function countBy(keys: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}
