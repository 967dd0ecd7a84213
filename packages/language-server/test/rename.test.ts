import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Location, Range, TextEdit, WorkspaceEdit } from 'vscode-languageserver-protocol';
import { LspSession, RETAIL } from './support/lsp-session';

const FILES = ['model.seg', 'segments.seg', 'strategies.seg', 'offers.seg', 'plans.seg', 'tests.seg'];
const disk = new Map(FILES.map((file) => [file, readFileSync(join(RETAIL, file), 'utf8')]));

/** Where the first occurrence of `snippet` in `file` starts, plus `into` characters. */
function at(file: string, snippet: string, into = 1): { line: number; character: number } {
  const text = disk.get(file)!;
  const index = text.indexOf(snippet);
  if (index < 0) throw new Error(`${snippet} is not in ${file}`);
  const before = text.slice(0, index + into);
  return { line: before.split('\n').length - 1, character: before.length - before.lastIndexOf('\n') - 1 };
}

function fileOf(uri: string): string {
  return uri.slice(uri.lastIndexOf('/') + 1);
}

describe('rename (seg lsp over stdio, examples/retail)', () => {
  let session: LspSession;
  /** Files whose text the editor has changed in this test, to put back afterwards. */
  const changed = new Set<string>();

  const rename = (file: string, position: { line: number; character: number }, newName: string) =>
    session.request<WorkspaceEdit>('textDocument/rename', { textDocument: { uri: session.uri(file) }, position, newName });

  /** Applies the edit to the files' texts as an editor does, and returns the new texts. */
  function applied(edit: WorkspaceEdit): Map<string, string> {
    const after = new Map(disk);
    for (const [uri, edits] of Object.entries(edit.changes ?? {})) {
      const file = fileOf(uri);
      after.set(file, TextDocument.applyEdits(TextDocument.create(uri, 'seg', 1, disk.get(file)!), edits));
    }
    return after;
  }

  /** Sends the edited texts to the server, as an editor does after applying a WorkspaceEdit. */
  async function send(files: readonly string[], texts: ReadonlyMap<string, string>): Promise<void> {
    for (const file of files) {
      changed.add(file);
      await session.open(file, texts.get(file));
    }
  }

  /**
   * Every file's latest diagnostics are empty. The server publishes a file's diagnostics when they change,
   * so a request first makes sure the check of the last edit has been published.
   */
  async function expectClean(): Promise<void> {
    await session.request('workspace/symbol', { query: '' });
    for (const file of FILES) expect(await session.diagnosticsFor(file, (d) => d.length === 0), file).toEqual([]);
  }

  beforeAll(async () => {
    session = await LspSession.start();
  });
  afterEach(async () => {
    if (changed.size === 0) return;
    for (const file of changed) await session.connection.sendNotification('textDocument/didClose', { textDocument: { uri: session.uri(file) } });
    changed.clear();
    await expectClean();
  });
  afterAll(async () => {
    await session.stop();
  });

  it('renames a segment from a use in another file: every file changes, and the workspace still checks clean', async () => {
    const prepared = await session.request<{ range: Range; placeholder: string }>('textDocument/prepareRename', {
      textDocument: { uri: session.uri('offers.seg') },
      position: at('offers.seg', 'eligible dormant', 'eligible '.length + 2),
    });
    expect(prepared.placeholder).toBe('dormant');
    expect(prepared.range.end.character - prepared.range.start.character).toBe('dormant'.length);

    const edit = await rename('offers.seg', at('offers.seg', 'eligible dormant', 'eligible '.length + 2), 'lapsed');
    const files = Object.keys(edit.changes!).map(fileOf).sort();
    expect(files).toEqual(['offers.seg', 'plans.seg', 'segments.seg', 'strategies.seg', 'tests.seg']);
    const after = applied(edit);
    for (const [file, text] of after) expect(text, file).not.toMatch(/\bdormant\b/);
    expect(after.get('plans.seg')).toContain('audience entered(lapsed) and email_opt_in');
    // Half applied, the other files' uses are unknown names; fully applied, everything checks.
    await send(['segments.seg'], after);
    expect((await session.diagnosticsFor('plans.seg', (d) => d.length > 0))[0]!.message).toContain('dormant');
    await send(files.filter((file) => file !== 'segments.seg'), after);
    await expectClean();

    // The server works on the renamed workspace: the new name leads to the segment.
    const [found] = await session.request<Location[]>('textDocument/definition', {
      textDocument: { uri: session.uri('offers.seg') },
      position: at('offers.seg', 'eligible dormant', 'eligible '.length + 2),
    });
    expect(fileOf(found!.uri)).toBe('segments.seg');
  });

  it('renames a field everywhere and keeps its database column with `as`', async () => {
    const edit = await rename('segments.seg', at('segments.seg', 'predicted_clv >= 500'), 'clv');
    const after = applied(edit);
    await send(Object.keys(edit.changes!).map(fileOf), after);
    expect(after.get('model.seg')).toContain('clv  number as "predicted_clv"');
    expect(after.get('segments.seg')).toContain('clv >= 500 or spend_12m > vip_threshold');
    expect(after.get('tests.seg')).toContain('customers { customer_id: "c1", clv: 900');
    await expectClean();
  });

  it('renames an outcome in the strategy, the offers and the tests', async () => {
    const edit = await rename('strategies.seg', at('strategies.seg', 'then retain', 'then '.length + 1), 'keep');
    expect(Object.values(edit.changes!).flat()).toHaveLength(4); // three rules and the test's `(reactivate, retain)`
    const after = applied(edit);
    await send(Object.keys(edit.changes!).map(fileOf), after);
    expect(after.get('tests.seg')).toContain('expect value_map("c1") = (reactivate, keep)');
    await expectClean();
  });

  it('refuses a name that is taken in the same namespace, and says by what', async () => {
    const dormant = at('segments.seg', 'segment dormant', 'segment '.length + 1);
    await expect(rename('segments.seg', dormant, 'active')).rejects.toThrow(/`active` is already a segment \(segments\.seg:\d+\)/);
    await expect(rename('segments.seg', dormant, 'weekly_email')).rejects.toThrow(/already a plan/);
    await expect(rename('segments.seg', dormant, 'contacts')).rejects.toThrow(/built-in contact history table/);
    // Metrics and segments would hide the audience's fields.
    await expect(rename('segments.seg', dormant, 'email_opt_in')).rejects.toThrow(/field of the audience table `customers`/);
    // Fields are per table: orders already has `total`, but `discount` may take a name another table uses.
    const discount = at('model.seg', 'discount');
    await expect(rename('model.seg', discount, 'total')).rejects.toThrow(/`orders` already has a field `total`/);
    await expect(rename('strategies.seg', at('strategies.seg', 'else grow', 6), 'retain')).rejects.toThrow(/already an outcome/);
  });

  it('refuses a name that is not an identifier or is a keyword', async () => {
    const dormant = at('segments.seg', 'segment dormant', 'segment '.length + 1);
    await expect(rename('segments.seg', dormant, '2lapsed')).rejects.toThrow(/is not a name/);
    await expect(rename('segments.seg', dormant, 'lapsed customers')).rejects.toThrow(/is not a name/);
    await expect(rename('segments.seg', dormant, 'where')).rejects.toThrow(/keyword/);
    await expect(rename('segments.seg', dormant, 'category')).rejects.toThrow(/keyword/);
    await expect(rename('segments.seg', dormant, 'today')).rejects.toThrow(/as-of time/);
  });

  it('refuses a rename whose result would mean something else', async () => {
    // `outdoor` is used inside `any(order_lines … where product.category in outdoor)`: there `quantity` is the order line's field.
    await expect(rename('segments.seg', at('segments.seg', 'list outdoor', 'list '.length + 1), 'quantity')).rejects.toThrow(
      /Renaming `outdoor` to `quantity` would (cause a new problem|change what some names refer to)/,
    );
  });

  it('refuses tables and header-only key columns, which are the database names', async () => {
    const prepare = (file: string, position: { line: number; character: number }) =>
      session.request('textDocument/prepareRename', { textDocument: { uri: session.uri(file) }, position });
    await expect(prepare('offers.seg', at('offers.seg', 'orders where'))).rejects.toThrow(/`orders` is a table of the data model/);
    await expect(rename('model.seg', at('model.seg', 'table orders', 'table '.length + 1), 'purchases')).rejects.toThrow(/database table's name/);
    await expect(prepare('tests.seg', at('tests.seg', 'customer_id'))).rejects.toThrow(/declared only in the header of `customers`/);
    // Over a keyword there is nothing to rename.
    expect(await prepare('offers.seg', at('offers.seg', 'eligible'))).toBeNull();
  });

  it("asks the editor to confirm renaming a segment (its run history is kept by name), with the same edits", async () => {
    const plain = await rename('offers.seg', at('offers.seg', 'eligible dormant', 'eligible '.length + 2), 'lapsed');
    const annotating = await LspSession.start({ editAnnotations: true });
    try {
      const edit = await annotating.request<WorkspaceEdit>('textDocument/rename', {
        textDocument: { uri: annotating.uri('offers.seg') },
        position: at('offers.seg', 'eligible dormant', 'eligible '.length + 2),
        newName: 'lapsed',
      });
      const [id, annotation] = Object.entries(edit.changeAnnotations ?? {})[0]!;
      expect(annotation).toMatchObject({ needsConfirmation: true, label: 'Rename segment dormant to lapsed' });
      expect(annotation.description).toContain('history');
      const documents = (edit.documentChanges ?? []) as { textDocument: { uri: string }; edits: (TextEdit & { annotationId?: string })[] }[];
      expect(documents.every((d) => d.edits.every((e) => e.annotationId === id))).toBe(true);
      const strip = (edits: TextEdit[]) => edits.map(({ range, newText }) => ({ range, newText }));
      expect(Object.fromEntries(documents.map((d) => [d.textDocument.uri.replace(annotating.root, ''), strip(d.edits)]))).toEqual(
        Object.fromEntries(Object.entries(plain.changes!).map(([uri, edits]) => [uri.replace(session.root, ''), strip(edits)])),
      );
      // A field has no history: its rename needs no confirmation.
      const field = await annotating.request<WorkspaceEdit>('textDocument/rename', {
        textDocument: { uri: annotating.uri('model.seg') },
        position: at('model.seg', 'predicted_clv', 2),
        newName: 'clv',
      });
      expect(field.changeAnnotations).toBeUndefined();
    } finally {
      await annotating.stop();
    }
  });
});
