import type { Command } from '../command';
import { UsageError } from '../usage-error';

export const lspCommand: Command = {
  name: 'lsp',
  usage: 'seg lsp [--stdio]',
  summary: 'the language server over stdio, for any LSP editor',
  // Editors' LSP clients add --stdio; stdio is the only transport.
  flags: { stdio: 'switch' },
  async run(args) {
    if (args.positionals.length > 0) throw new UsageError('seg lsp takes no arguments');
    // Loaded only here: the other commands do not pay for the protocol libraries.
    const { startStdioServer } = await import('@seg/language-server');
    startStdioServer();
    // The server ends the process itself when the client sends `exit` (or stdin closes).
    return new Promise<number>(() => undefined);
  },
};
