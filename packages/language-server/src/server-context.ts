/**
 * What a feature gets to work with: the connection to register handlers on,
 * the workspace as of now, the client's settings, and a signal when the
 * workspace changed (for features that push, such as size previews).
 */
import type { ClientCapabilities, Connection, ServerCapabilities } from 'vscode-languageserver';
import type { ServerSettings } from './settings';
import type { WorkspaceSnapshot } from './workspace-state';

export interface ServerContext {
  readonly connection: Connection;
  /** The workspace with every edit received so far. */
  snapshot(): WorkspaceSnapshot;
  /** Every edit's text and parse, with the last check's names: for requests that must not wait for a re-check. */
  editingSnapshot(): WorkspaceSnapshot;
  settings(): ServerSettings;
  /** What the client said it supports in `initialize` (e.g. whether it takes refresh requests). */
  clientCapabilities(): ClientCapabilities;
  /** Called after every change of texts, files on disk or settings. */
  onChange(listener: () => void): void;
}

/** One LSP feature: what it announces in `initialize`, and its handlers. */
export interface Feature {
  readonly capabilities: ServerCapabilities;
  register(context: ServerContext): void;
}
