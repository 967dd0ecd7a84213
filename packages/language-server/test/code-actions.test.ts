import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LspSession, RETAIL } from './support/lsp-session';

const offers = readFileSync(join(RETAIL, 'offers.seg'), 'utf8');
const misspelt = offers.replace('eligible dormant', 'eligible dormnt');

describe('quick fixes (seg lsp over stdio)', () => {
  let session: LspSession;
  let uri: string;
  const actionsFor = (diagnostic: Diagnostic, only?: string[]) =>
    session.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic], ...(only && { only }) },
    });
  const misspeltName = async () => {
    const diagnostics = await session.diagnosticsFor('offers.seg', (d) => d.some((x) => String(x.message).includes('dormnt')));
    return diagnostics.find((d) => String(d.message).includes('dormnt'))!;
  };
  beforeAll(async () => {
    session = await LspSession.start();
    uri = await session.open('offers.seg');
  });
  afterAll(async () => {
    await session.stop();
  });

  it('offers the suggested name as the preferred fix, and applying it clears the error', async () => {
    await session.replace('offers.seg', misspelt);
    const diagnostic = await misspeltName();
    const actions = await actionsFor(diagnostic);
    expect(actions).toHaveLength(1);
    const [action] = actions as [CodeAction];
    expect(action).toMatchObject({ title: 'Change to `dormant`', kind: 'quickfix', isPreferred: true, diagnostics: [diagnostic] });

    const edits = action.edit!.changes![uri]!;
    const fixed = TextDocument.applyEdits(TextDocument.create(uri, 'seg', 1, misspelt), edits);
    expect(fixed).toBe(offers);
    await session.replace('offers.seg', fixed);
    expect(await session.diagnosticsFor('offers.seg', (d) => d.length === 0)).toEqual([]);
  });

  it('finds the fix from the current check when the client did not keep the diagnostic data', async () => {
    await session.replace('offers.seg', misspelt);
    const { data: _dropped, ...diagnostic } = await misspeltName();
    const actions = await actionsFor(diagnostic);
    expect(actions.map((a) => a.edit?.changes?.[uri])).toEqual([[{ range: diagnostic.range, newText: 'dormant' }]]);
    // A client asking only for refactorings gets no quick fixes.
    expect(await actionsFor(diagnostic, ['refactor'])).toEqual([]);
    await session.replace('offers.seg', offers);
  });
});
