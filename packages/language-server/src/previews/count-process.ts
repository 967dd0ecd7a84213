/**
 * The server's side of the count process: one child at a time, one count at a
 * time. A child process rather than a worker thread because an outdated count
 * must stop: a worker thread inside a synchronous SQLite query cannot be
 * interrupted (better-sqlite3 has no interrupt), a process can be killed.
 * The child's stdout is ignored: the server's own stdout carries the protocol.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CountAnswer, CountRequest, CountResult } from './count-job';

/** An idle child is ended after this long (it holds a Node process and a driver). */
const IDLE_EXIT_MS = 120_000;

export class CountProcess {
  private child: ChildProcess | undefined;
  private pending: { id: number; child: ChildProcess; settle: (result: CountResult | undefined) => void } | undefined;
  private nextId = 1;
  private stderrTail = '';
  private idle: NodeJS.Timeout | undefined;

  constructor(private readonly script: string | undefined = countWorkerScript()) {}

  get busy(): boolean {
    return this.pending !== undefined;
  }

  /** Runs one count; undefined if it was cancelled. */
  run(request: Omit<CountRequest, 'id'>): Promise<CountResult | undefined> {
    if (this.pending) throw new Error('internal: the count process is busy');
    clearTimeout(this.idle);
    const child = this.start();
    if (!child) return Promise.resolve({ kind: 'error', message: 'the count process (lsp-count-worker.js beside the server bundle) is missing', opening: true });
    const id = this.nextId++;
    return new Promise((settle) => {
      this.pending = {
        id,
        child,
        settle: (result) => {
          this.pending = undefined;
          this.idle = setTimeout(() => this.stop(), IDLE_EXIT_MS);
          this.idle.unref();
          settle(result);
        },
      };
      child.send({ id, ...request } satisfies CountRequest);
    });
  }

  /** Stops the count in progress (the child is killed; the next count starts a new one). */
  cancel(): void {
    const pending = this.pending;
    this.stop();
    pending?.settle(undefined);
  }

  dispose(): void {
    this.cancel();
    clearTimeout(this.idle);
  }

  private start(): ChildProcess | undefined {
    if (this.child) return this.child;
    if (!this.script) return undefined;
    this.stderrTail = '';
    const child = fork(this.script, [], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      // Not the server's debugger flags: a second process cannot listen on the same port.
      execArgv: process.execArgv.filter((arg) => !arg.startsWith('--inspect')),
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-2_000);
    });
    child.on('message', (answer: CountAnswer) => {
      if (answer.id !== this.pending?.id) return;
      const { id: _id, ...result } = answer;
      this.pending.settle(result);
    });
    child.on('exit', (code, signal) => {
      if (this.child === child) this.child = undefined;
      // A count cancelled (this child killed) was settled then; any other end fails the count in progress.
      const pending = this.pending;
      if (pending?.child !== child) return;
      const reason = this.stderrTail.trim().split('\n').pop() || `exit code ${code ?? signal}`;
      pending.settle({ kind: 'error', message: `the count process stopped (${reason})`, opening: true });
    });
    child.on('error', () => undefined);
    // The server may end in the middle of a count (its `exit`): the count must not outlive it.
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    child.once('exit', () => process.off('exit', killOnExit));
    this.child = child;
    return child;
  }

  private stop(): void {
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null) child.kill('SIGKILL');
  }
}

/**
 * The count process's script: lsp-count-worker.js (.mjs in a bundle that names
 * its files so) beside the bundle's entry; this module may be in a chunk folder below it.
 */
function countWorkerScript(): string | undefined {
  for (const folder of ['./', '../']) {
    for (const extension of ['.js', '.mjs']) {
      const file = fileURLToPath(new URL(`${folder}lsp-count-worker${extension}`, import.meta.url));
      if (existsSync(file)) return file;
    }
  }
  return undefined;
}
