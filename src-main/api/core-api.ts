// HeirloomApi implemented once over HeirloomCore. The web bridge runs it in-process; the desktop app
// runs it in a separate process (api/host.ts) so the window's main thread never does heavy work.
import * as crypto from 'node:crypto';
import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp = require('sharp');
import { appVersion } from '../core/app-paths';
import type { AlbumItemRow, AlbumSummary, JobRow, OriginalListRow, OriginalRow, OutputRow } from '../core/catalogue/types';
import { ExportError, exportPaths, exportTargetFor, runExport } from '../core/export';
import { ColorizeRunner } from '../core/jobs/colorize-runner';
import type { FinetuneProgress } from '../core/finetune/trainer';
import type { BatchProgress } from '../core/service/heirloom-core';
import { initBackend } from '../core/engine/backend';
import { writeFileAtomic } from '../core/fs-atomic';
import { collectPhotos } from '../core/photo-files';
import type { HeirloomCore } from '../core/service/heirloom-core';
import { parseCall, uploadName } from './schemas';
import type {
  AlbumDetail, AlbumInfo, AlbumItem, ExportRequest, ExportStart, FinetuneInfo, FinetuneRequest, MetricsInfo, ModelInfo,
  ApiMethod, ColorizeRequest, DialogImportRequest, FileError, HeirloomApi, ImportResult, JobInfo, ListPhotosQuery,
  OutputInfo, PhotoDetail, PhotoPage, PhotoSummary, Status, Unsubscribe,
} from './types';

export type MediaKind = 'thumb' | 'original' | 'output' | 'output-thumb';

/** How a face turns a catalogue id into an image URL (never a file path). */
export type MediaUrl = (kind: MediaKind, id: number) => string;

export interface CoreApiOptions {
  mediaUrl: MediaUrl;
  /** Whether this face lets people type paths (web bridge) or uses system dialogs (desktop). */
  importByPath: boolean;
  importByDialog: boolean;
  /** Desktop: shows the system dialog and returns the chosen paths. */
  pickPaths?: (req: DialogImportRequest) => Promise<string[]>;
}

/** Image types every browser shows as they are; anything else (TIFF, HEIF…) is converted for viewing. */
const BROWSER_IMAGES = new Set(['.jpg', '.jpeg', '.png', '.webp', '.gif', '.avif']);

/** How many recent jobs listJobs reports (older ones stay in the catalogue). */
const JOBS_LISTED = 20;
/** Job states that can be resumed: the pending items are colorized, finished ones kept. */
const RESUMABLE = new Set<JobRow['status']>(['interrupted', 'cancelled', 'failed']);

export class CoreApi implements HeirloomApi {
  private readonly events = new EventEmitter();
  /** Job ids waiting to run, in order; job ids are catalogue job rows, so they survive a restart. */
  private readonly queue: number[] = [];
  /** Live state of queued and running jobs (the catalogue has the rest). */
  private readonly live = new Map<number, JobInfo>();
  private readonly runner: ColorizeRunner;
  /** Export jobs run here (sharp is asynchronous); their requests live only while queued or running. */
  private readonly exports = new Map<number, { req: ExportRequest & { target: string }; ctrl: AbortController }>();
  private running: Promise<void> | undefined;
  private closed = false;

  constructor(readonly core: HeirloomCore, private readonly opts: CoreApiOptions) {
    this.events.setMaxListeners(100);
    this.runner = new ColorizeRunner(core.paths.root);
    // Only one process owns a library: a job still 'queued' now was queued by one that died.
    for (const j of core.catalogue.listJobs({ status: 'queued' })) core.catalogue.updateJobStatus(j.id, 'interrupted');
  }

  async getStatus(): Promise<Status> {
    const backend = await initBackend();
    let model: Status['model'] = null;
    let modelWarning: string | undefined;
    let modelError: string | undefined;
    try {
      const res = await this.core.model();
      model = { id: res.model.manifest.id, name: res.model.manifest.name };
      modelWarning = res.warning;
    } catch (e) {
      modelError = (e as Error).message;
    }
    return {
      version: appVersion(),
      backend: backend.label,
      gpu: backend.gpu,
      model,
      modelWarning,
      modelError,
      library: this.core.paths.root,
      photoCount: this.core.catalogue.countOriginals('all'),
      importByPath: this.opts.importByPath,
      importByDialog: this.opts.importByDialog,
    };
  }

  async listPhotos(query: ListPhotosQuery = {}): Promise<PhotoPage> {
    const filter = query.filter ?? 'all';
    const offset = query.offset ?? 0;
    const rows = this.core.catalogue.listOriginals({ sort: query.sort ?? 'imported', filter, offset, limit: query.limit ?? 200 });
    return { total: this.core.catalogue.countOriginals(filter), offset, items: rows.map((r) => this.summary(r)) };
  }

  async listPhotoIds(query: Pick<ListPhotosQuery, 'sort' | 'filter'> = {}): Promise<number[]> {
    return this.core.catalogue.listOriginals({ sort: query.sort ?? 'imported', filter: query.filter ?? 'all' }).map((r) => r.id);
  }

  /** Dropped files come as bytes, not paths, in a browser; the copy kept in the library is the original. */
  async importBytes(name: string, data: Buffer): Promise<ImportResult> {
    const safe = uploadName.parse(name);
    const sha = crypto.createHash('sha256').update(data).digest('hex');
    const known = this.core.catalogue.findOriginalBySha(sha);
    if (known && fs.existsSync(known.path)) return { imported: [this.summary(this.withOutputs(known))], errors: [] };
    const dir = path.join(this.core.paths.root, 'uploads', new Date().toISOString().slice(0, 10));
    fs.mkdirSync(dir, { recursive: true });
    const { name: stem, ext } = path.parse(safe);
    let file = path.join(dir, safe);
    for (let i = 2; fs.existsSync(file); i++) file = path.join(dir, `${stem} (${i})${ext}`);
    writeFileAtomic(file, data);
    try {
      return { imported: [this.summary(this.withOutputs(await this.core.importPhoto(file)))], errors: [] };
    } catch (e) {
      fs.rmSync(file, { force: true }); // not a photo we can read: keep nothing of it
      return { imported: [], errors: [{ name: safe, error: (e as Error).message }] };
    }
  }

  /** Not callable through `call`: File objects exist only in the window (see lib/api.ts and the preload). */
  async importFiles(): Promise<ImportResult> {
    throw new Error('importFiles is handled by the window');
  }

  async getPhoto(id: number): Promise<PhotoDetail> {
    const row = this.core.catalogue.getOriginal(id);
    if (!row) throw new Error(`photo ${id} is not in the library`);
    const outputs = this.core.catalogue.listOutputs(id).map((o) => this.outputInfo(o)).sort((a, b) => b.id - a.id);
    return {
      ...this.summary({ ...row, hasOutput: outputs.length > 0, latestOutputId: outputs[0]?.id ?? null, latestOutputPath: null }),
      camera: row.camera,
      bytes: row.bytes,
      originalUrl: this.opts.mediaUrl('original', row.id),
      outputs,
    };
  }

  async importPaths(paths: string[]): Promise<ImportResult> {
    const { files, problems } = collectPhotos(paths);
    const errors: FileError[] = problems.map((p) => ({ name: path.basename(p.input), error: p.error }));
    const imported: PhotoSummary[] = [];
    for (const f of files) {
      try {
        const row = await this.core.importPhoto(f);
        imported.push(this.summary(this.withOutputs(row)));
      } catch (e) {
        errors.push({ name: path.basename(f), error: (e as Error).message });
      }
    }
    return { imported, errors };
  }

  async importWithDialog(req: DialogImportRequest): Promise<ImportResult> {
    if (!this.opts.pickPaths) throw new Error('choosing files with a dialog is only available in the desktop app');
    const paths = await this.opts.pickPaths(req);
    return paths.length ? this.importPaths(paths) : { imported: [], errors: [] };
  }

  async colorize(req: ColorizeRequest): Promise<{ jobId: number }> {
    if (this.closed) throw new Error('the library is closing');
    const cat = this.core.catalogue;
    const rows: OriginalRow[] =
      req.photoIds === 'all'
        ? cat.listOriginals({ sort: 'imported' })
        : [...new Set(req.photoIds)].map((id) => cat.getOriginal(id) ?? ({ id, path: '' } as OriginalRow));
    // photoIds[seq] names each item's photo; an id not in the library becomes an item failed at once.
    const job = cat.transaction(() => {
      const row = this.core.createColorizeJob(
        rows.map((r) => r.path || `#${r.id}`),
        { saturation: req.saturation ?? 1, photoIds: rows.map((r) => r.id), ...(req.modelId ? { model: req.modelId } : {}) },
      );
      rows.forEach((r, seq) => {
        if (!r.path) cat.setJobItem(row.id, seq, 'failed', null, 'not in the library any more');
      });
      return row;
    });
    this.enqueue(job.id);
    return { jobId: job.id };
  }

  // ── albums ──

  async listAlbums(): Promise<AlbumInfo[]> {
    return this.core.catalogue.listAlbums().map((a) => this.albumInfo(a));
  }

  async getAlbum(id: number): Promise<AlbumDetail> {
    const a = this.core.catalogue.getAlbum(id);
    if (!a) throw new Error(`album ${id} does not exist`);
    return { ...this.albumInfo(a), items: this.core.catalogue.albumItems(id).map((i) => this.albumItem(i)) };
  }

  async createAlbum(req: { name: string }): Promise<AlbumInfo> {
    return this.albumInfo(this.core.catalogue.getAlbum(this.core.catalogue.createAlbum(req.name).id)!);
  }

  async renameAlbum(req: { albumId: number; name: string }): Promise<AlbumInfo> {
    this.core.catalogue.renameAlbum(req.albumId, req.name);
    return this.albumInfo(this.core.catalogue.getAlbum(req.albumId)!);
  }

  async deleteAlbum(id: number): Promise<{ deleted: boolean }> {
    return { deleted: this.core.catalogue.deleteAlbum(id) };
  }

  async addToAlbum(req: { albumId: number; photoIds: number[] }): Promise<AlbumDetail> {
    this.core.catalogue.addToAlbum(req.albumId, req.photoIds);
    return this.getAlbum(req.albumId);
  }

  async removeFromAlbum(req: { albumId: number; photoIds: number[] }): Promise<AlbumDetail> {
    this.core.catalogue.removeFromAlbum(req.albumId, req.photoIds);
    return this.getAlbum(req.albumId);
  }

  async reorderAlbum(req: { albumId: number; photoIds: number[] }): Promise<AlbumDetail> {
    this.core.catalogue.reorderAlbum(req.albumId, req.photoIds);
    return this.getAlbum(req.albumId);
  }

  async setAlbumCover(req: { albumId: number; photoId: number | null }): Promise<AlbumInfo> {
    this.core.catalogue.setAlbumCover(req.albumId, req.photoId);
    return this.albumInfo(this.core.catalogue.getAlbum(req.albumId)!);
  }

  async setAlbumCaption(req: { albumId: number; photoId: number; caption: string | null }): Promise<AlbumDetail> {
    this.core.catalogue.setAlbumItemCaption(req.albumId, req.photoId, req.caption);
    return this.getAlbum(req.albumId);
  }

  /** Checks what can be checked at once (album, names, an existing target), then queues the export as a job. */
  async exportAlbum(req: ExportRequest): Promise<ExportStart> {
    if (this.closed) throw new Error('the library is closing');
    const album = this.core.catalogue.getAlbum(req.albumId);
    if (!album) throw new Error(`album ${req.albumId} does not exist`);
    if (!req.parentDir) throw new Error('choose the folder the export goes into');
    // The folder name is made safe like an album name: it can never point outside parentDir.
    const target = exportPaths(exportTargetFor(req.parentDir, req.folderName ?? album.name), req.zip ?? false).target;
    if (!req.overwrite && fs.existsSync(target)) return { jobId: null, problem: 'target-exists', target };
    const row = this.core.catalogue.createJob('export', { albumId: req.albumId, target, total: album.itemCount }, []);
    this.exports.set(row.id, { req: { ...req, target }, ctrl: new AbortController() });
    this.enqueue(row.id);
    return { jobId: row.id, target };
  }

  // ── models and fine-tuning ──

  async listModels(): Promise<ModelInfo[]> {
    const { rows, activeId } = await this.core.listModels();
    return rows.map((r) => {
      const m = (r.metrics ?? {}) as { step?: number; heldOut?: MetricsInfo | null; base?: MetricsInfo | null };
      return {
        id: r.id, name: r.name, kind: r.kind, parentId: r.parentId, createdAt: r.createdAt, active: r.id === activeId,
        step: m.step ?? null, heldOut: pickMetrics(m.heldOut), base: pickMetrics(m.base),
      };
    });
  }

  async activateModel(id: string): Promise<ModelInfo[]> {
    await this.core.activateModel(id);
    return this.listModels();
  }

  async revertModel(): Promise<ModelInfo[]> {
    await this.core.revertModel();
    return this.listModels();
  }

  /** Queued like any job and run in the jobs worker; a run name already used continues that run. */
  async startFinetune(req: FinetuneRequest): Promise<{ jobId: number | null }> {
    if (this.closed) throw new Error('the library is closing');
    let st: fs.Stats;
    try {
      st = fs.statSync(req.folder);
    } catch {
      throw new Error(`${req.folder} does not exist`);
    }
    if (!st.isDirectory()) throw new Error(`${req.folder} is not a folder`);
    const row = this.core.catalogue.createJob('finetune', { folder: path.resolve(req.folder), name: req.name, minutes: req.minutes, ...(req.from ? { from: req.from } : {}) }, []);
    this.enqueue(row.id);
    return { jobId: row.id };
  }

  /** Colorizes the photos an interrupted, cancelled or failed job has not done yet. */
  async resumeJob(jobId: number): Promise<{ resumed: boolean }> {
    if (this.closed) throw new Error('the library is closing');
    const row = this.core.catalogue.getJob(jobId);
    if (!row || (row.kind !== 'colorize' && row.kind !== 'finetune') || this.live.has(jobId) || !RESUMABLE.has(row.status)) return { resumed: false };
    // A fine-tune resumes from its run's last checkpoint; a colorize job needs items still to do.
    if (row.kind === 'colorize' && this.core.catalogue.pendingItems(jobId).length === 0) return { resumed: false };
    this.core.catalogue.updateJobStatus(jobId, 'queued');
    this.enqueue(jobId);
    return { resumed: true };
  }

  async cancelJob(jobId: number): Promise<{ cancelled: boolean }> {
    const info = this.live.get(jobId);
    if (!info) {
      // An interrupted job nobody wants to resume: cancelling files it away.
      const row = this.core.catalogue.getJob(jobId);
      if (row?.status !== 'interrupted') return { cancelled: false };
      this.core.catalogue.updateJobStatus(jobId, 'cancelled');
      this.emitInfo(this.infoFromCatalogue(this.core.catalogue.getJob(jobId)!));
      return { cancelled: true };
    }
    info.cancelRequested = true;
    const q = this.queue.indexOf(jobId);
    if (q >= 0) {
      this.queue.splice(q, 1);
      this.core.catalogue.updateJobStatus(jobId, 'cancelled');
      this.finish(info, 'cancelled');
    } else {
      const exp = this.exports.get(jobId);
      if (exp) exp.ctrl.abort();
      else this.runner.cancel(jobId);
      this.emitInfo(info);
    }
    return { cancelled: true };
  }

  async listJobs(): Promise<JobInfo[]> {
    return this.core.catalogue
      .listJobs({ limit: JOBS_LISTED })
      .filter((r) => r.kind === 'colorize' || r.kind === 'export' || r.kind === 'finetune')
      .map((r) => structuredClone(this.live.get(r.id) ?? this.infoFromCatalogue(r)));
  }

  onJobProgress(cb: (job: JobInfo) => void): Unsubscribe {
    this.events.on('job', cb);
    return () => this.events.off('job', cb);
  }

  /** Dispatches a validated call by name (used by the web bridge, IPC and the host process). */
  async call(method: unknown, arg: unknown): Promise<unknown> {
    const c = parseCall(method, arg);
    const fn = this[c.method as ApiMethod] as (a: unknown) => Promise<unknown>;
    return fn.call(this, c.arg);
  }

  /** The file behind a media URL, looked up by catalogue id only; undefined if there is none. */
  async mediaPath(kind: MediaKind, id: number): Promise<string | undefined> {
    if (kind === 'thumb') return this.core.catalogue.getOriginal(id)?.thumbPath ?? undefined;
    if (kind === 'original') {
      const row = this.core.catalogue.getOriginal(id);
      return row && this.viewable(row.path, `o${row.id}-${row.sha256.slice(0, 12)}`);
    }
    const out = this.core.catalogue.getOutput(id);
    if (!out) return undefined;
    if (kind === 'output') return this.viewable(out.path, `r${out.id}`);
    // Gallery preview of a colorized version: made once, on first view, next to the other thumbnails.
    const thumb = path.join(this.core.paths.thumbs, 'outputs', `${out.id}.jpg`);
    if (!fs.existsSync(thumb)) {
      const buf = await sharp(out.path, { failOn: 'none' }).rotate().resize(320, 320, { fit: 'inside' }).jpeg({ quality: 80 }).toBuffer();
      fs.mkdirSync(path.dirname(thumb), { recursive: true });
      writeFileAtomic(thumb, buf);
    }
    return thumb;
  }

  /**
   * A file a browser window can show: JPEG/PNG/WebP/GIF/AVIF as they are; TIFF, HEIF and the rest as a
   * full-resolution JPEG made once and cached in the library (keyed by content, so an edit makes a new one).
   */
  private async viewable(file: string, key: string): Promise<string | undefined> {
    if (BROWSER_IMAGES.has(path.extname(file).toLowerCase())) return file;
    const cached = path.join(this.core.paths.thumbs, 'full', `${key}.jpg`);
    if (fs.existsSync(cached)) return cached;
    if (!fs.existsSync(file)) return undefined;
    const buf = await sharp(file, { pages: 1, failOn: 'none', limitInputPixels: 400_000_000 }).rotate().jpeg({ quality: 92, chromaSubsampling: '4:4:4' }).toBuffer();
    fs.mkdirSync(path.dirname(cached), { recursive: true });
    writeFileAtomic(cached, buf);
    return cached;
  }

  /** Stops after the current photo of the running job, then lets the caller close the core. */
  async close(): Promise<void> {
    this.closed = true;
    for (const id of [...this.live.keys()]) await this.cancelJob(id);
    await this.running;
    await this.runner.close();
  }

  private enqueue(jobId: number): void {
    const info = this.infoFromCatalogue(this.core.catalogue.getJob(jobId)!);
    this.live.set(jobId, info);
    this.queue.push(jobId);
    this.emitInfo(info);
    this.pump();
  }

  private pump(): void {
    if (this.running) return;
    const next = this.queue.shift();
    if (next === undefined) return;
    this.running = this.run(next).finally(() => {
      this.running = undefined;
      this.pump();
    });
  }

  private async runExportJob(jobId: number, info: JobInfo): Promise<void> {
    const { req, ctrl } = this.exports.get(jobId)!;
    info.state = 'running';
    this.core.catalogue.updateJobStatus(jobId, 'running');
    this.emitInfo(info);
    const started = Date.now();
    let state: JobInfo['state'] = 'done';
    try {
      await runExport(this.core.catalogue, req.albumId, req.target, {
        format: req.format, maxSize: req.maxSize, quality: req.quality, names: req.names,
        withOriginals: req.withOriginals, html: req.html, overwrite: req.overwrite,
        // `target` already ends in .zip when zipping; runExport keeps such a name as it is.
        zip: req.zip,
        appVersion: appVersion(),
        signal: ctrl.signal,
        discardOnCancel: true,
        onProgress: (p) => {
          info.total = p.total;
          info.done = p.done;
          if (p.photo) info.finishedPhotoIds.push(p.photo.originalId);
          const perItem = (Date.now() - started) / Math.max(1, p.done);
          info.etaSeconds = p.phase === 'photos' ? Math.round((perItem * (p.total - p.done)) / 1000) : null;
          this.emitInfo(info);
        },
      });
    } catch (e) {
      const cancelled = e instanceof ExportError && e.code === 'cancelled';
      info.message = cancelled ? null : (e as Error).message;
      state = cancelled ? 'cancelled' : 'failed';
    } finally {
      this.exports.delete(jobId);
    }
    this.core.catalogue.updateJobStatus(jobId, state, info.message);
    this.finish(info, state);
  }

  private async run(jobId: number): Promise<void> {
    const info = this.live.get(jobId)!;
    if (this.exports.has(jobId)) return this.runExportJob(jobId, info);
    info.state = 'running';
    this.emitInfo(info);
    const end = await this.runner.run(jobId, (p) => this.progress(info, p), (p) => this.finetuneProgress(info, p));
    // A worker that died mid-photo left the row 'running': record how it ended.
    const row = this.core.catalogue.getJob(jobId);
    if (row && (row.status === 'running' || row.status === 'queued')) this.core.catalogue.updateJobStatus(jobId, end.status, end.message);
    if (end.message) info.message = end.message;
    this.finish(info, end.status === 'cancelled' && info.done >= info.total ? (info.failed ? 'failed' : 'done') : end.status);
  }

  private progress(info: JobInfo, p: BatchProgress): void {
    info.done = p.done;
    info.total = p.total;
    info.failed = p.failed;
    info.etaSeconds = p.done < p.total ? (p.etaSeconds ?? null) : 0;
    const item = p.item;
    if (item?.error) info.errors.push({ photoId: this.photoIdOf(info.id, item.seq), name: path.basename(item.input), error: item.error });
    else if (item?.originalId) info.finishedPhotoIds.push(item.originalId);
    this.emitInfo(info);
  }

  private finetuneProgress(info: JobInfo, p: FinetuneProgress): void {
    const prev = info.finetune;
    const curve = prev?.lossCurve ?? [];
    if (p.phase === 'training' && p.loss !== null && (curve.length === 0 || p.step - curve[curve.length - 1][0] >= 2)) curve.push([p.step, Number(p.loss.toFixed(4))]);
    const ft: FinetuneInfo = {
      run: p.run, phase: p.phase, step: p.step, loss: p.loss, trainSeconds: p.trainSeconds, budgetSeconds: p.budgetSeconds,
      lossCurve: curve.length > 400 ? curve.filter((_, i) => i % 2 === 0) : curve,
      base: pickMetrics(p.base), heldOut: pickMetrics(p.heldOut), checkpointId: p.checkpointId ?? prev?.checkpointId ?? null, message: p.message ?? null,
    };
    info.finetune = ft;
    info.total = Math.round(p.budgetSeconds);
    info.done = Math.min(info.total, Math.round(p.trainSeconds));
    info.etaSeconds = p.etaSeconds === null ? null : Math.round(p.etaSeconds);
    this.emitInfo(info);
  }

  private finish(info: JobInfo, state: JobInfo['state']): void {
    info.state = state;
    info.etaSeconds = null;
    info.finishedAt = new Date().toISOString();
    this.live.delete(info.id);
    this.emitInfo(info);
  }

  private emitInfo(info: JobInfo): void {
    this.events.emit('job', structuredClone(info));
  }

  private photoIdOf(jobId: number, seq: number | undefined): number | undefined {
    const ids = (this.core.catalogue.getJob(jobId)?.params as { photoIds?: unknown } | null)?.photoIds;
    return Array.isArray(ids) && seq !== undefined && typeof ids[seq] === 'number' ? ids[seq] : undefined;
  }

  /** A job as the window sees it, rebuilt from its catalogue rows (after a restart, or when not running). */
  private infoFromCatalogue(row: JobRow): JobInfo {
    if (row.kind === 'finetune') {
      const p = (row.params ?? {}) as { name?: string; minutes?: number };
      return { ...wholeJobInfo(row, Math.round((p.minutes ?? 0) * 60)), kind: 'finetune', target: p.name ?? null, finetune: null };
    }
    if (row.kind === 'export') {
      // Export jobs have no item rows: the export folder's own manifest tracks its files.
      const p = (row.params ?? {}) as { target?: string; total?: number };
      return { ...wholeJobInfo(row, p.total ?? 0), kind: 'export', target: p.target ?? null };
    }
    const items = this.core.catalogue.jobItems(row.id);
    const ids = (row.params as { photoIds?: unknown } | null)?.photoIds;
    const photoId = (seq: number, outputId: number | null): number | undefined =>
      Array.isArray(ids) && typeof ids[seq] === 'number' ? ids[seq] : outputId ? this.core.catalogue.getOutput(outputId)?.originalId : undefined;
    const errors: FileError[] = [];
    const finishedPhotoIds: number[] = [];
    let done = 0;
    for (const it of items) {
      if (it.status === 'pending') continue;
      done++;
      if (it.status === 'failed') {
        const pid = photoId(it.seq, null);
        errors.push({ photoId: pid, name: it.input.startsWith('#') ? it.input : path.basename(it.input), error: it.error ?? 'failed' });
      } else if (it.status === 'done') {
        const pid = photoId(it.seq, it.outputId);
        if (pid !== undefined) finishedPhotoIds.push(pid);
      }
    }
    const terminal = row.status !== 'queued' && row.status !== 'running';
    return {
      id: row.id, kind: 'colorize', state: row.status, total: items.length, done, failed: errors.length, etaSeconds: null,
      finishedPhotoIds, errors, cancelRequested: false, createdAt: row.createdAt, finishedAt: terminal ? row.updatedAt : null,
      message: row.status === 'failed' && errors.length === 0 ? row.error : null,
    };
  }

  private withOutputs(row: OriginalRow): OriginalListRow {
    const latest = this.core.catalogue.latestOutput(row.id);
    return { ...row, hasOutput: !!latest, latestOutputId: latest?.id ?? null, latestOutputPath: latest?.path ?? null };
  }

  private summary(r: OriginalListRow): PhotoSummary {
    return {
      id: r.id,
      name: path.basename(r.path),
      width: r.width,
      height: r.height,
      takenAt: r.takenAt,
      importedAt: r.importedAt,
      hasOutput: r.hasOutput,
      missing: r.missing,
      thumbUrl: this.opts.mediaUrl('thumb', r.id),
      // Keyed by output id, so a new colorized version is a new URL (no stale browser cache).
      colorThumbUrl: r.latestOutputId ? this.opts.mediaUrl('output-thumb', r.latestOutputId) : null,
    };
  }

  private outputInfo(o: OutputRow): OutputInfo {
    const sat = (o.params as { saturation?: unknown }).saturation;
    return {
      id: o.id,
      createdAt: o.createdAt,
      modelId: o.checkpointId,
      saturation: typeof sat === 'number' ? sat : null,
      width: o.width,
      height: o.height,
      url: this.opts.mediaUrl('output', o.id),
    };
  }

  private albumInfo(a: AlbumSummary): AlbumInfo {
    // The cover shows the photo in colour once it has been colorized.
    const coloured = a.effectiveCoverId ? this.core.catalogue.latestOutput(a.effectiveCoverId) : undefined;
    return {
      id: a.id,
      name: a.name,
      photoCount: a.itemCount,
      coverPhotoId: a.effectiveCoverId,
      coverThumbUrl: coloured ? this.opts.mediaUrl('output-thumb', coloured.id) : a.effectiveCoverId ? this.opts.mediaUrl('thumb', a.effectiveCoverId) : null,
      createdAt: a.createdAt,
      updatedAt: a.updatedAt,
    };
  }

  private albumItem(i: AlbumItemRow): AlbumItem {
    return { ...this.summary(i.original), position: i.position, caption: i.caption, outputId: i.outputId };
  }
}

/** A job without item rows (export, fine-tune), as the catalogue remembers it: done or not, and why it failed. */
function wholeJobInfo(row: JobRow, total: number): Omit<JobInfo, 'kind'> {
  const terminal = row.status !== 'queued' && row.status !== 'running';
  return {
    id: row.id, state: row.status, total, done: row.status === 'done' ? total : 0, failed: 0, etaSeconds: null,
    finishedPhotoIds: [], errors: [], cancelRequested: false, createdAt: row.createdAt,
    finishedAt: terminal ? row.updatedAt : null, message: row.status === 'failed' ? row.error : null,
  };
}

/** Only the four numbers the window shows, whatever else a stored summary holds. */
function pickMetrics(m: MetricsInfo | null | undefined): MetricsInfo | null {
  return m ? { deltaE00: m.deltaE00, psnr: m.psnr, colourfulnessRatio: m.colourfulnessRatio, auc: m.auc } : null;
}
