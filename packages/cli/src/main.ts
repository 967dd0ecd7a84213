import { runCli } from './run-cli';
import { processIo } from './cli-io';

// A reader that stops early (`seg members … | head`) is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

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
