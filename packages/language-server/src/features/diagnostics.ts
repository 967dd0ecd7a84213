/**
 * The check's diagnostics as LSP diagnostics, grouped by file URI. Every file
 * of the workspace gets an entry (an empty list clears what an earlier check
 * showed). Quick fixes travel in `data` (`DiagnosticData`) for the code-action feature.
 */
import type { Diagnostic as SegDiagnostic } from '@seg/core';
import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver';
import type { WorkspaceSnapshot } from '../workspace-state';

/** What a published diagnostic carries for code actions: the core's suggested edits, in LSP ranges. */
export interface DiagnosticData {
  readonly fixes: readonly { readonly title: string; readonly uri: string; readonly range: Range; readonly newText: string }[];
}

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information } as const;

export function diagnosticsByUri(snapshot: WorkspaceSnapshot): Map<string, Diagnostic[]> {
  const byUri = new Map<string, Diagnostic[]>();
  for (const path of snapshot.texts.keys()) byUri.set(snapshot.uriOf(path), []);
  for (const diagnostic of snapshot.check.diagnostics) {
    const uri = snapshot.uriOf(diagnostic.file);
    let list = byUri.get(uri);
    if (!list) byUri.set(uri, (list = []));
    list.push(toLspDiagnostic(snapshot, diagnostic));
  }
  return byUri;
}

export function toLspDiagnostic(snapshot: WorkspaceSnapshot, diagnostic: SegDiagnostic): Diagnostic {
  return {
    range: snapshot.lines(diagnostic.file).range(diagnostic.span),
    severity: SEVERITY[diagnostic.severity],
    code: diagnostic.code,
    source: 'seg',
    message: diagnostic.message,
    ...(diagnostic.suggestions?.length
      ? {
          data: {
            fixes: diagnostic.suggestions.map((s) => ({
              title: s.title,
              uri: snapshot.uriOf(s.file),
              range: snapshot.lines(s.file).range(s.span),
              newText: s.replacement,
            })),
          } satisfies DiagnosticData,
        }
      : {}),
    ...(diagnostic.related?.length
      ? {
          relatedInformation: diagnostic.related.map((related) => ({
            location: { uri: snapshot.uriOf(related.file), range: snapshot.lines(related.file).range(related.span) },
            message: related.message,
          })),
        }
      : {}),
  };
}
