// The core behind every face of Heirloom (CLI, desktop window, web bridge): one library, its
// catalogue, the colorizer, and batch work with progress, cancel and per-file errors.
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp = require('sharp');
import { appVersion } from '../app-paths';
import { Catalogue } from '../catalogue/catalogue';
import type { CheckpointRow, JobRow, JsonObject, OriginalRow } from '../catalogue/types';
import { writeFileAtomic } from '../fs-atomic';
import { decodePhoto, readPhotoMeta } from '../imaging/decode';
import { encodeColorized, OutputFormat, readExif } from '../imaging/encode';
import { explainReadError, explainWriteError } from '../imaging/photo-error';
import { ensureLibrary, LibraryPaths, resolveLibraryDir } from '../library';
import { resolveModel, ModelResolution } from '../engine/model-registry';
import { ColorizeParams, colorizePixels } from '../pipeline/colorize';
import { FinetuneOptions, FinetuneResult, runFinetune } from '../finetune/trainer';
import { DEFAULT_MODEL_ID } from '../engine/model-registry';
import { hashFile } from './file-hash';
import { OutputNamer } from './output-names';

export interface OpenOptions {
  library?: string;
  /** See CatalogueOpenOptions.recoverCrashedJobs. */
  recoverCrashedJobs?: boolean;
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
}

export interface BatchItemResult {
  input: string;
  /** The item's position in its job. */
  seq?: number;
  originalId?: number;
  output?: string;
  outputId?: number;
  error?: string;
  millis: number;
}

export interface BatchProgress {
  jobId: number;
  done: number;
  total: number;
  failed: number;
  item?: BatchItemResult;
  etaSeconds?: number;
}

export interface BatchSummary {
  jobId: number;
  status: 'done' | 'failed' | 'cancelled';
  results: BatchItemResult[];
  modelId: string;
  modelWarning?: string;
}

export class HeirloomCore {
  private constructor(readonly paths: LibraryPaths, readonly catalogue: Catalogue) {}

  static open(opts: OpenOptions = {}): HeirloomCore {
    const paths = ensureLibrary(resolveLibraryDir(opts.library));
    return new HeirloomCore(paths, Catalogue.open(paths.catalogue, { recoverCrashedJobs: opts.recoverCrashedJobs }));
  }

  close(): void {
    this.catalogue.close();
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
    return runFinetune(
      {
        modelsDir: this.paths.models,
        startModel: async () => {
          const { model, warning } = await this.model(opts.from);
          if (warning && opts.from) throw new Error(warning); // never silently fine-tune a different model
          return model;
        },
        onCheckpoint: (ck, parentId) => {
          this.catalogue.registerCheckpoint({
            id: ck.id,
            name: ck.state.run,
            parentId,
            path: ck.dir,
            kind: 'finetuned',
            metrics: { step: ck.state.step, trainSeconds: ck.state.trainSeconds, heldOut: ck.state.heldOut, base: ck.state.base, loss: ck.state.loss },
            dataSummary: { ...ck.state.data, skipped: ck.state.data.skipped.length },
          });
        },
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
    if (warning || model.manifest.id !== id) throw new Error(warning ?? `No model "${id}".`);
    this.catalogue.setActiveCheckpoint(id);
  }

  /** Goes back one step: the active checkpoint's parent becomes active (the shipped model at the root). */
  async revertModel(): Promise<string> {
    const active = this.catalogue.getActiveCheckpoint();
    const target = active?.parentId ?? DEFAULT_MODEL_ID;
    await this.activateModel(target);
    return target;
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
    const exif = readExif(meta.exif);
    const row = this.catalogue.upsertOriginal({
      path: abs, sha256: sha, bytes, width: meta.width, height: meta.height, takenAt: exif.takenAt ?? null, camera: exif.camera ?? null,
    });
    if (!row.thumbPath || !fs.existsSync(row.thumbPath)) {
      const thumb = path.join(this.paths.thumbs, `${sha.slice(0, 2)}`, `${sha}.jpg`);
      fs.mkdirSync(path.dirname(thumb), { recursive: true });
      try {
        const buf = await sharp(abs, { pages: 1, failOn: 'none' }).rotate().resize(320, 320, { fit: 'inside' }).flatten({ background: '#ffffff' }).jpeg({ quality: 80 }).toBuffer();
        writeFileAtomic(thumb, buf);
        this.catalogue.setThumb(row.id, thumb);
      } catch (e) {
        throw explainReadError(abs, e);
      }
      return this.catalogue.getOriginal(row.id)!;
    }
    return row;
  }

  /** Colorizes photos one by one; a bad file is reported and the batch goes on. */
  async colorizeBatch(files: string[], opts: BatchOptions = {}): Promise<BatchSummary> {
    const { model, warning } = await this.model(opts.model);
    // The output folder is checked before a job is recorded: a bad --out is one clear error, not a job stuck 'running'.
    if (opts.outDir) ensureOutputFolder(path.resolve(opts.outDir));
    const job = this.createColorizeJob(files, {
      model: model.manifest.id,
      workingSize: opts.workingSize ?? model.manifest.workingSize,
      saturation: opts.saturation ?? 1,
      format: opts.format ?? 'jpg',
      quality: opts.quality ?? 92,
      outDir: opts.outDir ?? null,
    });
    const summary = await this.runColorizeJob(job.id, opts);
    // The job records the model actually used; a fallback's warning comes from resolving the one asked for.
    return { ...summary, modelWarning: summary.modelWarning ?? warning };
  }

  /** Records a queued colorize job with one pending item per file; nothing runs yet. */
  createColorizeJob(files: readonly string[], params: JsonObject): JobRow {
    return this.catalogue.createJob('colorize', params, files);
  }

  /**
   * Runs the pending items of a recorded job (a new one, or one interrupted by a crash or cancelled):
   * the job row is the source of truth, so a resumed job picks up exactly where it stopped.
   */
  async runColorizeJob(jobId: number, opts: Pick<BatchOptions, 'signal' | 'onProgress' | 'hints'> = {}): Promise<BatchSummary> {
    const row = this.catalogue.getJob(jobId);
    if (!row) throw new Error(`No job with id ${jobId}.`);
    const saved = (row.params ?? {}) as Record<string, unknown>;
    const { model, warning } = await this.model(typeof saved.model === 'string' ? saved.model : undefined);
    const format: OutputFormat = saved.format === 'png' || saved.format === 'tiff' ? saved.format : 'jpg';
    const params = {
      model: model.manifest.id,
      workingSize: typeof saved.workingSize === 'number' ? saved.workingSize : model.manifest.workingSize,
      saturation: typeof saved.saturation === 'number' ? saved.saturation : 1,
      format,
      quality: typeof saved.quality === 'number' ? saved.quality : 92,
    };
    const outDir = typeof saved.outDir === 'string' ? saved.outDir : undefined;
    if (outDir) ensureOutputFolder(path.resolve(outDir));
    this.catalogue.updateJobStatus(jobId, 'running');
    const items = this.catalogue.jobItems(jobId);
    const total = items.length;
    const pending = items.filter((i) => i.status === 'pending');
    let done = total - pending.length;
    let failed = items.filter((i) => i.status === 'failed').length;
    const namer = outDir ? new OutputNamer(path.resolve(outDir), format) : undefined;
    const results: BatchItemResult[] = [];
    const started = Date.now();
    let cancelled = false;
    for (let k = 0; k < pending.length; k++) {
      if (opts.signal?.aborted) {
        cancelled = true;
        break;
      }
      const { seq, input } = pending[k];
      const t0 = Date.now();
      let result: BatchItemResult;
      try {
        const { outputPath, outputId, originalId } = await this.colorizeOne(input, model, params, opts, namer);
        result = { input, seq, output: outputPath, outputId, originalId, millis: Date.now() - t0 };
        this.catalogue.setJobItem(jobId, seq, 'done', outputId);
      } catch (e) {
        failed++;
        result = { input, seq, error: (e as Error).message, millis: Date.now() - t0 };
        this.catalogue.setJobItem(jobId, seq, 'failed', null, result.error);
      }
      results.push(result);
      done++;
      const perItem = (Date.now() - started) / (k + 1);
      opts.onProgress?.({ jobId, done, total, failed, item: result, etaSeconds: Math.round((perItem * (total - done)) / 1000) });
    }
    const status = cancelled ? 'cancelled' : failed > 0 ? 'failed' : 'done';
    this.catalogue.updateJobStatus(jobId, status, failed > 0 ? `${failed} of ${total} photos failed` : null);
    return { jobId, status, results, modelId: model.manifest.id, modelWarning: warning };
  }

  private async colorizeOne(
    input: string,
    model: ModelResolution['model'],
    params: { workingSize: number; saturation: number; format: OutputFormat; quality: number; model: string },
    opts: Pick<BatchOptions, 'hints'>,
    namer?: OutputNamer,
  ): Promise<{ outputPath: string; outputId: number; originalId: number }> {
    const original = await this.importPhoto(input);
    const photo = await decodePhoto(original.path);
    const px = await colorizePixels(photo, model, { workingSize: params.workingSize, saturation: params.saturation, hints: opts.hints });
    const encoded = await encodeColorized(px.rgb, px.width, px.height, photo.meta, {
      format: params.format,
      quality: params.quality,
      software: `Heirloom ${appVersion()} (colorized with ${model.manifest.id})`,
    });
    const outputPath = namer
      ? namer.nameFor(original.path)
      : path.join(this.paths.outputs, String(original.id), `${path.parse(original.path).name}-${Date.now()}.${params.format}`);
    try {
      fs.mkdirSync(path.dirname(outputPath), { recursive: true });
      writeFileAtomic(outputPath, encoded);
    } catch (e) {
      throw explainWriteError(outputPath, e);
    }
    const row = this.catalogue.addOutput({
      originalId: original.id, checkpointId: model.manifest.id, params, path: outputPath, width: px.width, height: px.height,
    });
    return { outputPath, outputId: row.id, originalId: original.id };
  }
}

/** Creates the output folder, or says in plain words why it cannot be used. */
function ensureOutputFolder(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'EEXIST' || code === 'ENOTDIR' ? 'a file with this name (or in its path) is in the way'
      : code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? 'no permission to write there'
      : code === 'ENOSPC' ? 'the disk is full'
      : (e as Error).message.split('\n')[0];
    throw new Error(`Cannot use ${dir} as the output folder: ${why}.`);
  }
  if (!fs.statSync(dir).isDirectory()) throw new Error(`Cannot use ${dir} as the output folder: it is a file, not a folder.`);
}
