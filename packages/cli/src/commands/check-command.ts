import { compareModelWithSchema, connect, introspectDatabase, resolveDatabaseUrl } from '@seg/runtime';
import type { Diagnostic } from '@seg/core';
import type { Command } from '../command';
import { stringFlag } from '../cli-args';
import { formatDiagnosticLine, locateDiagnostics } from '../diagnostics-output';
import { UsageError } from '../usage-error';
import { checkFolder } from '../workspace-session';

export const checkCommand: Command = {
  name: 'check',
  usage: 'seg check [DIR] [--format text|json] [--db URL]',
  summary: 'parse and check a workspace; one line per diagnostic',
  flags: { format: 'value', db: 'value' },
  async run(args, io) {
    const format = stringFlag(args, 'format') ?? 'text';
    if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not "${format}"`);
    if (args.positionals.length > 1) throw new UsageError('seg check takes one folder');
    const { loaded, result } = checkFolder(args.positionals[0], io);
    const drift: Diagnostic[] = [];
    // Only on request: CI checks rules without a database.
    if (args.flags.db !== undefined && result.workspace) {
      const db = await connect(resolveDatabaseUrl(loaded, stringFlag(args, 'db'), io.env)!);
      try {
        drift.push(...compareModelWithSchema(result.workspace.model, await introspectDatabase(db), db.dialect));
      } finally {
        await db.close();
      }
    }
    const located = locateDiagnostics([...result.diagnostics, ...drift], loaded.files, loaded.root, io.cwd);
    if (format === 'json') {
      io.stdout(`${JSON.stringify(located, null, 2)}\n`);
    } else {
      for (const d of located) io.stdout(`${formatDiagnosticLine(d)}\n`);
    }
    const errors = located.filter((d) => d.severity === 'error').length;
    const warnings = located.filter((d) => d.severity === 'warning').length;
    const fileCount = Object.keys(loaded.files).length;
    if (format === 'text') {
      const problems = errors + warnings === 0 ? 'no problems' : `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
      io.stderr(`Checked ${plural(fileCount, 'file')}: ${problems}.\n`);
    }
    return errors > 0 ? 1 : 0;
  },
};

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}
