/**
 * A real `seg lsp` process (the CLI bundle the global setup builds), spoken to
 * over stdio with JSON-RPC — as an editor does. Tests open documents, edit
 * them and send requests; published diagnostics are collected per URI.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  InitializeRequest,
  PublishDiagnosticsNotification,
  StreamMessageReader,
  StreamMessageWriter,
  type Diagnostic,
  type InitializeResult,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';

const REPO = resolve(import.meta.dirname, '../../../..');
export const SEG_CLI = join(REPO, 'packages/cli/dist/seg.js');
export const RETAIL = join(REPO, 'examples/retail');

export interface SessionOptions {
  /** Workspace folder (default: examples/retail). */
  readonly root?: string;
  /** `seg.*` settings the client answers `workspace/configuration` with. */
  readonly settings?: Record<string, unknown>;
  readonly env?: NodeJS.ProcessEnv;
  /** The server's command line (default: `node seg.js lsp --stdio`, the CLI bundle). */
  readonly command?: readonly string[];
  /** Claim `documentChanges` with change annotations in workspace edits (VS Code does: it asks before applying annotated edits). */
  readonly editAnnotations?: boolean;
  /** Claim LSP 3.17's `completionList.itemDefaults` (`editRange`), as VS Code does. */
  readonly completionItemDefaults?: boolean;
}

export class LspSession {
  readonly diagnostics = new Map<string, Diagnostic[]>();
  /** The document version each URI's latest diagnostics answer (open documents only). */
  readonly diagnosticVersions = new Map<string, number | undefined>();
  private readonly waiters: (() => void)[] = [];
  private readonly versions = new Map<string, number>();
  initialize!: InitializeResult;

  private constructor(
    readonly process: ChildProcess,
    readonly connection: ProtocolConnection,
    readonly root: string,
  ) {}

  static async start(options: SessionOptions = {}): Promise<LspSession> {
    const root = options.root ?? RETAIL;
    const [program, ...args] = options.command ?? [process.execPath, SEG_CLI, 'lsp', '--stdio'];
    const child = spawn(program!, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const session = new LspSession(child, connection, root);
    connection.onNotification(PublishDiagnosticsNotification.type, ({ uri, diagnostics, version }) => {
      session.diagnostics.set(uri, diagnostics);
      session.diagnosticVersions.set(uri, version);
      for (const wake of session.waiters.splice(0)) wake();
    });
    connection.onRequest('workspace/configuration', (params: { items: { section?: string }[] }) =>
      params.items.map((item) => (item.section === 'seg' ? (options.settings ?? {}) : null)),
    );
    connection.onRequest('client/registerCapability', () => null);
    connection.onRequest('workspace/codeLens/refresh', () => null);
    connection.onRequest('workspace/semanticTokens/refresh', () => null);
    connection.onNotification('window/showMessage', () => undefined);
    connection.listen();
    session.initialize = await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: pathToFileURL(root).href,
      workspaceFolders: [{ uri: pathToFileURL(root).href, name: 'workspace' }],
      capabilities: {
        workspace: {
          configuration: true,
          didChangeConfiguration: { dynamicRegistration: true },
          codeLens: { refreshSupport: true },
          ...(options.editAnnotations ? { workspaceEdit: { documentChanges: true, changeAnnotationSupport: { groupsOnLabel: true } } } : {}),
        },
        textDocument: {
          publishDiagnostics: { relatedInformation: true },
          completion: {
            completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'] },
            ...(options.completionItemDefaults ? { completionList: { itemDefaults: ['editRange'] } } : {}),
          },
          hover: { contentFormat: ['markdown', 'plaintext'] },
          rename: { prepareSupport: true },
        },
      },
      initializationOptions: options.settings ? { seg: options.settings } : undefined,
    });
    await connection.sendNotification('initialized', {});
    return session;
  }

  uri(path: string): string {
    return pathToFileURL(join(this.root, path)).href;
  }

  /** Opens a workspace file with its text on disk, or the text given. */
  async open(path: string, text?: string): Promise<string> {
    const uri = this.uri(path);
    const content = text ?? readFileSync(join(this.root, path), 'utf8');
    this.versions.set(uri, 1);
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'seg', version: 1, text: content } });
    return uri;
  }

  /** Replaces a document's whole text (a full-content change); resolves to the new version. */
  async replace(path: string, text: string): Promise<number> {
    const uri = this.uri(path);
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
    return version;
  }

  /** Waits for the diagnostics that answer `version` of `path` (or a later one). */
  async diagnosticsOfVersion(path: string, version: number, timeoutMs = 15_000): Promise<Diagnostic[]> {
    const uri = this.uri(path);
    return this.diagnosticsFor(path, () => (this.diagnosticVersions.get(uri) ?? 0) >= version, timeoutMs);
  }

  /** Waits until the diagnostics published for `path` satisfy `accept` (they arrive after every change). */
  async diagnosticsFor(path: string, accept: (diagnostics: Diagnostic[]) => boolean = () => true, timeoutMs = 15_000): Promise<Diagnostic[]> {
    const uri = this.uri(path);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const current = this.diagnostics.get(uri);
      if (current && accept(current)) return current;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching diagnostics for ${path} within ${timeoutMs} ms; last: ${JSON.stringify(current)}`);
      await new Promise<void>((wake) => {
        const timer = setTimeout(wake, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          wake();
        });
      });
    }
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  async stop(): Promise<void> {
    try {
      await this.connection.sendRequest('shutdown');
      await this.connection.sendNotification('exit');
    } catch {
      // Already gone.
    }
    await new Promise<void>((done) => {
      if (this.process.exitCode !== null) return done();
      const timer = setTimeout(() => {
        this.process.kill('SIGKILL');
        done();
      }, 3_000);
      this.process.once('exit', () => {
        clearTimeout(timer);
        done();
      });
    });
    this.connection.dispose();
  }
}

/**
 * Text with a cursor marked by `|`: the text without it, and the marker's
 * LSP position.
 */
export function cursor(marked: string): { text: string; position: { line: number; character: number } } {
  const at = marked.indexOf('|');
  if (at < 0) throw new Error('no | in the text');
  const before = marked.slice(0, at);
  const line = before.split('\n').length - 1;
  return { text: before + marked.slice(at + 1), position: { line, character: at - (before.lastIndexOf('\n') + 1) } };
}
