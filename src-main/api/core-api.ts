// HeirloomApi implemented once over HeirloomCore. The web bridge runs it in-process; the desktop app
// runs it in a separate process (api/host.ts) so the window's main thread never does heavy work.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp = require('sharp');
import { appVersion } from '../core/app-paths';
import type { AlbumItemRow, AlbumSummary, OriginalListRow, OriginalRow, OutputRow } from '../core/catalogue/types';
import { JobInputOf, makeJobParams, PhotoJobKind } from '../core/jobs/job-params';
import { JobQueue } from '../core/jobs/job-queue';
import { pickMetrics } from '../core/jobs/finetune-info';
import { initBackend } from '../core/engine/backend';
import { writeFileAtomic } from '../core/fs-atomic';
import { collectPhotos } from '../core/photo-files';
import { hashFile } from '../core/service/file-hash';
import type { HeirloomCore } from '../core/service/heirloom-core';
import { PreviewRunner } from '../core/hints/preview-runner';
import { PointHintsSchema, type SuggestedColour } from '../contract/hints';
import { MaskEditSchema } from '../contract/mask-edit';
import { findDamageOffThread } from '../core/restore/damage-mask';
import { parseCall, uploadName } from './schemas';
import { CodedError, problemOf } from '../contract/problems';
import type {
  AlbumDetail,
  AlbumInfo,
  AlbumItem,
  ExportRequest,
  ExportStart,
  FinetuneRequest,
  MetricsInfo,
  ModelInfo,
  ApiMethod,
  ColorizeRequest,
  DialogImportRequest,
  FileError,
  HeirloomApi,
  ImportResult,
  JobInfo,
  ListPhotosQuery,
  OutputInfo,
  PhotoDetail,
  PhotoPage,
  PhotoSummary,
  RemovedPhotos,
  Status,
  Unsubscribe,
  ColourPreview,
  ArgOf,
  DamageMask,
} from './types';

type ColourSettings = ArgOf<'keepColour'>;

export type MediaKind = 'thumb' | 'original' | 'output' | 'output-thumb' | 'preview';

/** Preview images kept on disk (older ones are deleted: the viewer shows only the newest). */
const PREVIEWS_KEPT = 6;
/** Damage masks kept in memory (the viewer asks again when the overlay is shown again). */
const MASKS_KEPT = 4;

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

const isInside = (file: string, dir: string): boolean => {
  const rel = path.relative(dir, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
};
const notInLibrary = (id: number): CodedError => new CodedError('photo.notInLibrary', { id }, `photo ${id} is not in the library`);
const closing = (): CodedError => new CodedError('library.closing', {}, 'the library is closing');
/** The original file of a photo is not where the catalogue says (moved or deleted). */
export const originalMissing = (row: { id: number; path: string }): CodedError =>
  new CodedError(
    'photo.originalMissing',
    { id: row.id, name: path.basename(row.path) },
    `the original file of photo ${row.id} is missing (${path.basename(row.path)})`,
  );

/** Image types every browser shows as they are; anything else (TIFF, HEIF…) is converted for viewing. */
const BROWSER_IMAGES = new Set(['.jpg', '.jpeg', '.png', '.webp', '.gif', '.avif']);

export class CoreApi implements HeirloomApi {
  /** The library's job queue lives in the core; this face only starts, lists and cancels jobs. */
  private readonly jobs: JobQueue;

  /** The photo view's live colour preview, in its own worker (decoded originals cached there at screen size). */
  private readonly preview: PreviewRunner;
  private previewSerial = 0;
  /** Damage masks sent to the viewer, newest last. */
  private readonly masks = new Map<string, DamageMask>();
  /** Damage searches under way, by the same key: asked again meanwhile, the same search answers. */
  private readonly maskSearches = new Map<string, Promise<DamageMask>>();
  /** The last queued damage search (searches run one after another). */
  private maskQueue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly core: HeirloomCore,
    private readonly opts: CoreApiOptions,
  ) {
    this.jobs = new JobQueue(core);
    this.preview = new PreviewRunner({ library: core.paths.root, install: core.install });
    // Previews are Heirloom's own cache: the folder is emptied when a library is opened.
    fs.rmSync(this.previewDir, { recursive: true, force: true });
  }

  private get previewDir(): string {
    return path.join(this.core.paths.thumbs, 'previews');
  }

  private get closed(): boolean {
    return this.jobs.isClosed;
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
      uncolorizedCount: this.core.catalogue.countOriginals('uncolorized'),
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
    if (known && fs.existsSync(known.path)) return { imported: [this.summary(this.withOutputs(known))], alreadyInLibrary: 1, errors: [] };
    const dir = path.join(this.core.paths.root, 'uploads', new Date().toISOString().slice(0, 10));
    fs.mkdirSync(dir, { recursive: true });
    const { name: stem, ext } = path.parse(safe);
    let file = path.join(dir, safe);
    for (let i = 2; fs.existsSync(file); i++) file = path.join(dir, `${stem} (${i})${ext}`);
    writeFileAtomic(file, data);
    try {
      return { imported: [this.summary(this.withOutputs(await this.core.importPhoto(file)))], alreadyInLibrary: known ? 1 : 0, errors: [] };
    } catch (e) {
      fs.rmSync(file, { force: true }); // not a photo we can read: keep nothing of it
      return { imported: [], alreadyInLibrary: 0, errors: [{ name: safe, error: (e as Error).message, problem: problemOf(e) }] };
    }
  }

  /** Not callable through `call`: File objects exist only in the window (see lib/api.ts and the preload). */
  async importFiles(): Promise<ImportResult> {
    throw new Error('importFiles is handled by the window');
  }

  async getPhoto(id: number): Promise<PhotoDetail> {
    const row = this.core.catalogue.getOriginal(id);
    if (!row) throw notInLibrary(id);
    const current = this.core.catalogue.latestOutput(id)?.id ?? null;
    const outputs = this.core.catalogue
      .listOutputs(id)
      .map((o) => this.outputInfo(o, o.id === current))
      .sort((a, b) => b.id - a.id);
    return {
      ...this.summary({ ...row, hasOutput: outputs.length > 0, latestOutputId: current, latestOutputPath: null }),
      currentChosen: row.currentOutputId !== null,
      camera: row.camera,
      bytes: row.bytes,
      originalUrl: this.opts.mediaUrl('original', row.id),
      outputs,
    };
  }

  async importPaths(paths: string[]): Promise<ImportResult> {
    const { files, problems } = collectPhotos(paths);
    const errors: FileError[] = problems.map((p) => ({ name: path.basename(p.input), error: p.error, problem: p.problem }));
    const imported: PhotoSummary[] = [];
    let alreadyInLibrary = 0;
    for (const f of files) {
      try {
        // Already there when the catalogue had these bytes before (a file it cannot hash, importPhoto explains).
        const sha = await hashFile(f).catch(() => null);
        const had = sha !== null && this.core.catalogue.findOriginalBySha(sha) !== undefined;
        const row = await this.core.importPhoto(f);
        imported.push(this.summary(this.withOutputs(row)));
        if (had) alreadyInLibrary++;
      } catch (e) {
        errors.push({ name: path.basename(f), error: (e as Error).message, problem: problemOf(e) });
      }
    }
    return { imported, alreadyInLibrary, errors };
  }

  async importWithDialog(req: DialogImportRequest): Promise<ImportResult> {
    if (!this.opts.pickPaths)
      throw new CodedError('import.dialogDesktopOnly', {}, 'choosing files with a dialog is only available in the desktop app');
    const paths = await this.opts.pickPaths(req);
    return paths.length ? this.importPaths(paths) : { imported: [], alreadyInLibrary: 0, errors: [] };
  }

  async colorize(req: ColorizeRequest): Promise<{ jobId: number }> {
    const ids =
      req.photoIds === 'all' || req.photoIds === 'uncolorized'
        ? this.core.catalogue.listOriginals({ sort: 'imported', filter: req.photoIds }).map((r) => r.id)
        : req.photoIds;
    return this.queuePhotoJob('colorize', ids, { saturation: req.saturation ?? 1, ...(req.modelId ? { model: req.modelId } : {}) });
  }

  /** A restore job for these photos: each gets a new version, restored with these steps (and colorized if asked). */
  async restorePhotos(req: ArgOf<'restorePhotos'>): Promise<{ jobId: number }> {
    return this.queuePhotoJob('restore', req.photoIds, { steps: { ...req.steps, ...(req.maskEdit ? { maskEdit: req.maskEdit } : {}) } });
  }

  /** The damage the repair step finds on a photo, at display size (the last few are kept: the detector takes seconds on a large scan). */
  async damageMask(req: ArgOf<'damageMask'>): Promise<DamageMask> {
    const row = this.core.catalogue.getOriginal(req.photoId);
    if (!row) throw notInLibrary(req.photoId);
    if (!fs.existsSync(row.path)) throw originalMissing(row);
    const maxSize = req.maxSize ?? 1024;
    const key = `${row.id}/${row.sha256}/${maxSize}`;
    const known = this.masks.get(key);
    if (known) return known;
    let search = this.maskSearches.get(key);
    if (!search) {
      // One search at a time, each in a worker (seconds and hundreds of MB on a large scan): a user
      // flicking through photos with the overlay on queues them instead of decoding them all at once.
      search = this.maskQueue
        .then(() => findDamageOffThread(row.path, maxSize))
        .then((found) => {
          const res: DamageMask = { ...found, bits: Buffer.from(found.bits).toString('base64') };
          this.masks.set(key, res);
          for (const k of this.masks.keys()) if (this.masks.size > MASKS_KEPT) this.masks.delete(k);
          return res;
        })
        .finally(() => this.maskSearches.delete(key));
      this.maskSearches.set(key, search);
      this.maskQueue = search.catch(() => undefined);
    }
    return search;
  }

  /**
   * Records and queues a colorize or restore job over photos of the library: photoIds[seq] names each
   * item's photo, and an id not in the library (any more) is an item failed at once.
   */
  private queuePhotoJob<K extends PhotoJobKind>(kind: K, photoIds: readonly number[], params: Omit<JobInputOf<K>, 'photoIds'>): { jobId: number } {
    if (this.closed) throw closing();
    const cat = this.core.catalogue;
    const rows = [...new Set(photoIds)].map((id) => cat.getOriginal(id) ?? ({ id, path: '' } as OriginalRow));
    const job = cat.transaction(() => {
      const row = cat.createJob(
        kind,
        makeJobParams(kind, { ...params, photoIds: rows.map((r) => r.id) } as JobInputOf<K>),
        rows.map((r) => r.path || `#${r.id}`),
      );
      rows.forEach((r, seq) => {
        if (!r.path) cat.setJobItem(row.id, seq, 'failed', null, 'not in the library any more', { code: 'job.notInLibrary', params: { id: r.id } });
      });
      return row;
    });
    this.jobs.enqueue(job.id);
    return { jobId: job.id };
  }

  // ── colour hints, live preview and versions ──

  /** A photo of the library whose original file is where the catalogue says: else a coded refusal the window words. */
  private presentOriginal(photoId: number): OriginalRow {
    const row = this.core.catalogue.getOriginal(photoId);
    if (!row) throw notInLibrary(photoId);
    if (!fs.existsSync(row.path)) throw originalMissing(row);
    return row;
  }

  async previewColour(req: ColourSettings): Promise<ColourPreview> {
    this.presentOriginal(req.photoId);
    const img = await this.preview.render(req.photoId, req.modelId, { hints: req.hints, saturation: req.saturation, workingSize: req.workingSize });
    const serial = ++this.previewSerial;
    fs.mkdirSync(this.previewDir, { recursive: true });
    writeFileAtomic(path.join(this.previewDir, `${serial}.jpg`), img.jpeg);
    fs.rmSync(path.join(this.previewDir, `${serial - PREVIEWS_KEPT}.jpg`), { force: true });
    return { url: this.opts.mediaUrl('preview', serial), width: img.width, height: img.height, millis: img.millis };
  }

  async suggestColours(req: { photoId: number; x: number; y: number; workingSize?: number; modelId?: string }): Promise<SuggestedColour[]> {
    this.presentOriginal(req.photoId);
    return this.preview.suggest(req.photoId, req.modelId, req.x, req.y, 6, req.workingSize);
  }

  async keepColour(req: ColourSettings): Promise<{ jobId: number }> {
    const row = this.core.catalogue.getOriginal(req.photoId);
    if (!row) throw notInLibrary(req.photoId);
    return this.queuePhotoJob('colorize', [row.id], {
      saturation: req.saturation ?? 1,
      ...(req.workingSize ? { workingSize: req.workingSize } : {}),
      ...(req.modelId ? { model: req.modelId } : {}),
      // Hints are kept by the input's path, as for the command line's hints files.
      ...(req.hints.length ? { hints: { [path.resolve(row.path)]: req.hints } } : {}),
    });
  }

  async setCurrentVersion(req: { photoId: number; outputId: number | null }): Promise<PhotoDetail> {
    this.core.setCurrentVersion(req.photoId, req.outputId);
    return this.getPhoto(req.photoId);
  }

  async locatePhoto(req: { photoId: number; path: string }): Promise<PhotoDetail> {
    if (this.closed) throw closing();
    await this.core.locateOriginal(req.photoId, req.path);
    return this.getPhoto(req.photoId);
  }

  /** The desktop's main process shows the dialog itself (then calls locatePhoto); no other face has one. */
  async locatePhotoWithDialog(): Promise<PhotoDetail | null> {
    throw new CodedError('import.dialogDesktopOnly', {}, 'choosing files with a dialog is only available in the desktop app');
  }

  async removePhotos(req: { photoIds: number[]; deleteVersions: boolean }): Promise<RemovedPhotos> {
    if (this.closed) throw closing();
    const sum: RemovedPhotos = { removed: 0, versionsDeleted: 0, filesKept: [] };
    for (const id of new Set(req.photoIds)) {
      const r = this.core.removePhoto(id, req.deleteVersions);
      sum.removed += r.removed ? 1 : 0;
      sum.versionsDeleted += r.versionsDeleted;
      sum.filesKept.push(...r.filesKept);
    }
    return sum;
  }

  async deleteVersion(req: { photoId: number; outputId: number }): Promise<PhotoDetail> {
    const out = this.core.catalogue.getOutput(req.outputId);
    if (!out || out.originalId !== req.photoId)
      throw new CodedError('version.notOfPhoto', {}, `version ${req.outputId} is not a version of photo ${req.photoId}`);
    this.core.deleteVersion(req.outputId);
    return this.getPhoto(req.photoId);
  }

  // ── albums ──

  async listAlbums(): Promise<AlbumInfo[]> {
    return this.core.albums.list().map((a) => this.albumInfo(a));
  }

  async getAlbum(id: number): Promise<AlbumDetail> {
    const a = this.core.albums.get(id);
    return { ...this.albumInfo(a), items: this.core.albums.items(id).map((i) => this.albumItem(i)) };
  }

  async createAlbum(req: { name: string }): Promise<AlbumInfo> {
    return this.albumInfo(this.core.albums.create(req.name));
  }

  async renameAlbum(req: { albumId: number; name: string }): Promise<AlbumInfo> {
    return this.albumInfo(this.core.albums.rename(req.albumId, req.name));
  }

  async deleteAlbum(id: number): Promise<{ deleted: boolean }> {
    return { deleted: this.core.albums.delete(id) };
  }

  async addToAlbum(req: { albumId: number; photoIds: number[] }): Promise<AlbumDetail> {
    this.core.albums.addPhotos(req.albumId, req.photoIds);
    return this.getAlbum(req.albumId);
  }

  async removeFromAlbum(req: { albumId: number; photoIds: number[] }): Promise<AlbumDetail> {
    this.core.albums.removePhotos(req.albumId, req.photoIds);
    return this.getAlbum(req.albumId);
  }

  async reorderAlbum(req: { albumId: number; photoIds: number[] }): Promise<AlbumDetail> {
    this.core.albums.reorder(req.albumId, req.photoIds);
    return this.getAlbum(req.albumId);
  }

  async setAlbumCover(req: { albumId: number; photoId: number | null }): Promise<AlbumInfo> {
    return this.albumInfo(this.core.albums.setCover(req.albumId, req.photoId));
  }

  async setAlbumCaption(req: { albumId: number; photoId: number; caption: string | null }): Promise<AlbumDetail> {
    this.core.albums.setCaption(req.albumId, req.photoId, req.caption);
    return this.getAlbum(req.albumId);
  }

  /** Checks what can be checked at once (album, names, an existing target), then queues the export as a job. */
  async exportAlbum(req: ExportRequest): Promise<ExportStart> {
    if (this.closed) throw closing();
    this.core.albums.get(req.albumId); // a missing album is said first
    if (!req.parentDir) throw new CodedError('export.noFolder', {}, 'choose the folder the export goes into');
    // Refusals come back as problems the window explains; the same rules apply again when the job runs.
    const start = this.core.albums.recordExportJob(req.albumId, {
      parentDir: req.parentDir,
      folderName: req.folderName,
      format: req.format,
      maxSize: req.maxSize,
      quality: req.quality,
      names: req.names,
      withOriginals: req.withOriginals,
      originalsForUncolorized: req.originalsForUncolorized,
      zip: req.zip,
      html: req.html,
      overwrite: req.overwrite,
      placeConfirmed: req.placeConfirmed,
      locale: req.locale,
    });
    if (!start.job) return { jobId: null, ...start.refused };
    this.jobs.enqueue(start.job.id);
    return { jobId: start.job.id, target: start.target };
  }

  // ── models and fine-tuning ──

  async listModels(): Promise<ModelInfo[]> {
    const { rows, activeId } = await this.core.listModels();
    return rows.map((r) => {
      const m = (r.metrics ?? {}) as { step?: number; heldOut?: MetricsInfo | null; base?: MetricsInfo | null };
      return {
        id: r.id,
        name: r.name,
        kind: r.kind,
        parentId: r.parentId,
        createdAt: r.createdAt,
        active: r.id === activeId,
        step: m.step ?? null,
        heldOut: pickMetrics(m.heldOut),
        base: pickMetrics(m.base),
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
    if (this.closed) throw closing();
    // Only the desktop window leaves the folder out, and its main process adds the one picked in the dialog.
    if (!req.folder) throw new CodedError('finetune.noFolder', {}, 'no folder of colour photos given');
    let st: fs.Stats;
    try {
      st = fs.statSync(req.folder);
    } catch {
      throw new CodedError('finetune.folderMissing', { folder: req.folder }, `${req.folder} does not exist`);
    }
    if (!st.isDirectory()) throw new CodedError('finetune.notAFolder', { folder: req.folder }, `${req.folder} is not a folder`);
    const row = this.core.catalogue.createJob(
      'finetune',
      makeJobParams('finetune', { folder: path.resolve(req.folder), name: req.name, minutes: req.minutes, ...(req.from ? { from: req.from } : {}) }),
      [],
    );
    this.jobs.enqueue(row.id);
    return { jobId: row.id };
  }

  /** Continues an interrupted, cancelled or failed job: the photos it has not done yet, a fine-tune from its last checkpoint. */
  async resumeJob(jobId: number): Promise<{ resumed: boolean }> {
    return { resumed: this.jobs.resume(jobId) };
  }

  async cancelJob(jobId: number): Promise<{ cancelled: boolean }> {
    return { cancelled: this.jobs.cancel(jobId) };
  }

  async listJobs(): Promise<JobInfo[]> {
    return this.jobs.list();
  }

  onJobProgress(cb: (job: JobInfo) => void): Unsubscribe {
    return this.jobs.onChange(cb);
  }

  /** Dispatches a validated call by name (used by the web bridge, IPC and the host process). */
  async call(method: unknown, arg: unknown): Promise<unknown> {
    const c = parseCall(method, arg);
    const fn = this[c.method as ApiMethod] as (a: unknown) => Promise<unknown>;
    return fn.call(this, c.arg);
  }

  /** The file behind a media URL, looked up by catalogue id only; undefined if there is none. */
  async mediaPath(kind: MediaKind, id: number): Promise<string | undefined> {
    if (kind === 'preview') return path.join(this.previewDir, `${id}.jpg`);
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
    const buf = await sharp(file, { pages: 1, failOn: 'none', limitInputPixels: 400_000_000 })
      .rotate()
      .jpeg({ quality: 92, chromaSubsampling: '4:4:4' })
      .toBuffer();
    fs.mkdirSync(path.dirname(cached), { recursive: true });
    writeFileAtomic(cached, buf);
    return cached;
  }

  /** Stops after the current photo of the running job, then lets the caller close the core. */
  async close(): Promise<void> {
    await Promise.all([this.jobs.close(), this.preview.close()]);
  }

  private withOutputs(row: OriginalRow): OriginalListRow {
    const latest = this.core.catalogue.latestOutput(row.id);
    return { ...row, hasOutput: !!latest, latestOutputId: latest?.id ?? null, latestOutputPath: latest?.path ?? null };
  }

  private summary(r: OriginalListRow): PhotoSummary {
    return {
      id: r.id,
      name: path.basename(r.path),
      folder: path.basename(path.dirname(r.path)),
      width: r.width,
      height: r.height,
      takenAt: r.takenAt,
      importedAt: r.importedAt,
      hasOutput: r.hasOutput,
      // Looked at each time: a file moved or deleted outside Heirloom shows at once.
      missing: r.missing || !fs.existsSync(r.path),
      thumbUrl: this.opts.mediaUrl('thumb', r.id),
      // Keyed by output id, so a new colorized version is a new URL (no stale browser cache).
      colorThumbUrl: r.latestOutputId ? this.opts.mediaUrl('output-thumb', r.latestOutputId) : null,
    };
  }

  private outputInfo(o: OutputRow, current: boolean): OutputInfo {
    const p = o.params as { saturation?: unknown; workingSize?: unknown; hints?: unknown; steps?: unknown; colorized?: unknown };
    const hints = PointHintsSchema.safeParse(p.hints ?? []);
    const maskEdit = MaskEditSchema.safeParse((p.steps as { maskEdit?: unknown } | undefined)?.maskEdit);
    return {
      id: o.id,
      createdAt: o.createdAt,
      modelId: o.checkpointId,
      saturation: typeof p.saturation === 'number' ? p.saturation : null,
      workingSize: typeof p.workingSize === 'number' ? p.workingSize : null,
      hints: hints.success ? hints.data : [],
      restored: p.steps !== undefined,
      colorized: p.colorized !== false,
      maskEdit: maskEdit.success ? maskEdit.data : [],
      current,
      inLibrary: isInside(path.resolve(o.path), this.core.paths.outputs),
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
      coverThumbUrl: coloured
        ? this.opts.mediaUrl('output-thumb', coloured.id)
        : a.effectiveCoverId
          ? this.opts.mediaUrl('thumb', a.effectiveCoverId)
          : null,
      createdAt: a.createdAt,
      updatedAt: a.updatedAt,
    };
  }

  private albumItem(i: AlbumItemRow): AlbumItem {
    return { ...this.summary(i.original), position: i.position, caption: i.caption, outputId: i.outputId };
  }
}
