import { runCli } from './run-cli';
import { processIo } from './cli-io';

// Exit through process.exitCode so pending output is flushed before Node stops.
runCli(process.argv.slice(2), processIo()).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    process.stderr.write(`seg: internal error: ${(error as Error)?.message ?? String(error)}\n`);
    process.exitCode = 70;
  },
);
