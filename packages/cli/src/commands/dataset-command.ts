import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, loadCdnow, parseCdnow } from '@seg/runtime';
import type { Command } from '../command';
import { stringFlag } from '../cli-args';
import { bundledExample } from '../bundled-example';
import { UsageError } from '../usage-error';
import { requireCheckedWorkspace } from '../workspace-session';

export const datasetCommand: Command = {
  name: 'dataset',
  usage: 'seg dataset cdnow --db URL [--file CDNOW_sample.txt|CDNOW_master.txt]',
  summary: 'load a public dataset for an example workspace (CDNOW purchases → examples/cdnow)',
  flags: { db: 'value', file: 'value' },
  async run(args, io) {
    const [name, extra] = args.positionals;
    if (name !== 'cdnow' || extra !== undefined) throw new UsageError('the datasets are: cdnow');
    const url = io.env.SEG_DATABASE_URL ?? stringFlag(args, 'db');
    if (!url) throw new UsageError('name the database to fill with --db URL');
    const flag = stringFlag(args, 'file');
    const file = flag ? resolve(io.cwd, flag) : findSharedFile(io.cwd, 'CDNOW_sample.txt');
    if (!file || !existsSync(file)) {
      throw new UsageError(`${flag ? `no file ${flag}` : 'CDNOW_sample.txt not found'}: pass --file with the path of CDNOW_sample.txt or CDNOW_master.txt`);
    }
    const { workspace } = requireCheckedWorkspace(bundledExample('cdnow'), io);
    const rows = parseCdnow(readFileSync(file, 'utf8'), relative(io.cwd, file));
    const db = await connect(url);
    try {
      await loadCdnow(db, workspace.model, rows);
    } finally {
      await db.close();
    }
    io.stderr(`Loaded ${rows.customers.length.toLocaleString('en-US')} customers and ${rows.purchases.length.toLocaleString('en-US')} purchases from ${relative(io.cwd, file)} into ${url}.\n`);
    return 0;
  },
};

/** The data folder kept beside the repository (`../shared/data/cdnow`), looked for above the current folder and above Seg itself. */
function findSharedFile(cwd: string, name: string): string | undefined {
  for (const start of [cwd, dirname(fileURLToPath(import.meta.url))]) {
    for (let dir = start; dirname(dir) !== dir; dir = dirname(dir)) {
      const candidate = join(dir, 'shared', 'data', 'cdnow', name);
      if (existsSync(candidate)) return candidate;
    }
  }
  return undefined;
}
