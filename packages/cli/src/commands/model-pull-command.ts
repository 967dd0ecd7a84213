import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { connect, introspectDatabase, modelFromSchema, RUNTIME_TABLES } from '@seg/runtime';
import type { Command } from '../command';
import { stringFlag } from '../cli-args';
import { UsageError } from '../usage-error';
import { replaceFileAtomically } from '../write-output';

export const modelPullCommand: Command = {
  name: 'model',
  usage: 'seg model pull --db URL [DIR] [--audience TABLE] [--out FILE|-] [--force]',
  summary: 'write a model (model.seg) from an existing database',
  flags: { db: 'value', audience: 'value', out: 'value', force: 'switch' },
  async run(args, io) {
    const [verb, dir, extra] = args.positionals;
    if (verb !== 'pull' || extra !== undefined) throw new UsageError('the model command is `seg model pull --db URL [DIR]`');
    const url = io.env.SEG_DATABASE_URL ?? stringFlag(args, 'db');
    if (!url) throw new UsageError('name the database with --db URL (or SEG_DATABASE_URL)');
    const out = stringFlag(args, 'out') ?? resolve(io.cwd, dir ?? '.', 'model.seg');
    if (out !== '-' && existsSync(resolve(io.cwd, out)) && args.flags.force !== true) {
      throw new UsageError(`${relative(io.cwd, resolve(io.cwd, out))} exists; pass --force to replace it or --out - to print`);
    }
    const db = await connect(url);
    let text: string;
    try {
      const schema = await introspectDatabase(db);
      const audience = stringFlag(args, 'audience');
      if (audience && !schema.tables.some((t) => t.name === audience)) throw new UsageError(`the database has no table "${audience}"`);
      text = modelFromSchema(schema, { dialect: db.dialect, audience, exclude: RUNTIME_TABLES });
    } finally {
      await db.close();
    }
    if (out === '-') io.stdout(text);
    else {
      replaceFileAtomically(resolve(io.cwd, out), text);
      io.stderr(`Wrote ${relative(io.cwd, resolve(io.cwd, out))}.\n`);
    }
    return 0;
  },
};
