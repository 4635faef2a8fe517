// The core behind every face of Heirloom (CLI, desktop window, web bridge): one library, its
// catalogue, the colorizer, and batch work with progress, cancel and per-file errors.
import { findOriginal, removePhoto, type RemovedPhoto } from './missing-originals';
import { CodedError, problemOf, type Problem, type ProblemParams } from '../../contract/problems';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp = require('sharp');
import { appVersion, installPaths, setInstallPaths, type InstallPaths } from '../app-paths';
import { Catalogue } from '../catalogue/catalogue';
import type { CheckpointRow, JobItemRow, JobRow, OriginalRow, OutputRow } from '../catalogue/types';
import { removeStaleTemps, writeFileAtomic } from '../fs-atomic';
import { decodePhoto, readPhotoMeta } from '../imaging/decode';
import { encodeColorized, OutputFormat, readExif } from '../imaging/encode';
import { explainReadError, explainWriteError } from '../imaging/photo-error';
import { ensureLibrary, LibraryPaths, resolveLibraryDir } from '../library';
import { acquireLibraryLock, LibraryLock } from '../library-lock';
import { probeWritable } from '../write-probe';
import { resolveModel, ModelResolution } from '../engine/model-registry';
import { ColorizeParams, colorizePixels } from '../pipeline/colorize';
import { colorizeRestored } from '../pipeline/colorize-restored';
import type { PointHint } from '../hints/point-hints';
import { FinetuneOptions, FinetuneResult, runFinetune } from '../finetune/trainer';
import { listRunCheckpoints, runSlug, SavedCheckpoint } from '../finetune/checkpoints';
import { MANIFEST_FILE } from '../engine/manifest';
import { DEFAULT_MODEL_ID } from '../engine/model-registry';
import { Albums } from './albums';
import { hashFile } from './file-hash';
import { OutputNamer, plannedNameState } from './output-names';
import { ColorizeJobParams, isPhotoJobKind, jobParams, makeJobParams, PhotoJobKind, RestoreSteps } from '../jobs/job-params';
import { restoreDecoded, restoreProvenance, upscaleRestored } from '../restore/restore-step';
import { markEnded, markRunning } from '../jobs/job-state';

export interface OpenOptions {
  library?: string;
  /**
   * 'owner' (default): this process works on the library, so it takes the library's lock (see
   * library-lock.ts) and may mark jobs left running by a process that is gone as interrupted.
   * 'reader': looks only (list, doctor). 'worker': a thread of the process that owns the lock.
   */
  role?: 'owner' | 'reader' | 'worker';
  /** What this owner is, for the message another process gets, e.g. "heirloom colorize". */
  holder?: string;
  /**
   * Where this installation's own files are (shipped models, SQLite binding), when not where a plain
   * checkout has them: the packaged desktop app passes its resources folder. Applies to this thread.
   */
  install?: InstallPaths;
}

export interface BatchOptions extends ColorizeParams {
  /** Folder for results; default: the library's outputs/<photo id>/. */
  outDir?: string;
  format?: OutputFormat;
  quality?: number;
  /** Model id or folder; default: the library's active checkpoint, else the shipped base model. */
  model?: string;
  signal?: AbortSignal;
  onProgress?: (p: BatchProgress) => void;
  /**
   * Default true: an unfinished job started with the same inputs, output folder and settings is
   * continued (its finished photos are not done again) instead of starting a new one.
   */
  resume?: boolean;
  /** What the caller was given, for the resume key (default: the files). */
  requestedInputs?: readonly string[];
  /** A user's colour hints per input (resolved path → hints); kept with the job and with each output. */
  hintsByInput?: ReadonlyMap<string, readonly PointHint[]>;
  /** Called once, before work starts, when an unfinished earlier job is continued. */
  onResume?: (jobId: number, alreadyDone: number, total: number) => void;
  /** Restore before (or instead of) colorizing: makes a 'restore' job with these steps. */
  restore?: Partial<RestoreSteps>;
}

export interface BatchItemResult {
  input: string;
  /** The item's position in its job. */
  seq?: number;
  /** Not colorized on purpose (e.g. it is itself a Heirloom result); not a failure. */
  skipped?: boolean;
  originalId?: number;
  output?: string;
  outputId?: number;
  /** The result is byte for byte a version the photo already has (outputId): no new version was made. */
  unchanged?: boolean;
  error?: string;
  /** The error's problem, for the window's words. */
  problem?: Problem;
  millis: number;
}

export interface BatchProgress {
  jobId: number;
  done: number;
  total: number;
  failed: number;
  item?: BatchItemResult;
  etaSeconds?: number;
  /** Within the photo being worked on (item seq, not yet done): a long step's own progress, e.g. enlarging tile by tile. */
  step?: { name: 'upscale'; input: string; done: number; total: number };
}

export interface BatchSummary {
  jobId: number;
  status: 'done' | 'failed' | 'cancelled';
  results: BatchItemResult[];
  modelId: string;
  modelWarning?: string;
  /** Set when an unfinished earlier job was continued: how many of its photos were already done. */
  resumed?: { alreadyDone: number };
}

/** An input that must not be imported as an original, with why (it is a Heirloom result). */
export class NotAnOriginalError extends CodedError {
  constructor(message: string, params: ProblemParams) {
    super('photo.isResult', params, message);
    this.name = 'NotAnOriginalError';
  }
}

export class HeirloomCore {
  /** The library's albums and their export. */
  readonly albums: Albums;

  private constructor(
    readonly paths: LibraryPaths,
    readonly catalogue: Catalogue,
    private readonly lock?: LibraryLock,
  ) {
    this.albums = new Albums(catalogue);
  }

  static open(opts: OpenOptions = {}): HeirloomCore {
    if (opts.install) setInstallPaths(opts.install);
    const paths = ensureLibrary(resolveLibraryDir(opts.library));
    const role = opts.role ?? 'owner';
    const lock = role === 'owner' ? acquireLibraryLock(paths.root, opts.holder ?? 'another Heirloom command') : undefined;
    try {
      // Only the lock's owner may call a 'running' job interrupted: no live process can be running it.
      // Opening checks the catalogue (quick_check; the full integrity_check after a crash or when the last
      // full one is old) and, once a day, backs it up; a worker thread leaves that to its owner.
      const backupDir = role === 'worker' ? undefined : paths.backups;
      const owner = role === 'owner';
      return new HeirloomCore(paths, Catalogue.open(paths.catalogue, { recoverCrashedJobs: owner, crashed: lock?.tookOver, backupDir }), lock);
    } catch (e) {
      lock?.release();
      throw e;
    }
  }

  /** The installation paths this core uses, for a worker thread that opens the same library. */
  get install(): InstallPaths {
    return installPaths();
  }

  close(): void {
    try {
      this.catalogue.close();
    } finally {
      this.lock?.release();
    }
  }

  /** The model to use, registered in the catalogue so outputs can name the checkpoint that made them. */
  async model(spec?: string): Promise<ModelResolution> {
    const wanted = spec ?? this.catalogue.getActiveCheckpoint()?.id;
    const res = await resolveModel(wanted, this.paths.models);
    const m = res.model.manifest;
    if (!this.catalogue.getCheckpoint(m.id)) {
      const shipped = !res.model.dir.startsWith(this.paths.models + path.sep);
      this.catalogue.registerCheckpoint({
        id: m.id,
        name: m.name,
        parentId: m.parentId ?? null,
        path: res.model.dir,
        kind: shipped ? 'shipped' : 'finetuned',
        metrics: (m.metrics as Record<string, unknown>) ?? null,
      });
    }
    return res;
  }

  /**
   * Fine-tunes on a folder of the family's colour photos (see finetune/trainer.ts). Each checkpoint
   * becomes a catalogue row with its parent; none is made active until the user says so.
   */
  async finetune(opts: FinetuneOptions & { from?: string }): Promise<FinetuneResult> {
    // A library that vanished is an error before anything is written (its folders are never made again).
    this.catalogue.assertIntact();
    const register = (ck: SavedCheckpoint, parentId: string | null): void => {
      this.catalogue.registerCheckpoint({
        id: ck.id,
        name: ck.state.run,
        parentId,
        path: ck.dir,
        kind: 'finetuned',
        metrics: { step: ck.state.step, trainSeconds: ck.state.trainSeconds, heldOut: ck.state.heldOut, base: ck.state.base, loss: ck.state.loss },
        dataSummary: { ...ck.state.data, skipped: ck.state.data.skipped.length },
      });
    };
    // A kill between a checkpoint's atomic save and its catalogue row leaves a complete checkpoint that
    // no row lists: it was lost to the catalogue, and resuming from it made every later save fail
    // (its child's parent_id named an unknown checkpoint: FOREIGN KEY constraint failed). Such
    // checkpoints of this run are listed now, oldest first, with the parent their own manifest names.
    for (const ck of listRunCheckpoints(this.paths.models, runSlug(opts.name))) {
      if (this.catalogue.getCheckpoint(ck.id)) continue;
      const parent = (JSON.parse(fs.readFileSync(path.join(ck.dir, MANIFEST_FILE), 'utf8')) as { parentId?: string }).parentId;
      register(ck, parent && this.catalogue.getCheckpoint(parent) ? parent : null);
    }
    return runFinetune(
      {
        modelsDir: this.paths.models,
        assertWritable: () => this.catalogue.assertIntact(),
        startModel: async () => {
          const { model, warning } = await this.model(opts.from);
          if (warning && opts.from) throw new Error(warning); // never silently fine-tune a different model
          return model;
        },
        onCheckpoint: register,
      },
      opts,
    );
  }

  /** Every model the catalogue knows (the shipped one registered on first use) and the one colorizing uses. */
  async listModels(): Promise<{ rows: CheckpointRow[]; activeId: string }> {
    const { model } = await this.model();
    return { rows: this.catalogue.listCheckpoints(), activeId: model.manifest.id };
  }

  /** Makes a checkpoint the one colorizing uses; the model files are loaded first so a broken one is refused. */
  async activateModel(id: string): Promise<void> {
    const { model, warning } = await this.model(id);
    if (warning || model.manifest.id !== id) throw new CodedError('model.notFound', { id }, warning ?? `No model "${id}".`);
    this.catalogue.setActiveCheckpoint(id);
  }

  /** Goes back one step: the active checkpoint's parent becomes active (the shipped model at the root). */
  async revertModel(): Promise<string> {
    const active = this.catalogue.getActiveCheckpoint();
    const target = active?.parentId ?? DEFAULT_MODEL_ID;
    await this.activateModel(target);
    return target;
  }

  /** Makes one of a photo's versions the one the gallery shows and albums export (null: the newest). */
  setCurrentVersion(photoId: number, outputId: number | null): void {
    this.catalogue.setCurrentOutput(photoId, outputId);
  }

  /**
   * Deletes a version. Its file goes too when it lies in the library's own outputs folder; a result
   * written to a folder the user chose stays there (the user may have shared or edited it).
   */
  deleteVersion(outputId: number): { deleted: boolean; fileRemoved: boolean; file?: string } {
    const row = this.catalogue.deleteOutput(outputId);
    if (!row) return { deleted: false, fileRemoved: false };
    fs.rmSync(path.join(this.paths.thumbs, 'outputs', `${outputId}.jpg`), { force: true });
    const inLibrary = path.relative(this.paths.outputs, row.path);
    const ours = inLibrary !== '' && !inLibrary.startsWith('..') && !path.isAbsolute(inLibrary);
    if (ours) fs.rmSync(row.path, { force: true });
    return { deleted: true, fileRemoved: ours, file: row.path };
  }

  /**
   * A photo whose original was moved or renamed, found again at `place` (the file, or a folder searched
   * for its bytes): the catalogue records the new path (the old one is kept among its other paths).
   */
  async locateOriginal(photoId: number, place: string): Promise<OriginalRow> {
    const row = this.catalogue.getOriginal(photoId);
    if (!row) throw new CodedError('photo.notInLibrary', { id: photoId }, `photo ${photoId} is not in the library`);
    return this.importPhoto(await findOriginal(row, place));
  }

  /** Takes a photo out of the library; the person's files stay, its versions' files go only with deleteVersions (missing-originals.ts). */
  removePhoto(photoId: number, deleteVersions: boolean): RemovedPhoto {
    return removePhoto(this.paths, this.catalogue, photoId, deleteVersions);
  }

  /** Records an original (hash, size, EXIF date and camera) and makes its gallery thumbnail once. */
  async importPhoto(file: string): Promise<OriginalRow> {
    const abs = path.resolve(file);
    const meta = await readPhotoMeta(abs);
    let sha: string;
    let bytes: number;
    try {
      sha = await hashFile(abs);
      bytes = fs.statSync(abs).size;
    } catch (e) {
      throw explainReadError(abs, e);
    }
    const made = this.catalogue.findOutputBySha(sha);
    if (made) {
      const of = this.catalogue.getOriginal(made.originalId);
      throw new NotAnOriginalError(
        `${abs} is a colorized result made by Heirloom${of ? ` (of ${path.basename(of.path)})` : ''}; it is not taken as an original.`,
        { name: path.basename(abs), of: of ? path.basename(of.path) : '' },
      );
    }
    const exif = readExif(meta.exif);
    // The thumbnail is decoded before anything is recorded, failing on truncation: the header alone cannot show a cut-off file.
    const known = this.catalogue.findOriginalBySha(sha);
    let thumbJpeg: Buffer | undefined;
    if (!known?.thumbPath || !fs.existsSync(known.thumbPath)) {
      try {
        thumbJpeg = await sharp(abs, { pages: 1, failOn: 'truncated' })
          .rotate()
          .resize(320, 320, { fit: 'inside' })
          .flatten({ background: '#ffffff' })
          .jpeg({ quality: 80 })
          .toBuffer();
      } catch (e) {
        throw explainReadError(abs, e);
      }
    }
    const row = this.catalogue.upsertOriginal({
      path: abs,
      sha256: sha,
      bytes,
      width: meta.width,
      height: meta.height,
      takenAt: exif.takenAt ?? null,
      camera: exif.camera ?? null,
    });
    if (thumbJpeg && (!row.thumbPath || !fs.existsSync(row.thumbPath))) {
      const thumb = path.join(this.paths.thumbs, `${sha.slice(0, 2)}`, `${sha}.jpg`);
      fs.mkdirSync(path.dirname(thumb), { recursive: true });
      try {
        removeStaleTemps([thumb]); // a thumbnail write torn by a kill (this process holds the library)
        writeFileAtomic(thumb, thumbJpeg);
        this.catalogue.setThumb(row.id, thumb);
      } catch (e) {
        throw explainReadError(abs, e);
      }
      return this.catalogue.getOriginal(row.id)!;
    }
    return row;
  }

  /**
   * Colorizes photos one by one; a bad file is reported and the batch goes on. Re-running the same
   * request after a crash or cancel continues that job: done photos are kept, nothing is duplicated.
   */
  async colorizeBatch(files: string[], opts: BatchOptions = {}): Promise<BatchSummary> {
    const { model, warning } = await this.model(opts.model);
    // The output folder is checked before a job is recorded: a bad --out is one clear error, not a job stuck 'running'.
    if (opts.outDir) ensureOutputFolder(path.resolve(opts.outDir));
    const kind: PhotoJobKind = opts.restore ? 'restore' : 'colorize';
    const params = makeJobParams(kind, {
      ...(opts.restore ? { steps: opts.restore } : {}),
      model: opts.model ?? model.manifest.id,
      workingSize: opts.workingSize ?? model.manifest.workingSize,
      saturation: opts.saturation ?? 1,
      format: opts.format ?? 'jpg',
      quality: opts.quality ?? 92,
      outDir: opts.outDir ? path.resolve(opts.outDir) : null,
      ...(opts.hintsByInput?.size ? { hints: Object.fromEntries([...opts.hintsByInput].map(([f, h]) => [path.resolve(f), [...h]])) } : {}),
    });
    params.resumeKey = resumeKey(opts.requestedInputs ?? files, params);
    const earlier =
      opts.resume === false ? undefined : (this.catalogue.findResumableJob(kind, params.resumeKey) ?? this.endedByDeadOwner(kind, params.resumeKey));
    let jobId: number;
    let resumed: BatchSummary['resumed'];
    if (earlier) {
      jobId = earlier.id;
      const items = this.catalogue.jobItems(jobId);
      resumed = { alreadyDone: items.filter((i) => i.status !== 'pending').length };
      // Photos added to the folders since then join the job; results the job planned are not inputs, but a
      // file that is provably not this job's at a name it planned (a new scan saved there) is one.
      const known = new Set([...items.map((i) => path.resolve(i.input)), ...(await plannedResults(items))]);
      const added = files.filter((f) => !known.has(path.resolve(f)));
      if (added.length) this.catalogue.addJobItems(jobId, added);
      opts.onResume?.(jobId, resumed.alreadyDone, items.length + added.length);
    } else {
      jobId = this.catalogue.createJob(kind, params, files).id;
    }
    const summary = await this.runColorizeJob(jobId, opts);
    // The job records the model actually used; a fallback's warning comes from resolving the one asked for.
    return { ...summary, modelWarning: summary.modelWarning ?? warning, resumed };
  }

  /**
   * The same command's job when the process whose lock this one took over had finished it but was killed
   * before it exited (found by scripts/soak.ts: a SIGKILL while closing). Its user saw a crash, not the
   * summary, and runs the command again: that re-run continues this job (nothing left to do) instead of
   * colorizing every photo again as "name (2).jpg". Jobs it touched are those updated since it took the
   * lock (one owner at a time). A re-run after a clean exit still makes new results, as before.
   */
  private endedByDeadOwner(kind: PhotoJobKind, resumeKey: string): JobRow | undefined {
    const dead = this.lock?.previousOwner;
    return dead ? this.catalogue.findJobEndedSince(kind, resumeKey, dead.startedAt) : undefined;
  }

  /**
   * Runs the pending items of a recorded job (a new one, or one interrupted by a crash or cancelled):
   * the job row is the source of truth, so a resumed job picks up exactly where it stopped.
   */
  async runColorizeJob(jobId: number, opts: Pick<BatchOptions, 'signal' | 'onProgress' | 'hints'> = {}): Promise<BatchSummary> {
    const row = this.catalogue.getJob(jobId);
    if (!row) throw new CodedError('job.notFound', { id: jobId }, `No job with id ${jobId}.`);
    if (!isPhotoJobKind(row.kind)) throw new Error(`Job ${row.id} is a ${row.kind} job, not a colorize or restore job.`);
    const saved = row.kind === 'restore' ? jobParams(row, 'restore') : { ...jobParams(row, 'colorize'), steps: undefined };
    const { model, warning } = await this.model(saved.model);
    const format = saved.format;
    const params = {
      model: model.manifest.id,
      workingSize: saved.workingSize ?? model.manifest.workingSize,
      saturation: saved.saturation,
      format,
      quality: saved.quality,
    };
    const outDir = saved.outDir ?? undefined;
    if (outDir) ensureOutputFolder(path.resolve(outDir));
    markRunning(this.catalogue, jobId);
    const items = this.catalogue.jobItems(jobId);
    const total = items.length;
    const pending = items.filter((i) => i.status === 'pending');
    let done = total - pending.length;
    let failed = items.filter((i) => i.status === 'failed').length;
    const namer = outDir ? new OutputNamer(path.resolve(outDir), format) : undefined;
    // Names this job already planned stay reserved for their own items.
    for (const it of items) if (it.plannedOutput) namer?.reserve(it.plannedOutput);
    // A kill mid-write left an item's result as a hidden temp file beside its planned name; this process
    // holds the library, so no one else is writing it: it is removed (the item is written again).
    removeStaleTemps(items.flatMap((i) => (i.plannedOutput ? [i.plannedOutput] : [])));
    const results: BatchItemResult[] = [];
    const started = Date.now();
    let cancelled = false;
    for (let k = 0; k < pending.length; k++) {
      if (opts.signal?.aborted) {
        cancelled = true;
        break;
      }
      // The library folder deleted or the catalogue found damaged: the batch stops here, loudly (throws).
      this.catalogue.assertIntact();
      const item = pending[k];
      const { seq, input } = item;
      const t0 = Date.now();
      let result: BatchItemResult;
      try {
        const pointHints = saved.hints?.[path.resolve(input)];
        const onStep = (name: 'upscale', stepDone: number, stepTotal: number): void =>
          opts.onProgress?.({ jobId, done, total, failed, step: { name, input, done: stepDone, total: stepTotal } });
        const { outputPath, outputId, originalId, unchanged } = await this.colorizeOne(
          input,
          model,
          params,
          { ...opts, pointHints, steps: saved.steps, onStep },
          namer,
          item,
        );
        result = { input, seq, output: outputPath, outputId, originalId, ...(unchanged ? { unchanged } : {}), millis: Date.now() - t0 };
      } catch (e) {
        // Cancelled inside a long step (enlarging): the photo stays pending, done again on resume.
        if (opts.signal?.aborted && (e as Error).name === 'AbortError') {
          cancelled = true;
          break;
        }
        const skipped = e instanceof NotAnOriginalError;
        if (!skipped) failed++;
        result = { input, seq, error: (e as Error).message, problem: problemOf(e), skipped, millis: Date.now() - t0 };
        this.catalogue.setJobItem(jobId, seq, skipped ? 'skipped' : 'failed', null, result.error, result.problem);
      }
      results.push(result);
      done++;
      const perItem = (Date.now() - started) / (k + 1);
      opts.onProgress?.({ jobId, done, total, failed, item: result, etaSeconds: Math.round((perItem * (total - done)) / 1000) });
    }
    const status = cancelled ? 'cancelled' : failed > 0 ? 'failed' : 'done';
    markEnded(
      this.catalogue,
      jobId,
      status,
      failed > 0 ? `${failed} of ${total} photos failed` : null,
      failed > 0 ? { code: 'job.photosFailed', params: { failed, total } } : null,
    );
    return { jobId, status, results, modelId: model.manifest.id, modelWarning: warning };
  }

  private async colorizeOne(
    input: string,
    model: ModelResolution['model'],
    params: { workingSize: number; saturation: number; format: OutputFormat; quality: number; model: string },
    opts: Pick<BatchOptions, 'hints' | 'pointHints' | 'signal'> & {
      steps?: RestoreSteps;
      onStep?: (name: 'upscale', done: number, total: number) => void;
    },
    namer: OutputNamer | undefined,
    item: Pick<JobItemRow, 'jobId' | 'seq' | 'plannedOutput' | 'plannedSha256'>,
  ): Promise<{ outputPath: string; outputId: number; originalId: number; unchanged?: boolean }> {
    // The file asked for, not the row's path: the same bytes may be recorded under an earlier path.
    const source = path.resolve(input);
    const original = await this.importPhoto(source);
    let photo = await decodePhoto(source);
    let recorded: Record<string, unknown> = { ...params };
    let colorize = true;
    const asScanned = photo;
    if (opts.steps) {
      // Restoration first, on the photo's own pixels; a colour photo keeps its colour (it is not colorized).
      // Enlarging comes after repair and tone (they work at the scanned size) and before colorizing.
      const restored = await upscaleRestored(restoreDecoded(photo, opts.steps), opts.steps, {
        signal: opts.signal,
        onProgress: (d, t) => opts.onStep?.('upscale', d, t),
      });
      photo = restored.photo;
      colorize = opts.steps.colorize && restored.grey;
      recorded = { ...recorded, ...restoreProvenance(opts.steps, restored, colorize) };
    }
    const colorParams = { workingSize: params.workingSize, saturation: params.saturation, hints: opts.hints, pointHints: opts.pointHints };
    let px: { rgb: Buffer; width: number; height: number } = photo;
    if (colorize && opts.steps) {
      // A restored print gets at least the colour the network gave it as scanned (colorize-restored.ts).
      const r = await colorizeRestored(asScanned, photo, model, colorParams);
      px = r.pixels;
      recorded = { ...recorded, chromaMatch: r.chromaMatch };
    } else if (colorize) px = await colorizePixels(photo, model, colorParams);
    const made = [opts.steps ? 'restored' : '', colorize ? `colorized with ${model.manifest.id}` : ''].filter(Boolean).join(', ');
    const encoded = await encodeColorized(px.rgb, px.width, px.height, photo.meta, {
      format: params.format,
      quality: params.quality,
      software: `Heirloom ${appVersion()} (${made})`,
    });
    const sha256 = createHash('sha256').update(encoded).digest('hex');
    // Colorized again with nothing changed: the library already holds these bytes as a version of this
    // photo, so no identical second version is made (a folder the person named still gets its file).
    const same = namer ? undefined : await this.sameVersion(original.id, sha256);
    if (same) {
      this.catalogue.setJobItem(item.jobId, item.seq, 'done', same.id);
      return { outputPath: same.path, outputId: same.id, originalId: original.id, unchanged: true };
    }
    // The name and the bytes' sha256 are recorded before the file is written: after a crash the re-run
    // writes the same name again only when nothing is there or the file there is exactly what this item
    // wrote (its own result, not yet in the catalogue), never "name (2)" for that. Anything else at the
    // name (the user's file, a new scan, another job's result) is kept: the photo takes the next free name.
    let outputPath = item.plannedOutput;
    if (outputPath !== null && (await plannedNameState(outputPath, item.plannedSha256)) === 'other') outputPath = null;
    outputPath ??= namer ? namer.nameFor(source) : libraryOutputName(path.join(this.paths.outputs, String(original.id)), source, params.format);
    if (outputPath !== item.plannedOutput || sha256 !== item.plannedSha256) this.catalogue.planItemOutput(item.jobId, item.seq, outputPath, sha256);
    try {
      fs.mkdirSync(path.dirname(outputPath), { recursive: true });
      writeFileAtomic(outputPath, encoded);
    } catch (e) {
      throw explainWriteError(outputPath, e);
    }
    // The output and the item's 'done' land together: a crash leaves both or neither.
    const row = this.catalogue.transaction(() => {
      const out = this.catalogue.addOutput({
        // Everything that made it, hints included, so it can be made again.
        originalId: original.id,
        checkpointId: model.manifest.id,
        params: opts.pointHints?.length && colorize ? { ...recorded, hints: [...opts.pointHints] } : recorded,
        path: outputPath,
        width: px.width,
        height: px.height,
        sha256,
      });
      this.catalogue.setJobItem(item.jobId, item.seq, 'done', out.id);
      return out;
    });
    return { outputPath, outputId: row.id, originalId: original.id };
  }

  /** A version of the photo whose file is still there with exactly these bytes. */
  private async sameVersion(originalId: number, sha256: string): Promise<OutputRow | undefined> {
    for (const o of this.catalogue.listOutputs(originalId)) {
      if (o.sha256 === sha256 && (await plannedNameState(o.path, sha256)) === 'own') return o;
    }
    return undefined;
  }
}

/**
 * The planned results of a job's items that may be this job's own files, so never inputs: those of
 * finished items (recorded outputs), and a pending item's unless the file there provably is not what it
 * wrote (it recorded a sha256 and the file has another).
 */
async function plannedResults(items: readonly JobItemRow[]): Promise<string[]> {
  const own: string[] = [];
  for (const i of items) {
    if (!i.plannedOutput) continue;
    if (i.status === 'pending' && i.plannedSha256 !== null && (await plannedNameState(i.plannedOutput, i.plannedSha256)) === 'other') continue;
    own.push(path.resolve(i.plannedOutput));
  }
  return own;
}

/** A free name for a result in the library's own outputs/<photo id>/ folder: <stem>-<time>.<format>. */
function libraryOutputName(dir: string, source: string, format: OutputFormat): string {
  const stem = `${path.parse(source).name}-${Date.now()}`;
  for (let n = 1; ; n++) {
    const candidate = path.join(dir, `${stem}${n === 1 ? '' : `-${n}`}.${format}`);
    if (!fs.lstatSync(candidate, { throwIfNoEntry: false })) return candidate;
  }
}

/** Why a folder cannot take the results, in plain words, from the error that said so. */
export function outputFolderError(dir: string, e: unknown): Error {
  const code = (e as NodeJS.ErrnoException).code;
  const why =
    code === 'EEXIST' || code === 'ENOTDIR'
      ? 'a file with this name (or in its path) is in the way'
      : code === 'EROFS'
        ? 'it is on a read-only disk'
        : code === 'EACCES' || code === 'EPERM'
          ? 'no permission to write there'
          : code === 'ENOSPC' || code === 'EDQUOT'
            ? 'the disk is full'
            : (e as Error).message.split('\n')[0];
  return new Error(`Cannot use ${dir} as the output folder: ${why}.`);
}

/** Creates the output folder, or says in plain words why it cannot be used. */
export function ensureOutputFolder(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw outputFolderError(dir, e);
  }
  if (!fs.statSync(dir).isDirectory()) throw new Error(`Cannot use ${dir} as the output folder: it is a file, not a folder.`);
  // An existing folder can still refuse writes (read-only disk, permissions): try one tiny file now, before any photo is
  // colorized (probes a kill left there earlier are removed first).
  try {
    probeWritable(dir);
  } catch (e) {
    throw outputFolderError(dir, e);
  }
}

/** Same requested inputs, output folder and settings → same key (sha1 of them, order-free). */
function resumeKey(inputs: readonly string[], p: ColorizeJobParams & { steps?: RestoreSteps }): string {
  const what = {
    inputs: [...new Set(inputs.map((f) => path.resolve(f)))].sort(),
    outDir: p.outDir,
    model: p.model,
    workingSize: p.workingSize,
    saturation: p.saturation,
    format: p.format,
    quality: p.quality,
    hints: p.hints ?? null,
    ...(p.steps ? { steps: p.steps } : {}),
  };
  return createHash('sha1').update(JSON.stringify(what)).digest('hex');
}
