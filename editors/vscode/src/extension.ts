/**
 * The VS Code side of Seg: starts the Seg language server and connects it to
 * `.seg` documents. Every language feature lives in the server.
 *
 * The server is a separate Node process, not a module inside the extension
 * host: size previews load native database drivers (better-sqlite3, DuckDB),
 * which cannot load into VS Code's Electron.
 */
import * as path from 'node:path';
import { workspace, type ExtensionContext, type FileSystemWatcher } from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

export async function activate(context: ExtensionContext): Promise<void> {
  const watcher = workspace.createFileSystemWatcher('**/{*.seg,seg.json,seg.config.json}');
  // Drivers are looked up in the workspace only once it is trusted (loading them runs the workspace's code).
  const restart = async () => {
    await deactivate();
    await startClient(context, watcher);
  };
  context.subscriptions.push(watcher, workspace.onDidGrantWorkspaceTrust(() => void restart()));
  await startClient(context, watcher);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

async function startClient(context: ExtensionContext, watcher: FileSystemWatcher): Promise<void> {
  const node = workspace.getConfiguration('seg').get<string>('server.node')?.trim() || 'node';
  const serverOptions: ServerOptions = {
    command: node,
    args: [context.asAbsolutePath(path.join('dist', 'server.mjs'))],
    transport: TransportKind.stdio,
    options: { env: { ...process.env, SEG_DRIVER_ROOTS: driverRoots() } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'seg' }],
    synchronize: { configurationSection: 'seg', fileEvents: watcher },
  };
  // The id `seg` makes the client read `seg.trace.server`.
  client = new LanguageClient('seg', 'Seg Language Server', serverOptions, clientOptions);
  await client.start();
}

/** Workspace folders whose node_modules may hold the database drivers (see server-entry.ts). */
function driverRoots(): string {
  if (!workspace.isTrusted) return '';
  return (workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath).join(path.delimiter);
}
