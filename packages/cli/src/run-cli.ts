import { SegUserError } from '@seg/runtime';
import { parseArgs } from './cli-args';
import type { CliIo } from './cli-io';
import { ExitError, type Command } from './command';
import { UsageError } from './usage-error';
import { checkCommand } from './commands/check-command';
import { compileCommand } from './commands/compile-command';
import { countCommand } from './commands/count-command';
import { fmtCommand } from './commands/fmt-command';
import { membersCommand } from './commands/members-command';
import { modelPullCommand } from './commands/model-pull-command';
import { demoCommand } from './commands/demo-command';
import { datasetCommand } from './commands/dataset-command';
import { explainCommand } from './commands/explain-command';
import { runCommand } from './commands/run-command';
import { runsCommand } from './commands/runs-command';
import { scheduleCommand } from './commands/schedule-command';
import { lspCommand } from './commands/lsp-command';
import { testCommand } from './commands/test-command';
import { diffCommand } from './commands/diff-command';

export const COMMANDS: readonly Command[] = [checkCommand, compileCommand, countCommand, membersCommand, explainCommand, runCommand, runsCommand, scheduleCommand, testCommand, diffCommand, fmtCommand, modelPullCommand, demoCommand, datasetCommand, lspCommand];

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.usage.length));
  const lines = COMMANDS.map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`);
  return `Usage: seg <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nDatabase URLs: sqlite:PATH, sqlite::memory:, postgres://…, duckdb:PATH. SEG_DATABASE_URL overrides --db and seg.json.\n`;
}

/**
 * Runs one `seg` invocation and resolves to its exit status. A user's mistake
 * (bad input, unreachable database, usage) is a message, never a stack trace;
 * set SEG_DEBUG=1 to see where an unexpected error came from.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage());
    return name ? 0 : 2;
  }
  if (name === '--version') {
    io.stdout('seg 0.1.0\n');
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr(`seg: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout(`Usage: ${command.usage}\n\n${command.summary}\n`);
      return 0;
    }
    return await command.run(parseArgs(rest, command.flags), io);
  } catch (error) {
    if (error instanceof ExitError) return error.status;
    if (error instanceof UsageError) {
      io.stderr(`seg ${command.name}: ${error.message}\nUsage: ${command.usage}\n`);
      return 2;
    }
    if (error instanceof SegUserError) {
      io.stderr(`seg ${command.name}: ${error.message}\n`);
      return 1;
    }
    if (io.env.SEG_DEBUG) io.stderr(`${(error as Error)?.stack ?? String(error)}\n`);
    io.stderr(`seg ${command.name}: ${(error as Error)?.message ?? String(error)}\n`);
    return 1;
  }
}
