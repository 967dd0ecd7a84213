import { join, relative } from 'node:path';
import { formatSource } from '@seg/core';
import { loadWorkspace } from '@seg/runtime';
import type { Command } from '../command';
import { formatDiagnosticLine, locateDiagnostics } from '../diagnostics-output';
import { UsageError } from '../usage-error';
import { replaceFileAtomically } from '../write-output';

export const fmtCommand: Command = {
  name: 'fmt',
  usage: 'seg fmt [DIR] [--check]',
  summary: 'format .seg files in the one canonical style',
  flags: { check: 'switch' },
  async run(args, io) {
    if (args.positionals.length > 1) throw new UsageError('seg fmt takes one folder');
    const checkOnly = args.flags.check === true;
    const loaded = loadWorkspace(args.positionals[0] ?? '.', io.cwd);
    let changed = 0;
    let unformattable = 0;
    for (const [path, text] of Object.entries(loaded.files)) {
      const formatted = formatSource(path, text);
      if (formatted.text === undefined) {
        // A file with syntax errors is left as it is: formatting a guess could lose code.
        unformattable++;
        const errors = formatted.diagnostics.filter((d) => d.severity === 'error');
        for (const d of locateDiagnostics(errors, loaded.files, loaded.root, io.cwd)) io.stderr(`${formatDiagnosticLine(d)}\n`);
        continue;
      }
      if (formatted.text === text) continue;
      changed++;
      const absolute = join(loaded.root, path);
      if (checkOnly) io.stdout(`${relative(io.cwd, absolute)} would be reformatted\n`);
      else replaceFileAtomically(absolute, formatted.text);
    }
    if (!checkOnly && changed > 0) io.stderr(`Formatted ${changed} file${changed === 1 ? '' : 's'}.\n`);
    if (unformattable > 0) return 1;
    return checkOnly && changed > 0 ? 1 : 0;
  },
};
