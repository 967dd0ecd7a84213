/**
 * Go to definition: from any name the checker resolved (a reference in any
 * file, a field in `orders.total`, a link, an outcome, an offer in a plan or a
 * test) to where it is declared. A strategy outcome has no declaration of its
 * own: its first occurrence in a strategy stands for it.
 */
import { declarationsOf } from '@seg/core';
import type { DefinitionParams, Location } from 'vscode-languageserver';
import type { Feature } from '../server-context';
import type { WorkspaceSnapshot } from '../workspace-state';
import { locationOf, symbolUnder } from './symbol-lookup';

/** Where the name under the cursor is declared (several places when it is declared twice); null over anything else. */
export function definitionAt(snapshot: WorkspaceSnapshot, params: DefinitionParams): Location[] | null {
  const hit = symbolUnder(snapshot, params.textDocument.uri, params.position);
  if (!hit) return null;
  const declarations = declarationsOf(snapshot.check.symbols, hit.id);
  return declarations.length > 0 ? declarations.map((d) => locationOf(snapshot, d.file, d.nameSpan)) : null;
}

export const definitionFeature: Feature = {
  capabilities: { definitionProvider: true },
  register(context) {
    context.connection.onDefinition((params) => definitionAt(context.snapshot(), params));
  },
};
