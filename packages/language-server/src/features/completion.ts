/**
 * Completion. The core says where the cursor is (`completionSiteAt`: the
 * keywords and kinds of names the grammar accepts next, the declaration,
 * clause and calls around the cursor); this file fills each kind of name from
 * the workspace (`workspaceNames`, built once per check). Nothing is
 * re-checked per request, and a file with syntax errors still gets answers.
 *
 * What is offered where:
 * - top level (a line start between declarations): declaration keywords and snippets;
 * - in a body: the clauses that declaration takes (a new line ranks them first);
 * - in an expression: inside an aggregate's `where` the event's fields first, then
 *   `offer` / `score` / `value` / `primary` / `secondary` where they exist, metrics,
 *   segments, constants, the audience's fields, functions, `today` / `now`, and the
 *   operators and keywords that can follow;
 * - an aggregate's first argument: the tables of events; `x.`: the fields of what `x` is;
 * - after `=`, `in (` or inside a string compared with an enumerated field: its values.
 */
import { AGGREGATE_FNS, BUILTIN_FUNCTIONS, completionSiteAt, type CallSite, type CompletionSite, type NameSlot, type SymbolKind } from '@seg/core';
import { CompletionItemKind, InsertTextFormat, type CompletionItem, type CompletionList, type CompletionParams, type MarkupContent } from 'vscode-languageserver';
import type { Feature } from '../server-context';
import type { WorkspaceSnapshot } from '../workspace-state';
import { GROUP, ItemList } from './completion-items';
import { fieldOfPath, tableOfPath, workspaceNames, type NameScope, type WorkspaceNames } from './completion-scope';
import { DECLARATION_SNIPPETS, FIELD_TYPES, phrasesFor, RANKINGS, TIME_VALUES, UNITS } from './completion-vocabulary';

/** Rules whose keywords start a line of a body: ranked first on a new line. */
const CLAUSE_RULES: ReadonlySet<string> = new Set(['offerProperty', 'planProperty', 'strategyRule', 'strategyBlock', 'testItem', 'expectation']);
/** Rules of what continues a comparison or an aggregate's argument: not offered at the start of a line. */
const TAIL_RULES: ReadonlySet<string> = new Set(['notExpr', 'callArg']);
const VALUE_KINDS: readonly SymbolKind[] = ['metric', 'segment', 'const', 'list', 'map'];
/** Offer properties readable inside an offer's own definition, and in a plan's ranking. */
const OWN_OFFER_PROPERTIES = ['name', 'category', 'strategy'];
const RANKED_OFFER_PROPERTIES = [...OWN_OFFER_PROPERTIES, 'score', 'value', 'cap'];

export function completionsAt(snapshot: WorkspaceSnapshot, params: CompletionParams): CompletionList {
  const none: CompletionList = { isIncomplete: false, items: [] };
  const path = snapshot.pathOf(params.textDocument.uri);
  const file = path === undefined ? undefined : snapshot.check.files.find((f) => f.path === path);
  if (path === undefined || !file) return none;
  const lines = snapshot.lines(path);
  const site = completionSiteAt(file, lines.offset(params.position));
  if (site.where === 'comment' || site.where === 'literal') return none;
  const names = workspaceNames(snapshot.check);
  const items = new ItemList(lines.range(site.replace));
  const scope = scopeOf(site, names);
  if (site.where === 'string') stringValues(items, site, names, scope);
  else codeItems(items, site, names, scope);
  return { isIncomplete: false, items: items.list() };
}

function scopeOf(site: CompletionSite, names: WorkspaceNames): NameScope {
  const declaration = site.declaration;
  const inOffer = declaration?.keyword === 'offer' || declaration?.keyword === 'offers';
  const ranking = declaration?.keyword === 'plan' && (site.clause === 'rank' || site.clause === 'boost');
  const filtering = site.calls.find((call) => call.part === 'where' && isAggregate(call));
  const event = filtering && names.tables.get(filtering.head[0] ?? '');
  const familySource = declaration?.keyword === 'offers' ? names.tables.get(declaration.source ?? '') : undefined;
  return { ...(event ? { event } : {}), offer: inOffer || ranking, ...(familySource ? { familySource } : {}) };
}

function isAggregate(call: CallSite): boolean {
  return (AGGREGATE_FNS as readonly string[]).includes(call.name) && (call.argIndex === 0 || (call.name !== 'min' && call.name !== 'max'));
}

function codeItems(items: ItemList, site: CompletionSite, names: WorkspaceNames, scope: NameScope): void {
  const call = site.calls[0];
  // An aggregate's first word is its source of events: nothing else fits there (min/max may also take values).
  const source = call && isAggregate(call) && call.part === 'source' && call.head.length === 0 && !site.path;
  const onlySource = source && call.name !== 'min' && call.name !== 'max';
  if (source) for (const table of names.tables.values()) if (table.events) items.table(table, GROUP.context);

  const compared = site.comparedWith && fieldOfPath(names, scope, site.comparedWith);
  if (compared?.values && site.expected.some((e) => e.kind === 'name' && e.slot === 'value')) {
    items.values(compared.values, `${compared.table}.${compared.name}`, true);
  }
  const topLevel = site.lineStart && site.expected.some((e) => e.kind === 'keyword' && e.rule === `${e.word}Decl`);
  for (const expected of site.expected) {
    if (expected.kind === 'unit') for (const unit of UNITS) items.add(unit, CompletionItemKind.Unit, GROUP.keywords);
    else if (expected.kind === 'name') {
      if (!(onlySource && expected.slot === 'value')) nameItems(items, expected.slot, site, names, scope);
    } else if (keywordFits(expected.word, expected.rule, site, onlySource)) {
      const startsLine = CLAUSE_RULES.has(expected.rule) || expected.rule === `${expected.word}Decl`;
      const group = site.lineStart && startsLine ? GROUP.context : GROUP.keywords;
      for (const phrase of phrasesFor(expected.word, expected.rule)) {
        items.add(phrase.label, CompletionItemKind.Keyword, group, {
          detail: 'keyword',
          ...(phrase.snippet ? { insert: phrase.snippet, snippet: true } : {}),
          ...(phrase.doc ? { doc: phrase.doc } : {}),
        });
      }
    }
  }
  if (topLevel) {
    for (const snippet of DECLARATION_SNIPPETS) {
      items.add(snippet.label, CompletionItemKind.Snippet, GROUP.snippets, {
        detail: snippet.description,
        insert: snippet.body,
        snippet: true,
        filter: snippet.keyword,
        doc: `\`\`\`seg\n${snippet.body.replace(/\$\{\d+\|([^,|]*)[^}]*\}/g, '$1').replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\$\d/g, '')}\n\`\`\``,
      });
    }
  }
}

function keywordFits(word: string, rule: string, site: CompletionSite, onlySource: boolean): boolean {
  if (rule === `${word}Decl`) return site.lineStart;
  if (onlySource) return false;
  // A fixture's value and an expectation's subject are literals or names: no conditions there.
  const literalSlot = site.expected.some((e) => e.kind === 'name' && (e.slot === 'fixtureValue' || e.slot === 'expectSubject'));
  if (literalSlot && (rule === 'unary' || rule === 'notExpr')) return false;
  if (site.lineStart && TAIL_RULES.has(rule)) return false;
  const call = site.calls[0];
  if (rule === 'callArg' && (word === 'where' || word === 'from')) return call !== undefined && isAggregate(call);
  if (rule === 'callArg' && (word === 'asc' || word === 'desc')) return call !== undefined && RANKINGS.has(call.name) && call.argIndex === 0;
  return true;
}

function nameItems(items: ItemList, slot: NameSlot, site: CompletionSite, names: WorkspaceNames, scope: NameScope): void {
  const declared = (kind: SymbolKind, group: (typeof GROUP)[keyof typeof GROUP] = GROUP.context) => {
    for (const declaration of names.byKind.get(kind) ?? []) items.declaration(declaration, group, names.metricTypes.get(declaration.name));
  };
  const tables = () => {
    for (const table of names.tables.values()) if (!table.builtin) items.table(table, GROUP.context);
  };
  switch (slot) {
    case 'value':
      return valueItems(items, site, names, scope);
    case 'member':
      return memberItems(items, site, names, scope);
    case 'table':
    case 'fixtureTable':
      return tables();
    case 'fieldType':
      for (const type of FIELD_TYPES) items.add(type, CompletionItemKind.TypeParameter, GROUP.context, { detail: 'type' });
      return;
    case 'outcome':
      return outcomeItems(items, names);
    case 'channel':
      for (const channel of names.channels) items.add(channel, CompletionItemKind.EnumMember, GROUP.context, { detail: 'channel' });
      return;
    case 'offer':
    case 'expectedValue':
      declared('offer');
      declared('offerFamily');
      if (slot === 'expectedValue') outcomeItems(items, names);
      return;
    case 'strategy':
      return declared('strategy');
    case 'segment':
      return declared('segment');
    case 'perCustomer':
    case 'perCategory':
      items.add(slot === 'perCustomer' ? 'customer' : 'category', CompletionItemKind.Keyword, GROUP.context);
      return;
    case 'outputColumn':
      declared('metric');
      declared('segment');
      if (names.audience) items.fields(names.audience, GROUP.audience);
      return;
    case 'expectSubject':
      declared('metric');
      declared('strategy');
      declared('plan');
      return;
    case 'familyKey':
      if (scope.familySource) items.fields(scope.familySource, GROUP.context);
      return;
    case 'fixtureField': {
      const table = names.tables.get(site.clause ?? '');
      if (table) items.fields(table, GROUP.context);
      return;
    }
    case 'fixtureValue': {
      const field = names.tables.get(site.clause ?? '')?.fields.get(site.comparedWith?.[0] ?? '');
      if (field?.values) items.values(field.values, `${field.table}.${field.name}`, true);
      return;
    }
    case 'column':
    case 'newName':
      return;
  }
}

/** Outcomes the strategies produce and the offers serve; a name declared as something else is a misparse of a line being typed. */
function outcomeItems(items: ItemList, names: WorkspaceNames): void {
  const other = new Set<string>();
  for (const [kind, declarations] of names.byKind) if (kind !== 'outcome') for (const d of declarations) other.add(d.name);
  for (const declaration of names.byKind.get('outcome') ?? []) if (!other.has(declaration.name)) items.declaration(declaration, GROUP.context);
  for (const outcome of names.servedOutcomes) items.add(outcome, CompletionItemKind.EnumMember, GROUP.context, { detail: 'outcome' });
}

function valueItems(items: ItemList, site: CompletionSite, names: WorkspaceNames, scope: NameScope): void {
  if (scope.event) items.fields(scope.event, GROUP.context);
  if (scope.offer) items.add('offer', CompletionItemKind.Variable, GROUP.context, { detail: 'the offer', doc: '`offer.…`: the offer\'s own properties (and, in a family, its row\'s columns).' });
  if (site.declaration?.keyword === 'plan' && (site.clause === 'rank' || site.clause === 'boost')) {
    items.add('score', CompletionItemKind.Property, GROUP.context, { detail: "the offer's score" });
    items.add('value', CompletionItemKind.Property, GROUP.context, { detail: "the offer's value" });
    items.add('primary', CompletionItemKind.EnumMember, GROUP.context, { detail: "the customer's primary outcome" });
    items.add('secondary', CompletionItemKind.EnumMember, GROUP.context, { detail: "the customer's secondary outcome" });
  }
  for (const kind of VALUE_KINDS) {
    for (const declaration of names.byKind.get(kind) ?? []) items.declaration(declaration, GROUP.workspace, names.metricTypes.get(declaration.name));
  }
  if (names.audience) items.fields(names.audience, GROUP.audience);
  const membership = site.declaration?.keyword === 'plan' && site.clause === 'audience';
  for (const fn of BUILTIN_FUNCTIONS.values()) {
    if ((fn.name === 'entered' || fn.name === 'left') && !membership) continue;
    items.add(fn.name, CompletionItemKind.Function, GROUP.functions, { detail: fn.signature, doc: fn.description });
  }
  for (const value of TIME_VALUES) items.add(value.label, CompletionItemKind.Constant, GROUP.functions, { detail: 'time', ...(value.doc ? { doc: value.doc } : {}) });
}

function memberItems(items: ItemList, site: CompletionSite, names: WorkspaceNames, scope: NameScope): void {
  const target = tableOfPath(names, scope, site.path ?? []);
  if (target === 'offer') {
    const inPlan = site.declaration?.keyword === 'plan';
    for (const property of inPlan ? RANKED_OFFER_PROPERTIES : OWN_OFFER_PROPERTIES) {
      // An offer's property cannot read itself (`category offer.category`), except a family's column of that name.
      if (!inPlan && property === site.clause) continue;
      items.add(property, CompletionItemKind.Property, GROUP.context, { detail: 'offer property' });
    }
    if (scope.familySource) items.fields(scope.familySource, GROUP.context);
  } else if (target) items.fields(target, GROUP.context);
}

function stringValues(items: ItemList, site: CompletionSite, names: WorkspaceNames, scope: NameScope): void {
  const inFixture = site.declaration?.keyword === 'test' && site.comparedWith?.length === 1 && names.tables.has(site.clause ?? '');
  const field = inFixture
    ? names.tables.get(site.clause!)!.fields.get(site.comparedWith![0]!)
    : site.comparedWith && fieldOfPath(names, scope, site.comparedWith);
  if (field?.values) return items.values(field.values, `${field.table}.${field.name}`, false, site.closeQuote);
  const offerCategory = (site.declaration?.keyword === 'offer' || site.declaration?.keyword === 'offers') && site.clause === 'category';
  if (offerCategory) items.values(names.categories, 'offer categories', false, site.closeQuote);
}

export const completionFeature: Feature = {
  capabilities: { completionProvider: { triggerCharacters: ['.', '"'], resolveProvider: true } },
  register(context) {
    // Hundreds of items per request: documentation waits for `completionItem/resolve` (the item the user looks at).
    let documentation: MarkupContent[] = [];
    context.connection.onCompletion((params) => {
      const completion = context.clientCapabilities().textDocument?.completion;
      let list = completionsAt(context.editingSnapshot(), params);
      // A client without snippets would insert `${1:name}` literally: it gets the plain items only.
      if (completion?.completionItem?.snippetSupport !== true) list = { ...list, items: list.items.filter((item) => item.insertTextFormat !== InsertTextFormat.Snippet) };
      documentation = [];
      for (const item of list.items) {
        if (!item.documentation) continue;
        item.data = documentation.push(item.documentation as MarkupContent) - 1;
        delete item.documentation;
      }
      return completion?.completionList?.itemDefaults?.includes('editRange') ? withDefaultRange(list) : list;
    });
    context.connection.onCompletionResolve((item) => {
      const doc = typeof item.data === 'number' ? documentation[item.data] : undefined;
      return doc ? { ...item, documentation: doc } : item;
    });
  },
};

/** Every item replaces the same word: say the range once (`itemDefaults.editRange`, LSP 3.17) instead of in each item. */
function withDefaultRange(list: CompletionList): CompletionList {
  const first = list.items[0]?.textEdit;
  if (!first || !('range' in first)) return list;
  const same = (edit: CompletionItem['textEdit']) => edit !== undefined && 'range' in edit && JSON.stringify(edit.range) === JSON.stringify(first.range);
  if (!list.items.every((item) => same(item.textEdit))) return list;
  const items = list.items.map(({ textEdit, ...item }) => (textEdit!.newText === item.label ? item : { ...item, textEditText: textEdit!.newText }));
  return { ...list, itemDefaults: { editRange: first.range }, items };
}

