import type { CliIo } from './cli-io';
import type { FlagSpec, ParsedArgs } from './cli-args';

/** One `seg` subcommand. `run` resolves to the exit status. */
export interface Command {
  readonly name: string;
  readonly usage: string;
  readonly summary: string;
  readonly flags: FlagSpec;
  run(args: ParsedArgs, io: CliIo): Promise<number>;
}

/** Ends a command early with an exit status after it has said why. */
export class ExitError extends Error {
  constructor(readonly status: number) {
    super(`exit ${status}`);
  }
}
