/**
 * Pass 2: the data model. Tables with their fields (key and time included),
 * links resolved to their targets, each event table's path of links to the
 * audience and where its event time comes from, plus the built-in `contacts`.
 */
import type { AudienceDecl, TableDecl } from '../syntax/ast';
import type { FieldDef, ScalarType, TableDef } from '../model/ir';
import { type CheckContext, kindPhrase } from './check-context';
import type { CollectedDeclarations } from './declarations';
import { closestName } from './did-you-mean';
import { symbolId } from './symbol-index';

interface MutableTable {
  name: string;
  sqlName: string;
  key?: string;
  time?: string;
  fields: Record<string, FieldDef>;
  audiencePath?: string[];
  timeSource?: { path: string[]; field: string };
  builtin?: boolean;
  origin?: { file: string; span: { start: number; end: number } };
}

interface TableSource {
  readonly file: string;
  readonly decl: TableDecl;
  readonly table: MutableTable;
}

/**
 * Builds the model into `ctx.tables` / `ctx.audience`. `familySources` are the
 * tables offer families read from: like link targets, they are lookup tables
 * that need no path to the audience.
 */
export function buildDataModel(ctx: CheckContext, collected: CollectedDeclarations, familySources: ReadonlySet<string>): void {
  const sources: TableSource[] = [];
  for (const entry of collected.ordered) {
    if (entry.kind !== 'table') continue;
    sources.push({ file: entry.file, decl: entry.node, table: buildColumns(ctx, entry.file, entry.node) });
  }
  const byName = new Map(sources.map((source) => [source.table.name, source]));
  const linkTargets = new Set<string>();
  const brokenLinks = new Set<string>();
  for (const source of sources) resolveLinks(ctx, source, byName, linkTargets, brokenLinks);

  resolveAudience(ctx, collected, sources);
  const audience = ctx.audience;
  if (audience && byName.has(audience)) {
    computeAudiencePaths(sources, byName, audience);
    for (const source of sources) {
      const table = source.table;
      // A table with a link to an unknown table has its error already; it may well reach the audience once fixed.
      if (table.audiencePath || linkTargets.has(table.name) || familySources.has(table.name) || brokenLinks.has(table.name)) continue;
      ctx.report(
        'SEG3004',
        source.file,
        source.decl.name.span,
        `Table \`${table.name}\` is not linked to the audience \`${audience}\`: add a link such as \`customer -> ${audience} on customer_id\`, or link another table to it.`,
      );
    }
  }
  for (const source of sources) computeTimeSource(source.table, byName);

  for (const source of sources) ctx.tables.set(source.table.name, source.table as TableDef);
  const audienceTable = ctx.tables.get(audience);
  if (audienceTable) {
    const keyType = audienceTable.key ? audienceTable.fields[audienceTable.key]?.type : undefined;
    ctx.tables.set('contacts', contactsTable(audience, keyType ?? 'text'));
  }
}

function describeField(field: FieldDef): string {
  if (field.link) return `link to ${field.link.target}`;
  if (field.values) return `text in (${field.values.map((v) => JSON.stringify(v)).join(', ')})`;
  return field.type;
}

function buildColumns(ctx: CheckContext, file: string, decl: TableDecl): MutableTable {
  const name = decl.name.text;
  const table: MutableTable = { name, sqlName: name, fields: {}, origin: { file, span: decl.name.span } };
  const fields = table.fields;
  const keyName = decl.key?.text;
  const timeName = decl.time?.text;
  const declared = new Set(decl.fields.map((field) => field.name.text));
  const bodySeen = new Map<string, { start: number; end: number }>();

  if (keyName && !declared.has(keyName)) {
    fields[keyName] = { name: keyName, column: keyName, type: 'text', origin: { file, span: decl.key!.span } };
    declareField(ctx, file, name, fields[keyName]!, decl.key!.span, decl.key!.span, undefined);
  }
  for (const field of decl.fields) {
    const fieldName = field.name.text;
    if (fieldName === '') continue;
    const firstSpan = bodySeen.get(fieldName);
    if (firstSpan) {
      ctx.report('SEG1015', file, field.name.span, `Table \`${name}\` already has a field \`${fieldName}\`.`, {
        related: [{ file, span: firstSpan, message: `\`${fieldName}\` is first declared here` }],
      });
      continue;
    }
    bodySeen.set(fieldName, field.name.span);
    const origin = { file, span: field.name.span };
    let def: FieldDef;
    if (field.kind === 'Column') {
      const values = field.type.values?.map((value) => value.value);
      if (field.type.values) {
        const seen = new Set<string>();
        for (const value of field.type.values) {
          if (seen.has(value.value)) ctx.report('SEG3010', file, value.span, `${value.raw} is listed twice.`);
          seen.add(value.value);
        }
      }
      def = { name: fieldName, column: field.column?.value ?? fieldName, type: field.type.name, ...(values ? { values } : {}), origin };
    } else {
      // The type is the target key's type; filled in when links are resolved.
      def = { name: fieldName, column: field.column?.value ?? field.on.text, type: 'text', link: { target: field.target.text }, origin };
    }
    fields[fieldName] = def;
    if (field.kind === 'Column') declareField(ctx, file, name, def, field.name.span, field.span, field.doc);
  }
  if (timeName && !declared.has(timeName)) {
    fields[timeName] = { name: timeName, column: timeName, type: 'timestamp', origin: { file, span: decl.time!.span } };
    declareField(ctx, file, name, fields[timeName]!, decl.time!.span, decl.time!.span, undefined);
  }
  // Header names that refer to body fields are references to them (rename renames both).
  for (const header of [decl.key, decl.time]) {
    if (header && declared.has(header.text)) ctx.symbols.reference(file, header.span, symbolId('field', header.text, name));
  }
  if (keyName) table.key = keyName;
  if (timeName) {
    table.time = timeName;
    const timeField = fields[timeName]!;
    if (timeField.link || (timeField.type !== 'timestamp' && timeField.type !== 'date')) {
      ctx.report(
        'SEG3006',
        file,
        decl.time!.span,
        `The time of \`${name}\` must be a timestamp or a date, but \`${timeName}\` is ${timeField.link ? 'a link' : timeField.type}.`,
      );
    }
  }
  return table;
}

function declareField(
  ctx: CheckContext,
  file: string,
  table: string,
  field: FieldDef,
  nameSpan: { start: number; end: number },
  span: { start: number; end: number },
  doc: string | undefined,
): void {
  ctx.symbols.declare({
    id: symbolId('field', field.name, table),
    name: field.name,
    kind: 'field',
    file,
    nameSpan,
    span,
    table,
    doc,
    detail: describeField(field),
  });
}

function resolveLinks(
  ctx: CheckContext,
  source: TableSource,
  byName: ReadonlyMap<string, TableSource>,
  linkTargets: Set<string>,
  brokenLinks: Set<string>,
): void {
  for (const field of source.decl.fields) {
    if (field.kind !== 'Link' || field.name.text === '') continue;
    const def = source.table.fields[field.name.text];
    if (!def?.link || def.origin?.span !== field.name.span) continue; // a duplicate, already reported
    const targetName = field.target.text;
    if (targetName === '') continue;
    const target = byName.get(targetName);
    let type: ScalarType = 'text';
    if (!target) {
      brokenLinks.add(source.table.name);
      reportUnknownTable(ctx, source.file, field.target.span, targetName, [...byName.keys()]);
    } else {
      ctx.symbols.reference(source.file, field.target.span, symbolId('table', targetName));
      linkTargets.add(targetName);
      const key = target.table.key;
      if (!key) {
        ctx.report(
          'SEG3005',
          source.file,
          field.target.span,
          `\`${field.name.text}\` links to \`${targetName}\`, which has no key: declare one with \`table ${targetName} key …\`.`,
        );
      } else {
        type = target.table.fields[key]?.type ?? 'text';
      }
    }
    const resolved: FieldDef = { ...def, type };
    source.table.fields[field.name.text] = resolved;
    declareField(ctx, source.file, source.table.name, resolved, field.name.span, field.span, field.doc);
  }
}

/** Reports an unknown table name with a did-you-mean (or says what the name is, when it is something else). */
export function reportUnknownTable(ctx: CheckContext, file: string, span: { start: number; end: number }, name: string, tables: readonly string[]): void {
  const other = ctx.decls.get(name);
  if (other && other.kind !== 'table') {
    ctx.report('SEG1006', file, span, `\`${name}\` is ${kindPhrase(other.kind)}, not a table.`);
    return;
  }
  const best = closestName(name, tables);
  ctx.report('SEG1004', file, span, `There is no table \`${name}\`${best ? `; did you mean \`${best}\`?` : '.'}`, {
    suggestions: best ? [ctx.replaceWith(file, span, best)] : [],
  });
}

function resolveAudience(ctx: CheckContext, collected: CollectedDeclarations, sources: readonly TableSource[]): void {
  const [first, ...extra] = collected.audiences;
  for (const other of extra) {
    ctx.report('SEG3009', other.file, other.decl.span, 'The workspace already declares its audience; there can be only one.', {
      related: [{ file: first!.file, span: first!.decl.span, message: 'The audience is declared here' }],
    });
  }
  if (!first) {
    if (collected.ordered.length === 0) return;
    const anchor = sources[0] ?? { file: collected.ordered[0]!.file, decl: collected.ordered[0]!.node };
    const suggestion = sources[0]
      ? [{ title: `Add \`audience ${sources[0].table.name}\``, file: anchor.file, span: { start: anchor.decl.span.start, end: anchor.decl.span.start }, replacement: `audience ${sources[0].table.name}\n\n` }]
      : [];
    ctx.report(
      'SEG3001',
      anchor.file,
      anchor.decl.name.span,
      'The workspace has no `audience`: add `audience <table>` naming the table of the people segments select.',
      { suggestions: suggestion },
    );
    return;
  }
  checkAudienceDecl(ctx, first.file, first.decl, sources);
}

function checkAudienceDecl(ctx: CheckContext, file: string, decl: AudienceDecl, sources: readonly TableSource[]): void {
  const name = decl.table.text;
  if (name === '') return;
  const source = sources.find((s) => s.table.name === name);
  if (!source) {
    reportUnknownTable(ctx, file, decl.table.span, name, sources.map((s) => s.table.name));
    return;
  }
  ctx.symbols.reference(file, decl.table.span, symbolId('table', name));
  ctx.audience = name;
  if (!source.table.key) {
    ctx.report(
      'SEG3003',
      source.file,
      source.decl.name.span,
      `The audience \`${name}\` needs a key (\`table ${name} key customer_id { … }\`): offers and tests name customers by it.`,
    );
  }
}

/** Breadth-first from the audience over links taken backwards: each table's shortest path of links to it. */
function computeAudiencePaths(sources: readonly TableSource[], byName: ReadonlyMap<string, TableSource>, audience: string): void {
  const incoming = new Map<string, { from: MutableTable; link: string }[]>();
  for (const source of sources) {
    for (const field of Object.values(source.table.fields)) {
      if (!field.link || !byName.has(field.link.target)) continue;
      const list = incoming.get(field.link.target) ?? [];
      list.push({ from: source.table, link: field.name });
      incoming.set(field.link.target, list);
    }
  }
  const start = byName.get(audience)!.table;
  start.audiencePath = [];
  const queue: MutableTable[] = [start];
  for (let i = 0; i < queue.length; i++) {
    const table = queue[i]!;
    for (const edge of incoming.get(table.name) ?? []) {
      if (edge.from.audiencePath) continue;
      edge.from.audiencePath = [edge.link, ...table.audiencePath!];
      queue.push(edge.from);
    }
  }
}

/** A table's own time, or the first time met along its links to the audience. */
function computeTimeSource(table: MutableTable, byName: ReadonlyMap<string, TableSource>): void {
  if (table.time) {
    table.timeSource = { path: [], field: table.time };
    return;
  }
  if (!table.audiencePath) return;
  let current = table;
  const path: string[] = [];
  for (const link of table.audiencePath) {
    const target = byName.get(current.fields[link]!.link!.target)?.table;
    if (!target) return;
    path.push(link);
    current = target;
    if (current.time) {
      table.timeSource = { path, field: current.time };
      return;
    }
  }
}

/** The runtime-maintained contact history: plan, offer, channel, category, at, and the customer. */
export function contactsTable(audience: string, keyType: ScalarType): TableDef {
  const text = (name: string): FieldDef => ({ name, column: name, type: 'text' });
  return {
    name: 'contacts',
    sqlName: 'contacts',
    time: 'at',
    builtin: true,
    fields: {
      plan: text('plan'),
      offer: text('offer'),
      channel: text('channel'),
      category: text('category'),
      at: { name: 'at', column: 'at', type: 'timestamp' },
      customer: { name: 'customer', column: 'customer_key', type: keyType, link: { target: audience } },
    },
    audiencePath: ['customer'],
    timeSource: { path: [], field: 'at' },
  };
}
