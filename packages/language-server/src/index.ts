/**
 * @seg/language-server — the Seg language server (LSP over stdio), a thin
 * protocol layer over the pure language core. `seg lsp` and the VS Code
 * extension both start `startStdioServer`.
 */
export { startStdioServer, startServer } from './server';
export { SERVER_SETTINGS, DEFAULT_SETTINGS, readSettings, type ServerSettings, type SettingDescription } from './settings';
