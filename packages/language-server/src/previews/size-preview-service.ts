/**
 * Audience sizes for the editor, off the editing path. A code-lens request is
 * answered at once from what is known (a number, `counting…`, or why not);
 * what is missing is queued for the count process, and when answers land the
 * client is asked to fetch the lenses again (`workspace/codeLens/refresh`).
 *
 * Scheduling: each document's lenses want some counts; the queue is every
 * wanted count not yet answered, newest wish first. A text change re-plans the
 * documents shown (after a short pause): a count no longer wanted — its rule
 * changed — is stopped by killing the count process, and so is one older than
 * a newly wanted count, which then goes first (it is requeued, not lost).
 * While the workspace has errors nothing new can be compiled, so the plan is
 * kept: counts of unchanged rules finish and are cached for after the fix.
 */
import type { CheckedWorkspace } from '@seg/core';
import type { CompiledQuery, DialectName } from '@seg/compiler';
import { applyWorkspaceSettings } from '@seg/runtime';
import { CodeLensRefreshRequest, type CodeLens } from 'vscode-languageserver';
import type { ServerContext } from '../server-context';
import type { ServerSettings } from '../settings';
import type { WorkspaceSnapshot } from '../workspace-state';
import { CountCache } from './count-cache';
import { countJob, type CountJob, type CountResult } from './count-job';
import { CountProcess } from './count-process';
import { filePreviews, type FilePreview } from './file-previews';
import { COUNTING, lensText, type LensText, type Lookup } from './lens-text';
import { previewTarget, type PreviewTarget } from './preview-target';

/** What is known of one segment's or plan's size (for hover and the like). */
export type SizeStatus =
  | { readonly state: 'counted'; readonly text: string; readonly count: number; readonly audience: number }
  | { readonly state: 'counting' | 'unavailable' | 'errors'; readonly text: string };

/** Pause after a change before re-planning counts: a burst of keystrokes re-plans once. */
const REPLAN_DELAY_MS = 150;
/** Answers landing close together bring one refresh. */
const REFRESH_DELAY_MS = 100;
/** Documents whose wishes are kept (the ones most recently shown). */
const DOCUMENTS_KEPT = 20;

export class SizePreviewService {
  private readonly cache = new CountCache();
  private readonly process = new CountProcess();
  /** Document URI → the counts its lenses want, most recently asked last. */
  private readonly wanted = new Map<string, readonly CountJob[]>();
  /** Job key → when it was first wanted (a higher number is newer). */
  private readonly wishes = new Map<string, number>();
  private wishCount = 0;
  private running: { readonly job: CountJob; readonly wish: number } | undefined;
  private readonly compiled = new WeakMap<WorkspaceSnapshot, { ws: CheckedWorkspace | undefined; files: Map<string, FilePreview[]> }>();
  private replanTimer: NodeJS.Timeout | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  /** The settings the lenses last sent were made with. */
  private shownSettings: ServerSettings | undefined;

  constructor(private readonly context: ServerContext) {}

  /** The lenses of one document, as known now; missing counts are queued. */
  codeLenses(uri: string): CodeLens[] {
    this.shownSettings = this.context.settings();
    const shown = this.show(uri);
    if (!shown) return [];
    const { snapshot, path, entries } = shown;
    const lines = snapshot.lines(path);
    return entries.map(({ preview, text }) => {
      const at = preview.kind === 'funnel' ? { start: preview.span.start, end: preview.span.start } : preview.span;
      return { range: lines.range(at), command: { title: text.title, command: '', ...(text.tooltip ? { tooltip: text.tooltip } : {}) } };
    });
  }

  /**
   * What is known of a segment's or a plan's audience size, from the cache only
   * (it starts no count); undefined when previews are off or nothing is known yet.
   */
  cachedSize(name: string): SizeStatus | undefined {
    const settings = this.context.settings();
    if (!settings.previews) return undefined;
    const snapshot = this.context.snapshot();
    const declaration = snapshot.check.symbols.declarations.find((d) => d.name === name && (d.kind === 'segment' || d.kind === 'plan'));
    if (!declaration) return undefined;
    const target = previewTarget(snapshot, settings);
    const preview = this.previews(snapshot, declaration.file, target).find((p): p is Exclude<FilePreview, { kind: 'funnel' }> => p.kind !== 'funnel' && p.name === name);
    if (!preview) return undefined;
    const ignore = () => undefined;
    const { title: text } = this.text(preview, target, this.compiledFor(snapshot).ws, ignore);
    if (!target.ok || preview.kind === 'failed') return { state: 'unavailable', text };
    if (preview.kind === 'errors') return { state: 'errors', text };
    if (text === COUNTING) return { state: 'counting', text };
    const counted = this.lookup(target, ignore)(preview.count);
    return counted?.kind === 'count' ? { state: 'counted', text, count: counted.count, audience: counted.audience } : { state: 'unavailable', text };
  }

  /** After every change of texts, files or settings: re-plan the shown documents' counts soon. */
  changed(): void {
    clearTimeout(this.replanTimer);
    this.replanTimer = setTimeout(() => this.replan(), REPLAN_DELAY_MS);
  }

  dispose(): void {
    clearTimeout(this.replanTimer);
    clearTimeout(this.refreshTimer);
    this.process.dispose();
  }

  private replan(): void {
    // New settings change what lenses say (or whether there are any) without an edit: ask for them again.
    if (this.shownSettings !== undefined && this.shownSettings !== this.context.settings()) this.requestRefresh();
    for (const uri of [...this.wanted.keys()]) this.show(uri);
  }

  /** Each preview of a document with its text now; records (and queues) the counts it wants. */
  private show(uri: string): { snapshot: WorkspaceSnapshot; path: string; entries: { preview: FilePreview; text: LensText }[] } | undefined {
    const settings = this.context.settings();
    const snapshot = this.context.snapshot();
    const path = snapshot.pathOf(uri);
    if (!settings.previews || path === undefined || !snapshot.texts.has(path)) {
      this.want(uri, []);
      return undefined;
    }
    const target = previewTarget(snapshot, settings);
    const ws = this.compiledFor(snapshot).ws;
    const jobs: CountJob[] = [];
    const entries = this.previews(snapshot, path, target).map((preview) => ({ preview, text: this.text(preview, target, ws, (job) => jobs.push(job)) }));
    // With errors nothing compiles: keep what is wanted (see the top of this file).
    if (!target.ok || ws) this.want(uri, jobs);
    return { snapshot, path, entries };
  }

  private text(preview: FilePreview, target: PreviewTarget, ws: CheckedWorkspace | undefined, needs: (job: CountJob) => void): LensText {
    // No database (or no as-of) is the first thing to fix: it says so even above rules with errors.
    if (!target.ok) return { title: `size unavailable: ${target.reason}` };
    return lensText(preview, this.lookup(target, needs), ws?.model.audience ?? 'members');
  }

  /** Answers from the cache; a count to (re)do is handed to `needs`. */
  private lookup(target: PreviewTarget & { ok: true }, needs: (job: CountJob) => void): Lookup {
    return (query: CompiledQuery, holdout) => {
      const job = countJob(query, target, holdout);
      const answer = this.cache.get(job.key) ?? this.cache.get(job.openingKey);
      if (this.cache.stale(job.key) && this.cache.stale(job.openingKey)) needs(job);
      return answer;
    };
  }

  private previews(snapshot: WorkspaceSnapshot, path: string, target: PreviewTarget): FilePreview[] {
    const compiled = this.compiledFor(snapshot);
    // Without a database there is nothing to compile for: one entry per declaration says why.
    const dialect: DialectName | undefined = target.ok ? target.dialect : undefined;
    const key = `${path}\u0000${dialect ?? ''}`;
    let previews = compiled.files.get(key);
    if (!previews) {
      const lineOf = (file: string, offset: number) => snapshot.lines(file).position(offset).line;
      previews = filePreviews(snapshot.check, dialect ? compiled.ws : undefined, path, dialect ?? 'sqlite', lineOf);
      compiled.files.set(key, previews);
    }
    return previews;
  }

  private compiledFor(snapshot: WorkspaceSnapshot): { ws: CheckedWorkspace | undefined; files: Map<string, FilePreview[]> } {
    let compiled = this.compiled.get(snapshot);
    if (!compiled) {
      const checked = snapshot.check.workspace;
      // As the CLI compiles it (seg.json "timestamps"), so the SQL is the SQL `seg count` runs.
      compiled = { ws: checked && applyWorkspaceSettings(checked, snapshot.config), files: new Map() };
      this.compiled.set(snapshot, compiled);
    }
    return compiled;
  }

  // ---------------------------------------------------------------------------
  // The queue

  private want(uri: string, jobs: readonly CountJob[]): void {
    this.wanted.delete(uri);
    if (jobs.length > 0) this.wanted.set(uri, jobs);
    if (this.wanted.size > DOCUMENTS_KEPT) this.wanted.delete(this.wanted.keys().next().value!);
    const wish = ++this.wishCount;
    const stillWanted = new Set<string>();
    for (const list of this.wanted.values()) for (const job of list) stillWanted.add(job.key);
    for (const key of this.wishes.keys()) if (!stillWanted.has(key)) this.wishes.delete(key);
    for (const job of jobs) if (!this.wishes.has(job.key)) this.wishes.set(job.key, wish);
    this.pump();
  }

  /** Wanted counts without a fresh answer, newest wish first (then in lens order). */
  private queue(): CountJob[] {
    const byKey = new Map<string, CountJob>();
    for (const list of [...this.wanted.values()].reverse()) {
      for (const job of list) if (!byKey.has(job.key) && this.cache.stale(job.key) && this.cache.stale(job.openingKey)) byKey.set(job.key, job);
    }
    return [...byKey.values()].sort((a, b) => (this.wishes.get(b.key) ?? 0) - (this.wishes.get(a.key) ?? 0));
  }

  private pump(): void {
    const queue = this.queue();
    if (this.running) {
      const { job, wish } = this.running;
      const next = queue.find((queued) => queued.key !== job.key);
      const outdated = !this.wishes.has(job.key);
      if (outdated || (next && (this.wishes.get(next.key) ?? 0) > wish)) this.process.cancel();
      return;
    }
    const job = queue[0];
    if (!job) return;
    this.running = { job, wish: this.wishes.get(job.key) ?? 0 };
    void this.process.run(job.request).then((result) => {
      this.running = undefined;
      if (result) this.answered(job, result);
      this.pump();
    });
  }

  private answered(job: CountJob, result: CountResult): void {
    const changed = result.kind === 'error' && result.opening ? this.cache.set(job.openingKey, result) : this.cache.set(job.key, result);
    if (changed && this.wishes.has(job.key)) this.requestRefresh();
  }

  private requestRefresh(): void {
    if (this.refreshTimer || !this.context.clientCapabilities().workspace?.codeLens?.refreshSupport) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      void this.context.connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
    }, REFRESH_DELAY_MS);
  }
}
