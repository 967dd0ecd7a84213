/**
 * The protocol layer: documents in, diagnostics out, and each feature's
 * handlers (features/index.ts). Handlers are pure functions of a workspace
 * snapshot; this file only wires them to the connection.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  createConnection,
  DidChangeConfigurationNotification,
  FileChangeType,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type ClientCapabilities,
  type Connection,
  type InitializeResult,
  type ServerCapabilities,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { diagnosticsByUri } from './features/diagnostics';
import { FEATURES } from './features/index';
import type { ServerContext } from './server-context';
import { DEFAULT_SETTINGS, readSettings, type ServerSettings } from './settings';
import { WorkspaceState } from './workspace-state';

export function startStdioServer(): void {
  const connection = createConnection(ProposedFeatures.all, process.stdin, process.stdout);
  startServer(connection);
}

export function startServer(connection: Connection): void {
  const state = new WorkspaceState();
  const documents = new TextDocuments(TextDocument);
  const listeners: (() => void)[] = [];
  let settings: ServerSettings = DEFAULT_SETTINGS;
  let pullsConfiguration = false;
  let clientCapabilities: ClientCapabilities = {};
  /** What each URI shows now (as sent), so that only changed lists are sent again. */
  let published = new Map<string, string>();
  /** The document version each open URI's last diagnostics answered. */
  const answered = new Map<string, number>();
  let pending = false;

  const context: ServerContext = {
    connection,
    snapshot: () => state.snapshot(),
    editingSnapshot: () => state.editingSnapshot(),
    settings: () => settings,
    clientCapabilities: () => clientCapabilities,
    onChange: (listener) => void listeners.push(listener),
  };

  /** Publishes the whole workspace's diagnostics once per burst of changes (edits arrive faster than checks). */
  const changed = () => {
    for (const listener of listeners) listener();
    if (pending) return;
    pending = true;
    setImmediate(() => {
      pending = false;
      const byUri = diagnosticsByUri(state.snapshot());
      const now = new Map<string, string>();
      for (const [uri, diagnostics] of byUri) {
        const shown = JSON.stringify(diagnostics);
        now.set(uri, shown);
        // An edited document always hears back: its version says which edit the diagnostics answer.
        const version = documents.get(uri)?.version;
        if (published.get(uri) !== shown || (version !== undefined && answered.get(uri) !== version)) {
          void connection.sendDiagnostics({ uri, version, diagnostics });
          if (version !== undefined) answered.set(uri, version);
        }
      }
      // Files that left the workspace: clear what they showed.
      for (const uri of published.keys()) if (!byUri.has(uri)) void connection.sendDiagnostics({ uri, diagnostics: [] });
      published = now;
    });
  };

  const refreshSettings = async () => {
    if (!pullsConfiguration) return;
    settings = readSettings(await connection.workspace.getConfiguration('seg'));
    changed();
  };

  connection.onInitialize((params): InitializeResult => {
    const folder = params.workspaceFolders?.[0]?.uri ?? params.rootUri ?? undefined;
    const loadError = state.load(folder ? fileURLToPath(folder) : undefined);
    if (loadError) void connection.window.showErrorMessage(`Seg: ${loadError}`);
    clientCapabilities = params.capabilities;
    pullsConfiguration = params.capabilities.workspace?.configuration === true;
    settings = readSettings((params.initializationOptions as { seg?: unknown } | undefined)?.seg ?? params.initializationOptions);
    const capabilities: ServerCapabilities = { textDocumentSync: TextDocumentSyncKind.Incremental };
    for (const feature of FEATURES) Object.assign(capabilities, feature.capabilities);
    return { capabilities, serverInfo: { name: 'seg' } };
  });

  connection.onInitialized(() => {
    if (pullsConfiguration) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: 'seg' }).catch(() => undefined);
      void refreshSettings();
    }
    changed();
  });

  connection.onDidChangeConfiguration((params) => {
    if (pullsConfiguration) return void refreshSettings();
    settings = readSettings((params.settings as { seg?: unknown } | undefined)?.seg);
    changed();
  });

  documents.onDidChangeContent(({ document }) => {
    if (state.setOpen(document.uri, document.getText()) !== undefined) changed();
  });
  documents.onDidClose(({ document }) => {
    state.close(document.uri);
    changed();
  });

  connection.onDidChangeWatchedFiles(({ changes }) => {
    for (const change of changes) {
      if (change.uri.endsWith('/seg.json') || change.uri.endsWith('/seg.config.json')) {
        const loadError = state.load(state.folder);
        if (loadError) void connection.window.showErrorMessage(`Seg: ${loadError}`);
        continue;
      }
      state.diskChanged(change.uri, change.type === FileChangeType.Deleted ? undefined : readText(change.uri));
    }
    changed();
  });

  for (const feature of FEATURES) feature.register(context);
  documents.listen(connection);
  connection.listen();
}

function readText(uri: string): string | undefined {
  try {
    return readFileSync(fileURLToPath(uri), 'utf8');
  } catch {
    return undefined;
  }
}
