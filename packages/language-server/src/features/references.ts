/**
 * Find references: every place in the workspace that names the symbol under
 * the cursor (the name itself, one part of a dotted name), with its
 * declaration when the client asks for it.
 */
import { declarationsOf, referencesTo } from '@seg/core';
import type { Location, ReferenceParams } from 'vscode-languageserver';
import type { Feature } from '../server-context';
import type { WorkspaceSnapshot } from '../workspace-state';
import { byPlace, locationOf, symbolUnder } from './symbol-lookup';

export function referencesAt(snapshot: WorkspaceSnapshot, params: ReferenceParams): Location[] | null {
  const hit = symbolUnder(snapshot, params.textDocument.uri, params.position);
  if (!hit) return null;
  const symbols = snapshot.check.symbols;
  const places: { file: string; span: { start: number; end: number } }[] = [...referencesTo(symbols, hit.id)];
  if (params.context.includeDeclaration) places.push(...declarationsOf(symbols, hit.id).map((d) => ({ file: d.file, span: d.nameSpan })));
  return places.sort(byPlace).map((place) => locationOf(snapshot, place.file, place.span));
}

export const referencesFeature: Feature = {
  capabilities: { referencesProvider: true },
  register(context) {
    context.connection.onReferences((params) => referencesAt(context.snapshot(), params));
  },
};
