/**
 * What the server knows of the workspace: the `.seg` files on disk, overlaid
 * by the documents the editor has open, and the check of all of them together
 * (a rename in one file changes diagnostics in the others). Each file's parse
 * is kept while its text is unchanged, so a keystroke re-parses one file and
 * re-checks the workspace. Plain state, no protocol: features read a
 * `WorkspaceSnapshot`.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { checkParsedFiles, LineIndex, parseFile, type CheckResult } from '@seg/core';
import { loadWorkspace, type WorkspaceConfig } from '@seg/runtime';

type ParseResult = ReturnType<typeof parseFile>;

/** One consistent view for a request: texts, their check, and position conversions. */
export interface WorkspaceSnapshot {
  readonly root: string | undefined;
  readonly config: WorkspaceConfig;
  readonly check: CheckResult;
  /** File path (workspace-relative, `/`-separated) → text. */
  readonly texts: ReadonlyMap<string, string>;
  lines(path: string): LineIndex;
  pathOf(uri: string): string | undefined;
  uriOf(path: string): string;
}

export class WorkspaceState {
  private root: string | undefined;
  private config: WorkspaceConfig = {};
  /** A problem reading the workspace (bad seg.json), shown to the user once per change. */
  private loadError: string | undefined;
  private readonly disk = new Map<string, string>();
  private readonly open = new Map<string, string>();
  private readonly parses = new Map<string, ParseResult>();
  private readonly lineIndexes = new Map<string, LineIndex>();
  private current: WorkspaceSnapshot | undefined;
  private lastChecked: WorkspaceSnapshot | undefined;
  private editing: WorkspaceSnapshot | undefined;

  private invalidate(): void {
    this.current = undefined;
    this.editing = undefined;
  }

  /** Reads the workspace at `folder` (the nearest seg.json at or above it decides the root). */
  load(folder: string | undefined): string | undefined {
    this.disk.clear();
    this.loadError = undefined;
    if (folder) {
      try {
        const loaded = loadWorkspace(folder);
        this.root = loaded.root;
        this.config = loaded.config;
        for (const [path, text] of Object.entries(loaded.files)) this.disk.set(path, text);
      } catch (error) {
        this.root = resolve(folder);
        this.loadError = error instanceof Error ? error.message : String(error);
      }
    }
    this.invalidate();
    return this.loadError;
  }

  get folder(): string | undefined {
    return this.root;
  }

  setOpen(uri: string, text: string): string | undefined {
    const path = this.pathOf(uri);
    if (path === undefined) return undefined;
    if (this.open.get(path) !== text) {
      this.open.set(path, text);
      this.invalidate();
    }
    return path;
  }

  /** The editor closed a document: the file on disk counts again (if there is one). */
  close(uri: string): void {
    const path = this.pathOf(uri);
    if (path === undefined || !this.open.delete(path)) return;
    this.invalidate();
  }

  /** A file changed on disk (created, changed or deleted: `text` undefined). */
  diskChanged(uri: string, text: string | undefined): void {
    const path = this.pathOf(uri);
    if (path === undefined || !path.endsWith('.seg')) return;
    if (text === undefined) this.disk.delete(path);
    else this.disk.set(path, text);
    this.invalidate();
  }

  snapshot(): WorkspaceSnapshot {
    if (this.current) return this.current;
    const { texts, parsed, lines } = this.parseAll();
    const check = checkParsedFiles(parsed, { name: this.config.name, timezone: this.config.timezone });
    this.current = this.view(texts, lines, check);
    this.lastChecked = this.current;
    this.editing = undefined;
    return this.current;
  }

  /**
   * For requests that answer while someone types (completion, signature help) and must not wait
   * for the re-check an edit starts: every file's current text and parse, with the rest of the
   * last check (its names, symbols and types — a keystroke rarely changes them).
   */
  editingSnapshot(): WorkspaceSnapshot {
    if (this.current) return this.current;
    if (!this.lastChecked) return this.snapshot();
    if (!this.editing) {
      const { texts, parsed, lines } = this.parseAll();
      this.editing = this.view(texts, lines, { ...this.lastChecked.check, files: parsed.map((p) => p.file) });
    }
    return this.editing;
  }

  private view(texts: ReadonlyMap<string, string>, lines: (path: string) => LineIndex, check: CheckResult): WorkspaceSnapshot {
    return { root: this.root, config: this.config, check, texts, lines, pathOf: (uri) => this.pathOf(uri), uriOf: (path) => this.uriOf(path) };
  }

  /** Every file's text and parse now (a file is parsed again only when its text changed). */
  private parseAll() {
    const texts = new Map(this.disk);
    for (const [path, text] of this.open) texts.set(path, text);
    const parsed: ParseResult[] = [];
    for (const [path, text] of texts) {
      let parse = this.parses.get(path);
      if (!parse || parse.file.text !== text) {
        parse = parseFile(path, text);
        this.parses.set(path, parse);
        this.lineIndexes.delete(path);
      }
      parsed.push(parse);
    }
    for (const path of this.parses.keys()) if (!texts.has(path)) this.parses.delete(path);
    const lines = (path: string) => {
      let index = this.lineIndexes.get(path);
      if (!index) this.lineIndexes.set(path, (index = new LineIndex(texts.get(path) ?? '')));
      return index;
    };
    return { texts, parsed, lines };
  }

  /** Workspace-relative path of a `file:` URI; an absolute path for a file outside the workspace. */
  pathOf(uri: string): string | undefined {
    if (!uri.startsWith('file:')) return undefined;
    const absolute = fileURLToPath(uri);
    if (!this.root) return absolute;
    const inside = relative(this.root, absolute);
    return inside.startsWith('..') || isAbsolute(inside) ? absolute : inside.split(sep).join('/');
  }

  uriOf(path: string): string {
    return pathToFileURL(isAbsolute(path) || !this.root ? path : resolve(this.root, path)).href;
  }
}
