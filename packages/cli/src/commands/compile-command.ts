import { resolve } from 'node:path';
import { compileWorkspace } from '@seg/compiler';
import type { Command } from '../command';
import { stringFlag } from '../cli-args';
import { dialectFlag } from '../dialect-flag';
import { UsageError } from '../usage-error';
import { requireCheckedWorkspace } from '../workspace-session';
import { replaceFolderAtomically } from '../write-output';

export const compileCommand: Command = {
  name: 'compile',
  usage: 'seg compile [DIR] --dialect sqlite|postgres|duckdb --out OUT',
  summary: 'write a ranking plan per plan and SQL per segment and metric',
  flags: { dialect: 'value', out: 'value' },
  async run(args, io) {
    if (args.positionals.length > 1) throw new UsageError('seg compile takes one folder');
    const dialect = dialectFlag(stringFlag(args, 'dialect') ?? 'sqlite');
    const out = resolve(io.cwd, stringFlag(args, 'out') ?? 'out');
    const { workspace } = requireCheckedWorkspace(args.positionals[0], io);
    const files = compileWorkspace(workspace, dialect);
    replaceFolderAtomically(out, files);
    const plans = Object.keys(workspace.plans).length;
    io.stderr(`Compiled ${plans} plan${plans === 1 ? '' : 's'} and ${Object.keys(files).length - plans} SQL files for ${dialect} into ${out}.\n`);
    return 0;
  },
};
