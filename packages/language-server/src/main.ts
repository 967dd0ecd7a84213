// The server's own entry point (the VS Code extension bundles this file): LSP over stdio.
import { startStdioServer } from './server';

startStdioServer();
