// HeirloomApi implemented once over HeirloomCore. The web bridge runs it in-process; the desktop app
// runs it in a separate process (api/host.ts) so the window's main thread never does heavy work.
import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp = require('sharp');
import { appVersion } from '../core/app-paths';
import type { AlbumItemRow, AlbumSummary, OriginalListRow, OriginalRow, OutputRow } from '../core/catalogue/types';
import { ExportError, exportPaths, exportTargetFor, runExport } from '../core/export';
import { initBackend } from '../core/engine/backend';
import { writeFileAtomic } from '../core/fs-atomic';
import { collectPhotos } from '../core/photo-files';
import type { HeirloomCore } from '../core/service/heirloom-core';
import { parseCall } from './schemas';
import type {
  AlbumDetail, AlbumInfo, AlbumItem, ExportRequest, ExportStart,
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

interface Job {
  info: JobInfo;
  photoIds: number[] | 'all';
  saturation: number;
  ctrl: AbortController;
  /** Set for export jobs (kind 'export'), with the resolved target. */
  exportReq?: ExportRequest & { target: string };
}

const MAX_JOBS_KEPT = 50;

export class CoreApi implements HeirloomApi {
  private readonly events = new EventEmitter();
  private readonly jobs: Job[] = [];
  private nextJobId = 1;
  private running: Promise<void> | undefined;
  private closed = false;

  constructor(readonly core: HeirloomCore, private readonly opts: CoreApiOptions) {
    this.events.setMaxListeners(100);
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
    const ids = req.photoIds === 'all' ? 'all' : [...new Set(req.photoIds)];
    const total = ids === 'all' ? this.core.catalogue.countOriginals('all') : ids.length;
    const job: Job = {
      info: {
        id: this.nextJobId++, kind: 'colorize', state: 'queued', total, done: 0, failed: 0, etaSeconds: null,
        finishedPhotoIds: [], errors: [], cancelRequested: false, createdAt: new Date().toISOString(), finishedAt: null, message: null,
      },
      photoIds: ids,
      saturation: req.saturation ?? 1,
      ctrl: new AbortController(),
    };
    this.jobs.push(job);
    while (this.jobs.length > MAX_JOBS_KEPT && this.jobs[0].info.finishedAt) this.jobs.shift();
    this.emit(job);
    this.pump();
    return { jobId: job.info.id };
  }

  async cancelJob(jobId: number): Promise<{ cancelled: boolean }> {
    const job = this.jobs.find((j) => j.info.id === jobId);
    if (!job || job.info.finishedAt) return { cancelled: false };
    job.info.cancelRequested = true;
    job.ctrl.abort();
    if (job.info.state === 'queued') this.finish(job, 'cancelled');
    else this.emit(job);
    return { cancelled: true };
  }

  async listJobs(): Promise<JobInfo[]> {
    return this.jobs.map((j) => structuredClone(j.info)).reverse();
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
    // The folder name is made safe like an album name: it can never point outside parentDir.
    const target = exportPaths(exportTargetFor(req.parentDir, req.folderName ?? album.name), req.zip ?? false).target;
    if (!req.overwrite && fs.existsSync(target)) return { jobId: null, problem: 'target-exists', target };
    const job: Job = {
      info: {
        id: this.nextJobId++, kind: 'export', target, state: 'queued', total: album.itemCount, done: 0, failed: 0, etaSeconds: null,
        finishedPhotoIds: [], errors: [], cancelRequested: false, createdAt: new Date().toISOString(), finishedAt: null, message: null,
      },
      photoIds: [],
      saturation: 1,
      ctrl: new AbortController(),
      exportReq: { ...req, target },
    };
    this.jobs.push(job);
    while (this.jobs.length > MAX_JOBS_KEPT && this.jobs[0].info.finishedAt) this.jobs.shift();
    this.emit(job);
    this.pump();
    return { jobId: job.info.id, target };
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
    if (kind === 'original') return this.core.catalogue.getOriginal(id)?.path;
    const out = this.core.catalogue.getOutput(id);
    if (!out) return undefined;
    if (kind === 'output') return out.path;
    // Gallery preview of a colorized version: made once, on first view, next to the other thumbnails.
    const thumb = path.join(this.core.paths.thumbs, 'outputs', `${out.id}.jpg`);
    if (!fs.existsSync(thumb)) {
      const buf = await sharp(out.path, { failOn: 'none' }).rotate().resize(320, 320, { fit: 'inside' }).jpeg({ quality: 80 }).toBuffer();
      fs.mkdirSync(path.dirname(thumb), { recursive: true });
      writeFileAtomic(thumb, buf);
    }
    return thumb;
  }

  /** Stops after the current photo of the running job, then lets the caller close the core. */
  async close(): Promise<void> {
    this.closed = true;
    for (const j of this.jobs) if (!j.info.finishedAt) await this.cancelJob(j.info.id);
    await this.running;
  }

  private pump(): void {
    if (this.running) return;
    const next = this.jobs.find((j) => j.info.state === 'queued');
    if (!next) return;
    this.running = this.run(next).finally(() => {
      this.running = undefined;
      this.pump();
    });
  }

  private async runExportJob(job: Job): Promise<void> {
    const info = job.info;
    const req = job.exportReq!;
    info.state = 'running';
    this.emit(job);
    const started = Date.now();
    try {
      await runExport(this.core.catalogue, req.albumId, req.target, {
        format: req.format, maxSize: req.maxSize, quality: req.quality, names: req.names,
        withOriginals: req.withOriginals, html: req.html, overwrite: req.overwrite,
        // `target` already ends in .zip when zipping; runExport keeps such a name as it is.
        zip: req.zip,
        appVersion: appVersion(),
        signal: job.ctrl.signal,
        discardOnCancel: true,
        onProgress: (p) => {
          info.total = p.total;
          info.done = p.done;
          if (p.photo) info.finishedPhotoIds.push(p.photo.originalId);
          const perItem = (Date.now() - started) / Math.max(1, p.done);
          info.etaSeconds = p.phase === 'photos' ? Math.round((perItem * (p.total - p.done)) / 1000) : null;
          this.emit(job);
        },
      });
      this.finish(job, 'done');
    } catch (e) {
      const cancelled = e instanceof ExportError && e.code === 'cancelled';
      info.message = cancelled ? null : (e as Error).message;
      this.finish(job, cancelled ? 'cancelled' : 'failed');
    }
  }

  private async run(job: Job): Promise<void> {
    if (job.exportReq) return this.runExportJob(job);
    const info = job.info;
    const rows: OriginalRow[] =
      job.photoIds === 'all'
        ? this.core.catalogue.listOriginals({ sort: 'imported' })
        : job.photoIds.map((id) => this.core.catalogue.getOriginal(id)).filter((r): r is OriginalRow => r !== undefined);
    if (job.photoIds !== 'all') {
      const known = new Set(rows.map((r) => r.id));
      for (const id of job.photoIds) if (!known.has(id)) info.errors.push({ photoId: id, name: `#${id}`, error: 'not in the library any more' });
      info.failed = info.errors.length;
      info.done = info.errors.length;
    }
    info.total = info.done + rows.length;
    info.state = 'running';
    this.emit(job);
    const byIndex = rows;
    const base = info.done;
    try {
      const summary = await this.core.colorizeBatch(
        rows.map((r) => r.path),
        {
          saturation: job.saturation,
          signal: job.ctrl.signal,
          onProgress: (p) => {
            const row = byIndex[p.done - 1];
            info.done = base + p.done;
            info.etaSeconds = p.done < p.total ? (p.etaSeconds ?? null) : 0;
            if (p.item?.error) {
              info.failed++;
              info.errors.push({ photoId: row?.id, name: path.basename(p.item.input), error: p.item.error });
            } else if (row) {
              info.finishedPhotoIds.push(row.id);
            }
            this.emit(job);
          },
        },
      );
      if (summary.modelWarning) info.message = summary.modelWarning;
      this.finish(job, summary.status === 'cancelled' || job.ctrl.signal.aborted && info.done < info.total ? 'cancelled' : info.failed > 0 ? 'failed' : 'done');
    } catch (e) {
      info.message = (e as Error).message;
      this.finish(job, 'failed');
    }
  }

  private finish(job: Job, state: JobInfo['state']): void {
    job.info.state = state;
    job.info.etaSeconds = null;
    job.info.finishedAt = new Date().toISOString();
    this.emit(job);
  }

  private emit(job: Job): void {
    this.events.emit('job', structuredClone(job.info));
  }

  private withOutputs(row: OriginalRow): OriginalListRow {
    const latest = this.core.catalogue.latestOutput(row.id);
    return { ...row, hasOutput: !!latest, latestOutputId: latest?.id ?? null, latestOutputPath: latest?.path ?? null };
  }

  private albumInfo(a: AlbumSummary): AlbumInfo {
    return {
      id: a.id,
      name: a.name,
      photoCount: a.itemCount,
      coverPhotoId: a.effectiveCoverId,
      coverThumbUrl: a.effectiveCoverId ? this.opts.mediaUrl('thumb', a.effectiveCoverId) : null,
      createdAt: a.createdAt,
      updatedAt: a.updatedAt,
    };
  }

  private albumItem(i: AlbumItemRow): AlbumItem {
    return { ...this.summary(i.original), position: i.position, caption: i.caption, outputId: i.outputId };
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
}
