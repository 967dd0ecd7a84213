/**
 * Pass 1: gather every named declaration of every file into the one namespace.
 * A name declared twice is an error at each place, each pointing at the others;
 * the first declaration (files in path order) is the one the rest of the check uses.
 */
import type { AudienceDecl, Declaration, SourceFile, TestDecl } from '../syntax/ast';
import { type CheckContext, type DeclEntry, kindPhrase } from './check-context';
import { symbolId } from './symbol-index';

export interface CollectedDeclarations {
  readonly audiences: readonly { readonly file: string; readonly decl: AudienceDecl }[];
  readonly tests: readonly { readonly file: string; readonly decl: TestDecl }[];
  /** Every named declaration in order (first declarations only). */
  readonly ordered: readonly DeclEntry[];
}

/** Names of built-in tables the model always has. */
export const BUILTIN_TABLES: ReadonlySet<string> = new Set(['contacts']);

function entryOf(file: string, decl: Declaration): DeclEntry | undefined {
  switch (decl.kind) {
    case 'Table':
      return { kind: 'table', name: decl.name.text, file, node: decl };
    case 'Const':
      return { kind: 'const', name: decl.name.text, file, node: decl };
    case 'List':
      return { kind: 'list', name: decl.name.text, file, node: decl };
    case 'Map':
      return { kind: 'map', name: decl.name.text, file, node: decl };
    case 'Metric':
      return { kind: 'metric', name: decl.name.text, file, node: decl };
    case 'Segment':
      return { kind: 'segment', name: decl.name.text, file, node: decl };
    case 'Strategy':
      return { kind: 'strategy', name: decl.name.text, file, node: decl };
    case 'Offer':
      return { kind: 'offer', name: decl.name.text, file, node: decl };
    case 'OfferFamily':
      return { kind: 'offerFamily', name: decl.name.text, file, node: decl };
    case 'Plan':
      return { kind: 'plan', name: decl.name.text, file, node: decl };
    default:
      return undefined;
  }
}

export function collectDeclarations(ctx: CheckContext, files: readonly SourceFile[]): CollectedDeclarations {
  const audiences: { file: string; decl: AudienceDecl }[] = [];
  const tests: { file: string; decl: TestDecl }[] = [];
  const ordered: DeclEntry[] = [];
  const all = new Map<string, DeclEntry[]>();

  for (const file of files) {
    for (const decl of file.declarations) {
      if (decl.kind === 'Audience') {
        audiences.push({ file: file.path, decl });
        continue;
      }
      if (decl.kind === 'Test') {
        tests.push({ file: file.path, decl });
        continue;
      }
      const entry = entryOf(file.path, decl);
      if (!entry || entry.name === '') continue; // a name the parser could not read: already reported
      const node = entry.node;
      ctx.symbols.declare({
        id: symbolId(entry.kind, entry.name),
        name: entry.name,
        kind: entry.kind,
        file: file.path,
        nameSpan: node.name.span,
        span: node.span,
        label: node.label?.value,
        doc: node.doc,
        detail: entry.kind,
      });
      if (BUILTIN_TABLES.has(entry.name)) {
        ctx.report(
          'SEG3008',
          file.path,
          node.name.span,
          `\`${entry.name}\` is the built-in contact history table the runtime maintains; choose another name.`,
        );
        continue;
      }
      const same = all.get(entry.name);
      if (same) same.push(entry);
      else {
        all.set(entry.name, [entry]);
        ctx.decls.set(entry.name, entry);
        ordered.push(entry);
      }
    }
  }

  for (const [name, entries] of all) {
    if (entries.length < 2) continue;
    for (const entry of entries) {
      const others = entries.filter((other) => other !== entry);
      ctx.report(
        'SEG1001',
        entry.file,
        entry.node.name.span,
        `\`${name}\` is declared more than once (as ${entries.map((e) => kindPhrase(e.kind)).join(' and ')}); every name must be unique in the workspace.`,
        {
          related: others.map((other) => ({
            file: other.file,
            span: other.node.name.span,
            message: `\`${name}\` is also declared here`,
          })),
        },
      );
    }
  }
  return { audiences, tests, ordered };
}
