/**
 * Signature help for built-in functions and aggregates (and, in tests, the
 * `strategy("c1")` / `plan("c1")` / `metric("c1")` calls of expectations):
 * the call's signature, its parameters and which one the cursor is in. Commas
 * move the active parameter; in an aggregate's one argument the parts do —
 * the source, then the window (`in last …`), then `where`.
 *
 * Signatures come from the core's `BUILTIN_FUNCTIONS` (the text hover shows);
 * parameters are its comma-separated or bracketed parts.
 */
import { BUILTIN_FUNCTIONS, callsAt, type CallSite } from '@seg/core';
import { MarkupKind, type ParameterInformation, type SignatureHelp, type SignatureHelpParams, type SignatureInformation } from 'vscode-languageserver';
import type { Feature } from '../server-context';
import type { WorkspaceSnapshot } from '../workspace-state';
import { workspaceNames } from './completion-scope';

/** What the recurring parameters of the built-ins mean. */
const PARAMETER_DOCS: Readonly<Record<string, string>> = {
  SOURCE: 'A table of events, such as `orders`.',
  'SOURCE.field': 'A field of a table of events, such as `orders.total`.',
  '[WINDOW]': 'Optional: `in last 90 days`, `from 180 days ago to 90 days ago` or `between 2026-01-01 and 2026-03-31`.',
  '[where CONDITION]': "Optional: only the events that match; the event's fields come first and links navigate (`product.category`).",
  '[desc]': 'Optional: reverse the order (`desc`: the highest value gets the lowest score).',
  SEGMENT: 'The name of a segment.',
};

export function signatureHelpAt(snapshot: WorkspaceSnapshot, params: SignatureHelpParams): SignatureHelp | null {
  const path = snapshot.pathOf(params.textDocument.uri);
  const file = path === undefined ? undefined : snapshot.check.files.find((f) => f.path === path);
  if (path === undefined || !file) return null;
  const call = callsAt(file, snapshot.lines(path).offset(params.position))[0];
  if (!call) return null;

  const builtin = BUILTIN_FUNCTIONS.get(call.name);
  if (builtin) {
    const signatures = builtin.signature.split('  ·  ').map((form) => signatureOf(form, builtin.description, call));
    // `min`/`max` have two forms: over events (one source argument) and of several values.
    const names = workspaceNames(snapshot.check);
    const valuesForm = signatures.length > 1 && (call.argIndex > 0 || (call.head.length > 0 && !names.tables.has(call.head[0]!)));
    const activeSignature = valuesForm ? 1 : 0;
    return { signatures, activeSignature, activeParameter: signatures[activeSignature]!.activeParameter ?? 0 };
  }
  // In a test, `value_map("c1")`: a strategy, plan or metric for one customer.
  const declaration = snapshot.check.symbols.declarations.find(
    (d) => d.name === call.name && (d.kind === 'strategy' || d.kind === 'plan' || d.kind === 'metric'),
  );
  if (!declaration) return null;
  const signature = signatureOf(`${call.name}(CUSTOMER_KEY)`, `The ${declaration.kind} for one customer of the test, by key: \`${call.name}("c1")\`.`, call);
  return { signatures: [signature], activeSignature: 0, activeParameter: 0 };
}

/** One form (`sum(SOURCE.field [WINDOW] [where CONDITION])`) with its parameters as ranges of the label. */
function signatureOf(label: string, description: string, call: CallSite): SignatureInformation {
  const parameters = parameterRanges(label).map(([start, end]): ParameterInformation => {
    const doc = PARAMETER_DOCS[label.slice(start, end)];
    return { label: [start, end], ...(doc ? { documentation: { kind: MarkupKind.Markdown, value: doc } } : {}) };
  });
  const texts = parameters.map((p) => label.slice(...(p.label as [number, number])));
  return {
    label,
    documentation: { kind: MarkupKind.Markdown, value: description },
    parameters,
    activeParameter: activeParameter(texts, call),
  };
}

/** Splits the text between the parentheses at top-level `, ` and before each top-level `[…]` part. */
function parameterRanges(label: string): [number, number][] {
  const open = label.indexOf('(');
  const close = label.lastIndexOf(')');
  if (open < 0 || close <= open + 1) return [];
  const ranges: [number, number][] = [];
  let start = open + 1;
  let depth = 0;
  for (let i = open + 1; i < close; i++) {
    const c = label[i];
    if (c === '[') {
      if (depth === 0 && i > start) ranges.push([start, label[i - 1] === ' ' ? i - 1 : i]);
      if (depth === 0) start = i;
      depth++;
    } else if (c === ']') depth--;
    else if (c === ',' && depth === 0) {
      ranges.push([start, i]);
      start = i + 2;
    }
  }
  if (close > start) ranges.push([start, close]);
  return ranges;
}

function activeParameter(texts: readonly string[], call: CallSite): number {
  if (texts.includes('[WINDOW]')) return call.part === 'where' ? texts.indexOf('[where CONDITION]') : call.part === 'window' ? texts.indexOf('[WINDOW]') : 0;
  if (call.part === 'order' && texts.includes('[desc]')) return texts.indexOf('[desc]');
  return Math.min(call.argIndex, Math.max(0, texts.length - 1));
}

export const signatureHelpFeature: Feature = {
  capabilities: { signatureHelpProvider: { triggerCharacters: ['(', ','] } },
  register(context) {
    context.connection.onSignatureHelp((params) => signatureHelpAt(context.editingSnapshot(), params));
  },
};
