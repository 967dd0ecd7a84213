/**
 * Rename: the declaration and every reference, in every file, as one
 * WorkspaceEdit. A rename that cannot be done cleanly is refused with a
 * message saying why (rename-rules.ts), never half done.
 *
 * What can be renamed: constants, lists, maps, metrics, segments, strategies,
 * strategy outcomes, offers, offer families, plans, and fields of the data
 * model. A table cannot: its name is the database table's name. A field keeps
 * reading its database column: renaming `total` writes `order_total number as
 * "total"` (unless it already has an `as`); a link's column is its `on`
 * column, so a link field renames as it is. A `key`/`time` column declared only
 * in the table's header has no body line to carry the `as`, so it cannot be
 * renamed until it is declared in the body.
 */
import { declarationsOf, newNameProblem, referencesTo, type Span, type SymbolDeclaration } from '@seg/core';
import {
  AnnotatedTextEdit,
  LSPErrorCodes,
  ResponseError,
  TextDocumentEdit,
  type ChangeAnnotation,
  type PrepareRenameParams,
  type Range,
  type RenameParams,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import type { Feature } from '../server-context';
import type { WorkspaceSnapshot } from '../workspace-state';
import { renameClash, renameSideEffect, type FileEdit } from './rename-rules';
import { nodeOf, qualifiedName, symbolUnder, type SymbolHit } from './symbol-lookup';

interface RenameTarget {
  readonly hit: SymbolHit;
  readonly declarations: readonly SymbolDeclaration[];
}

/** The name's range and text for the editor's rename box; null where there is no name; refused (error) where it cannot be renamed. */
export function prepareRenameAt(snapshot: WorkspaceSnapshot, params: PrepareRenameParams): { range: Range; placeholder: string } | null {
  const target = renameTarget(snapshot, params.textDocument.uri, params.position);
  if (!target) return null;
  const { hit, declarations } = target;
  return { range: snapshot.lines(hit.path).range(hit.span), placeholder: declarations[0]!.name };
}

/** Every edit of the rename, or an error saying why it cannot be done. */
export function renameAt(snapshot: WorkspaceSnapshot, params: RenameParams, options: { annotations?: boolean } = {}): WorkspaceEdit {
  const target = renameTarget(snapshot, params.textDocument.uri, params.position);
  if (!target) throw refusal('There is no declared name here to rename.');
  const declaration = target.declarations[0]!;
  const newName = params.newName.trim();
  if (newName === declaration.name) return { changes: {} };
  const problem = newNameProblem(newName) ?? renameClash(snapshot, declaration, newName);
  if (problem) throw refusal(problem);
  const edits = renameEdits(snapshot, target, newName);
  const sideEffect = renameSideEffect(snapshot, declaration, newName, edits);
  if (sideEffect) throw refusal(sideEffect);

  const changes: Record<string, TextEdit[]> = {};
  for (const edit of edits) {
    (changes[snapshot.uriOf(edit.file)] ??= []).push({ range: snapshot.lines(edit.file).range(edit.span), newText: edit.newText });
  }
  if (!HISTORY_KINDS.has(declaration.kind) || !options.annotations) return { changes };
  // Runs, memberships and contacts are recorded by name: say so, and let the editor ask before applying.
  const annotation: ChangeAnnotation = {
    label: `Rename ${declaration.kind === 'offerFamily' ? 'offer family' : declaration.kind} ${declaration.name} to ${newName}`,
    description: `Run history, segment memberships and contacts are recorded by name: after the rename, \`${newName}\` starts without history (entered(…) treats everyone as new on its next run).`,
    needsConfirmation: true,
  };
  return {
    documentChanges: Object.entries(changes).map(([uri, list]) =>
      TextDocumentEdit.create({ uri, version: null }, list.map((edit) => AnnotatedTextEdit.replace(edit.range, edit.newText, HISTORY_ANNOTATION))),
    ),
    changeAnnotations: { [HISTORY_ANNOTATION]: annotation },
  };
}

/** What the runtime keeps history of, by name. */
const HISTORY_KINDS = new Set(['segment', 'offer', 'offerFamily', 'plan']);
const HISTORY_ANNOTATION = 'seg.history';

function renameTarget(snapshot: WorkspaceSnapshot, uri: string, position: { line: number; character: number }): RenameTarget | undefined {
  const hit = symbolUnder(snapshot, uri, position);
  if (!hit) return undefined;
  const declarations = declarationsOf(snapshot.check.symbols, hit.id);
  const declaration = declarations[0];
  if (!declaration) return undefined; // a built-in table's field: nothing to rename
  if (declaration.kind === 'table') {
    throw refusal(
      `\`${declaration.name}\` is a table of the data model: its name is the database table's name, so renaming it here would read another table. Rename it in the database and in the model together.`,
    );
  }
  if (declaration.kind === 'field' && declarations.some((d) => nodeOf(snapshot, d) === undefined)) {
    throw refusal(
      `\`${qualifiedName(declaration)}\` is declared only in the header of \`${declaration.table}\`, where its name is the database column's name. Declare it in the table's body (\`${declaration.name} ${declaration.detail ?? 'text'}\`) to rename it.`,
    );
  }
  return { hit, declarations };
}

/** The name at every declaration and reference, plus `as "old"` where a column field must keep its database column. */
function renameEdits(snapshot: WorkspaceSnapshot, target: RenameTarget, newName: string): FileEdit[] {
  const { declarations } = target;
  const places: { file: string; span: Span }[] = [
    ...declarations.map((d) => ({ file: d.file, span: d.nameSpan })),
    ...referencesTo(snapshot.check.symbols, target.hit.id),
  ];
  const seen = new Set<string>();
  const edits: FileEdit[] = [];
  for (const place of places) {
    const key = `${place.file}:${place.span.start}`;
    if (seen.has(key)) continue;
    seen.add(key);
    edits.push({ file: place.file, span: place.span, newText: newName });
  }
  for (const declaration of declarations) {
    const node = nodeOf(snapshot, declaration);
    if (node?.kind === 'Column' && !node.column) {
      const at = node.type.span.end;
      edits.push({ file: declaration.file, span: { start: at, end: at }, newText: ` as "${declaration.name}"` });
    }
  }
  return edits;
}

function refusal(message: string): ResponseError<void> {
  return new ResponseError(LSPErrorCodes.RequestFailed, message);
}

export const renameFeature: Feature = {
  capabilities: { renameProvider: { prepareProvider: true } },
  register(context) {
    context.connection.onPrepareRename((params) => prepareRenameAt(context.snapshot(), params));
    context.connection.onRenameRequest((params) => {
      const edit = context.clientCapabilities().workspace?.workspaceEdit;
      return renameAt(context.snapshot(), params, { annotations: edit?.documentChanges === true && edit.changeAnnotationSupport !== undefined });
    });
  },
};
