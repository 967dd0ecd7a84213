/**
 * Quick fixes: the edits the checker suggests with a diagnostic ("did you mean
 * `dormant`?"). They travel with each published diagnostic (`DiagnosticData`),
 * so the request's diagnostics bring them back; a client that does not keep
 * `data` gets them from the current check, matched by code and range.
 */
import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic } from 'vscode-languageserver';
import type { Feature } from '../server-context';
import type { WorkspaceSnapshot } from '../workspace-state';
import { toLspDiagnostic, type DiagnosticData } from './diagnostics';

export const codeActionsFeature: Feature = {
  capabilities: { codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] } },
  register(context) {
    context.connection.onCodeAction((params) => codeActions(context.snapshot(), params));
  },
};

export function codeActions(snapshot: WorkspaceSnapshot, params: CodeActionParams): CodeAction[] {
  const { only } = params.context;
  if (only && !only.some((kind) => kind === CodeActionKind.Empty || kind === CodeActionKind.QuickFix)) return [];
  const actions: CodeAction[] = [];
  for (const diagnostic of params.context.diagnostics) {
    const fixes = fixesOf(diagnostic) ?? fixesOf(current(snapshot, params.textDocument.uri, diagnostic)) ?? [];
    for (const fix of fixes) {
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: fixes.length === 1,
        edit: { changes: { [fix.uri]: [{ range: fix.range, newText: fix.newText }] } },
      });
    }
  }
  return actions;
}

function fixesOf(diagnostic: Diagnostic | undefined): DiagnosticData['fixes'] | undefined {
  const fixes = (diagnostic?.data as Partial<DiagnosticData> | undefined)?.fixes;
  return Array.isArray(fixes) ? fixes : undefined;
}

/** The current check's diagnostic at the same place with the same code. */
function current(snapshot: WorkspaceSnapshot, uri: string, wanted: Diagnostic): Diagnostic | undefined {
  const path = snapshot.pathOf(uri);
  const same = (a: Diagnostic['range'], b: Diagnostic['range']) =>
    a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
  for (const diagnostic of snapshot.check.diagnostics) {
    if (diagnostic.file !== path || diagnostic.code !== wanted.code || !diagnostic.suggestions?.length) continue;
    const lsp = toLspDiagnostic(snapshot, diagnostic);
    if (same(lsp.range, wanted.range)) return lsp;
  }
  return undefined;
}
