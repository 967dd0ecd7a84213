/** Starts the built `seg` CLI as a long-running process (`seg schedule`, a `seg run` to kill). */
import { type ChildProcess, spawn } from 'node:child_process';
import { repoRoot, segBin } from './run-seg';

export interface SegProcess {
  readonly child: ChildProcess;
  /** Everything written to standard error so far. */
  stderr(): string;
  stdout(): string;
  /** Resolves with the exit status (null when killed by a signal) and the signal. */
  readonly exited: Promise<{ status: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once standard error matches `pattern`; rejects after `ms` (with what was written). */
  waitFor(pattern: RegExp, ms?: number): Promise<void>;
}

export function startSeg(args: readonly string[], options: { cwd?: string; env?: Record<string, string | undefined> } = {}): SegProcess {
  const env = { ...process.env, ...options.env };
  // As runSeg: a developer's SEG_DATABASE_URL must not leak into a test that names its own database.
  if (!options.env || !('SEG_DATABASE_URL' in options.env)) delete env.SEG_DATABASE_URL;
  const child = spawn(process.execPath, [segBin, ...args], { cwd: options.cwd ?? repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<{ status: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (status, signal) => resolve({ status, signal })),
  );
  let done = false;
  void exited.then(() => (done = true));
  return {
    child,
    stderr: () => err,
    stdout: () => out,
    exited,
    async waitFor(pattern, ms = 20_000) {
      const end = Date.now() + ms;
      while (!pattern.test(err)) {
        if (Date.now() > end || done) {
          // One more look: the process may have written and exited between polls.
          await new Promise((resolve) => setTimeout(resolve, 50));
          if (pattern.test(err)) return;
          throw new Error(`seg ${args[0]}: no line matching ${pattern} ${done ? 'before it exited' : `within ${ms} ms`}; stderr:\n${err}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
  };
}
