// The library's job queue: the one owner of queued and running jobs in a process that owns the
// library. Jobs are catalogue rows (they survive a restart); this class runs them one at a time —
// colorize and fine-tune in the jobs worker thread, exports here (sharp is asynchronous) — keeps
// their live progress, and tells listeners about every change. Every face (window, web bridge)
// goes through it; status changes go through job-state.ts.
import { CodedError, problemOf } from '../../contract/problems';
import { EventEmitter } from 'node:events';
import * as path from 'node:path';
import type { FileError, JobInfo } from '../../contract/jobs';
import type { JobRow } from '../catalogue/types';
import { ExportError } from '../export';
import type { FinetuneProgress } from '../finetune/trainer';
import type { BatchProgress, HeirloomCore } from '../service/heirloom-core';
import { ColorizeRunner } from './colorize-runner';
import { finetuneInfoFromCheckpoint, finetuneInfoFromProgress } from './finetune-info';
import { isPhotoJobKind, jobParams, type PhotoJobKind } from './job-params';
import { interruptOrphanedQueue, markEnded, markQueued, markRunning, RESUMABLE } from './job-state';

/** How many recent jobs list() reports (older ones stay in the catalogue). */
const JOBS_LISTED = 20;

export class JobQueue {
  private readonly events = new EventEmitter();
  /** Job ids waiting to run, in order. */
  private readonly waiting: number[] = [];
  /** Live state of queued and running jobs (the catalogue has the rest). */
  private readonly live = new Map<number, JobInfo>();
  private readonly runner: ColorizeRunner;
  /** The running export's cancel switch. */
  private readonly exportControls = new Map<number, AbortController>();
  private running: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly core: HeirloomCore) {
    this.events.setMaxListeners(100);
    this.runner = new ColorizeRunner({ library: core.paths.root, install: core.install });
    // This process owns the library (its lock): a job still 'queued' was queued by one that is gone.
    interruptOrphanedQueue(core.catalogue);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Queues a recorded job (see makeJobParams for what each kind's row holds). */
  enqueue(jobId: number): void {
    if (this.closed) throw new CodedError('library.closing', {}, 'the library is closing');
    const info = this.infoFromCatalogue(this.core.catalogue.getJob(jobId)!);
    this.live.set(jobId, info);
    this.waiting.push(jobId);
    this.emit(info);
    this.pump();
  }

  /** Queues the unfinished part of an interrupted, cancelled or failed job; false if there is none. */
  resume(jobId: number): boolean {
    if (this.closed) throw new CodedError('library.closing', {}, 'the library is closing');
    const row = this.core.catalogue.getJob(jobId);
    if (!row || this.live.has(jobId) || !RESUMABLE.has(row.status)) return false;
    // A fine-tune resumes from its run's last checkpoint, an export from its partial folder; a colorize job needs items still to do.
    if (isPhotoJobKind(row.kind) && this.core.catalogue.pendingItems(jobId).length === 0) return false;
    markQueued(this.core.catalogue, jobId);
    this.enqueue(jobId);
    return true;
  }

  cancel(jobId: number): boolean {
    const info = this.live.get(jobId);
    if (!info) {
      // An interrupted job nobody wants to resume: cancelling files it away.
      const row = this.core.catalogue.getJob(jobId);
      if (row?.status !== 'interrupted') return false;
      markEnded(this.core.catalogue, jobId, 'cancelled');
      this.emit(this.infoFromCatalogue(this.core.catalogue.getJob(jobId)!));
      return true;
    }
    info.cancelRequested = true;
    const q = this.waiting.indexOf(jobId);
    if (q >= 0) {
      this.waiting.splice(q, 1);
      markEnded(this.core.catalogue, jobId, 'cancelled');
      this.finish(info, 'cancelled');
    } else {
      const ctrl = this.exportControls.get(jobId);
      if (ctrl) ctrl.abort();
      else this.runner.cancel(jobId);
      this.emit(info);
    }
    return true;
  }

  list(): JobInfo[] {
    return this.core.catalogue
      .listJobs({ limit: JOBS_LISTED })
      .filter((r) => isPhotoJobKind(r.kind) || r.kind === 'export' || r.kind === 'finetune')
      .map((r) => structuredClone(this.live.get(r.id) ?? this.infoFromCatalogue(r)));
  }

  onChange(cb: (job: JobInfo) => void): () => void {
    this.events.on('job', cb);
    return () => this.events.off('job', cb);
  }

  /** Stops after the current photo of the running job, then lets the caller close the core. */
  async close(): Promise<void> {
    this.closed = true;
    for (const id of [...this.live.keys()]) this.cancel(id);
    await this.running;
    await this.runner.close();
  }

  private pump(): void {
    if (this.running) return;
    const next = this.waiting.shift();
    if (next === undefined) return;
    this.running = this.run(next).finally(() => {
      this.running = undefined;
      this.pump();
    });
  }

  private async run(jobId: number): Promise<void> {
    const info = this.live.get(jobId)!;
    if (info.kind === 'export') return this.runExportJob(jobId, info);
    info.state = 'running';
    this.emit(info);
    const end = await this.runner.run(
      jobId,
      (p) => this.progress(info, p),
      (p) => this.finetuneProgress(info, p),
    );
    // A worker that died mid-photo left the row 'running': record how it ended.
    const row = this.core.catalogue.getJob(jobId);
    if (row && (row.status === 'running' || row.status === 'queued')) markEnded(this.core.catalogue, jobId, end.status, end.message, end.problem);
    if (end.message) {
      info.message = end.message;
      info.problem = end.problem ?? null;
    }
    this.finish(info, end.status === 'cancelled' && info.done >= info.total ? (info.failed ? 'failed' : 'done') : end.status);
  }

  private async runExportJob(jobId: number, info: JobInfo): Promise<void> {
    const p = jobParams(this.core.catalogue.getJob(jobId)!, 'export');
    const ctrl = new AbortController();
    this.exportControls.set(jobId, ctrl);
    info.state = 'running';
    markRunning(this.core.catalogue, jobId);
    this.emit(info);
    const started = Date.now();
    let state: 'done' | 'failed' | 'cancelled' = 'done';
    try {
      const res = await this.core.albums.export(p.albumId, p.target, {
        format: p.format,
        maxSize: p.maxSize,
        quality: p.quality,
        names: p.names,
        withOriginals: p.withOriginals,
        originalsForUncolorized: p.originalsForUncolorized,
        html: p.html,
        overwrite: p.overwrite,
        placeConfirmed: p.placeConfirmed,
        locale: p.locale,
        // `target` already ends in .zip when zipping; the export keeps such a name as it is.
        zip: p.zip,
        signal: ctrl.signal,
        discardOnCancel: true,
        onProgress: (pr) => {
          info.total = pr.total;
          info.done = pr.done;
          if (pr.photo) info.finishedPhotoIds.push(pr.photo.originalId);
          const perItem = (Date.now() - started) / Math.max(1, pr.done);
          info.etaSeconds = pr.phase === 'photos' ? Math.round((perItem * (pr.total - pr.done)) / 1000) : null;
          this.emit(info);
        },
      });
      if (res.kept) info.kept = res.kept;
    } catch (e) {
      const cancelled = e instanceof ExportError && e.code === 'cancelled';
      info.message = cancelled ? null : (e as Error).message;
      info.problem = cancelled ? null : problemOf(e);
      state = cancelled ? 'cancelled' : 'failed';
    } finally {
      this.exportControls.delete(jobId);
    }
    markEnded(this.core.catalogue, jobId, state, info.message, info.problem);
    this.finish(info, state);
  }

  private progress(info: JobInfo, p: BatchProgress): void {
    info.done = p.done;
    info.total = p.total;
    info.failed = p.failed;
    info.etaSeconds = p.done < p.total ? (p.etaSeconds ?? null) : 0;
    const item = p.item;
    if (item?.error && !item.skipped)
      info.errors.push({ photoId: this.photoIdOf(info.id, item.seq), name: path.basename(item.input), error: item.error, problem: item.problem });
    else if (item?.originalId) info.finishedPhotoIds.push(item.originalId);
    if (item?.unchanged) info.unchanged = (info.unchanged ?? 0) + 1;
    this.emit(info);
  }

  private finetuneProgress(info: JobInfo, p: FinetuneProgress): void {
    info.finetune = finetuneInfoFromProgress(info.finetune, p);
    info.total = Math.round(p.budgetSeconds);
    info.done = Math.min(info.total, Math.round(p.trainSeconds));
    info.etaSeconds = p.etaSeconds === null ? null : Math.round(p.etaSeconds);
    this.emit(info);
  }

  private finish(info: JobInfo, state: JobInfo['state']): void {
    info.state = state;
    info.etaSeconds = null;
    info.finishedAt = new Date().toISOString();
    this.live.delete(info.id);
    this.emit(info);
  }

  private emit(info: JobInfo): void {
    this.events.emit('job', structuredClone(info));
  }

  private photoIdOf(jobId: number, seq: number | undefined): number | undefined {
    const row = this.core.catalogue.getJob(jobId);
    const ids = row && isPhotoJobKind(row.kind) ? photoIdsOf(row, row.kind) : undefined;
    return ids && seq !== undefined ? ids[seq] : undefined;
  }

  /** A job as the window sees it, rebuilt from its catalogue rows (after a restart, or when not running). */
  private infoFromCatalogue(row: JobRow): JobInfo {
    if (row.kind === 'finetune') {
      const p = jobParams(row, 'finetune');
      // A run that ended (or was running when the app closed) keeps its curve and numbers: its last checkpoint has them.
      const finetune = finetuneInfoFromCheckpoint(this.core.paths.models, p.name);
      return { ...wholeJobInfo(row, Math.round(p.minutes * 60)), kind: 'finetune', target: p.name, finetune };
    }
    if (row.kind === 'export') {
      // Export jobs have no item rows: the export folder's own manifest tracks its files.
      const p = jobParams(row, 'export');
      // The album's own name for the panel's words (the folder's name is made safe: "Grandma’s box _ 1900s_").
      const albumName = this.core.catalogue.getAlbum(p.albumId)?.name;
      return { ...wholeJobInfo(row, p.total), kind: 'export', target: p.target, ...(albumName ? { albumName } : {}) };
    }
    const items = this.core.catalogue.jobItems(row.id);
    const kind: PhotoJobKind = row.kind === 'restore' ? 'restore' : 'colorize';
    const ids = photoIdsOf(row, kind);
    const photoId = (seq: number, outputId: number | null): number | undefined =>
      ids?.[seq] ?? (outputId ? this.core.catalogue.getOutput(outputId)?.originalId : undefined);
    const errors: FileError[] = [];
    const finishedPhotoIds: number[] = [];
    let done = 0;
    for (const it of items) {
      if (it.status === 'pending') continue;
      done++;
      if (it.status === 'failed') {
        const pid = photoId(it.seq, null);
        errors.push({
          photoId: pid,
          name: it.input.startsWith('#') ? it.input : path.basename(it.input),
          error: it.error ?? 'failed',
          ...(it.problem ? { problem: it.problem } : {}),
        });
      } else if (it.status === 'done') {
        const pid = photoId(it.seq, it.outputId);
        if (pid !== undefined) finishedPhotoIds.push(pid);
      }
    }
    const terminal = row.status !== 'queued' && row.status !== 'running';
    return {
      id: row.id,
      kind,
      state: row.status,
      total: items.length,
      done,
      failed: errors.length,
      etaSeconds: null,
      finishedPhotoIds,
      errors,
      cancelRequested: false,
      createdAt: row.createdAt,
      finishedAt: terminal ? row.updatedAt : null,
      message: row.status === 'failed' && errors.length === 0 ? row.error : null,
      problem: row.status === 'failed' && errors.length === 0 ? row.problem : null,
    };
  }
}

/** The window's photo jobs: photoIds[seq] is item seq's photo. */
function photoIdsOf(row: JobRow, kind: PhotoJobKind): number[] | undefined {
  return jobParams(row, kind).photoIds;
}

/** A job without item rows (export, fine-tune), as the catalogue remembers it: done or not, and why it failed. */
function wholeJobInfo(row: JobRow, total: number): Omit<JobInfo, 'kind'> {
  const terminal = row.status !== 'queued' && row.status !== 'running';
  return {
    id: row.id,
    state: row.status,
    total,
    done: row.status === 'done' ? total : 0,
    failed: 0,
    etaSeconds: null,
    finishedPhotoIds: [],
    errors: [],
    cancelRequested: false,
    createdAt: row.createdAt,
    finishedAt: terminal ? row.updatedAt : null,
    message: row.status === 'failed' ? row.error : null,
    problem: row.status === 'failed' ? row.problem : null,
  };
}
