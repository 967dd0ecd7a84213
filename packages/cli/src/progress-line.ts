import type { CliIo } from './cli-io';

/**
 * A one-line progress display for long commands: redrawn in place on a terminal,
 * silent when output goes to a file or CI log. Calling it with '' clears the line.
 */
export function progressLine(io: CliIo): (text: string) => void {
  if (!io.interactive) return () => {};
  let last = 0;
  return (text) => {
    const now = Date.now();
    if (text !== '' && now - last < 100) return;
    last = now;
    io.stderr(`\r\x1b[2K${text}`);
  };
}
