import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, relative, resolve } from 'node:path';
import { runWorkspaceTests } from '@seg/runtime';
import type { Command } from '../command';
import { stringFlag } from '../cli-args';
import { junitXml } from '../junit-report';
import { indent, resultDetails, resultLine } from '../test-report-text';
import { UsageError } from '../usage-error';
import { requireCheckedWorkspace } from '../workspace-session';
import { replaceFileAtomically } from '../write-output';

const REPORTERS = ['text', 'junit'] as const;

export const testCommand: Command = {
  name: 'test',
  usage: 'seg test [DIR] [--filter TEXT] [--reporter junit --output FILE]',
  summary: "run the workspace's test blocks, each on a fresh in-memory database",
  flags: { filter: 'value', reporter: 'value', output: 'value' },
  async run(args, io) {
    if (args.positionals.length > 1) throw new UsageError('seg test takes one folder');
    const reporter = stringFlag(args, 'reporter') ?? 'text';
    if (!(REPORTERS as readonly string[]).includes(reporter)) throw new UsageError(`--reporter must be ${REPORTERS.join(' or ')}, not "${reporter}"`);
    const output = stringFlag(args, 'output');
    if (reporter === 'junit' && !output) throw new UsageError('--reporter junit needs --output FILE');
    if (reporter !== 'junit' && output) throw new UsageError('--output goes with --reporter junit');
    const filter = stringFlag(args, 'filter');
    if (filter !== undefined && filter.trim() === '') throw new UsageError('--filter needs some text');

    // Fixture rows are written by seg itself, so tests read timestamps the default way
    // whatever seg.json's "timestamps" says about the real database.
    const { loaded, result } = requireCheckedWorkspace(args.positionals[0], io);
    const showPath = (file: string) => relative(io.cwd, resolve(loaded.root, file)) || file;
    const report = await runWorkspaceTests({
      workspace: result.workspace!,
      files: loaded.files,
      ...(filter !== undefined ? { filter } : {}),
      onResult: (test) => {
        io.stdout(`${resultLine(test, io.interactive)}\n`);
        if (test.status !== 'passed') io.stdout(`${indent(resultDetails(test, showPath), 3)}\n`);
      },
    });

    if (output) {
      const path = resolve(io.cwd, output);
      mkdirSync(dirname(path), { recursive: true });
      replaceFileAtomically(path, junitXml(report, { name: loaded.config.name ?? basename(loaded.root), hostname: hostname(), showPath }));
    }
    if (filter !== undefined && report.results.length === 0) {
      io.stderr(`No test title contains "${filter}" (${report.total} test${report.total === 1 ? '' : 's'} in the workspace).\n`);
    }
    io.stdout(`${report.passed} passed, ${report.failed} failed\n`);
    return report.failed > 0 || (filter !== undefined && report.results.length === 0) ? 1 : 0;
  },
};
