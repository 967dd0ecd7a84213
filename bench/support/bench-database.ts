/**
 * The benchmark's retail database: generated once into `.bench/`, reused while the
 * seed, the size and the generator's source are unchanged (a small JSON file next
 * to it records what it was made from and how long that took).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from '../../packages/runtime/src/db/connect';
import { generateRetail, type RetailCounts } from '../../packages/runtime/src/demo/generate-retail';

export interface BenchDatabase {
  readonly path: string;
  readonly url: string;
  readonly customers: number;
  readonly seed: number;
  readonly asOf: string;
  readonly counts: RetailCounts;
  /** Wall time of the generation that made the file (seconds). */
  readonly generationSeconds: number;
  readonly bytes: number;
  /** True when an existing file was reused. */
  readonly cached: boolean;
}

interface Meta {
  readonly customers: number;
  readonly seed: number;
  readonly asOf: string;
  readonly sourceHash: string;
  readonly counts: RetailCounts;
  readonly generationSeconds: number;
}

export async function ensureBenchDatabase(root: string, customers: number, seed: number, asOf: string): Promise<BenchDatabase> {
  const dir = join(root, '.bench');
  mkdirSync(dir, { recursive: true });
  const base = `retail-${customers % 1000 === 0 ? `${customers / 1000}k` : customers}`;
  const path = join(dir, `${base}.db`);
  const metaPath = join(dir, `${base}.json`);
  const sourceHash = demoSourceHash(join(root, 'packages/runtime/src/demo'));

  const meta = readMeta(metaPath);
  if (meta && existsSync(path) && meta.customers === customers && meta.seed === seed && meta.asOf === asOf && meta.sourceHash === sourceHash) {
    return { path, url: `sqlite:${path}`, ...meta, bytes: statSync(path).size, cached: true };
  }

  // Generate next to the target and rename, so an interrupted run never leaves a half-made cache.
  const temp = `${path}.tmp`;
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(temp + suffix, { force: true });
  const started = performance.now();
  const db = await connect(`sqlite:${temp}`);
  let counts: RetailCounts;
  try {
    counts = await generateRetail(db, { customers, seed, asOf });
  } finally {
    await db.close();
  }
  const generationSeconds = (performance.now() - started) / 1000;
  for (const suffix of ['-wal', '-shm', '-journal']) rmSync(path + suffix, { force: true });
  renameSync(temp, path);
  const fresh: Meta = { customers, seed, asOf, sourceHash, counts, generationSeconds };
  writeFileSync(metaPath, `${JSON.stringify(fresh, null, 2)}\n`);
  return { path, url: `sqlite:${path}`, ...fresh, bytes: statSync(path).size, cached: false };
}

function readMeta(path: string): Meta | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Meta;
  } catch {
    return undefined;
  }
}

/** A change to any generator source makes a new database. */
function demoSourceHash(dir: string): string {
  const hash = createHash('sha256');
  for (const name of readdirSync(dir).sort()) {
    if (name.endsWith('.ts')) hash.update(name).update(readFileSync(join(dir, name)));
  }
  return hash.digest('hex').slice(0, 16);
}
