/**
 * `output csv PATH`: the run's rows written page by page (bounded memory) to a
 * temporary file next to the target, renamed into place only after the run's
 * transaction committed — readers see the previous file or the whole new one.
 */
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { csvRecord } from '../output/csv';
import type { RunOutput, OutputRows } from './run-output';
import { readRunRows } from './run-rows';
import type { RunSession } from './run-session';

export class CsvOutput implements RunOutput {
  readonly kind = 'csv' as const;
  readonly #temporary: string;

  /** `target`: an absolute path. */
  constructor(
    readonly target: string,
    runId: string,
  ) {
    // Same folder, so the rename is atomic (never across file systems).
    this.#temporary = join(dirname(target), `.${basename(target)}.${runId}.tmp`);
  }

  async write(session: RunSession, output: OutputRows): Promise<void> {
    const names = session.plan.output.columns.map((c) => c.name);
    await mkdir(dirname(this.target), { recursive: true });
    const file = await open(this.#temporary, 'w');
    try {
      await file.write(`${csvRecord(names)}\n`);
      let written = 0;
      for await (const page of readRunRows(session)) {
        await file.write(page.map((row) => `${csvRecord(names.map((name) => row[name]))}\n`).join(''));
        written += page.length;
        session.progress({ stage: 'output', done: written, total: output.rows, message: `writing ${this.target}` });
      }
    } finally {
      await file.close();
    }
  }

  async afterCommit(): Promise<void> {
    await rename(this.#temporary, this.target);
  }

  async discard(): Promise<void> {
    await rm(this.#temporary, { force: true }).catch(() => {});
  }
}
