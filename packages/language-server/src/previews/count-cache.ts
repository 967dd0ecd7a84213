/**
 * Answers by job key (count-job.ts), least recently used dropped first. A
 * count stays valid for as long as its key exists (the key changes with the
 * rule, the database and the as-of); an error is shown until it is retried,
 * which it is once it is older than `retryErrorsAfterMs` (a server may be back).
 */
import type { CountResult } from './count-job';

export class CountCache {
  private readonly entries = new Map<string, { readonly result: CountResult; readonly at: number }>();

  constructor(
    private readonly limit = 5_000,
    private readonly retryErrorsAfterMs = 30_000,
  ) {}

  get(key: string): CountResult | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.result;
  }

  /** Whether the answer under `key` needs (re)counting. */
  stale(key: string, now = Date.now()): boolean {
    const entry = this.entries.get(key);
    return !entry || (entry.result.kind === 'error' && now - entry.at >= this.retryErrorsAfterMs);
  }

  /** Stores an answer; says whether it differs from the one it replaces. */
  set(key: string, result: CountResult, now = Date.now()): boolean {
    const previous = this.entries.get(key);
    this.entries.delete(key);
    this.entries.set(key, { result, at: now });
    if (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value!);
    return JSON.stringify(previous?.result) !== JSON.stringify(result);
  }
}
