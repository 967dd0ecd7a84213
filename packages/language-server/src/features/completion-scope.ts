/**
 * The names completion offers, gathered once per check of the workspace (a
 * keystroke makes a new check; every request until the next one reuses this):
 * tables with their fields, links and enumerated values (from the syntax
 * trees, which exist even when the check has errors), the declarations of the
 * symbol index, the built-in `contacts` table, and the channels and
 * categories the workspace already uses. Also how a dotted name resolves to
 * a table, following the language's order of scopes.
 */
import { contactsTable, KEYWORDS, type CheckResult, type SymbolDeclaration, type SymbolKind, type TableDecl } from '@seg/core';

export interface FieldInfo {
  readonly name: string;
  readonly table: string;
  /** `number`, `text in ("web", "app")`, `link to orders`. */
  readonly detail: string;
  readonly values?: readonly string[];
  readonly link?: string;
  readonly doc?: string;
}

export interface TableInfo {
  readonly name: string;
  readonly fields: ReadonlyMap<string, FieldInfo>;
  /** Reaches the audience through links: an aggregate can count it per member. */
  readonly events: boolean;
  readonly builtin: boolean;
  readonly doc?: string;
}

export interface WorkspaceNames {
  readonly audience?: TableInfo;
  readonly tables: ReadonlyMap<string, TableInfo>;
  /** Declarations by kind (the first of a name declared twice); fields are in `tables`. */
  readonly byKind: ReadonlyMap<SymbolKind, readonly SymbolDeclaration[]>;
  /** Metric types, once the workspace checks without errors. */
  readonly metricTypes: ReadonlyMap<string, string>;
  readonly channels: readonly string[];
  readonly categories: readonly string[];
  /** Outcomes the offers serve (`strategy cross_sell`): outcomes too, even while a strategy is mid-edit. */
  readonly servedOutcomes: readonly string[];
}

/** Where a dotted name is read: inside an aggregate's `where`, an offer, a plan's ranking. */
export interface NameScope {
  readonly event?: TableInfo;
  /** `offer.…` exists (in an offer, an offer family, a plan's `rank by` / `boost`). */
  readonly offer: boolean;
  /** The table an offer family reads its rows from. */
  readonly familySource?: TableInfo;
}

const cache = new WeakMap<CheckResult, WorkspaceNames>();
/** Trees of unchanged files are reused between checks, and so are their tables. */
const tableCache = new WeakMap<TableDecl, TableInfo>();

export function workspaceNames(check: CheckResult): WorkspaceNames {
  let names = cache.get(check);
  if (!names) cache.set(check, (names = collectNames(check)));
  return names;
}

function collectNames(check: CheckResult): WorkspaceNames {
  const byKind = new Map<SymbolKind, SymbolDeclaration[]>();
  const seen = new Set<string>();
  for (const declaration of check.symbols.declarations) {
    if (declaration.kind === 'field' || seen.has(declaration.id)) continue;
    seen.add(declaration.id);
    let list = byKind.get(declaration.kind);
    if (!list) byKind.set(declaration.kind, (list = []));
    list.push(declaration);
  }

  let audienceName: string | undefined;
  const tables = new Map<string, TableInfo>();
  const channels = new Set<string>();
  const categories = new Set<string>();
  const served = new Set<string>();
  for (const file of check.files) {
    for (const decl of file.declarations) {
      if (decl.kind === 'Audience') audienceName ??= decl.table.text;
      else if (decl.kind === 'Table' && decl.name.text !== '' && !tables.has(decl.name.text)) tables.set(decl.name.text, tableOf(decl));
      else if (decl.kind === 'Offer' || decl.kind === 'OfferFamily') {
        for (const property of decl.properties) {
          if (property.key === 'channels') for (const channel of property.channels) channels.add(channel.text);
          if (property.key === 'category' && property.value.kind === 'String') categories.add(property.value.value);
          if (property.key === 'strategy') served.add(property.outcome.text);
        }
      } else if (decl.kind === 'Plan') {
        for (const property of decl.properties) if (property.key === 'channel') channels.add(property.channel.text);
      }
    }
  }
  // A half-typed line can parse as a channel (`channels |` then `strategy …` on the next line): keywords are never channels.
  for (const set of [channels, categories, served]) {
    set.delete('');
    for (const word of KEYWORDS) set.delete(word);
  }
  const audience = audienceName === undefined ? undefined : tables.get(audienceName);
  if (audience && !tables.has('contacts')) {
    const names = (kind: SymbolKind) => (byKind.get(kind) ?? []).map((d) => d.name);
    const enumerated: Record<string, readonly string[]> = {
      channel: [...channels],
      category: [...categories],
      offer: [...names('offer'), ...names('offerFamily')],
      plan: names('plan'),
    };
    const contacts = contactsTable(audience.name, 'text');
    const fields = new Map<string, FieldInfo>();
    for (const field of Object.values(contacts.fields)) {
      const values = enumerated[field.name];
      fields.set(field.name, {
        name: field.name,
        table: 'contacts',
        detail: field.link ? `link to ${field.link.target}` : field.type,
        ...(field.link ? { link: field.link.target } : {}),
        ...(values && values.length > 0 ? { values } : {}),
      });
    }
    tables.set('contacts', { name: 'contacts', fields, events: true, builtin: true, doc: 'The contact history the runtime keeps: one row per offer sent.' });
  }
  const events = eventTables(tables, audience?.name);
  for (const [name, table] of tables) if (events.has(name) && !table.events) tables.set(name, { ...table, events: true });

  const metricTypes = new Map([...check.metricTypes].filter(([, type]) => type !== 'unknown'));
  return {
    ...(audience ? { audience: tables.get(audience.name)! } : {}),
    tables,
    byKind,
    metricTypes,
    channels: [...channels].sort(),
    categories: [...categories].sort(),
    servedOutcomes: [...served].sort(),
  };
}

function tableOf(decl: TableDecl): TableInfo {
  let info = tableCache.get(decl);
  if (!info) tableCache.set(decl, (info = readTable(decl)));
  return info;
}

function readTable(decl: TableDecl): TableInfo {
  const table = decl.name.text;
  const fields = new Map<string, FieldInfo>();
  const implicit = (name: string | undefined, type: string) => {
    if (name && !decl.fields.some((field) => field.name.text === name)) fields.set(name, { name, table, detail: type });
  };
  implicit(decl.key?.text, 'text');
  for (const field of decl.fields) {
    const name = field.name.text;
    if (name === '' || fields.has(name)) continue;
    const doc = field.doc ? { doc: field.doc } : {};
    if (field.kind === 'Link') fields.set(name, { name, table, detail: `link to ${field.target.text}`, link: field.target.text, ...doc });
    else {
      const values = field.type.values?.map((value) => value.value);
      const detail = values ? `text in (${values.map((v) => JSON.stringify(v)).join(', ')})` : field.type.name;
      fields.set(name, { name, table, detail, ...(values ? { values } : {}), ...doc });
    }
  }
  implicit(decl.time?.text, 'timestamp');
  return { name: table, fields, events: false, builtin: false, ...(decl.doc ? { doc: decl.doc } : {}) };
}

/** Tables that reach the audience by following links (breadth-first from the audience, links taken backwards). */
function eventTables(tables: ReadonlyMap<string, TableInfo>, audience: string | undefined): Set<string> {
  const reached = new Set<string>();
  if (!audience) return reached;
  const queue = [audience];
  for (let i = 0; i < queue.length; i++) {
    for (const table of tables.values()) {
      if (reached.has(table.name) || table.name === audience) continue;
      for (const field of table.fields.values()) {
        if (field.link === queue[i]) {
          reached.add(table.name);
          queue.push(table.name);
          break;
        }
      }
    }
  }
  return reached;
}

/**
 * What the dotted name `parts` stands for, as a table to take fields from:
 * `product` inside `where` over order_lines → products; `customers` → the
 * audience; `orders` (an aggregate's source) → orders; `offer` → 'offer'.
 */
export function tableOfPath(names: WorkspaceNames, scope: NameScope, parts: readonly string[]): TableInfo | 'offer' | undefined {
  const head = parts[0];
  if (head === undefined) return undefined;
  const event = scope.event;
  if (event) {
    if (event.fields.has(head) && !(head === 'offer' && scope.offer && !event.fields.get(head)!.link)) return walk(names, event, parts, 0);
    if (head === event.name) return walk(names, event, parts, 1);
  }
  if (head === 'offer' && scope.offer) return parts.length === 1 ? 'offer' : scope.familySource && walk(names, scope.familySource, parts, 1);
  const audience = names.audience;
  if (audience && head === audience.name) return walk(names, audience, parts, 1);
  if (audience?.fields.has(head)) return walk(names, audience, parts, 0);
  const table = names.tables.get(head);
  return table && walk(names, table, parts, 1);
}

/** The field `parts` names (its last part), in the same scopes. */
export function fieldOfPath(names: WorkspaceNames, scope: NameScope, parts: readonly string[]): FieldInfo | undefined {
  const last = parts[parts.length - 1];
  if (last === undefined) return undefined;
  if (parts.length === 1) return scope.event?.fields.get(last) ?? names.audience?.fields.get(last);
  const table = tableOfPath(names, scope, parts.slice(0, -1));
  return table && table !== 'offer' ? table.fields.get(last) : undefined;
}

function walk(names: WorkspaceNames, table: TableInfo, parts: readonly string[], start: number): TableInfo | undefined {
  let current: TableInfo | undefined = table;
  for (let i = start; i < parts.length && current; i++) {
    const link: string | undefined = current.fields.get(parts[i]!)?.link;
    current = link === undefined ? undefined : names.tables.get(link);
  }
  return current;
}
