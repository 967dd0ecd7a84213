import { dialectOfUrl, loadWorkspaceVersion, measureAudienceDiff, resolveDatabaseUrl, ruleChanges, type AudienceDiff } from '@seg/runtime';
import type { Command } from '../command';
import { stringFlag } from '../cli-args';
import { asOfFromFlag } from '../as-of';
import { diffMarkdown, diffText } from '../diff-report';
import { progressLine } from '../progress-line';
import { UsageError } from '../usage-error';
import { openDatabase, requireClean } from '../workspace-session';

const FORMATS = ['text', 'markdown'] as const;

export const diffCommand: Command = {
  name: 'diff',
  usage: 'seg diff BASE [HEAD] [--dir DIR] [--db URL] [--as-of DATE] [--format text|markdown]',
  summary: "the audience impact of a change: sizes, who entered and left, strategy moves, offers' reach",
  flags: { dir: 'value', db: 'value', 'as-of': 'value', format: 'value' },
  async run(args, io) {
    const [baseSpec, headSpec, extra] = args.positionals;
    if (!baseSpec || extra !== undefined) throw new UsageError('give the base version (a folder or a git revision) and optionally the head version');
    const format = stringFlag(args, 'format') ?? 'text';
    if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be text or markdown, not "${format}"`);
    const dir = stringFlag(args, 'dir') ?? '.';
    const base = loadWorkspaceVersion(baseSpec, dir, io.cwd);
    const head = loadWorkspaceVersion(headSpec, dir, io.cwd);
    const before = requireClean(base.loaded, io, `BASE ${base.label}`).workspace;
    const after = requireClean(head.loaded, io, `HEAD ${head.label}`).workspace;
    const asOfFlag = stringFlag(args, 'as-of');
    const asOf = asOfFromFlag(asOfFlag, after.timezone);

    // Rules are compared as compiled for the database's engine; without a database (nothing to
    // measure unless something changed) any engine tells a change from none.
    const url = resolveDatabaseUrl(head.loaded, stringFlag(args, 'db'), io.env);
    const changes = ruleChanges(before, after, url ? dialectOfUrl(url) : 'sqlite');
    let diff: AudienceDiff = { segments: [], strategies: [], plans: [] };
    if (changes.length > 0) {
      const db = await openDatabase(head.loaded, stringFlag(args, 'db'), io);
      const progress = progressLine(io);
      try {
        diff = await measureAudienceDiff(db, { base: before, head: after, changes, asOf, onProgress: progress });
      } finally {
        progress('');
        await db.close();
      }
    }
    const report = { base: base.label, head: head.label, asOf: asOfFlag ?? asOf.toISOString(), diff };
    io.stdout(format === 'markdown' ? diffMarkdown(report) : diffText(report));
    return 0;
  },
};
